package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"quorum/internal/store"
)

// The National Executive Committee: 39 seats in 14 sections, as the
// party's rule book sets them out, with current and past terms, and its
// four sub-committees.

// holderPool says where a section's seat holders come from.
type holderPool int

const (
	fromMembers     holderPool = iota // members of two years' standing
	fromYouth                         // youth members
	fromScotland                      // members in Scottish branches
	fromWales                         // members in Welsh branches
	fromUnions                        // members of an affiliated union
	fromSocieties                     // members of a socialist society
	fromCouncillors                   // sitting councillors
	fromMPs                           // sitting MPs
)

// termKind says how a section's terms run.
type termKind int

const (
	electedTerms  termKind = iota // two years from the close of conference
	exOfficio                     // open-ended, while holding the office
	appointedTerm                 // open-ended, from an appointment
)

type necSection struct {
	name             string
	seats, minWomen  int
	mayStand, elects string
	pool             holderPool
	terms            termKind
}

const membersSection = "Members' section (CLP)"

// necSections lists the sections in display order.
var necSections = []necSection{
	{membersSection, 9, 5, "Individual members of the party, nominated by branches", "All individual members, one member one vote", fromMembers, electedTerms},
	{"Affiliates (trade unions)", 13, 6, "Members of affiliated trade unions, nominated by their union", "Affiliated trade unions, at annual conference", fromUnions, electedTerms},
	{"Local government", 2, 1, "Councillors who are members of the party, nominated by their council group", "Council group members nominate; all councillors elect", fromCouncillors, electedTerms},
	{"BAME", 1, 0, "Members who self-define as Black, Asian or minority ethnic", "Members who self-define as Black, Asian or minority ethnic", fromMembers, electedTerms},
	{"Disabled members", 1, 0, "Members who self-define as disabled", "Members who self-define as disabled", fromMembers, electedTerms},
	{"Youth", 1, 0, "Youth members", "Youth members, one member one vote", fromYouth, electedTerms},
	{"Scotland", 1, 0, "The leader of the party in Scotland or their nominee", "The Scottish party nominates", fromScotland, appointedTerm},
	{"Wales", 1, 0, "The leader of the party in Wales or their nominee", "The Welsh party nominates", fromWales, appointedTerm},
	{"Parliamentary (PLP/EPLP)", 3, 0, "Members of Parliament in the party (before the UK left the EU, also its MEPs)", "The parliamentary party elects", fromMPs, electedTerms},
	{"Frontbench", 3, 0, "Members of the frontbench in Parliament", "The leader appoints", fromMPs, appointedTerm},
	{"Leader", 1, 0, "The leader of the party, ex officio", "Members and affiliated supporters, in a leadership election", fromMPs, exOfficio},
	{"Deputy leader", 1, 0, "The deputy leader of the party, ex officio", "Members and affiliated supporters, in a deputy leadership election", fromMPs, exOfficio},
	{"Treasurer", 1, 0, "Individual members of the party", "All individual members, one member one vote", fromMembers, electedTerms},
	{"Socialist societies", 1, 0, "Members of affiliated socialist societies, nominated by their society", "Affiliated socialist societies", fromSocieties, electedTerms},
}

// The vacancies, so that by-elections have something to fill.
const (
	vacantMembersSeat = 9 // Members' section (CLP), Seat 9: the holder resigned
	vacantYouthSeat   = 1 // Youth, Seat 1: no valid nomination at the last election
)

// The sub-committees: each a body under the NEC with one section of members
// drawn from the NEC.
var subCommittees = []struct {
	name, slug, description string
	seats                   int
}{
	{"Organisation Committee", "nec-organisation", "Oversees the party's structures, selections, membership and campaigning organisation.", 8},
	{"Procedures Committee", "nec-procedures", "Keeps the rule book and the standing orders of the party's bodies, and rules on their interpretation.", 6},
	{"Equalities Committee", "nec-equalities", "Works to make the party's representatives reflect the people it serves, and oversees its equality sections.", 7},
	{"Disputes Panel", "nec-disputes", "Hears disputes and complaints referred to the NEC, and appeals against local decisions.", 10},
}

// seating keeps, while the NEC is filled, who has sat on it.
type seating struct {
	seated      []bool       // by pool index: has held an NEC seat
	councillors []councillor // current councillors, shuffled, without the cast
	mpCursor    int
	currentNEC  []int // pool indexes of current holders, in seat order
}

func (b *builder) buildBodies(r *rand.Rand) {
	b.ids.Bodies++
	necID := b.ids.Bodies
	b.d.Bodies = append(b.d.Bodies, store.BodyRow{
		ID: necID, Name: "National Executive Committee", Slug: "nec",
		Description: "The party's governing body between conferences: it sets the party's direction, oversees its finances and organisation, and runs its internal elections.",
	})
	b.sum.NECID = necID

	s := &seating{seated: make([]bool, len(b.pool.people))}
	for _, cs := range b.offices.councillors {
		for _, cl := range cs {
			if !b.pool.people[cl.person].cast {
				s.councillors = append(s.councillors, cl)
			}
		}
	}
	r.Shuffle(len(s.councillors), func(i, j int) { s.councillors[i], s.councillors[j] = s.councillors[j], s.councillors[i] })

	for pos, sec := range necSections {
		b.addNECSection(r, s, necID, pos+1, sec)
	}
	b.addSubCommittees(r, s, necID)
}

