package report_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestReportLifecycle(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := report.ReportInput{
			Intro: "Report of the **January** meeting.",
			Sections: []report.Section{
				{Kind: "leader", Body: "The Leader spoke about the *economy*."},
				{Kind: "local_government", Body: "Councils face cuts."},
				{Kind: "other", Heading: "Any other business", Body: "None."},
			},
			Tags: "Local government, NEC, local government", CommentsOpen: true, SendNewsletter: true, BodyID: e.body.ID,
		}
		r := e.draft(e.rep, "NEC report – January 2026", in)
		if r.Slug != "nec-report-january-2026" || r.Status != store.ReportDraft {
			t.Fatalf("draft: slug %q status %q", r.Slug, r.Status)
		}

		// A draft is seen by its author and administrators only.
		for _, p := range []*auth.Principal{e.anon, e.member, e.rep2, e.secretary} {
			if _, err := e.svc.ReportPage(e.ctx, p, r.Slug); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("person %d sees a draft: %v", p.PersonID, err)
			}
		}
		pg, err := e.svc.ReportPage(e.ctx, e.rep, r.Slug)
		if err != nil || !pg.CanEdit {
			t.Fatalf("author's view: %v %+v", err, pg.CanEdit)
		}
		var ids []string
		for _, x := range pg.TOC {
			ids = append(ids, x.ID+"|"+x.Title)
		}
		if got := strings.Join(ids, ","); got != "leaders-report|Leader’s report,local-government|Local government,any-other-business|Any other business" {
			t.Errorf("table of contents: %s", got)
		}
		if len(pg.Tags) != 2 {
			t.Errorf("tags: %+v (duplicates must merge)", pg.Tags)
		}

		// Only the author and administrators edit.
		in.Title = "Changed"
		for _, p := range []*auth.Principal{e.anon, e.member, e.rep2, e.secretary} {
			if _, err := e.svc.UpdateReport(e.ctx, p, r.ID, in); err == nil {
				t.Errorf("person %d edited someone else's report", p.PersonID)
			}
			if _, err := e.svc.Publish(e.ctx, p, r.ID); err == nil {
				t.Errorf("person %d published someone else's report", p.PersonID)
			}
		}
		// Reordering: the sections come back in the new order.
		in.Title = "NEC report – January 2026"
		in.Sections[0], in.Sections[1] = in.Sections[1], in.Sections[0]
		if _, err := e.svc.UpdateReport(e.ctx, e.admin, r.ID, in); err != nil {
			t.Fatalf("admin edits: %v", err)
		}
		_, got, err := e.svc.ReportForEdit(e.ctx, e.rep, r.ID)
		if err != nil || got.Sections[0].Kind != "local_government" || got.Sections[1].Kind != "leader" {
			t.Fatalf("reordered sections: %v %+v", err, got.Sections)
		}

		// A member holding no seat cannot write reports.
		if _, err := e.svc.CreateReport(e.ctx, e.member, report.ReportInput{Title: "Mine", BodyID: e.body.ID}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("member without a seat writes a report: %v", err)
		}
		if _, err := e.svc.CreateReport(e.ctx, e.rep, report.ReportInput{Title: "Elsewhere", BodyID: e.other.ID}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("representative writes on a body they do not sit on: %v", err)
		}
		if _, err := e.svc.CreateReport(e.ctx, e.anon, report.ReportInput{Title: "Anon", BodyID: e.body.ID}); !errors.Is(err, auth.ErrSignInNeeded) {
			t.Errorf("anonymous writes a report: %v", err)
		}

		// Published: public, searchable, on the representative's page.
		r = e.publish(e.rep, r)
		if r.Status != store.ReportPublished || !r.PublishAt.Equal(e.clock.Now()) {
			t.Fatalf("published: %+v", r)
		}
		if _, err := e.svc.ReportPage(e.ctx, e.anon, r.Slug); err != nil {
			t.Fatalf("public page: %v", err)
		}
		hits, total, err := e.svc.Search(e.ctx, store.SearchQuery{Text: "councils"})
		if err != nil || total != 1 || hits[0].URL != "/reports/"+r.Slug {
			t.Fatalf("search: %v %d %+v", err, total, hits)
		}
		rp, err := e.svc.Representative(e.ctx, "alice-rep", 0, store.Page{})
		if err != nil || rp.Year != 2026 || len(rp.Reports) != 1 || len(rp.Terms) != 1 {
			t.Fatalf("representative page: %v %+v", err, rp)
		}
		br, err := e.svc.BodyReportsPage(e.ctx, e.body, 3)
		if err != nil || len(br.Holders) != 2 || len(br.Holders[0].Reports) != 1 || len(br.Holders[1].Reports) != 0 {
			t.Fatalf("body page: %v %+v", err, br)
		}

		// A new slug keeps the old address working.
		in.Slug = "nec-january-2026"
		if _, err := e.svc.UpdateReport(e.ctx, e.rep, r.ID, in); err != nil {
			t.Fatal(err)
		}
		if target, err := db.RedirectTarget(e.ctx, "/reports/nec-report-january-2026"); err != nil || target != "/reports/nec-january-2026" {
			t.Errorf("redirect after renaming: %q %v", target, err)
		}

		// Back to draft: gone from the public and the search.
		if _, err := e.svc.Unpublish(e.ctx, e.rep, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "councils"}); total != 0 {
			t.Errorf("a draft is still found by search")
		}
		entries, _, err := db.AuditLog(e.ctx, store.AuditFilter{})
		if err != nil || len(entries) < 4 {
			t.Errorf("audit log: %v %d entries", err, len(entries))
		}
	})
}

