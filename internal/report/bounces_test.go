package report_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"quorum/internal/mail"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func withLog(w io.Writer) envOption {
	return func(rc *report.Config, _ *mail.Config) { rc.Log = slog.New(slog.NewTextHandler(w, nil)) }
}

// headerOf is the header block of a raw message, as a bounce returns it.
func headerOf(raw []byte) string {
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	h, _, _ := strings.Cut(s, "\n\n")
	return h + "\n"
}

// bounceFor writes a Postfix-style delivery status notification for one
// recipient, returning the header of original (if any).
func bounceFor(recipient, action, status, original string) string {
	msg := `From: MAILER-DAEMON@mx1.party.example (Mail Delivery System)
To: news@party.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain

This is the mail system at host mx1.party.example.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.party.example

Final-Recipient: rfc822; ` + recipient + `
Action: ` + action + `
Status: ` + status + `
Diagnostic-Code: smtp; 550 ` + status + ` <` + recipient + `>: Recipient address rejected

`
	if original != "" {
		msg += "--BOUNDARY\nContent-Type: text/rfc822-headers\n\n" + original + "\n"
	}
	return msg + "--BOUNDARY--\n"
}

// complaintFor writes an abuse feedback report returning original.
func complaintFor(original string) string {
	return `From: feedback@fbl.example.com
To: news@party.example
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain

This is an email abuse report.

--ARF
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ExampleFBL/1.0
Version: 1

--ARF
Content-Type: message/rfc822

` + original + `
Hello.

--ARF--
`
}

