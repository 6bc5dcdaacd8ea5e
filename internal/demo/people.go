package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"quorum/internal/store"
)

// GeneratedPeople is how many ordinary members the demo makes, besides the
// cast of people with demo log-ins.
const GeneratedPeople = 20000

const (
	joinWindowMonths   = 120  // memberships start in the last ten years…
	longStandingShare  = 0.12 // …except these, who joined 10 to 40 years ago
	youthShare         = 0.08
	affiliatedShare    = 0.02 // members who also belong to an affiliated union
	societyMemberShare = 0.01 // members who also belong to a socialist society
)

// person is what later parts need to know about a demo person.
type person struct {
	id      int64
	gender  string
	branch  int       // index into unitIndex.branches; -1 for no membership
	start   time.Time // membership start (or record creation without one)
	lapse   time.Time // zero while the membership is active
	youth   bool
	union   int // index into unitIndex.unions, -1 for none
	society int // index into unitIndex.societies, -1 for none
	cast    bool
}

// active reports whether the person is a member in good standing on d,
// having joined at least minYears before.
func (p *person) active(d time.Time, minYears int) bool {
	return p.branch >= 0 && !p.start.After(d.AddDate(-minYears, 0, 0)) && (p.lapse.IsZero() || p.lapse.After(d))
}

// peoplePool is every person, in id order.
type peoplePool struct {
	people []person
	used   []bool // already given an office or seat by a later part
}

// castMember is one of the people with a memorable e-mail address.
type castMember struct {
	role        *Person // where the Summary records them
	first, last string
	gender      string
	email       string
	branch      func(*unitIndex) int // nil: not a member (independent officials)
	yearsAgo    int
}

// castIndex holds the person ids of the cast, for later parts.
type castIndex struct {
	groupSecretary, councillor int64
}

func (b *builder) castMembers(r *rand.Rand) []castMember {
	s := &b.sum
	demoBranch := func(u *unitIndex) int { return u.demoBranch }
	anyBranch := func(u *unitIndex) int { return u.pickBranch(r) }
	inCouncilArea := func(c func(*unitIndex) int) func(*unitIndex) int {
		return func(u *unitIndex) int {
			bs := u.areas[u.councils[c(u)].area].branches
			return bs[r.IntN(len(bs))]
		}
	}
	return []castMember{
		{&s.Administrator, "Adele", "Adams", "woman", "admin@demo.example.org", anyBranch, 8},
		{&s.ReturningOfficer, "Rowan", "Oakley", "", "ro@demo.example.org", nil, 3},
		{&s.Scrutineer, "Sam", "Scrivener", "", "scrutineer@demo.example.org", nil, 3},
		{&s.BranchSecretary, "Bella", "Branson", "woman", "secretary@demo.example.org", demoBranch, 9},
		{&s.CouncilGroupSecretary, "Gareth", "Groves", "man", "group.secretary@demo.example.org", inCouncilArea(func(u *unitIndex) int { return u.demoCouncil }), 14},
		{&s.NECSecretary, "Nasreen", "Ellis", "woman", "nec.secretary@demo.example.org", anyBranch, 11},
		{&s.NECSeatHolder, "Carys", "Cole", "woman", "councillor@demo.example.org", inCouncilArea(func(u *unitIndex) int { return u.nationCouncil }), 16},
		{&s.Member, "Max", "Mercer", "man", "member@demo.example.org", demoBranch, 2},
	}
}

// draft is a person before ids are given out.
type draft struct {
	first, last, gender, email string
	branch                     int
	start, lapse               time.Time
	youth                      bool
	cast                       *castMember
}

