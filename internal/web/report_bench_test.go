package web_test

import (
	"net/http/httptest"
	"testing"

	"quorum/internal/report"
	"quorum/internal/testkit"
)

// BenchmarkReportPage serves a published report with comments to an
// anonymous visitor, the page the load test asks for most.
func BenchmarkReportPage(b *testing.B) {
	db := testkit.SQLite(b)
	s := newReportSite(b, db)
	var sections []report.Section
	for _, k := range report.SectionKinds[:8] {
		sections = append(sections, report.Section{Kind: k.Key, Body: longText})
	}
	r := s.report("rep", "A long report", true, report.ReportInput{Intro: longText, Sections: sections, CommentsOpen: true, Tags: "NEC, councils"})
	path := "/reports/" + r.Slug
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			s.srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if rec.Code != 200 {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

const longText = `The committee heard the reports of the Leader and the Deputy Leader, and the General Secretary's report on membership and finance.
Councillors raised the pressure on budgets, social care and temporary accommodation, and asked that the national campaign make the case for fair funding.

- Membership is stable, with new members after each campaign weekend.
- The accounts are on track and the reserve stays at three months of costs.
- Selections in target seats open next month.

The committee agreed the timetable for the by-election to the vacant seat, and the rules for the hustings that every candidate may attend.`
