package web_test

import (
	"net/http"
	"strings"
	"testing"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestNewsletterPageShowsEveryOutcome: the author sees how many copies of
// a report's newsletter went out, and how many came back as complaints.
func TestNewsletterPageShowsEveryOutcome(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		csv := "email\nann@example.org\nbob@example.org\ncat@example.org\n"
		if _, err := s.svc.ImportSubscribers(s.ctx, s.people["admin"], strings.NewReader(csv), report.Follow{Scope: store.ScopeSite}, true, "signed up at conference"); err != nil {
			t.Fatal(err)
		}
		rep := s.report("rep", "March meeting", true, report.ReportInput{Intro: "What happened", SendNewsletter: true})
		s.runJobs()
		if _, err := db.Exec(s.ctx, `UPDATE newsletter_deliveries SET status = ? WHERE id = (SELECT MIN(id) FROM newsletter_deliveries)`, report.DeliveryComplaint); err != nil {
			t.Fatal(err)
		}
		res := s.do("rep", http.MethodGet, "/reports/"+rep.Slug+"/newsletter", nil)
		if res.Code != http.StatusOK {
			t.Fatalf("status %d", res.Code)
		}
		body := res.Body.String()
		i := strings.Index(body, "reported as spam")
		if i < 0 {
			t.Fatalf("the complaint is not shown:\n%s", body)
		}
		if row := body[i:min(len(body), i+200)]; !strings.Contains(row, ">1<") {
			t.Fatalf("the complaint's count is not 1: %s", row)
		}
	})
}

// TestNewsletterPageKeepsAddressesFromTheAuthor: subscribers' addresses
// are for administrators; the author sees how many failed, not who.
func TestNewsletterPageKeepsAddressesFromTheAuthor(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		csv := "email\nann@example.org\nbob@example.org\n"
		if _, err := s.svc.ImportSubscribers(s.ctx, s.people["admin"], strings.NewReader(csv), report.Follow{Scope: store.ScopeSite}, true, "signed up at conference"); err != nil {
			t.Fatal(err)
		}
		rep := s.report("rep", "April meeting", true, report.ReportInput{Intro: "What happened", SendNewsletter: true})
		s.runJobs()
		if _, err := db.Exec(s.ctx, `UPDATE newsletter_deliveries SET status = 'failed', error = '550 <ann@example.org> no such user'
WHERE subscriber_id = (SELECT id FROM subscribers WHERE email = 'ann@example.org')`); err != nil {
			t.Fatal(err)
		}
		author := s.do("rep", http.MethodGet, "/reports/"+rep.Slug+"/newsletter", nil)
		if b := author.Body.String(); author.Code != http.StatusOK || strings.Contains(b, "ann@example.org") || strings.Contains(b, "bob@example.org") {
			t.Fatalf("the author sees a subscriber's address (%d):\n%s", author.Code, b)
		} else if i := strings.Index(b, "<td>Failed</td>"); i < 0 || !strings.HasPrefix(b[i+len("<td>Failed</td>"):], `<td class="num">1</td>`) {
			t.Fatalf("the author does not see one failure:\n%s", b)
		}
		admin := s.do("admin", http.MethodGet, "/reports/"+rep.Slug+"/newsletter", nil)
		if b := admin.Body.String(); admin.Code != http.StatusOK || !strings.Contains(b, "ann@example.org") || !strings.Contains(b, "no such user") {
			t.Fatalf("the administrator does not see the failed address (%d):\n%s", admin.Code, b)
		}
	})
}
