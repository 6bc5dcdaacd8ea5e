package nomination_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/nomination"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// start: Monday 1 June 2026, 09:00 in London (BST, UTC+1).
var start = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

type fixture struct {
	t      testing.TB
	ctx    context.Context
	db     *store.DB
	clock  *clock
	runner *jobs.Runner
	svc    *nomination.Service
	elec   *election.Service
	ro     *auth.Principal
	n      int
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	ctx := context.Background()
	clk := &clock{now: start}
	q := jobs.NewQueue(db, clk.Now)
	r := jobs.NewRunner(q, jobs.Config{Workers: 1})
	m, err := mail.NewService(db, q, mail.Config{From: "Quorum <quorum@example.org>", Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	m.Register(r)
	el := election.New(db, m, q, election.Config{BaseURL: "https://quorum.example.org", Now: clk.Now})
	el.Register(r)
	svc := nomination.New(db, m, q, el, nomination.Config{BaseURL: "https://quorum.example.org", Now: clk.Now})
	svc.Register(r)
	f := &fixture{t: t, ctx: ctx, db: db, clock: clk, runner: r, svc: svc, elec: el}
	id := f.person("Rita Returning", "")
	f.tx(func(tx *store.Tx) error {
		_, err := tx.AddGrant(ctx, store.Grant{PersonID: id, Role: "returning_officer"})
		return err
	})
	f.ro = &auth.Principal{PersonID: id, Name: "Rita Returning", SecondFactor: true, Grants: []store.Grant{{PersonID: id, Role: "returning_officer"}}}
	return f
}

func (f *fixture) tx(fn func(tx *store.Tx) error) {
	f.t.Helper()
	if err := f.db.InTx(f.ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) person(name, gender string) int64 {
	f.n++
	slug := fmt.Sprintf("p%d", f.n)
	var id int64
	f.tx(func(tx *store.Tx) error {
		var err error
		id, err = tx.CreatePerson(f.ctx, store.Person{Name: name, Email: slug + "@example.org", Gender: gender, Slug: slug})
		return err
	})
	return id
}

func (f *fixture) unit(typ, name string) int64 {
	f.n++
	var id int64
	f.tx(func(tx *store.Tx) error {
		var err error
		id, err = tx.CreateUnit(f.ctx, store.Unit{Type: typ, Name: name, Slug: fmt.Sprintf("u%d", f.n)})
		return err
	})
	return id
}

// officer makes a person an officer of a unit.
func (f *fixture) officer(name string, unitID int64) *auth.Principal {
	id := f.person(name, "")
	g := store.Grant{PersonID: id, Role: "officer", UnitID: unitID}
	f.tx(func(tx *store.Tx) error { _, err := tx.AddGrant(f.ctx, g); return err })
	return &auth.Principal{PersonID: id, Name: name, Grants: []store.Grant{g}}
}

func (f *fixture) candidate(name, gender string) *auth.Principal {
	id := f.person(name, gender)
	return &auth.Principal{PersonID: id, Name: name, Member: true}
}

func (f *fixture) draftElection() store.Election {
	f.n++
	e, err := f.elec.Create(f.ctx, f.ro, election.Settings{Title: fmt.Sprintf("Local government section %d", f.n), Seats: 2,
		Quotas: []election.Quota{{Attribute: "gender", Value: "woman", Min: 1}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// localGovernment opens the period for the two local government seats:
// council groups nominate one woman and one man at a recorded meeting, by
// 17:00 London time on 24 June.
func (f *fixture) localGovernment(electionID int64) store.NominationPeriod {
	per, err := f.svc.CreatePeriod(f.ctx, f.ro, nomination.PeriodInput{
		Title: fmt.Sprintf("Local government representatives %d", f.n), ElectionID: electionID, UnitTypes: []string{"council_group"},
		Slots:           []store.NominationSlot{{Key: "woman", Label: "A woman", Gender: "woman"}, {Key: "man", Label: "A man", Gender: "man"}},
		MeetingRequired: true, CloseDate: "2026-06-24", CloseTime: "17:00", TimeZone: "Europe/London"})
	if err != nil {
		f.t.Fatal(err)
	}
	return per
}

func (f *fixture) declare(p *auth.Principal, periodID int64) store.NominationCandidate {
	c, err := f.svc.Declare(f.ctx, p, periodID, "I will stand up for councillors.")
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func TestLocalGovernmentNominationsToTheBallot(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e := f.draftElection()
		group := f.unit("council_group", "Islington Labour Group")
		branch := f.unit("branch", "Islington North")
		secretary := f.officer("Sue Secretary", group)
		branchSec := f.officer("Ben Branch", branch)
		per := f.localGovernment(e.ID)
		if got := per.ClosesAt; !got.Equal(time.Date(2026, 6, 24, 16, 0, 0, 0, time.UTC)) {
			t.Fatalf("deadline = %s, want 16:00 UTC (17:00 BST)", got)
		}
		alice := f.candidate("Alice Perry", "woman")
		nick := f.candidate("Nick Forbes", "man")
		ca, cn := f.declare(alice, per.ID), f.declare(nick, per.ID)

		in := nomination.NominationInput{Nominator: fmt.Sprintf("unit:%d", group), Choices: map[string]int64{"woman": ca.ID, "man": cn.ID},
			MeetingDate: time.Date(2026, 5, 28, 0, 0, 0, 0, time.UTC), Present: 23, Votes: map[int64]int{ca.ID: 20, cn.ID: 19}}
		// Who may not nominate for the group.
		for _, p := range []*auth.Principal{branchSec, alice, f.ro, {}} {
			if _, err := f.svc.Nominate(f.ctx, p, per.ID, in); !errors.Is(err, nomination.ErrNotNominator) && !errors.Is(err, auth.ErrSignInNeeded) {
				t.Errorf("person %d nominating for the group: %v", p.PersonID, err)
			}
		}
		// A branch is not a nominating body here.
		if _, err := f.svc.Nominate(f.ctx, branchSec, per.ID, nomination.NominationInput{Nominator: fmt.Sprintf("unit:%d", branch), Choices: map[string]int64{"woman": ca.ID}}); !errors.Is(err, nomination.ErrNotNominator) {
			t.Errorf("branch nominating: %v", err)
		}
		// Places by gender, and the meeting record.
		bad := in
		bad.Choices = map[string]int64{"woman": cn.ID}
		if _, err := f.svc.Nominate(f.ctx, secretary, per.ID, bad); err == nil {
			t.Error("a man nominated in the woman's place")
		}
		bad = in
		bad.Present = 0
		if fe, ok := nomination.AsFieldErrors(func() error { _, err := f.svc.Nominate(f.ctx, secretary, per.ID, bad); return err }()); !ok || fe["present"] == "" {
			t.Errorf("meeting without attendance accepted: %v", fe)
		}

		noms, err := f.svc.Nominate(f.ctx, secretary, per.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(noms) != 2 || noms[0].MeetingPresent != 23 {
			t.Fatalf("nominations: %+v", noms)
		}
		receipts := 0
		msgs, _, _ := db.Outbox(f.ctx, store.OutboxFilter{Page: store.Page{Size: 100}})
		for _, m := range msgs {
			if strings.HasPrefix(m.Subject, "Nominations received") && strings.Contains(m.Text, "Alice Perry") && strings.Contains(m.Text, "Nick Forbes") {
				receipts++
			}
		}
		if receipts != 1 {
			t.Errorf("receipts to the group's one officer = %d, want 1", receipts)
		}
		// A stale form (made before the nominations) is refused.
		if _, err := f.svc.Nominate(f.ctx, secretary, per.ID, in); !errors.Is(err, nomination.ErrChanged) {
			t.Errorf("stale form: %v", err)
		}

		tl, err := f.svc.Tally(f.ctx, per.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range tl.Standings {
			if !st.Qualifies || st.Pending != 1 {
				t.Errorf("live standing of %s: %+v", st.Candidate.Name, st)
			}
		}
		// Consent: only the candidate.
		if err := f.svc.Answer(f.ctx, nick, noms[0].ID, true); !errors.Is(err, nomination.ErrNotCandidate) && noms[0].CandidateID == ca.ID {
			t.Errorf("Nick answering Alice's nomination: %v", err)
		}
		for _, n := range noms {
			who := alice
			if n.CandidateID == cn.ID {
				who = nick
			}
			if err := f.svc.Answer(f.ctx, who, n.ID, true); err != nil {
				t.Fatal(err)
			}
		}

		// The close job waits for 17:00 London time.
		f.clock.Set(time.Date(2026, 6, 24, 15, 59, 59, 0, time.UTC))
		if _, err := f.runner.RunDue(f.ctx); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.PeriodByID(f.ctx, per.ID); p.Status != store.PeriodOpen {
			t.Fatal("closed before the deadline")
		}
		f.clock.Set(time.Date(2026, 6, 24, 16, 0, 0, 0, time.UTC))
		if _, err := f.svc.Nominate(f.ctx, secretary, per.ID, nomination.NominationInput{Nominator: in.Nominator, Seen: nomination.LiveIDs(noms)}); !errors.Is(err, nomination.ErrClosed) {
			t.Errorf("withdrawal at the deadline: %v", err)
		}
		if _, err := f.runner.RunDue(f.ctx); err != nil {
			t.Fatal(err)
		}
		p, _ := db.PeriodByID(f.ctx, per.ID)
		if p.Status != store.PeriodClosed || !p.HandedOver {
			t.Fatalf("after the deadline: %+v", p)
		}
		ballot, err := f.elec.Candidates(f.ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ballot) != 2 || ballot[0].Attributes["gender"] == "" {
			t.Fatalf("ballot: %+v", ballot)
		}
		// Running the job again changes nothing.
		if _, err := f.svc.Tally(f.ctx, per.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.HandOver(f.ctx, f.ro, per.ID); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.elec.Candidates(f.ctx, e.ID); len(again) != 2 {
			t.Errorf("hand-over again: %d candidates", len(again))
		}
		var closes int
		db.QueryRow(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'nomination.close'`).Scan(&closes)
		if closes != 1 {
			t.Errorf("close audited %d times", closes)
		}
		msgs, _, _ = db.Outbox(f.ctx, store.OutboxFilter{Page: store.Page{Size: 100}})
		closedMail := 0
		for _, m := range msgs {
			if strings.HasPrefix(m.Subject, "Nominations closed") {
				closedMail++
			}
		}
		if closedMail != 3 { // two candidates, one officer
			t.Errorf("close e-mails = %d, want 3", closedMail)
		}
	})
}

func TestTwoOfficersAtOnceMakeOneNomination(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		group := f.unit("council_group", "Newcastle Labour Group")
		chair, secretary := f.officer("Carl Chair", group), f.officer("Sue Secretary", group)
		per, err := f.svc.CreatePeriod(f.ctx, f.ro, nomination.PeriodInput{Title: "Leader of the council group", UnitTypes: []string{"council_group"},
			CloseDate: "2026-06-24", CloseTime: "17:00", TimeZone: "Europe/London"})
		if err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			// Two fresh candidates each round, so that both officers change
			// the body's nomination.
			a := f.declare(f.candidate(fmt.Sprintf("Ann %d", round), "woman"), per.ID)
			b := f.declare(f.candidate(fmt.Sprintf("Bea %d", round), "woman"), per.ID)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			seen, _ := f.svc.NominationsOf(f.ctx, per.ID, fmt.Sprintf("unit:%d", group))
			for i, p := range []*auth.Principal{chair, secretary} {
				choice := []int64{a.ID, b.ID}[i]
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.svc.Nominate(f.ctx, p, per.ID, nomination.NominationInput{Nominator: fmt.Sprintf("unit:%d", group),
						Choices: map[string]int64{"1": choice}, Seen: nomination.LiveIDs(seen)})
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if !errors.Is(err, nomination.ErrChanged) {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			live, _ := f.svc.NominationsOf(f.ctx, per.ID, fmt.Sprintf("unit:%d", group))
			if ok != 1 || len(live) != 1 {
				t.Fatalf("round %d: %d succeeded, %d live nominations", round, ok, len(live))
			}
		}
	})
}

func TestIndividualNominatorsAndRuleVersions(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const mpOffice = "Member of Parliament"
		var mps []*auth.Principal
		for i := range 10 {
			id := f.person(fmt.Sprintf("MP %d", i), "")
			f.tx(func(tx *store.Tx) error {
				_, err := tx.CreateOffice(f.ctx, store.Office{PersonID: id, Office: mpOffice})
				return err
			})
			mps = append(mps, &auth.Principal{PersonID: id, Name: fmt.Sprintf("MP %d", i)})
		}
		rule := func(pct nomination.Percent) nomination.Rule {
			return nomination.Rule{OfficeShare: &nomination.OfficeShare{Office: mpOffice, Percent: pct}}
		}
		if err := f.svc.AddRule(f.ctx, f.ro, "Leader (vacancy)", time.Date(2017, 9, 27, 0, 0, 0, 0, time.UTC), rule(1000), "Rule book 2017"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.AddRule(f.ctx, f.ro, "Leader (vacancy)", time.Date(2021, 9, 29, 0, 0, 0, 0, time.UTC), rule(2000), "Rule book 2021"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.AddRule(f.ctx, mps[0], "Leader (vacancy)", time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), rule(5000), ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("an MP adding a rule: %v", err)
		}
		e := f.draftElection()
		per, err := f.svc.CreatePeriod(f.ctx, f.ro, nomination.PeriodInput{Title: "Leader", ElectionID: e.ID, NominatorOffice: mpOffice, RuleName: "Leader (vacancy)",
			CloseDate: "2026-06-10", CloseTime: "12:00", TimeZone: "Europe/London"})
		if err != nil {
			t.Fatal(err)
		}
		c1, c2 := f.candidate("Keir K", "man"), f.candidate("Lisa N", "woman")
		k, l := f.declare(c1, per.ID), f.declare(c2, per.ID)
		// Two MPs for Keir (20% of 10 met), one for Lisa (not met).
		for i, cand := range []int64{k.ID, k.ID, l.ID} {
			ns, err := f.svc.NominatorsFor(f.ctx, mps[i], per)
			if err != nil || len(ns) != 1 {
				t.Fatalf("MP %d nominators: %v %v", i, ns, err)
			}
			noms, err := f.svc.Nominate(f.ctx, mps[i], per.ID, nomination.NominationInput{Nominator: ns[0].Key, Choices: map[string]int64{"1": cand}})
			if err != nil {
				t.Fatal(err)
			}
			who := c1
			if cand == l.ID {
				who = c2
			}
			if err := f.svc.Answer(f.ctx, who, noms[0].ID, true); err != nil {
				t.Fatal(err)
			}
		}
		// Someone holding no office cannot nominate for themself.
		if _, err := f.svc.Nominate(f.ctx, c2, per.ID, nomination.NominationInput{Nominator: fmt.Sprintf("person:%d", c2.PersonID), Choices: map[string]int64{"1": l.ID}}); !errors.Is(err, nomination.ErrNotNominator) {
			t.Errorf("non-MP nominating: %v", err)
		}
		if err := f.svc.Close(f.ctx, mps[3], per.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("an MP closing: %v", err)
		}
		if err := f.svc.Close(f.ctx, f.ro, per.ID); err != nil {
			t.Fatal(err)
		}
		tl, err := f.svc.Tally(f.ctx, per.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, st := range tl.Standings {
			got[st.Candidate.Name] = st.Candidate.Outcome
			if st.Candidate.Name == "Lisa N" && !strings.Contains(st.Candidate.Reason, "1 more needed") {
				t.Errorf("Lisa's reason: %q", st.Candidate.Reason)
			}
		}
		if got["Keir K"] != nomination.OutcomeBallot || got["Lisa N"] != nomination.OutcomeThreshold {
			t.Errorf("outcomes: %v (rule %s)", got, tl.RuleText)
		}
		if !strings.Contains(tl.RuleText, "20%") {
			t.Errorf("the 2021 version should apply in 2026: %s", tl.RuleText)
		}
		if ballot, _ := f.elec.Candidates(f.ctx, e.ID); len(ballot) != 1 || ballot[0].Name != "Keir K" {
			t.Errorf("ballot: %+v", ballot)
		}
		if err := f.svc.Answer(f.ctx, c2, 1, true); err == nil {
			t.Error("answer after the close accepted")
		}
	})
}

func TestDeadlineAcrossSummerTime(t *testing.T) {
	cases := []struct {
		date, clock, zone string
		want              time.Time
		err               string
	}{
		{"2026-06-24", "17:00", "Europe/London", time.Date(2026, 6, 24, 16, 0, 0, 0, time.UTC), ""},
		{"2026-01-15", "17:00", "Europe/London", time.Date(2026, 1, 15, 17, 0, 0, 0, time.UTC), ""},
		{"2026-03-29", "01:30", "Europe/London", time.Time{}, "does not exist"},
		{"2026-03-29", "02:00", "Europe/London", time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), ""},
		{"2026-10-25", "01:30", "Europe/London", time.Time{}, "happens twice"},
		{"2026-10-25", "02:00", "Europe/London", time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC), ""},
		{"2026-06-24", "17:00", "Pacific/Auckland", time.Date(2026, 6, 24, 5, 0, 0, 0, time.UTC), ""},
		{"2026-06-24", "17:00", "Mars/Olympus", time.Time{}, "unknown time zone"},
		{"24/06/2026", "17:00", "UTC", time.Time{}, "YYYY-MM-DD"},
		{"2026-06-24", "5pm", "UTC", time.Time{}, "HH:MM"},
	}
	for _, c := range cases {
		got, err := nomination.Deadline(c.date, c.clock, c.zone)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %s %s: %v, want error with %q", c.date, c.clock, c.zone, err, c.err)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s %s %s = %s, %v; want %s", c.date, c.clock, c.zone, got, err, c.want)
		}
	}
}

// A period whose deadline falls just after the clocks go back closes at
// the right instant: 02:30 GMT on the night of the change is 02:30 UTC,
// not an hour early.
func TestCloseJobAfterClocksGoBack(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.clock.Set(time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC))
		per, err := f.svc.CreatePeriod(f.ctx, f.ro, nomination.PeriodInput{Title: "Night close", UnitTypes: []string{"branch"},
			CloseDate: "2026-10-25", CloseTime: "02:30", TimeZone: "Europe/London"})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)) // 01:30 GMT, the second 01:30 of the night
		f.runner.RunDue(f.ctx)
		if p, _ := db.PeriodByID(f.ctx, per.ID); p.Status != store.PeriodOpen {
			t.Fatal("closed an hour early")
		}
		f.clock.Set(time.Date(2026, 10, 25, 2, 30, 0, 0, time.UTC))
		f.runner.RunDue(f.ctx)
		if p, _ := db.PeriodByID(f.ctx, per.ID); p.Status != store.PeriodClosed {
			t.Fatal("not closed at the deadline")
		}
		// Moving the deadline of an open period moves the job.
		f.clock.Set(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
		p2, err := f.svc.CreatePeriod(f.ctx, f.ro, nomination.PeriodInput{Title: "Moved", UnitTypes: []string{"branch"}, CloseDate: "2026-11-02", CloseTime: "12:00", TimeZone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdatePeriod(f.ctx, f.ro, p2.ID, nomination.PeriodInput{Title: "Moved", Slug: p2.Slug, UnitTypes: []string{"branch"}, CloseDate: "2026-11-03", CloseTime: "12:00", TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Date(2026, 11, 2, 12, 30, 0, 0, time.UTC))
		f.runner.RunDue(f.ctx)
		if p, _ := db.PeriodByID(f.ctx, p2.ID); p.Status != store.PeriodOpen {
			t.Fatal("closed at the old deadline")
		}
	})
}

func TestLoadDemo(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for g := range 3 {
			group := f.unit("council_group", fmt.Sprintf("Group %d", g))
			for i, gender := range []string{"woman", "man", "woman", "man"} {
				id := f.person(fmt.Sprintf("Cllr %d-%d", g, i), gender)
				f.tx(func(tx *store.Tx) error {
					_, err := tx.CreateOffice(f.ctx, store.Office{PersonID: id, Office: "councillor", UnitID: group})
					return err
				})
			}
		}
		past, open := f.draftElection(), f.draftElection()
		err := nomination.LoadDemo(f.ctx, db, f.svc, nomination.DemoInput{RO: f.ro, PastElectionID: past.ID, PastOpens: start.AddDate(0, -6, 0), OpenElectionID: open.ID, Now: start})
		if err != nil {
			t.Fatal(err)
		}
		ballot, err := f.elec.Candidates(f.ctx, past.ID)
		if err != nil || len(ballot) != 4 {
			t.Fatalf("past ballot: %d candidates, %v", len(ballot), err)
		}
		periods, _, err := f.svc.Periods(f.ctx, store.Page{})
		if err != nil || len(periods) != 2 || periods[0].Status != store.PeriodOpen || periods[1].Status != store.PeriodClosed || !periods[1].HandedOver {
			t.Fatalf("periods: %+v %v", periods, err)
		}
		tl, err := f.svc.Tally(f.ctx, periods[0].ID)
		if err != nil || len(tl.Standings) != 3 {
			t.Fatalf("open tally: %+v %v", tl, err)
		}
	})
}
