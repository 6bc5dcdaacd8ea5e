package demo

import (
	"math/rand/v2"
	"slices"
	"time"

	"quorum/internal/store"
)

// Public offices: councillors in every council group, a handful of MPs,
// and one member of the European Parliament from before the UK left it.

const (
	mpCount           = 16 // enough for the leader, deputy, frontbench and parliamentary seats, now and before
	officeCouncillor  = "councillor"
	officeMP          = "Member of Parliament"
	officeMEP         = "Member of the European Parliament"
	authorityCommons  = "House of Commons"
	authorityEuroParl = "European Parliament"
)

// officeIndex remembers who holds which office, as indexes into the people pool.
type officeIndex struct {
	councillors [][]councillor // current councillors per council, in unitIndex.councils order
	mps         []mp           // newest first
	mep         int
	mepEnd      time.Time
}

type councillor struct {
	person int // index into the people pool
	since  time.Time
}

type mp struct {
	person int // index into the people pool
	since  time.Time
}

// pickPerson picks someone not yet given an office or seat who satisfies
// ok: first by random draws, then, for rare conditions, by a scan from a
// random place. It returns -1 when nobody fits.
func (b *builder) pickPerson(r *rand.Rand, ok func(*person) bool) int {
	n := len(b.pool.people)
	fits := func(i int) bool { return !b.pool.used[i] && !b.pool.people[i].cast && ok(&b.pool.people[i]) }
	for range 400 {
		if i := r.IntN(n); fits(i) {
			b.pool.used[i] = true
			return i
		}
	}
	start := r.IntN(n)
	for k := range n {
		if i := (start + k) % n; fits(i) {
			b.pool.used[i] = true
			return i
		}
	}
	return -1
}

// indexOf turns a person id into an index into the pool.
func (b *builder) indexOf(id int64) int { return int(id - b.pool.people[0].id) }

func (b *builder) addOffice(pi int, office, authority string, unit int64, start, end time.Time) {
	b.ids.PublicOffices++
	b.d.PublicOffices = append(b.d.PublicOffices, store.PublicOfficeRow{
		ID: b.ids.PublicOffices, PersonID: b.pool.people[pi].id, Office: office, Authority: authority,
		UnitID: unit, StartDate: start, EndDate: end,
	})
	// Public representatives are public: their profiles show by default.
	b.d.People[pi].ShowProfile = true
}

func (b *builder) buildOffices(r *rand.Rand) {
	b.offices.councillors = make([][]councillor, len(b.units.councils))
	for ci, c := range b.units.councils {
		// Each council elects all its members every four years, in one of
		// the last four Mays.
		year := b.today.Year() - 1 - r.IntN(4)
		if localElectionDay(year + 4).Before(b.today) {
			year += 4
		}
		elected, previous := localElectionDay(year), localElectionDay(year-4)
		var current []councillor
		// The cast's councillors have sat for three terms, long enough to
		// have stood for the NEC's local-government seats before.
		switch ci {
		case b.units.demoCouncil:
			current = append(current, councillor{b.indexOf(b.cast.groupSecretary), localElectionDay(year - 8)})
		case b.units.nationCouncil:
			current = append(current, councillor{b.indexOf(b.cast.councillor), localElectionDay(year - 8)})
		}
		for k := range 3 + r.IntN(6) {
			since := elected
			if k%3 == 1 { // a third are serving a second term or more
				since = previous
			}
			inArea := func(p *person) bool {
				return p.active(since, 2) && !p.youth && b.units.branches[p.branch].area == c.area
			}
			if pi := b.pickPerson(r, inArea); pi >= 0 {
				current = append(current, councillor{pi, since})
			}
		}
		for _, cl := range current {
			b.addOffice(cl.person, officeCouncillor, c.authority, c.id, cl.since, time.Time{})
		}
		// Former councillors, who lost or stood down at the last election.
		for range r.IntN(3) {
			if pi := b.pickPerson(r, func(p *person) bool {
				return p.active(previous, 2) && !p.youth && b.units.branches[p.branch].area == c.area
			}); pi >= 0 {
				b.addOffice(pi, officeCouncillor, c.authority, c.id, localElectionDay(year-8), elected)
			}
		}
		b.offices.councillors[ci] = current
	}

	// MPs sit for their own constituency party's seat. Half were first
	// elected at the last general election, the rest at one of the three
	// before, enough to have held the seats whose terms began back then.
	elections := []time.Time{b.generalElection(19), b.generalElection(74), b.generalElection(104), b.generalElection(129)}
	for k := range mpCount {
		first := elections[0]
		if k < mpCount/2 {
			first = elections[1+k%3]
		}
		pi := b.pickPerson(r, func(p *person) bool { return p.active(first, 5) && !p.youth })
		b.offices.mps = append(b.offices.mps, mp{person: pi, since: first})
		p := b.pool.people[pi]
		b.addOffice(pi, officeMP, authorityCommons, b.units.branches[p.branch].id, first, time.Time{})
	}
	slices.SortStableFunc(b.offices.mps, func(x, y mp) int { return y.since.Compare(x.since) })

	// The member of the European Parliament served until the UK left.
	mepStart, mepEnd := day(b.today.Year()-12, time.July, 1), day(b.today.Year()-6, time.January, 31)
	b.offices.mepEnd = mepEnd
	b.offices.mep = b.pickPerson(r, func(p *person) bool { return p.active(mepStart, 8) && p.active(b.today, 0) })
	p := b.pool.people[b.offices.mep]
	b.addOffice(b.offices.mep, officeMEP, authorityEuroParl, b.units.areas[b.units.branches[p.branch].area].id, mepStart, mepEnd)
}

// generalElection is the first Thursday of the month monthsAgo months
// before today: general elections fall on Thursdays.
func (b *builder) generalElection(monthsAgo int) time.Time {
	return weekdayOnOrAfter(b.monthStart(monthsAgo), time.Thursday)
}
