package report_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a small organisation with one body, its representatives and the
// report service wired as main wires it, with a runner the test drives.
type env struct {
	t      *testing.T
	ctx    context.Context
	db     *store.DB
	clock  *clock
	queue  *jobs.Queue
	runner *jobs.Runner
	mail   *mail.Service
	svc    *report.Service
	smtp   *testkit.SMTPServer

	body, other store.Body
	// Principals: rep and rep2 hold seats on body; member holds none;
	// secretary is body's secretary; admin administers.
	rep, rep2, member, secretary, admin, anon *auth.Principal
}

type envOption func(*report.Config, *mail.Config)

func withSMTP(s *testkit.SMTPServer) envOption {
	return func(rc *report.Config, mc *mail.Config) { rc.SMTPURL, mc.SMTPURL = s.URL(), s.URL() }
}

// withSMTPURL sends newsletters (only) through the server at u.
func withSMTPURL(u string) envOption {
	return func(rc *report.Config, _ *mail.Config) { rc.SMTPURL = u }
}

// setPublicComments sets the organisation's choice, as an administrator
// does on the organisation's page.
func (e *env) setPublicComments(on bool) {
	e.t.Helper()
	o := &org.Service{DB: e.db}
	if err := o.SaveOrganisation(e.ctx, e.admin, org.OrganisationInput{Name: "Test Party", PublicComments: on}); err != nil {
		e.t.Fatal(err)
	}
}

func withBatch(n int) envOption {
	return func(rc *report.Config, _ *mail.Config) { rc.NewsletterBatch = n }
}

func newEnv(t *testing.T, db *store.DB, opts ...envOption) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, ctx: ctx, db: db, clock: &clock{now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.queue = jobs.NewQueue(db, e.clock.Now)
	e.runner = jobs.NewRunner(e.queue, jobs.Config{Workers: 2, Logger: log, Backoff: func(int) time.Duration { return time.Second }})
	rc := report.Config{SiteName: "Test Party", BaseURL: "https://party.example", MailFrom: "Test Party <news@party.example>", Now: e.clock.Now, Log: log}
	mc := mail.Config{From: "Test Party <news@party.example>", Clock: e.clock.Now, Logger: log}
	for _, o := range opts {
		o(&rc, &mc)
	}
	var err error
	if e.mail, err = mail.NewService(db, e.queue, mc); err != nil {
		t.Fatal(err)
	}
	e.mail.Register(e.runner)
	if e.svc, err = report.NewService(ctx, db, e.queue, e.mail, rc); err != nil {
		t.Fatal(err)
	}
	e.svc.Register(e.runner)

	people := map[string]int64{}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if e.body.ID, err = tx.CreateBody(ctx, store.Body{Name: "National Executive", Slug: "nec"}); err != nil {
			return err
		}
		e.body.Name, e.body.Slug = "National Executive", "nec"
		if e.other.ID, err = tx.CreateBody(ctx, store.Body{Name: "Regional Board", Slug: "board"}); err != nil {
			return err
		}
		e.other.Name, e.other.Slug = "Regional Board", "board"
		sec, err := tx.CreateSection(ctx, store.Section{BodyID: e.body.ID, Name: "Local government", Seats: 2})
		if err != nil {
			return err
		}
		for _, name := range []string{"Alice Rep", "Bob Rep", "Carol Member", "Dan Secretary", "Erin Admin"} {
			slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
			id, err := tx.CreatePerson(ctx, store.Person{Name: name, Email: slug + "@party.example", Slug: slug, ShowProfile: true, Bio: name + " writes here."})
			if err != nil {
				return err
			}
			people[name] = id
		}
		for i, name := range []string{"Alice Rep", "Bob Rep"} {
			seat, err := tx.CreateSeat(ctx, sec, "Seat", i+1)
			if err != nil {
				return err
			}
			if _, err := tx.CreateSeatTerm(ctx, store.SeatTerm{SeatID: seat, PersonID: people[name], Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.rep = &auth.Principal{PersonID: people["Alice Rep"], Name: "Alice Rep", Member: true}
	e.rep2 = &auth.Principal{PersonID: people["Bob Rep"], Name: "Bob Rep", Member: true}
	e.member = &auth.Principal{PersonID: people["Carol Member"], Name: "Carol Member", Member: true}
	e.secretary = &auth.Principal{PersonID: people["Dan Secretary"], Name: "Dan Secretary", Grants: []store.Grant{{Role: "body_secretary", BodyID: e.body.ID}}}
	e.admin = &auth.Principal{PersonID: people["Erin Admin"], Name: "Erin Admin", SecondFactor: true, Grants: []store.Grant{{Role: "admin"}}}
	e.anon = &auth.Principal{}
	return e
}

// runJobs runs every job that is due, repeatedly, until none is left.
func (e *env) runJobs() int {
	e.t.Helper()
	total := 0
	for {
		n, err := e.runner.RunDue(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// draft writes a report as p on the env's body.
func (e *env) draft(p *auth.Principal, title string, in report.ReportInput) store.Report {
	e.t.Helper()
	in.Title = title
	if in.BodyID == 0 {
		in.BodyID = e.body.ID
	}
	r, err := e.svc.CreateReport(e.ctx, p, in)
	if err != nil {
		e.t.Fatalf("create report %q: %v", title, err)
	}
	return r
}

func (e *env) publish(p *auth.Principal, r store.Report) store.Report {
	e.t.Helper()
	r, err := e.svc.Publish(e.ctx, p, r.ID)
	if err != nil {
		e.t.Fatalf("publish %q: %v", r.Title, err)
	}
	return r
}

// outbox returns the messages kept or queued in the outbox, oldest first.
func (e *env) outbox() []store.OutboxMessage {
	e.t.Helper()
	ms, _, err := e.db.Outbox(e.ctx, store.OutboxFilter{Page: store.Page{Size: 500}})
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms
}
