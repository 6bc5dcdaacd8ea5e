package report_test

import (
	"bytes"
	"encoding/xml"
	"testing"
	"time"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// A body's feed holds that body's published reports, newest first, and
// no other body's.
func TestBodyFeedHoldsOnlyTheBodysReports(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.publish(e.rep, e.draft(e.rep, "NEC in January", report.ReportInput{Intro: "January"}))
		e.clock.Advance(time.Hour)
		e.publish(e.admin, e.draft(e.admin, "Board in January", report.ReportInput{BodyID: e.other.ID, Intro: "Elsewhere"}))
		e.clock.Advance(time.Hour)
		e.publish(e.rep2, e.draft(e.rep2, "NEC in February", report.ReportInput{Intro: "February"}))
		e.draft(e.rep, "NEC draft", report.ReportInput{})

		var buf bytes.Buffer
		scope := report.FeedScope{Title: e.body.Name, Path: "/bodies/nec/feed.atom", PagePath: "/bodies/nec/reports", BodyID: e.body.ID}
		if err := e.svc.WriteFeed(e.ctx, &buf, scope); err != nil {
			t.Fatal(err)
		}
		var feed struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				Title  string `xml:"title"`
				ID     string `xml:"id"`
				Author string `xml:"author>name"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(buf.Bytes(), &feed); err != nil {
			t.Fatalf("not XML: %v\n%s", err, buf.String())
		}
		var titles []string
		for _, en := range feed.Entries {
			titles = append(titles, en.Title)
		}
		if len(titles) != 2 || titles[0] != "NEC in February" || titles[1] != "NEC in January" {
			t.Fatalf("entries: %q, want the body's two published reports, newest first", titles)
		}
		if feed.Entries[0].Author != "Bob Rep" || feed.Entries[1].ID != "https://party.example/reports/nec-in-january" {
			t.Errorf("entries: %+v", feed.Entries)
		}
		self := ""
		for _, l := range feed.Links {
			if l.Rel == "self" {
				self = l.Href
			}
		}
		if feed.Title == "" || self != "https://party.example/bodies/nec/feed.atom" {
			t.Errorf("feed: title %q, self %q", feed.Title, self)
		}
	})
}