func (b *builder) buildPeople(r *rand.Rand) {
	drafts := make([]draft, 0, GeneratedPeople+16)
	cast := b.castMembers(r)
	for i := range cast {
		c := &cast[i]
		d := draft{first: c.first, last: c.last, gender: c.gender, email: c.email, branch: -1, cast: c,
			start: b.today.AddDate(-c.yearsAgo, -r.IntN(12), -r.IntN(28))}
		if c.branch != nil {
			d.branch = c.branch(&b.units)
		}
		drafts = append(drafts, d)
	}

	c := newCurves()
	for range GeneratedPeople {
		drafts = append(drafts, b.draftMember(r, c))
	}

	// Ids and membership numbers follow the order of joining, as a
	// membership system hands them out. Sorting indexes keeps it cheap.
	order := make([]int, len(drafts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return drafts[x].start.Compare(drafts[y].start) })

	// The cast keep their plain slugs; a namesake becomes "carys-cole-2".
	slugs, emails := uniqueNames{}, uniqueNames{}
	for _, d := range drafts {
		if d.cast != nil {
			slugs.reserve(slugify(d.first + " " + d.last))
		}
	}
	wordSlugs := map[string]string{} // slugify is the costliest step otherwise
	slugOf := func(word string) string {
		s, ok := wordSlugs[word]
		if !ok {
			s = slugify(word)
			wordSlugs[word] = s
		}
		return s
	}
	b.pool.people = make([]person, 0, len(drafts))
	b.d.People = make([]store.PersonRow, 0, len(drafts))
	b.d.Memberships = make([]store.MembershipRow, 0, len(drafts)+len(drafts)/20) // room for the affiliated ones
	for _, i := range order {
		d := &drafts[i]
		b.ids.People++
		id := b.ids.People
		name := d.first + " " + d.last
		var slug, email string
		if d.cast != nil {
			slug, email = slugify(name), d.email
		} else {
			first, last := slugOf(d.first), slugOf(d.last)
			slug = slugs.claim(first+"-"+last, "-")
			email = emails.claim(strings.ReplaceAll(first, "-", "")+"."+strings.ReplaceAll(last, "-", ""), "") + "@example.org"
		}
		b.d.People = append(b.d.People, store.PersonRow{
			ID: id, Name: name, Email: email, Gender: d.gender, Slug: slug,
			CreatedAt: d.start.Add(10 * time.Hour),
		})
		p := person{id: id, gender: d.gender, branch: d.branch, start: d.start, lapse: d.lapse, youth: d.youth, union: -1, society: -1, cast: d.cast != nil}
		if d.cast != nil {
			*d.cast.role = Person{ID: id, Name: name, Email: email}
		}
		b.pool.people = append(b.pool.people, p)
		if d.branch < 0 {
			continue
		}
		b.ids.Memberships++
		m := store.MembershipRow{
			ID: b.ids.Memberships, PersonID: id, UnitID: b.units.branches[d.branch].id,
			Number: fmt.Sprintf("M%07d", len(b.d.Memberships)+1), Type: "full", Status: "active",
			StartDate: d.start, LapseDate: d.lapse,
		}
		if d.youth {
			m.Type = "youth"
		}
		if !d.lapse.IsZero() {
			m.Status = "lapsed"
		}
		b.d.Memberships = append(b.d.Memberships, m)
	}
	b.pool.used = make([]bool, len(b.pool.people))
	b.castIDs()
	b.addAffiliatedMemberships(r)
}

func (b *builder) castIDs() {
	b.cast = castIndex{
		groupSecretary: b.sum.CouncilGroupSecretary.ID,
		councillor:     b.sum.NECSeatHolder.ID,
	}
}

// draftMember makes one ordinary member: a name that fits the gender, a
// branch, a join date that follows the surges, and perhaps a lapse.
func (b *builder) draftMember(r *rand.Rand, c *curves) draft {
	d := draft{branch: b.units.pickBranch(r)}
	switch g := r.Float64(); {
	case g < 0.49:
		d.gender, d.first = "woman", womenFirstNames[r.IntN(len(womenFirstNames))]
	case g < 0.96:
		d.gender, d.first = "man", menFirstNames[r.IntN(len(menFirstNames))]
	case g < 0.975:
		d.gender, d.first = "non-binary", neutralFirstNames[r.IntN(len(neutralFirstNames))]
	default:
		d.first = neutralFirstNames[r.IntN(len(neutralFirstNames))]
	}
	d.last = lastNames[r.IntN(len(lastNames))]
	d.youth = r.Float64() < youthShare

	if r.Float64() < longStandingShare {
		// Long-standing members: those of them who ever lapsed are gone
		// from the roll, so fewer lapse within the window.
		d.start = b.today.AddDate(-10-r.IntN(30), -r.IntN(12), -r.IntN(28))
		d.youth = false
		if r.Float64() < 0.06 {
			d.lapse = b.pickLapseInWindow(r, c)
		}
		return d
	}

	ago := c.joins.pick(r, 0, joinWindowMonths)
	d.start = b.dayInMonth(r, b.monthStart(ago))
	// Surge joiners lapse more often than steady ones.
	if r.Float64() < 0.15+0.24*c.surgeShare[ago] {
		d.lapse = b.pickLapse(r, c, ago)
	}
	return d
}

// addAffiliatedMemberships gives some active members a second membership
// in an affiliated union or socialist society: the people from whom the
// affiliates' and societies' seats are filled.
func (b *builder) addAffiliatedMemberships(r *rand.Rand) {
	n := 0
	add := func(p *person, unit int64, since time.Time) {
		n++
		if since.After(b.today) {
			since = b.today
		}
		b.ids.Memberships++
		b.d.Memberships = append(b.d.Memberships, store.MembershipRow{
			ID: b.ids.Memberships, PersonID: p.id, UnitID: unit, Number: fmt.Sprintf("A%07d", n),
			Type: "affiliated", Status: "active", StartDate: since,
		})
	}
	for i := range b.pool.people {
		p := &b.pool.people[i]
		if p.cast || !p.active(b.today, 0) {
			continue
		}
		switch x := r.Float64(); {
		case x < affiliatedShare:
			p.union = r.IntN(len(b.units.unions))
			add(p, b.units.unions[p.union].id, p.start.AddDate(0, r.IntN(24), 0))
		case x < affiliatedShare+societyMemberShare:
			p.society = r.IntN(len(b.units.societies))
			add(p, b.units.societies[p.society].id, p.start.AddDate(0, r.IntN(24), 0))
		}
	}
}
