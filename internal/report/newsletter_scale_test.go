package report_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"quorum/internal/jobs"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// sink is an SMTP server that keeps only each message's Message-ID, so
// that a hundred thousand messages can be counted and checked for
// duplicates without keeping them.
type sink struct {
	addr string
	n    atomic.Int64
	mu   sync.Mutex
	ids  map[string]int
}

func startSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{ids: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 10 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

type sinkSession struct{ s *sink }

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Reset()                               {}
func (ss *sinkSession) Logout() error                        { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	br := bufio.NewReader(r)
	h, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, br)
	ss.s.mu.Lock()
	ss.s.ids[h.Get("Message-Id")]++
	ss.s.mu.Unlock()
	ss.s.n.Add(1)
	return nil
}

// TestNewsletterAtScale sends a report to 100,000 confirmed subscribers
// through a local SMTP sink, stopping the sending node a third of the way
// and finishing on another: the recipients are chosen and the batches
// queued in under five seconds, delivery runs at 1,000 e-mails a second or
// more, and every subscriber gets exactly one copy. It takes about a
// minute and a half, so it runs when QUORUM_SCALE=1 (or a count) is set.
func TestNewsletterAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("QUORUM_SCALE"))
	switch {
	case os.Getenv("QUORUM_SCALE") == "":
		t.Skip("set QUORUM_SCALE=1 (100,000 subscribers) or a number of subscribers to run")
	case n <= 1:
		n = 100_000
	}
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		snk := startSink(t)
		e := newEnv(t, db, withSMTPURL("smtp://"+snk.addr+"?tls=none"))
		rows := make([]store.NewSubscriberRow, n)
		for i := range rows {
			rows[i] = store.NewSubscriberRow{Email: fmt.Sprintf("s%06d@example.org", i), Token: fmt.Sprintf("t%06d", i), Status: store.SubscriberConfirmed,
				Follows: []store.Subscription{{Scope: store.ScopeSite}}}
		}
		start := time.Now()
		if err := db.InTx(e.ctx, func(tx *store.Tx) error { return tx.BulkAddSubscribers(e.ctx, rows, e.clock.Now()) }); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d subscribers added in %v", n, time.Since(start).Round(time.Millisecond))
		r := e.draft(e.rep, "A report for everyone", report.ReportInput{Intro: "The committee met. " + longIntro, SendNewsletter: false})
		r = e.publish(e.rep, r)

		start = time.Now()
		send, err := e.svc.StartNewsletter(e.ctx, r.ID)
		enqueue := time.Since(start)
		if err != nil || send.Recipients != n {
			t.Fatalf("start: %v, %d recipients", err, send.Recipients)
		}
		t.Logf("recipients chosen and batches queued in %v", enqueue.Round(time.Millisecond))
		if enqueue > 5*time.Second {
			t.Errorf("enqueueing took %v, want under 5s", enqueue)
		}

		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		run := func() (stop func()) {
			runner := jobs.NewRunner(e.queue, jobs.Config{Workers: 4, PollInterval: 20 * time.Millisecond, Logger: log})
			e.svc.Register(runner)
			ctx, cancel := context.WithCancel(e.ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = runner.Run(ctx) }()
			return func() { cancel(); <-done }
		}
		start = time.Now()
		stop := run()
		for snk.n.Load() < int64(n/3) {
			time.Sleep(10 * time.Millisecond)
		}
		stop() // the node stops; batches under way finish, the rest wait
		stopped := snk.n.Load()
		stop = run()
		defer stop()
		deadline := time.Now().Add(10 * time.Minute)
		for snk.n.Load() < int64(n) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		took := time.Since(start)
		rate := float64(snk.n.Load()) / took.Seconds()
		t.Logf("%d delivered in %v (%.0f e-mails/s), %d before the restart", snk.n.Load(), took.Round(time.Millisecond), rate, stopped)
		time.Sleep(200 * time.Millisecond)
		snk.mu.Lock()
		dups := 0
		for _, c := range snk.ids {
			if c > 1 {
				dups++
			}
		}
		distinct := len(snk.ids)
		snk.mu.Unlock()
		if distinct != n || dups != 0 || snk.n.Load() != int64(n) {
			t.Errorf("%d messages, %d distinct, %d duplicated; want %d each once", snk.n.Load(), distinct, dups, n)
		}
		if rate < 1000 {
			t.Errorf("delivery at %.0f e-mails/s, want 1,000 or more", rate)
		}
		counts, _ := db.DeliveryCounts(e.ctx, send.ID)
		if counts[store.DeliverySent] != n {
			t.Errorf("statuses: %v", counts)
		}
	})
}

const longIntro = `Councillors raised the pressure on budgets, social care and temporary accommodation. The committee agreed the timetable for selections in target seats, and heard the General Secretary's report on membership, which is stable.`
