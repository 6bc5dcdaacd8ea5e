package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"mime"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is one mail service wired as main wires it, with a runner the test
// drives by hand and a log it can read.
type env struct {
	db     *store.DB
	mail   *mail.Service
	runner *jobs.Runner
	queue  *jobs.Queue
	clock  *fakeClock
	logs   *syncBuffer
}

func newEnv(t *testing.T, db *store.DB, cfg mail.Config) *env {
	t.Helper()
	e := &env{db: db, clock: &fakeClock{now: time.Date(2025, 5, 1, 9, 30, 0, 0, time.UTC)}, logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.queue = jobs.NewQueue(db, e.clock.Now)
	e.runner = jobs.NewRunner(e.queue, jobs.Config{Workers: 1, Logger: logger})
	if cfg.From == "" {
		cfg.From = "Quorum <quorum@example.org>"
	}
	cfg.Clock, cfg.Logger = e.clock.Now, logger
	svc, err := mail.NewService(db, e.queue, cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc.Register(e.runner)
	e.mail = svc
	return e
}

func (e *env) runDue(t *testing.T, want int) {
	t.Helper()
	n, err := e.runner.RunDue(context.Background())
	if err != nil || n != want {
		t.Fatalf("RunDue ran %d jobs (err %v), want %d", n, err, want)
	}
}

func (e *env) outbox(t *testing.T, id int64) store.OutboxMessage {
	t.Helper()
	o, err := e.db.OutboxByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (e *env) jobCounts(t *testing.T) map[string]int {
	t.Helper()
	c, err := e.db.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func decodeHeader(t *testing.T, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("decode %q: %v", v, err)
	}
	return s
}

func TestSendDeliversThroughSMTP(t *testing.T) {
	cases := []struct {
		name            string
		msg             mail.Message
		wantContentType string
	}{
		{
			name:            "text only",
			msg:             mail.Message{To: "ada@example.org", Subject: "Reset your password", Text: "Follow this link within an hour:\nhttps://quorum.example.org/reset/abc\n"},
			wantContentType: "text/plain",
		},
		{
			name: "text, HTML and one-click unsubscribe",
			msg: mail.Message{
				To:      "Gwenllian ap Rhys <gwen@example.org>",
				Subject: "Adroddiad y pwyllgor — Cyfarfod Mai ŵ",
				Text:    "The executive met on 1 May.\n",
				HTML:    "<p>The executive met on <strong>1 May</strong>.</p>\n",
				Headers: map[string]string{
					"List-Unsubscribe":      "<https://quorum.example.org/unsubscribe/tok123>",
					"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
				},
			},
			wantContentType: "multipart/alternative",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testkit.Engines(t, func(t *testing.T, db *store.DB) {
				srv := testkit.StartSMTP(t)
				e := newEnv(t, db, mail.Config{SMTPURL: srv.URL()})
				id, err := e.mail.Send(context.Background(), c.msg)
				if err != nil {
					t.Fatal(err)
				}
				e.runDue(t, 1)
				got := srv.Wait(t, 1)[0]
				o := e.outbox(t, id)

				to, _ := netmail.ParseAddress(c.msg.To)
				if got.From != "quorum@example.org" || len(got.To) != 1 || got.To[0] != to.Address {
					t.Errorf("envelope from %q to %q", got.From, got.To)
				}
				from, err := netmail.ParseAddress(got.Header.Get("From"))
				if err != nil || from.Address != "quorum@example.org" || from.Name != "Quorum" {
					t.Errorf("From: %q (%v)", got.Header.Get("From"), err)
				}
				hto, err := netmail.ParseAddress(got.Header.Get("To"))
				if err != nil || hto.Address != to.Address || hto.Name != to.Name {
					t.Errorf("To: %q (%v)", got.Header.Get("To"), err)
				}
				if s := decodeHeader(t, got.Header.Get("Subject")); s != c.msg.Subject {
					t.Errorf("Subject: %q, want %q", s, c.msg.Subject)
				}
				if d, err := got.Header.Date(); err != nil || !d.Equal(e.clock.Now()) {
					t.Errorf("Date: %q (%v), want %v", got.Header.Get("Date"), err, e.clock.Now())
				}
				if mid := got.Header.Get("Message-Id"); mid != "<"+o.MessageID+">" || !strings.HasSuffix(o.MessageID, "@example.org") {
					t.Errorf("Message-ID %q, outbox %q", mid, o.MessageID)
				}
				if got.Header.Get("Mime-Version") != "1.0" || got.ContentType != c.wantContentType {
					t.Errorf("MIME %q %q, want 1.0 %s", got.Header.Get("Mime-Version"), got.ContentType, c.wantContentType)
				}
				if got.Text != c.msg.Text || got.HTML != c.msg.HTML {
					t.Errorf("bodies:\ntext %q\nhtml %q", got.Text, got.HTML)
				}
				for name, want := range c.msg.Headers {
					if v := got.Header.Get(name); v != want {
						t.Errorf("%s: %q, want %q", name, v, want)
					}
				}
				if o.Status != store.OutboxSent || !o.SentAt.Valid || o.Attempts != 1 || o.Error != "" {
					t.Errorf("outbox %+v", o)
				}
				if c := e.jobCounts(t); c[store.JobDone] != 1 {
					t.Errorf("jobs %v", c)
				}
			})
		})
	}
}

func TestSendTxCommitsWithTheCallersChange(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := testkit.StartSMTP(t)
		e := newEnv(t, db, mail.Config{SMTPURL: srv.URL()})
		msg := mail.Message{To: "ada@example.org", Subject: "Reset", Text: "link"}
		abort := errors.New("the reset link was not stored")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := e.mail.SendTx(ctx, tx, msg); err != nil {
				return err
			}
			return abort
		})
		if !errors.Is(err, abort) {
			t.Fatal(err)
		}
		if list, total, _ := db.Outbox(ctx, store.OutboxFilter{}); total != 0 || e.jobCounts(t)[store.JobQueued] != 0 {
			t.Fatalf("rolled-back mail left %v and jobs %v", list, e.jobCounts(t))
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := e.mail.SendTx(ctx, tx, msg)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		e.runDue(t, 1)
		srv.Wait(t, 1)
	})
}

