// Package demo fills an empty Quorum database with a fictional party, so
// that every page has something to show and every feature something to
// work on: regions and branches, council groups, affiliated unions and
// societies, twenty thousand members joining and lapsing over ten years,
// councillors and MPs, the national executive with its sections, seats and
// terms, its sub-committees and past meetings.
//
// The same Options give byte-identical data: every random choice comes from
// a PCG generator seeded from Options.Seed, every date is counted from
// Options.Today, and nothing iterates over a map.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"quorum/internal/store"
)

// DefaultToday is the reference date used when Options.Today is zero. It is
// fixed rather than the clock's date so that a given seed always gives the
// same data.
var DefaultToday = time.Date(2026, time.February, 1, 0, 0, 0, 0, time.UTC)

// ErrNotEmpty is returned (wrapped) when the database already holds an
// organisation.
var ErrNotEmpty = store.ErrOrganisationExists

// Options choose the demo organisation.
type Options struct {
	// Seed picks every name, date and choice; the same seed gives the same data.
	Seed int64
	// Today is the date the data is "as of": memberships start up to ten
	// years before it, current terms are open on it, meetings are before
	// it. Zero means DefaultToday. Only the calendar date is used.
	Today time.Time
}

// Person is one of the demo people with a memorable e-mail address, for
// whom the caller creates a log-in.
type Person struct {
	ID    int64
	Name  string
	Email string
}

// Counts are the numbers of rows written, for printing.
type Counts struct {
	Units, People, Memberships, PublicOffices int
	Bodies, Sections, Seats, SeatTerms        int
	Meetings                                  int
}

// Summary tells the caller who is who, so that it can create log-ins and
// grant roles (the demo itself creates no accounts and grants no roles).
type Summary struct {
	Organisation string
	Seed         int64
	Today        time.Time

	Administrator    Person
	ReturningOfficer Person
	Scrutineer       Person

	BranchSecretary Person
	BranchID        int64 // the unit of which BranchSecretary is secretary

	CouncilGroupSecretary Person
	CouncilGroupID        int64 // the unit of which CouncilGroupSecretary is secretary

	NECSecretary Person
	NECID        int64 // the body of which NECSecretary is secretary

	// NECSeatHolder holds a local-government seat on the NEC and is a
	// councillor: the representative who reports back.
	NECSeatHolder Person

	// Member is an ordinary member of the BranchID branch with no office.
	Member Person

	Counts Counts
}

// Load fills an empty, migrated database with the demo organisation in one
// transaction, so that a failure leaves nothing behind. It refuses (with an
// error wrapping ErrNotEmpty, writing nothing) when the organisation table
// already has a row. Rows are numbered after any already in their tables
// (a person made before the load keeps their id), and the Summary gives the
// ids as written. It takes about a third of a second on SQLite.
func Load(ctx context.Context, db *store.DB, opts Options) (*Summary, error) {
	var sum *Summary
	err := db.LoadDemo(ctx, func(base store.IDBase) (*store.DemoData, error) {
		data, s := newBuilder(opts.Seed, opts.today(), base).build()
		sum = s
		return data, nil
	})
	if err != nil {
		return nil, fmt.Errorf("load demo organisation: %w", err)
	}
	return sum, nil
}

// Build returns the demo data Load would write into an empty database,
// without a database: for tests and for a look at the data.
func Build(opts Options) (*store.DemoData, *Summary) {
	return newBuilder(opts.Seed, opts.today(), store.IDBase{}).build()
}

// today is the reference date: the calendar day of Today (DefaultToday
// when zero) at midnight UTC, so that the hour of the call changes nothing.
func (o Options) today() time.Time {
	t := o.Today
	if t.IsZero() {
		t = DefaultToday
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// builder carries the state of one generation. Each part of the data draws
// from its own random stream, so that a change to how, say, meetings are
// made does not reshuffle every member.
type builder struct {
	seed  int64
	today time.Time
	ids   store.IDBase // last id used per table

	d   store.DemoData
	sum Summary

	units   unitIndex
	cast    castIndex
	pool    peoplePool
	offices officeIndex
}

// Stream numbers of the random generators, one per part.
const (
	streamUnits uint64 = iota + 1
	streamPeople
	streamOffices
	streamBodies
	streamMeetings
)

func (b *builder) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(b.seed), stream*0x9E3779B97F4A7C15))
}

func newBuilder(seed int64, today time.Time, base store.IDBase) *builder {
	return &builder{seed: seed, today: today, ids: base}
}

func (b *builder) build() (*store.DemoData, *Summary) {
	b.d.Organisation = store.OrganisationRow{
		Name:        OrganisationName,
		ShortName:   OrganisationShortName,
		Description: "A fictional membership party for trying Quorum out. Every person, place, union and number in it is made up.",
	}
	b.buildUnits(b.rng(streamUnits))
	b.buildPeople(b.rng(streamPeople))
	b.buildOffices(b.rng(streamOffices))
	b.buildBodies(b.rng(streamBodies))
	b.buildMeetings(b.rng(streamMeetings))

	b.sum.Organisation = OrganisationName
	b.sum.Seed = b.seed
	b.sum.Today = b.today
	b.sum.Counts = Counts{
		Units: len(b.d.Units), People: len(b.d.People), Memberships: len(b.d.Memberships),
		PublicOffices: len(b.d.PublicOffices), Bodies: len(b.d.Bodies), Sections: len(b.d.Sections),
		Seats: len(b.d.Seats), SeatTerms: len(b.d.SeatTerms), Meetings: len(b.d.Meetings),
	}
	return &b.d, &b.sum
}

// OrganisationName is the fictional party. It is no real party's name.
const (
	OrganisationName      = "Meridian Party"
	OrganisationShortName = "Meridian"
)
