package election_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// clock is a settable time shared by the service, the queue and mail.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// start is when every test's story begins.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fixture is an organisation with a returning officer, a scrutineer, a
// branch and a council group, and the election service wired as in
// cmd/quorum.
type fixture struct {
	t      testing.TB
	ctx    context.Context
	db     *store.DB
	clock  *clock
	queue  *jobs.Queue
	runner *jobs.Runner
	svc    *election.Service
	ro     *auth.Principal
	scrut  *auth.Principal
	third  *auth.Principal // a scrutineer who is a third trustee where needed
	branch int64
	group  int64
	union  int64
	logs   *strings.Builder
}

type fixtureOptions struct {
	demo bool
}

func newFixture(t testing.TB, db *store.DB, opts ...fixtureOptions) *fixture {
	t.Helper()
	var o fixtureOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx := context.Background()
	clk := &clock{now: start}
	q := jobs.NewQueue(db, clk.Now)
	logs := &strings.Builder{}
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil))
	r := jobs.NewRunner(q, jobs.Config{Workers: 1, Logger: logger})
	m, err := mail.NewService(db, q, mail.Config{From: "Quorum <quorum@example.org>", Clock: clk.Now, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	m.Register(r)
	svc := election.New(db, m, q, election.Config{BaseURL: "https://quorum.example.org", AllowDemoShares: o.demo, Now: clk.Now, Logger: logger})
	svc.Register(r)
	f := &fixture{t: t, ctx: ctx, db: db, clock: clk, queue: q, runner: r, svc: svc, logs: logs}
	f.branch = f.unit("branch", "Tyneside")
	f.group = f.unit("council_group", "Newcastle Labour Group")
	f.union = f.unit("union", "Transport Union")
	f.ro = f.official("Rita Returning", auth.RoleReturningOfficer)
	f.scrut = f.official("Sam Scrutineer", auth.RoleScrutineer)
	f.third = f.official("Tess Third", auth.RoleScrutineer)
	return f
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (f *fixture) tx(fn func(tx *store.Tx) error) {
	f.t.Helper()
	if err := f.db.InTx(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

var slugN struct {
	sync.Mutex
	n int
}

func nextSlug(prefix string) string {
	slugN.Lock()
	defer slugN.Unlock()
	slugN.n++
	return fmt.Sprintf("%s-%d", prefix, slugN.n)
}

func (f *fixture) unit(typ, name string) int64 {
	var id int64
	f.tx(func(tx *store.Tx) error {
		var err error
		id, err = tx.CreateUnit(f.ctx, store.Unit{Type: typ, Name: name, Slug: nextSlug("u")})
		return err
	})
	return id
}

func (f *fixture) person(name, gender string) int64 {
	var id int64
	f.tx(func(tx *store.Tx) error {
		var err error
		slug := nextSlug("p")
		id, err = tx.CreatePerson(f.ctx, store.Person{Name: name, Email: slug + "@example.org", Gender: gender, Slug: slug})
		return err
	})
	return id
}

func (f *fixture) official(name string, role auth.Role) *auth.Principal {
	id := f.person(name, "")
	f.tx(func(tx *store.Tx) error {
		_, err := tx.AddGrant(f.ctx, store.Grant{PersonID: id, Role: string(role)})
		return err
	})
	return &auth.Principal{PersonID: id, Name: name, SecondFactor: true, Grants: []store.Grant{{PersonID: id, Role: string(role)}}}
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// member adds a membership; lapse "" for none.
func (f *fixture) member(personID, unitID int64, typ, startDate, lapse, status string) {
	m := store.Membership{PersonID: personID, UnitID: unitID, Number: nextSlug("M"), Type: typ, Start: date(startDate), Status: status}
	if lapse != "" {
		m.Lapse.Valid, m.Lapse.Time = true, date(lapse)
	}
	f.tx(func(tx *store.Tx) error {
		_, err := tx.CreateMembership(f.ctx, m)
		return err
	})
}

// voters makes n members of the branch and returns their principals.
func (f *fixture) voters(n int) []*auth.Principal {
	out := make([]*auth.Principal, n)
	for i := range out {
		name := fmt.Sprintf("Voter %03d", i+1)
		id := f.person(name, "")
		f.member(id, f.branch, "full", "2020-01-01", "", "active")
		out[i] = &auth.Principal{PersonID: id, Name: name, Member: true}
	}
	return out
}

// candidates on every test election: two women, three men.
var candidateNames = []struct{ name, gender string }{
	{"Alice Adams", "woman"}, {"Bob Brown", "man"}, {"Carol Clark", "woman"}, {"Dan Davis", "man"}, {"Ed Evans", "man"},
}

type electionOptions struct {
	seats       int
	method      string
	quotas      []election.Quota
	allowChange bool
	byUnit      bool
	threshold   int
	third       bool // a third trustee
	demo        bool
	mailings    int
}

// election sets up an election with candidates, rules and a key whose
// shares are collected (the returning officer's as a file, the others
// sealed with passphrases), leaving it in draft, voting to open at
// start+1h and close at start+1d.
func (f *fixture) election(o electionOptions) (store.Election, []store.Candidate, []byte) {
	f.t.Helper()
	if o.seats == 0 {
		o.seats = 2
	}
	if o.threshold == 0 {
		o.threshold = 2
	}
	in := election.Settings{
		Title: "National Executive: members' section", Seats: o.seats, Method: o.method, Quotas: o.quotas,
		AllowVoteChange: o.allowChange, TurnoutByUnit: o.byUnit, MailingsPerCandidate: o.mailings, CountSeed: "20260507",
		Timetable: election.Timetable{Freeze: start.Add(30 * time.Minute), BallotOpen: start.Add(time.Hour), BallotClose: start.Add(24 * time.Hour), Declare: start.Add(48 * time.Hour)},
	}
	in.Slug = nextSlug("nec")
	e, err := f.svc.Create(f.ctx, f.ro, in)
	if err != nil {
		f.t.Fatalf("create: %v", err)
	}
	var cs []store.Candidate
	for _, c := range candidateNames {
		cand, err := f.svc.AddCandidate(f.ctx, f.ro, e.ID, election.CandidateInput{Name: c.name, Attributes: map[string]string{"gender": c.gender}, Statement: "I will *serve*."})
		if err != nil {
			f.t.Fatalf("candidate: %v", err)
		}
		cs = append(cs, cand)
	}
	if err := f.svc.SetRules(f.ctx, f.ro, e.ID, []election.Rule{{Kind: election.RuleMembers, UnitTypes: []string{"branch"}}}); err != nil {
		f.t.Fatalf("rules: %v", err)
	}
	trustees := []election.TrusteeInput{{PersonID: f.ro.PersonID, Role: election.TrusteeReturningOfficer}, {PersonID: f.scrut.PersonID, Role: election.TrusteeScrutineer}}
	if o.third {
		trustees = append(trustees, election.TrusteeInput{PersonID: f.third.PersonID, Role: election.TrusteeScrutineer})
	}
	if err := f.svc.SetUpKey(f.ctx, f.ro, e.ID, election.KeyInput{Threshold: o.threshold, Trustees: trustees, KeepSharesForDemo: o.demo}); err != nil {
		f.t.Fatalf("key: %v", err)
	}
	file, _, err := f.svc.CollectShareFile(f.ctx, f.ro, e.ID)
	if err != nil {
		f.t.Fatalf("collect file: %v", err)
	}
	if err := f.svc.SealShare(f.ctx, f.scrut, e.ID, scrutineerPassphrase); err != nil {
		f.t.Fatalf("seal share: %v", err)
	}
	if o.third {
		if err := f.svc.SealShare(f.ctx, f.third, e.ID, thirdPassphrase); err != nil {
			f.t.Fatalf("seal share: %v", err)
		}
	}
	e, err = f.db.ElectionByID(f.ctx, e.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return e, cs, file
}

const (
	scrutineerPassphrase = "correct horse battery staple"
	thirdPassphrase      = "another long passphrase here"
)

// runJobsAt moves the clock and runs every job due.
func (f *fixture) runJobsAt(at time.Time) {
	f.t.Helper()
	f.clock.Set(at)
	if _, err := f.runner.RunDue(f.ctx); err != nil {
		f.t.Fatal(err)
	}
}

// open runs the freeze and open jobs.
func (f *fixture) open(e store.Election) {
	f.t.Helper()
	f.runJobsAt(e.BallotOpen)
	got, err := f.db.ElectionByID(f.ctx, e.ID)
	if err != nil || got.Status != store.ElectionOpen {
		f.t.Fatalf("after the open job: status %q %v; jobs: %s", got.Status, err, f.logs.String())
	}
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// randomRanking is a random non-empty ranking of some candidates.
func randomRanking(r *rand.Rand, cs []store.Candidate) []int64 {
	perm := r.Perm(len(cs))
	n := 1 + r.IntN(len(cs))
	out := make([]int64, n)
	for i := range n {
		out[i] = cs[perm[i]].ID
	}
	return out
}

// principal is a signed-in person without roles.
func principal(personID int64) *auth.Principal {
	return &auth.Principal{PersonID: personID, Name: "someone"}
}