func (e *env) applyReport(msg string) report.MailReportResult {
	e.t.Helper()
	rep, err := mail.ParseReport(strings.NewReader(msg))
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := e.svc.ApplyMailReport(e.ctx, rep)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func (e *env) auditCount(action string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) suppression(email string) (store.Suppression, bool) {
	e.t.Helper()
	list, _, err := e.db.Suppressions(e.ctx, store.Page{Size: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range list {
		if s.Email == email {
			return s, true
		}
	}
	return store.Suppression{}, false
}

func TestBouncesAndComplaintsAfterSending(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		smtp := testkit.StartSMTP(t)
		var logs bytes.Buffer
		e := newEnv(t, db, withSMTP(smtp), withLog(&logs))
		site := report.Follow{Scope: store.ScopeSite}
		for i := range 4 {
			e.subscribe(fmt.Sprintf("reader%d@example.org", i), store.SubscriberConfirmed, site)
		}
		e.subscribe("pending@example.org", store.SubscriberPending, site)
		r := e.publish(e.rep, e.draft(e.rep, "NEC report – March", report.ReportInput{Intro: "What happened.", SendNewsletter: true}))
		e.runJobs()
		original := map[string]string{}
		for _, m := range smtp.Wait(t, 4) {
			original[m.To[0]] = headerOf(m.Data)
		}

		// A permanent bounce of a newsletter: matched to its delivery.
		bounce := bounceFor("Reader0@example.org", "failed", "5.1.1", original["reader0@example.org"])
		res := e.applyReport(bounce)
		if !res.Matched || res.Suppressed != 1 || res.Deliveries != 1 || res.Unsubscribed != 0 || res.Unknown != 0 {
			t.Fatalf("bounce: %+v", res)
		}
		if s, ok := e.suppression("reader0@example.org"); !ok || s.Reason != store.SuppressBounce || !strings.Contains(s.Detail, "5.1.1") || strings.Contains(s.Detail, "@") {
			t.Errorf("suppression after a bounce: %v %+v", ok, s)
		}
		st, err := e.svc.Newsletter(e.ctx, e.admin, r.ID)
		if err != nil || st.Counts[store.DeliveryFailed] != 1 || st.Counts[store.DeliverySent] != 3 || len(st.Failed) != 1 ||
			st.Failed[0].Email != "reader0@example.org" || !strings.HasPrefix(st.Failed[0].Error, "bounced after sending: 5.1.1") {
			t.Fatalf("newsletter after a bounce: %v %+v", err, st)
		}
		pref, _ := e.svc.Preferences(e.ctx, "tokreader0exampleorg")
		if pref.Subscriber.Status != store.SubscriberConfirmed {
			t.Errorf("a bounce unsubscribed: %s", pref.Subscriber.Status)
		}
		if n := e.auditCount("subscribers.bounce"); n != 1 {
			t.Errorf("%d audit entries for the bounce", n)
		}
		// The same report again changes nothing, and is not audited again.
		if res := e.applyReport(bounce); res.Changed() || !res.Matched {
			t.Errorf("bounce again: %+v", res)
		}
		if n := e.auditCount("subscribers.bounce"); n != 1 {
			t.Errorf("%d audit entries after the bounce came twice", n)
		}

		// A delay, and a failure that may pass, change nothing.
		for _, status := range []string{"4.4.1", "4.2.2"} {
			for _, action := range []string{"delayed", "failed"} {
				res := e.applyReport(bounceFor("reader1@example.org", action, status, original["reader1@example.org"]))
				if res.Kind != mail.Delayed || res.Changed() {
					t.Errorf("%s %s: %+v", action, status, res)
				}
			}
		}
		if _, ok := e.suppression("reader1@example.org"); ok {
			t.Error("a delay suppressed the address")
		}

		// A complaint: suppressed, unsubscribed from everything, marked.
		complaint := complaintFor(original["reader2@example.org"])
		res = e.applyReport(complaint)
		if !res.Matched || res.Suppressed != 1 || res.Unsubscribed != 1 || res.Deliveries != 1 {
			t.Fatalf("complaint: %+v", res)
		}
		if s, ok := e.suppression("reader2@example.org"); !ok || s.Reason != store.SuppressComplaint {
			t.Errorf("suppression after a complaint: %v %+v", ok, s)
		}
		if pref, _ := e.svc.Preferences(e.ctx, "tokreader2exampleorg"); pref.Subscriber.Status != store.SubscriberUnsubscribed {
			t.Errorf("complaint: subscriber is %s", pref.Subscriber.Status)
		}
		if st, _ := e.svc.Newsletter(e.ctx, e.rep, r.ID); st.Counts[report.DeliveryComplaint] != 1 || st.Counts[store.DeliverySent] != 2 {
			t.Errorf("newsletter after a complaint: %+v", st.Counts)
		}
		if res := e.applyReport(complaint); res.Changed() {
			t.Errorf("complaint again: %+v", res)
		}
		if n := e.auditCount("subscribers.complaint"); n != 1 {
			t.Errorf("%d audit entries for the complaint", n)
		}

		// A report naming reader3's delivery but another address is not
		// matched to it: delivery numbers are easy to guess.
		forged := strings.ReplaceAll(original["reader3@example.org"], "reader3@example.org", "someone@example.net")
		res = e.applyReport(bounceFor("someone@example.net", "failed", "5.1.1", forged))
		if res.Matched || res.Changed() || res.Unknown != 1 {
			t.Errorf("forged bounce: %+v", res)
		}
		if _, ok := e.suppression("reader3@example.org"); ok {
			t.Error("a bounce for another address suppressed reader3")
		}
		if _, ok := e.suppression("someone@example.net"); ok {
			t.Error("an address that is no subscriber's was suppressed")
		}

		// A bounce without the returned message still suppresses a
		// subscriber's address (here of a confirmation e-mail).
		res = e.applyReport(bounceFor("pending@example.org", "failed", "5.2.1", ""))
		if res.Matched || res.Suppressed != 1 || res.Deliveries != 0 {
			t.Errorf("unmatched bounce: %+v", res)
		}

		// The next newsletter skips the bounced address and the
		// complainant.
		r2 := e.publish(e.rep, e.draft(e.rep, "NEC report – April", report.ReportInput{Intro: "More.", SendNewsletter: true}))
		e.runJobs()
		st, _ = e.svc.Newsletter(e.ctx, e.rep, r2.ID)
		if st.Recipients != 3 || st.Counts[store.DeliverySuppressed] != 1 || st.Counts[store.DeliverySent] != 2 {
			t.Errorf("next newsletter: %+v", st)
		}

		// Audit entries and logs name no address.
		entries, _, err := db.AuditLog(e.ctx, store.AuditFilter{Page: store.Page{Size: 500}})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range entries {
			if strings.Contains(a.Old+a.New+a.TargetID, "@") {
				t.Errorf("audit entry with an address: %+v", a)
			}
		}
		if strings.Contains(logs.String(), "@") || !strings.Contains(logs.String(), "mail report applied") {
			t.Errorf("logs:\n%s", logs.String())
		}
	})
}