func TestWithoutSMTPMailIsKept(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, mail.Config{})
		if e.mail.Delivers() {
			t.Fatal("Delivers() without an smtp-url")
		}
		id, err := e.mail.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "Welcome", Text: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		if o := e.outbox(t, id); o.Status != store.OutboxKept || o.Text != "Hello" || o.MessageID == "" {
			t.Fatalf("outbox %+v", o)
		}
		for status, n := range e.jobCounts(t) {
			if n != 0 {
				t.Fatalf("%d %s jobs for a kept message", n, status)
			}
		}
	})
}

func TestDeliveryFailures(t *testing.T) {
	type step struct {
		advance      time.Duration
		wantOutbox   string
		wantJob      string
		wantReceived int
	}
	cases := []struct {
		name        string
		refuse      []int
		maxAttempts int
		steps       []step
		wantError   string
	}{
		{
			name: "temporary refusal is retried after the backoff", refuse: []int{451},
			steps: []step{
				{0, store.OutboxPending, store.JobQueued, 0},
				{30 * time.Second, store.OutboxSent, store.JobDone, 1},
			},
		},
		{
			name: "permanent refusal fails at once", refuse: []int{550},
			steps:     []step{{0, store.OutboxFailed, store.JobDead, 0}},
			wantError: "550",
		},
		{
			name: "temporary refusals until the last attempt", refuse: []int{451, 421}, maxAttempts: 2,
			steps: []step{
				{0, store.OutboxPending, store.JobQueued, 0},
				{30 * time.Second, store.OutboxFailed, store.JobDead, 0},
			},
			wantError: "421",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testkit.Engines(t, func(t *testing.T, db *store.DB) {
				srv := testkit.StartSMTP(t)
				srv.FailNext(c.refuse...)
				e := newEnv(t, db, mail.Config{SMTPURL: srv.URL(), MaxAttempts: c.maxAttempts})
				id, err := e.mail.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "s", Text: "t"})
				if err != nil {
					t.Fatal(err)
				}
				queued, _, _ := db.Jobs(context.Background(), store.JobFilter{})
				for i, s := range c.steps {
					e.clock.Advance(s.advance)
					e.runDue(t, 1)
					o := e.outbox(t, id)
					j, _ := db.JobByID(context.Background(), queued[0].ID)
					if o.Status != s.wantOutbox || j.Status != s.wantJob || len(srv.Messages()) != s.wantReceived || o.Attempts != i+1 {
						t.Fatalf("step %d: outbox %s (%d attempts, %q), job %s, received %d", i, o.Status, o.Attempts, o.Error, j.Status, len(srv.Messages()))
					}
				}
				o := e.outbox(t, id)
				if !strings.Contains(o.Error, c.wantError) || strings.Contains(o.Error, "ada@example.org") {
					t.Fatalf("outbox error %q, want it to mention %q and no address", o.Error, c.wantError)
				}
			})
		})
	}
}

