package report_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

var confirmLink = regexp.MustCompile(`https://party\.example/subscriptions/([a-z0-9]+)/confirm(\?follow=\S+)?`)

// lastLink finds the confirmation link of the newest message to an address.
func (e *env) lastLink(to string) (token, follow string) {
	e.t.Helper()
	ms := e.outbox()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].To == to {
			m := confirmLink.FindStringSubmatch(ms[i].Text)
			if m == nil {
				e.t.Fatalf("no confirmation link in %q", ms[i].Text)
			}
			return m[1], strings.TrimPrefix(m[2], "?follow=")
		}
	}
	e.t.Fatalf("no message to %s", to)
	return "", ""
}

func TestDoubleOptIn(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		body := report.Follow{Scope: store.ScopeBody, TargetID: e.body.ID}
		if err := e.svc.Subscribe(e.ctx, report.SubscribeInput{Email: "Reader@Example.org", Follow: body, Client: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		token, _ := e.lastLink("reader@example.org")
		pref, err := e.svc.Preferences(e.ctx, token)
		if err != nil || pref.Subscriber.Status != store.SubscriberPending || len(pref.Follows) != 1 || pref.Follows[0].TargetName != "National Executive" {
			t.Fatalf("before confirming: %v %+v", err, pref)
		}
		// Signing up again says the same and sends one more link.
		if err := e.svc.Subscribe(e.ctx, report.SubscribeInput{Email: "reader@example.org", Follow: body, Client: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		sub, err := e.svc.Confirm(e.ctx, token, "")
		if err != nil || sub.Status != store.SubscriberConfirmed || !strings.HasPrefix(pref.Subscriber.Consent, "sign-up form") {
			t.Fatalf("confirm: %v %+v", err, sub)
		}
		// A confirmed reader following something else must confirm it.
		person := report.Follow{Scope: store.ScopePerson, TargetID: e.rep.PersonID}
		if err := e.svc.Subscribe(e.ctx, report.SubscribeInput{Email: "reader@example.org", Follow: person, Client: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		if pref, _ := e.svc.Preferences(e.ctx, token); len(pref.Follows) != 1 {
			t.Fatalf("followed without confirming: %+v", pref.Follows)
		}
		tok2, follow := e.lastLink("reader@example.org")
		if tok2 != token || follow != person.String() {
			t.Fatalf("second link: %s %s", tok2, follow)
		}
		if _, err := e.svc.Confirm(e.ctx, tok2, follow); err != nil {
			t.Fatal(err)
		}
		if pref, _ := e.svc.Preferences(e.ctx, token); len(pref.Follows) != 2 {
			t.Fatalf("after confirming: %+v", pref.Follows)
		}
		if err := e.svc.Unfollow(e.ctx, token, body); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Unsubscribe(e.ctx, token); err != nil {
			t.Fatal(err)
		}
		if pref, _ := e.svc.Preferences(e.ctx, token); pref.Subscriber.Status != store.SubscriberUnsubscribed {
			t.Errorf("after unsubscribing: %s", pref.Subscriber.Status)
		}
		if _, err := e.svc.Preferences(e.ctx, "wrong-token"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		// Bad input and robots.
		if err := e.svc.Subscribe(e.ctx, report.SubscribeInput{Email: "nope", Follow: body}); err == nil {
			t.Error("bad address accepted")
		}
		if err := e.svc.Subscribe(e.ctx, report.SubscribeInput{Email: "x@example.org", Follow: report.Follow{Scope: "body", TargetID: 999}}); err == nil {
			t.Error("unknown body accepted")
		}
		n := len(e.outbox())
		if err := e.svc.Subscribe(e.ctx, report.SubscribeInput{Email: "bot@example.org", Follow: body, Trap: "x"}); err != nil || len(e.outbox()) != n {
			t.Errorf("honeypot: %v", err)
		}
	})
}

func TestImportSubscribers(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		site := report.Follow{Scope: store.ScopeSite}
		file := "Name,Email\nA,a@example.org\nB,B@example.org\nA again,a@example.org\n,\n"
		if _, err := e.svc.ImportSubscribers(e.ctx, e.secretary, strings.NewReader(file), site, false, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("secretary imports: %v", err)
		}
		res, err := e.svc.ImportSubscribers(e.ctx, e.admin, strings.NewReader(file), site, false, "")
		if err != nil || res.Added != 2 || res.AskedToConfirm != 2 {
			t.Fatalf("without consent: %v %+v", err, res)
		}
		if _, err := e.svc.ImportSubscribers(e.ctx, e.admin, strings.NewReader(file), site, true, ""); err == nil {
			t.Error("consent without saying how")
		}
		res, err = e.svc.ImportSubscribers(e.ctx, e.admin, strings.NewReader("email\nc@example.org\na@example.org\n"), site, true, "paper forms at conference 2025")
		if err != nil || res.Added != 1 || res.Confirmed != 1 || res.AlreadyThere != 1 || res.AskedToConfirm != 1 {
			t.Fatalf("with consent: %v %+v", err, res)
		}
		if _, err := e.svc.ImportSubscribers(e.ctx, e.admin, strings.NewReader("email\nd@example.org\nbroken\n"), site, true, "x"); err == nil {
			t.Error("a bad row accepted")
		} else if !strings.Contains(err.Error(), "row 3") {
			t.Errorf("error names no row: %v", err)
		}
		counts, _ := db.SubscriberCounts(e.ctx)
		if counts[store.SubscriberConfirmed] != 1 || counts[store.SubscriberPending] != 2 {
			t.Errorf("counts: %v (nothing of the bad file may be kept)", counts)
		}
	})
}

// subscribe adds a confirmed (or other status) subscriber following f.
func (e *env) subscribe(email, status string, follows ...report.Follow) string {
	e.t.Helper()
	row := store.NewSubscriberRow{Email: email, Token: "tok" + strings.NewReplacer("@", "", ".", "").Replace(email), Status: status, Consent: "test"}
	for _, f := range follows {
		row.Follows = append(row.Follows, store.Subscription{Scope: f.Scope, TargetID: f.TargetID})
	}
	err := e.db.InTx(e.ctx, func(tx *store.Tx) error {
		return tx.BulkAddSubscribers(e.ctx, []store.NewSubscriberRow{row}, e.clock.Now())
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return row.Token
}

func TestNewsletterThroughSMTP(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		smtp := testkit.StartSMTP(t)
		e := newEnv(t, db, withSMTP(smtp), withBatch(2))
		site := report.Follow{Scope: store.ScopeSite}
		body := report.Follow{Scope: store.ScopeBody, TargetID: e.body.ID}
		other := report.Follow{Scope: store.ScopeBody, TargetID: e.other.ID}
		alice := report.Follow{Scope: store.ScopePerson, TargetID: e.rep.PersonID}
		bob := report.Follow{Scope: store.ScopePerson, TargetID: e.rep2.PersonID}
		want := map[string]bool{}
		for i, f := range [][]report.Follow{{site}, {body}, {alice}, {site, body, alice}, {body}} {
			email := fmt.Sprintf("reader%d@example.org", i)
			e.subscribe(email, store.SubscriberConfirmed, f...)
			want[email] = true
		}
		e.subscribe("other@example.org", store.SubscriberConfirmed, other, bob)
		e.subscribe("pending@example.org", store.SubscriberPending, site)
		e.subscribe("gone@example.org", store.SubscriberUnsubscribed, site)
		e.subscribe("bounced@example.org", store.SubscriberConfirmed, site)
		if err := e.svc.Suppress(e.ctx, e.admin, "bounced@example.org", store.SuppressComplaint, "feedback loop"); err != nil {
			t.Fatal(err)
		}

		r := e.draft(e.rep, "NEC report – March", report.ReportInput{Intro: "What happened, with a [link](/bodies/nec).", SendNewsletter: true, CommentsOpen: true})
		if _, err := e.svc.Newsletter(e.ctx, e.rep2, r.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("another representative reads the newsletter status: %v", err)
		}
		e.publish(e.rep, r)
		// A failure for one batch: a temporary refusal, then it goes on.
		smtp.FailNext(451)
		e.runJobs()
		e.clock.Advance(5 * time.Second)
		e.runJobs()
		got := smtp.Wait(t, len(want))
		time.Sleep(50 * time.Millisecond)
		got = smtp.Messages()
		if len(got) != len(want) {
			t.Fatalf("%d messages arrived, want %d", len(got), len(want))
		}
		ids := map[string]bool{}
		for _, m := range got {
			to := m.To[0]
			if !want[to] {
				t.Errorf("a message went to %s", to)
			}
			delete(want, to)
			ids[m.Header.Get("Message-Id")] = true
			unsub := m.Header.Get("List-Unsubscribe")
			if !regexp.MustCompile(`^<https://party\.example/subscriptions/tok[a-z0-9]+/unsubscribe>$`).MatchString(unsub) ||
				m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Errorf("list headers: %q %q", unsub, m.Header.Get("List-Unsubscribe-Post"))
			}
			if !strings.Contains(m.Text, "What happened") || !strings.Contains(m.HTML, `href="https://party.example/bodies/nec"`) || !strings.Contains(m.Text, "/unsubscribe") {
				t.Errorf("bodies:\n%s\n%s", m.Text, m.HTML)
			}
		}
		if len(ids) != len(got) {
			t.Errorf("%d Message-IDs for %d messages", len(ids), len(got))
		}
		st, err := e.svc.Newsletter(e.ctx, e.rep, r.ID)
		if err != nil || st.Recipients != 6 || st.Counts[store.DeliverySent] != 5 || st.Counts[store.DeliverySuppressed] != 1 || st.Counts[store.DeliveryPending] != 0 {
			t.Fatalf("status: %v %+v", err, st)
		}

		// Publishing again sends nothing more.
		if _, err := e.svc.Unpublish(e.ctx, e.rep, r.ID); err != nil {
			t.Fatal(err)
		}
		e.publish(e.rep, r)
		e.runJobs()
		if n := len(smtp.Messages()); n != 5 {
			t.Fatalf("republishing sent again: %d messages", n)
		}

		// One-click unsubscribe; a refused address is suppressed.
		if _, err := e.svc.Unsubscribe(e.ctx, "tokreader0exampleorg"); err != nil {
			t.Fatal(err)
		}
		r2 := e.publish(e.rep, e.draft(e.rep, "NEC report – April", report.ReportInput{Intro: "More.", SendNewsletter: true}))
		smtp.FailNext(550)
		e.runJobs()
		st, _ = e.svc.Newsletter(e.ctx, e.rep, r2.ID)
		if st.Counts[store.DeliverySent] != 3 || st.Counts[store.DeliveryFailed] != 1 || st.Counts[store.DeliverySuppressed] != 1 || len(st.Failed) != 0 || st.ShowAddresses {
			t.Fatalf("second newsletter, as its author sees it: %+v", st)
		}
		// Which address failed is for administrators.
		st, _ = e.svc.Newsletter(e.ctx, e.admin, r2.ID)
		if st.Counts[store.DeliveryFailed] != 1 || len(st.Failed) != 1 || !st.ShowAddresses {
			t.Fatalf("second newsletter, as an administrator sees it: %+v", st)
		}
		if sup, _ := db.IsSuppressed(e.ctx, st.Failed[0].Email); !sup {
			t.Errorf("%s refused but not suppressed", st.Failed[0].Email)
		}
		for _, m := range smtp.Messages()[5:] {
			if m.To[0] == "reader0@example.org" {
				t.Error("mail after unsubscribing")
			}
		}
	})
}

func TestNewsletterSurvivesARestart(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		smtp := testkit.StartSMTP(t)
		e := newEnv(t, db, withSMTP(smtp), withBatch(5))
		site := report.Follow{Scope: store.ScopeSite}
		var rows []store.NewSubscriberRow
		for i := range 40 {
			rows = append(rows, store.NewSubscriberRow{Email: fmt.Sprintf("r%02d@example.org", i), Token: fmt.Sprintf("t%02d", i), Status: store.SubscriberConfirmed,
				Follows: []store.Subscription{{Scope: site.Scope}}})
		}
		if err := db.InTx(e.ctx, func(tx *store.Tx) error { return tx.BulkAddSubscribers(e.ctx, rows, e.clock.Now()) }); err != nil {
			t.Fatal(err)
		}
		e.publish(e.rep, e.draft(e.rep, "Restart", report.ReportInput{Intro: "x", SendNewsletter: true}))
		// A node sends part of the newsletter; the mail server refuses one
		// message for a while, and the node stops (a restart). Another
		// node finishes: nothing twice, nothing lost.
		run := func() (stop func()) {
			r := jobs.NewRunner(e.queue, jobs.Config{Workers: 2, PollInterval: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Backoff: func(int) time.Duration { return time.Second }})
			e.svc.Register(r)
			e.mail.Register(r)
			ctx, cancel := context.WithCancel(e.ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = r.Run(ctx) }()
			return func() { cancel(); <-done }
		}
		stop := run()
		smtp.Wait(t, 7)
		smtp.FailNext(421)
		stop()
		stop = run()
		defer stop()
		for len(smtp.Messages()) < 40 {
			e.clock.Advance(2 * time.Second)
			time.Sleep(20 * time.Millisecond)
		}
		got := smtp.Wait(t, 40)
		seen := map[string]bool{}
		for _, m := range got {
			if seen[m.To[0]] {
				t.Errorf("%s got the newsletter twice", m.To[0])
			}
			seen[m.To[0]] = true
		}
		if len(seen) != 40 {
			t.Errorf("%d of 40 got it", len(seen))
		}
	})
}