func (b *builder) addSection(body int64, name string, seats, minWomen, position int, mayStand, elects string) int64 {
	b.ids.Sections++
	b.d.Sections = append(b.d.Sections, store.SectionRow{
		ID: b.ids.Sections, BodyID: body, Name: name, Seats: seats, WhoMayStand: mayStand, WhoElects: elects,
		MinWomen: minWomen, Position: position,
	})
	return b.ids.Sections
}

func (b *builder) addSeat(section int64, position int) int64 {
	b.ids.Seats++
	b.d.Seats = append(b.d.Seats, store.SeatRow{ID: b.ids.Seats, SectionID: section, Label: fmt.Sprintf("Seat %d", position), Position: position})
	return b.ids.Seats
}

func (b *builder) addTerm(seat int64, pi int, start, end time.Time, note string) {
	b.ids.SeatTerms++
	b.d.SeatTerms = append(b.d.SeatTerms, store.SeatTermRow{
		ID: b.ids.SeatTerms, SeatID: seat, PersonID: b.pool.people[pi].id, TermStart: start, TermEnd: end, Note: note,
	})
	b.d.People[pi].ShowProfile = true
}

func (b *builder) addNECSection(r *rand.Rand, s *seating, necID int64, position int, sec necSection) {
	section := b.addSection(necID, sec.name, sec.seats, sec.minWomen, position, sec.mayStand, sec.elects)
	conf := b.lastConference()
	prevConf := conferenceClose(conf.Year() - 2)
	for n := 1; n <= sec.seats; n++ {
		seat := b.addSeat(section, n)
		woman := n <= sec.minWomen
		switch {
		case sec.name == "Local government" && n == 1:
			// The demo's reporting representative, re-elected once.
			pi := b.indexOf(b.cast.councillor)
			s.seated[pi] = true
			b.addTerm(seat, pi, prevConf, conf, "")
			b.addTerm(seat, pi, conf, conf.AddDate(2, 0, 0), "re-elected")
			s.currentNEC = append(s.currentNEC, pi)
			continue
		case sec.name == membersSection && n == vacantMembersSeat:
			pi := b.pickHolder(r, s, sec, prevConf, woman)
			b.addTerm(seat, pi, prevConf, conf, "")
			// The holder resigned halfway between conference and today.
			pi = b.pickHolder(r, s, sec, conf, woman)
			resigned := conf.AddDate(0, 0, max(1, int(b.today.Sub(conf).Hours()/24/2)))
			b.addTerm(seat, pi, conf, resigned, "resigned; a by-election is to follow")
			continue
		case sec.pool == fromYouth && n == vacantYouthSeat:
			pi := b.pickHolder(r, s, sec, prevConf, woman)
			b.addTerm(seat, pi, prevConf, conf, "term ended; no valid nomination was received for the next term")
			continue
		case sec.name == "Parliamentary (PLP/EPLP)" && n == sec.seats:
			// The EPLP's seat until the UK left the EU, then filled by an MP.
			mep := b.offices.mep
			s.seated[mep] = true
			mepEnd := b.offices.mepEnd
			b.addTerm(seat, mep, conferenceClose(mepEnd.Year()-2), mepEnd, "EPLP member; the seat passed to the PLP when the UK left the EU")
			pi := b.pickHolder(r, s, sec, mepEnd, woman)
			b.addTerm(seat, pi, mepEnd.AddDate(0, 2, 0), conf, "elected by the PLP")
			pi = b.pickHolder(r, s, sec, conf, woman)
			b.addTerm(seat, pi, conf, conf.AddDate(2, 0, 0), "")
			s.currentNEC = append(s.currentNEC, pi)
			continue
		}

		var pi int
		switch sec.terms {
		case electedTerms:
			prev := b.pickHolder(r, s, sec, prevConf, woman)
			b.addTerm(seat, prev, prevConf, conf, b.nominatedBy(prev, sec))
			pi = prev
			note := "re-elected"
			if r.IntN(2) == 0 {
				pi, note = b.pickHolder(r, s, sec, conf, woman), ""
			}
			if n := b.nominatedBy(pi, sec); n != "" {
				note = n
			}
			b.addTerm(seat, pi, conf, conf.AddDate(2, 0, 0), note)
		case appointedTerm:
			start := conf
			if sec.pool == fromMPs {
				start = b.generalElection(19).AddDate(0, 0, 7) // the frontbench formed after the election
			} else {
				prev := b.pickHolder(r, s, sec, prevConf, woman)
				b.addTerm(seat, prev, prevConf, conf, "")
			}
			pi = b.pickHolder(r, s, sec, start, woman)
			b.addTerm(seat, pi, start, time.Time{}, "")
		case exOfficio:
			// The leader and deputy came in at contests, succeeding others.
			start, prevStart := b.leadershipResult(70), b.leadershipResult(115)
			if sec.name == "Deputy leader" {
				start, prevStart = b.leadershipResult(4), b.leadershipResult(70)
			}
			prev := b.pickHolder(r, s, sec, prevStart, woman)
			b.addTerm(seat, prev, prevStart, start, "stood down")
			pi = b.pickHolder(r, s, sec, start, woman)
			b.addTerm(seat, pi, start, time.Time{}, "")
		}
		s.currentNEC = append(s.currentNEC, pi)
	}
}

