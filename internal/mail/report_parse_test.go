package mail_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"quorum/internal/mail"
)

// The files in testdata/reports are written after what Postfix, Exim,
// Gmail and feedback loops send; the addresses and hosts are made up.
func TestParseReportFiles(t *testing.T) {
	cases := []struct {
		file string
		want mail.Report
	}{
		{"postfix-bounce.eml", mail.Report{
			Kind: mail.Bounce,
			Recipients: []mail.ReportRecipient{{FinalRecipient: "reader1@example.org", OriginalRecipient: "reader1@example.org", Action: "failed", Status: "5.1.1",
				Diagnostic: "smtp; 550 5.1.1 <reader1@example.org>: Recipient address rejected: User unknown in virtual mailbox table"}},
			OriginalMessageID: "newsletter-3-41@party.example",
			OriginalTo:        []string{"reader1@example.org"},
		}},
		{"postfix-delayed.eml", mail.Report{
			Kind: mail.Delayed,
			Recipients: []mail.ReportRecipient{{FinalRecipient: "reader2@example.net", OriginalRecipient: "reader2@example.net", Action: "delayed", Status: "4.4.1",
				Diagnostic: "X-Postfix; connect to mx.example.net[198.51.100.7]:25: Connection timed out"}},
			OriginalMessageID: "newsletter-3-42@party.example",
			OriginalTo:        []string{"reader2@example.net"},
		}},
		// Postfix gives up after the queue lifetime with "failed" but a
		// temporary status: the address may well work next time.
		{"postfix-expired.eml", mail.Report{
			Kind: mail.Delayed,
			Recipients: []mail.ReportRecipient{{FinalRecipient: "reader2@example.net", OriginalRecipient: "reader2@example.net", Action: "failed", Status: "4.4.1",
				Diagnostic: "X-Postfix; connect to mx.example.net[198.51.100.7]:25: Connection timed out"}},
			OriginalMessageID: "newsletter-3-42@party.example",
			OriginalTo:        []string{"reader2@example.net"},
		}},
		// Exim writes Action before Final-Recipient; one recipient failed
		// for good, another is delayed: a bounce, for the first only.
		{"exim-bounce.eml", mail.Report{
			Kind: mail.Bounce,
			Recipients: []mail.ReportRecipient{
				{FinalRecipient: "old.member@example.net", Action: "failed", Status: "5.0.0", Diagnostic: "smtp; 550 5.1.1 <old.member@example.net>... No such user"},
				{FinalRecipient: "slow@example.com", Action: "delayed", Status: "4.0.0", Diagnostic: "smtp; 451 4.3.0 Temporary local problem"},
			},
			OriginalMessageID: "newsletter-7-1203@party.example",
			OriginalTo:        []string{"old.member@example.net"},
		}},
		// Gmail's human part is multipart/related inside the report; here
		// the report part is base64, as some servers send it.
		{"gmail-bounce.eml", mail.Report{
			Kind: mail.Bounce,
			Recipients: []mail.ReportRecipient{{FinalRecipient: "nobody.here.9f@gmail.com", Action: "failed", Status: "5.1.1",
				Diagnostic: "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a5d4d41000000b0033e1a1e4a1fsi123456wru.301 - gsmtp"}},
			OriginalMessageID: "newsletter-9-77@party.example",
			OriginalTo:        []string{"nobody.here.9f@gmail.com"},
		}},
		{"arf-abuse.eml", mail.Report{
			Kind:              mail.Complaint,
			FeedbackType:      "abuse",
			Recipients:        []mail.ReportRecipient{{FinalRecipient: "reader2@example.com"}},
			OriginalMessageID: "newsletter-3-44@party.example",
			OriginalTo:        []string{"reader2@example.com"},
		}},
		// Without Original-Rcpt-To the returned To names the recipient.
		{"arf-headers-only.eml", mail.Report{
			Kind:              mail.Complaint,
			FeedbackType:      "abuse",
			Recipients:        []mail.ReportRecipient{{FinalRecipient: "a.reader@example-isp.net"}},
			OriginalMessageID: "newsletter-5-310@party.example",
			OriginalTo:        []string{"a.reader@example-isp.net"},
		}},
		{"out-of-office.eml", mail.Report{Kind: mail.NotAReport}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "reports", c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := mail.ParseReport(f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// report builds a multipart/report around a machine-readable part.
func report(reportType, partType, fields, original string) string {
	var b strings.Builder
	b.WriteString("From: MAILER-DAEMON@mx.party.example\r\nTo: bounces@party.example\r\nSubject: report\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/report; report-type=" + reportType + "; boundary=\"b1\"\r\n\r\n")
	b.WriteString("--b1\r\nContent-Type: text/plain\r\n\r\nA report.\r\n")
	b.WriteString("--b1\r\nContent-Type: " + partType + "\r\n\r\n" + fields + "\r\n")
	if original != "" {
		b.WriteString("--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n" + original + "\r\n")
	}
	b.WriteString("--b1--\r\n")
	return b.String()
}

func TestParseReportCases(t *testing.T) {
	const dsn, arf = "message/delivery-status", "message/feedback-report"
	original := "From: news@party.example\r\nTo: ada@example.org\r\nMessage-ID: <newsletter-1-2@party.example>\r\n"
	cases := []struct {
		name    string
		msg     string
		kind    mail.ReportKind
		status  []string // each recipient's status
		addrs   []string // each recipient's addresses, joined by "|"
		wantErr bool
	}{
		{"success notice", report("delivery-status", dsn, "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; ada@example.org\r\nAction: delivered\r\nStatus: 2.0.0\r\n", original),
			mail.OtherReport, []string{"2.0.0"}, []string{"ada@example.org"}, false},
		{"no status, permanent reply code", report("delivery-status", dsn, "Final-Recipient: rfc822; ada@example.org\r\nAction: failed\r\nDiagnostic-Code: smtp; 550 mailbox unavailable\r\n", ""),
			mail.Bounce, []string{"5.0.0"}, []string{"ada@example.org"}, false},
		{"failed without any status is not permanent", report("delivery-status", dsn, "Final-Recipient: rfc822; ada@example.org\r\nAction: failed\r\n", ""),
			mail.Delayed, []string{""}, []string{"ada@example.org"}, false},
		{"status with a comment, no type, no blank line before the recipient", report("delivery-status", dsn, "Reporting-MTA: dns; mx\r\nFinal-Recipient: <Ada@Example.org>\r\nAction: Failed\r\nStatus: 5.2.2 (mailbox full)\r\n", ""),
			mail.Bounce, []string{"5.2.2"}, []string{"ada@example.org"}, false},
		{"forwarded: original and final recipients differ", report("delivery-status", dsn, "Final-Recipient: rfc822; ada@elsewhere.example\r\nOriginal-Recipient: rfc822; ada@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n", original),
			mail.Bounce, []string{"5.1.1"}, []string{"ada@example.org|ada@elsewhere.example"}, false},
		{"a bad status is not read", report("delivery-status", dsn, "Final-Recipient: rfc822; ada@example.org\r\nAction: failed\r\nStatus: 5.x\r\n", ""),
			mail.Delayed, []string{""}, []string{"ada@example.org"}, false},
		{"feedback other than abuse", report("feedback-report", arf, "Feedback-Type: not-spam\r\nOriginal-Rcpt-To: ada@example.org\r\n", original),
			mail.OtherReport, []string{""}, []string{"ada@example.org"}, false},
		{"report with no machine part", report("delivery-status", "text/plain", "Final-Recipient: rfc822; ada@example.org\r\n", ""),
			mail.NotAReport, nil, nil, false},
		{"report forwarded inside a multipart/mixed", "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--outer\r\n" +
			strings.Replace(report("delivery-status", dsn, "Final-Recipient: rfc822; ada@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n", ""), "From: MAILER-DAEMON@mx.party.example\r\nTo: bounces@party.example\r\nSubject: report\r\nMIME-Version: 1.0\r\n", "", 1) +
			"--outer--\r\n", mail.Bounce, []string{"5.1.1"}, []string{"ada@example.org"}, false},
		{"plain text", "Subject: hello\r\n\r\nHello.\r\n", mail.NotAReport, nil, nil, false},
		{"not a message", "this is not\r\nan e-mail at all\r\n", mail.NotAReport, nil, nil, true},
		{"empty", "", mail.NotAReport, nil, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := mail.ParseReport(strings.NewReader(c.msg))
			if (err != nil) != c.wantErr || (err != nil && !errors.Is(err, mail.ErrNotMessage)) {
				t.Fatalf("error %v, want error %v", err, c.wantErr)
			}
			if got.Kind != c.kind {
				t.Errorf("kind %s, want %s", got.Kind, c.kind)
			}
			var status, addrs []string
			for _, r := range got.Recipients {
				status = append(status, r.Status)
				addrs = append(addrs, strings.Join(r.Addresses(), "|"))
			}
			if !reflect.DeepEqual(status, c.status) || !reflect.DeepEqual(addrs, c.addrs) {
				t.Errorf("statuses %q addresses %q, want %q %q", status, addrs, c.status, c.addrs)
			}
		})
	}
}

// A bounce that returns nothing of the message may still name it.
func TestParseReportOriginalFromInReplyTo(t *testing.T) {
	msg := strings.Replace(report("delivery-status", "message/delivery-status", "Final-Recipient: rfc822; ada@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n", ""),
		"Subject: report\r\n", "Subject: report\r\nIn-Reply-To: <newsletter-1-2@party.example>\r\n", 1)
	got, err := mail.ParseReport(strings.NewReader(msg))
	if err != nil || got.Kind != mail.Bounce || got.OriginalMessageID != "newsletter-1-2@party.example" {
		t.Fatalf("%v %+v", err, got)
	}
}

// An error must never carry the message's text: it may be logged.
func TestParseReportErrorsRepeatNothing(t *testing.T) {
	_, err := mail.ParseReport(strings.NewReader("ada@example.org is not a header\r\n\r\n"))
	if err == nil || strings.Contains(err.Error(), "ada") {
		t.Fatalf("error %v", err)
	}
}

var statusPattern = regexp.MustCompile(`^$|^[245]\.\d{1,3}\.\d{1,3}$`)

func FuzzParseReport(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "reports", "*.eml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed reports: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(report("delivery-status", "message/delivery-status", "Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n", "Message-ID: <x@y>\r\n")))
	f.Add([]byte(report("feedback-report", "message/feedback-report", "Feedback-Type: abuse\r\n", "To: a@b.example\r\n")))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := mail.ParseReport(strings.NewReader(string(b)))
		if err != nil && (!errors.Is(err, mail.ErrNotMessage) || rep.Kind != mail.NotAReport) {
			t.Fatalf("error %v with kind %s", err, rep.Kind)
		}
		switch rep.Kind {
		case mail.NotAReport, mail.Bounce, mail.Delayed, mail.Complaint, mail.OtherReport:
		default:
			t.Fatalf("kind %q", rep.Kind)
		}
		permanent := false
		for _, r := range rep.Recipients {
			if !statusPattern.MatchString(r.Status) {
				t.Fatalf("status %q", r.Status)
			}
			for _, a := range r.Addresses() {
				if a != strings.ToLower(a) || !strings.Contains(a, "@") {
					t.Fatalf("address %q", a)
				}
			}
			permanent = permanent || r.Permanent()
		}
		// Only a permanent failure is a bounce, and it always is one.
		if (rep.Kind == mail.Bounce) != permanent {
			t.Fatalf("kind %s with permanent=%v", rep.Kind, permanent)
		}
	})
}

// BenchmarkParseReportFolded reads a report whose Diagnostic-Code is
// folded over as many lines as the part may hold: unfolding must stay
// linear in the part's size.
func BenchmarkParseReportFolded(b *testing.B) {
	fields := "Final-Recipient: rfc822; ada@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550" + strings.Repeat("\r\n x", 90_000) + "\r\n"
	msg := report("delivery-status", "message/delivery-status", fields, "")
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if rep, err := mail.ParseReport(strings.NewReader(msg)); err != nil || rep.Kind != mail.Bounce {
			b.Fatal(err, rep.Kind)
		}
	}
}

// BenchmarkParseReportPostfix reads an ordinary bounce.
func BenchmarkParseReportPostfix(b *testing.B) {
	msg, err := os.ReadFile(filepath.Join("testdata", "reports", "postfix-bounce.eml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if rep, err := mail.ParseReport(strings.NewReader(string(msg))); err != nil || rep.Kind != mail.Bounce {
			b.Fatal(err, rep.Kind)
		}
	}
}