func TestReportValidation(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, err := e.svc.CreateReport(e.ctx, e.rep, report.ReportInput{BodyID: e.body.ID, Slug: "Bad Slug!", Sections: []report.Section{{Kind: "nonsense"}}})
		fe, ok := errAsFields(err)
		if !ok || fe["title"] == "" || fe["slug"] == "" || fe["section-0-kind"] == "" {
			t.Fatalf("errors: %v", err)
		}
		e.draft(e.rep, "Same title", report.ReportInput{})
		if _, err := e.svc.CreateReport(e.ctx, e.rep, report.ReportInput{Title: "Same title", BodyID: e.body.ID}); err == nil {
			t.Fatal("two reports share an address")
		} else if fe, ok := errAsFields(err); !ok || fe["slug"] == "" {
			t.Fatalf("duplicate slug: %v", err)
		}
	})
}

func errAsFields(err error) (report.FieldErrors, bool) {
	var fe report.FieldErrors
	ok := errors.As(err, &fe)
	return fe, ok
}

func TestRenderingIsSanitised(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.draft(e.rep, "Hostile", report.ReportInput{
			Intro:    "# Big heading\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) <a href=\"/x\" onclick=\"evil()\">local</a>\n\n<img src=x onerror=alert(3)>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n| a | b |\n|---|---|\n| 1 | 2 |",
			Sections: []report.Section{{Kind: "policy", Body: "## Inner\n\nText <b>bold</b> <style>body{}</style>"}},
		})
		full, err := db.ReportByID(e.ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		h := full.HTML
		for _, bad := range []string{"<script", "javascript:", "onclick", "onerror", "<iframe", "<style", "<h1"} {
			if strings.Contains(strings.ToLower(h), bad) {
				t.Errorf("rendered HTML holds %q:\n%s", bad, h)
			}
		}
		for _, good := range []string{`<h2 id="big-heading">Big heading</h2>`, `<a href="/x"`, "<table>", `<h2 id="policy">Policy</h2>`, `<h3 id="inner">Inner</h3>`, "<b>bold</b>"} {
			if !strings.Contains(h, good) {
				t.Errorf("rendered HTML lacks %q:\n%s", good, h)
			}
		}
		if strings.Contains(full.PlainText, "<") || !strings.Contains(full.PlainText, "Big heading") {
			t.Errorf("plain text: %q", full.PlainText)
		}
		p := e.svc.Preview(report.ReportInput{Intro: "Hello *there*"})
		if !strings.Contains(p.HTML, "<em>there</em>") {
			t.Errorf("preview: %s", p.HTML)
		}
	})
}

func TestScheduledPublication(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.draft(e.rep, "Scheduled", report.ReportInput{Intro: "Later."})
		if _, err := e.svc.Schedule(e.ctx, e.rep, r.ID, e.clock.Now().Add(-time.Minute)); err == nil {
			t.Fatal("scheduled in the past")
		}
		if _, err := e.svc.Schedule(e.ctx, e.member, r.ID, e.clock.Now().Add(time.Hour)); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("member schedules another's report: %v", err)
		}
		if _, err := e.svc.Schedule(e.ctx, e.rep, r.ID, e.clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Moved to later: the first job finds the time changed.
		later := e.clock.Now().Add(3 * time.Hour).Truncate(time.Second)
		if _, err := e.svc.Schedule(e.ctx, e.rep, r.ID, later); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(2 * time.Hour)
		e.runJobs()
		if got, _ := db.ReportByID(e.ctx, r.ID); got.Status != store.ReportScheduled {
			t.Fatalf("published at the old time: %s", got.Status)
		}
		if _, err := e.svc.ReportPage(e.ctx, e.anon, r.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("scheduled report is public before its time")
		}
		e.clock.Advance(2 * time.Hour)
		e.runJobs()
		got, _ := db.ReportByID(e.ctx, r.ID)
		if got.Status != store.ReportPublished || !got.PublishAt.Equal(later) {
			t.Fatalf("after its time: %s at %v, want published at %v", got.Status, got.PublishAt, later)
		}
	})
}