// leadershipResult is the Saturday a leadership contest that drew a surge
// of joiners monthsAgo months before today declared its result.
func (b *builder) leadershipResult(monthsAgo int) time.Time {
	return weekdayOnOrAfter(b.monthStart(monthsAgo), time.Saturday)
}

// nominatedBy notes the union or society behind an affiliates' seat.
func (b *builder) nominatedBy(pi int, sec necSection) string {
	p := b.pool.people[pi]
	switch {
	case sec.pool == fromUnions && p.union >= 0:
		return "Nominated by the " + b.units.unions[p.union].name
	case sec.pool == fromSocieties && p.society >= 0:
		return "Nominated by the " + b.units.societies[p.society].name
	}
	return ""
}

// pickHolder finds someone for a seat from the section's pool: a member in
// good standing on the day the term starts, a woman where the section's
// minimum needs one, never anyone who has sat on the NEC before.
func (b *builder) pickHolder(r *rand.Rand, s *seating, sec necSection, at time.Time, woman bool) int {
	fits := func(p *person) bool {
		return p.active(at, 0) && (!woman || p.gender == "woman")
	}
	var pi int
	switch sec.pool {
	case fromCouncillors:
		pi = -1
		for _, cl := range s.councillors {
			if !s.seated[cl.person] && !cl.since.After(at) && fits(&b.pool.people[cl.person]) {
				pi = cl.person
				break
			}
		}
	case fromMPs:
		// Newest MPs first, so that the few who sat in earlier parliaments
		// are left for the seats whose terms began then.
		pi = -1
		for _, mp := range b.offices.mps {
			if !s.seated[mp.person] && !mp.since.After(at) && fits(&b.pool.people[mp.person]) {
				pi = mp.person
				break
			}
		}
	default:
		pi = b.pickPerson(r, func(p *person) bool {
			if !fits(p) {
				return false
			}
			switch sec.pool {
			case fromYouth:
				return p.youth
			case fromScotland, fromWales:
				want := "Scotland"
				if sec.pool == fromWales {
					want = "Wales"
				}
				return p.active(at, 2) && b.units.areas[b.units.branches[p.branch].area].area.name == want
			case fromUnions:
				return p.union >= 0
			case fromSocieties:
				return p.society >= 0
			}
			return p.active(at, 2) && !p.youth
		})
	}
	if pi < 0 {
		// Cannot happen with the demo's numbers; a test holds it to that.
		panic(fmt.Sprintf("demo: nobody left to hold a seat in %s", sec.name))
	}
	s.seated[pi] = true
	return pi
}

// addSubCommittees makes the four sub-committees, each with a single
// section of members drawn from the current NEC; nobody sits on more than
// two, and the local-government representative sits on Equalities.
func (b *builder) addSubCommittees(r *rand.Rand, s *seating, necID int64) {
	// Appointed at the first NEC after conference (or today, if that is yet to come).
	start := b.lastConference().AddDate(0, 0, 21)
	if start.After(b.today) {
		start = b.today
	}
	places := make([]int, len(s.currentNEC)) // sub-committee places per current holder
	order := r.Perm(len(s.currentNEC))
	councillor := b.indexOf(b.cast.councillor)
	for _, sc := range subCommittees {
		b.ids.Bodies++
		body := b.ids.Bodies
		b.d.Bodies = append(b.d.Bodies, store.BodyRow{ID: body, Name: sc.name, Slug: sc.slug, Description: sc.description, ParentID: necID})
		section := b.addSection(body, "Members", sc.seats, 0, 1, "Members of the National Executive Committee", "The National Executive Committee appoints")
		var members []int
		if sc.slug == "nec-equalities" {
			members = append(members, councillor)
		}
		for _, k := range order {
			if len(members) == sc.seats {
				break
			}
			if pi := s.currentNEC[k]; places[k] < 2 && pi != councillor {
				places[k]++
				members = append(members, pi)
			}
		}
		order = append(order[len(order)/3:], order[:len(order)/3]...) // the next committee starts elsewhere
		for n, pi := range members {
			seat := b.addSeat(section, n+1)
			note := ""
			if n == 0 {
				note = "chair"
			}
			b.addTerm(seat, pi, start, time.Time{}, note)
		}
	}
}