func TestUnreachableServerIsRetriedWithoutShowingThePassword(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		// Port 1 on loopback: nothing listens there, so the dial is refused.
		e := newEnv(t, db, mail.Config{SMTPURL: "smtp://quorum:s3cret-pw@127.0.0.1:1"})
		id, err := e.mail.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "s", Text: "t"})
		if err != nil {
			t.Fatal(err)
		}
		e.runDue(t, 1)
		o := e.outbox(t, id)
		if o.Status != store.OutboxPending || o.Error == "" || e.jobCounts(t)[store.JobQueued] != 1 {
			t.Fatalf("outbox %s %q, jobs %v", o.Status, o.Error, e.jobCounts(t))
		}
		queued, _, _ := db.Jobs(context.Background(), store.JobFilter{})
		for _, text := range []string{o.Error, queued[0].LastError, e.logs.String()} {
			if strings.Contains(text, "s3cret-pw") {
				t.Fatalf("the password shows: %s", text)
			}
		}
	})
}

func TestTLSAndAuthentication(t *testing.T) {
	cases := []struct {
		name     string
		opts     []testkit.SMTPOption
		badLogin bool
	}{
		{"STARTTLS with AUTH PLAIN", []testkit.SMTPOption{testkit.SMTPStartTLS(), testkit.SMTPAuth("quorum", "pw")}, false},
		{"implicit TLS (smtps)", []testkit.SMTPOption{testkit.SMTPImplicitTLS(), testkit.SMTPAuth("quorum", "pw")}, false},
		{"wrong password is retried", []testkit.SMTPOption{testkit.SMTPStartTLS(), testkit.SMTPAuth("quorum", "pw")}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := testkit.SQLite(t) // the transport does not depend on the engine
			srv := testkit.StartSMTP(t, c.opts...)
			url := srv.URL()
			if c.badLogin {
				url = strings.Replace(url, ":pw@", ":wrong@", 1)
			}
			e := newEnv(t, db, mail.Config{SMTPURL: url, TLSConfig: &tls.Config{RootCAs: srv.RootCAs()}})
			id, err := e.mail.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "s", Text: "t"})
			if err != nil {
				t.Fatal(err)
			}
			e.runDue(t, 1)
			o := e.outbox(t, id)
			if c.badLogin {
				if o.Status != store.OutboxPending || !strings.Contains(o.Error, "535") || len(srv.Messages()) != 0 {
					t.Fatalf("outbox %s %q, received %d", o.Status, o.Error, len(srv.Messages()))
				}
				return
			}
			srv.Wait(t, 1)
			if o.Status != store.OutboxSent {
				t.Fatalf("outbox %s %q", o.Status, o.Error)
			}
		})
	}
}

func TestTLSRefusesAnUntrustedServer(t *testing.T) {
	db := testkit.SQLite(t)
	srv := testkit.StartSMTP(t, testkit.SMTPImplicitTLS())
	e := newEnv(t, db, mail.Config{SMTPURL: srv.URL()}) // system roots only
	id, _ := e.mail.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "s", Text: "t"})
	e.runDue(t, 1)
	if o := e.outbox(t, id); o.Status != store.OutboxPending || !strings.Contains(o.Error, "certificate") {
		t.Fatalf("outbox %s %q", o.Status, o.Error)
	}
}

func TestLogsHoldNoAddressOrBody(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		srv := testkit.StartSMTP(t)
		srv.FailNext(450)
		e := newEnv(t, db, mail.Config{SMTPURL: srv.URL()})
		msg := mail.Message{To: "ada.private@example.org", Subject: "Your disciplinary hearing", Text: "The panel meets on Tuesday."}
		if _, err := e.mail.Send(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		e.runDue(t, 1)
		e.clock.Advance(time.Minute)
		e.runDue(t, 1)
		srv.Wait(t, 1)
		logs := e.logs.String()
		for _, secret := range []string{msg.To, msg.Subject, msg.Text} {
			if strings.Contains(logs, secret) {
				t.Fatalf("the log holds %q:\n%s", secret, logs)
			}
		}
		if !strings.Contains(logs, "e-mail sent") {
			t.Fatalf("no delivery logged:\n%s", logs)
		}
	})
}

func TestNewServiceRejectsBadConfig(t *testing.T) {
	db := testkit.SQLite(t)
	q := jobs.NewQueue(db, nil)
	cases := []struct {
		name string
		cfg  mail.Config
		want error
	}{
		{"bad from", mail.Config{From: "not an address"}, nil},
		{"bad smtp url", mail.Config{From: "q@example.org", SMTPURL: "http://user:pw@host"}, mail.ErrBadSMTPURL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := mail.NewService(db, q, c.cfg)
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}
