package web_test

import (
	"strings"
	"testing"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// Each body's feed address serves that body's reports and no other's.
func TestBodyFeedServesOnlyTheBodysReports(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		var board int64
		if err := db.InTx(s.ctx, func(tx *store.Tx) error {
			var err error
			board, err = tx.CreateBody(s.ctx, store.Body{Name: "Board", Slug: "board"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s.report("rep", "Executive in May", true, report.ReportInput{Intro: "May"})
		r, err := s.svc.CreateReport(s.ctx, s.people["admin"], report.ReportInput{Title: "Board in May", BodyID: board, Intro: "Elsewhere"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Publish(s.ctx, s.people["admin"], r.ID); err != nil {
			t.Fatal(err)
		}
		for path, want := range map[string]string{"/bodies/executive/feed.atom": "Executive in May", "/bodies/board/feed.atom": "Board in May"} {
			rec := s.do("anonymous", "GET", path, nil)
			b := rec.Body.String()
			if rec.Code != 200 || strings.Count(b, "<entry>") != 1 || !strings.Contains(b, "<title>"+want+"</title>") {
				t.Errorf("%s: %d, %d entries, want only %q\n%s", path, rec.Code, strings.Count(b, "<entry>"), want, b)
			}
		}
	})
}
