package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestReportPageShowsTheReport(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		r := s.report("rep", "NEC report – January", true, report.ReportInput{
			Summary: "What the NEC did in January.", Intro: "Intro text.", Tags: "Elections", CommentsOpen: true,
			Sections: []report.Section{{Kind: "leader", Body: "Leader said <script>x</script> things."}, {Kind: "local_government", Body: "Councils."}},
		})
		if _, err := s.svc.SetCover(s.ctx, s.people["rep"], r.ID, pngBytes(40, 20), "A crowd"); err != nil {
			t.Fatal(err)
		}
		rec := s.do("anonymous", "GET", "/reports/"+r.Slug, nil)
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		head := body[:strings.Index(body, "</head>")]
		for _, want := range []string{
			`<meta property="og:type" content="article">`, `<meta property="og:title" content="NEC report – January">`,
			`<meta property="og:description" content="What the NEC did in January.">`, `<meta property="og:url" content="http://quorum.test/reports/nec-report-january">`,
			`<meta property="og:image" content="http://quorum.test/images/`, `<link rel="canonical" href="http://quorum.test/reports/nec-report-january">`,
			`<meta property="article:tag" content="Elections">`, `<link rel="stylesheet" href="/static/reports.css">`, `type="application/atom+xml"`,
		} {
			if !strings.Contains(head, want) {
				t.Errorf("head lacks %s", want)
			}
		}
		for _, want := range []string{`<nav class="report-toc"`, `<a href="#leaders-report">Leader’s report</a>`, `<h2 id="local-government">Local government</h2>`,
			`action="/subscriptions"`, `value="person:`, "Sign in</a> to comment"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		if strings.Contains(body, "<script>x") {
			t.Error("script in the page")
		}
		rec = s.do("anonymous", "GET", "/reports/"+r.Slug+"/print", nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "reports.print.css") || strings.Contains(rec.Body.String(), "<nav") {
			t.Errorf("print: %d", rec.Code)
		}
		// Renamed: the old address redirects.
		in := report.ReportInput{Title: r.Title, Slug: "january-2026", BodyID: s.body.ID, CommentsOpen: true}
		if _, err := s.svc.UpdateReport(s.ctx, s.people["rep"], r.ID, in); err != nil {
			t.Fatal(err)
		}
		rec = s.do("anonymous", "GET", "/reports/"+r.Slug, nil)
		if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/reports/january-2026" {
			t.Errorf("old address: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		// An imported blog's permalink, with or without its last slash.
		if err := db.InTx(s.ctx, func(tx *store.Tx) error {
			_, err := tx.PutRedirect(s.ctx, "/2016/01/26/labour-nec-report-january-2016/", "/reports/january-2026", time.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/2016/01/26/labour-nec-report-january-2016/", "/2016/01/26/labour-nec-report-january-2016"} {
			rec = s.do("anonymous", "GET", path, nil)
			if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/reports/january-2026" {
				t.Errorf("%s: %d %s", path, rec.Code, rec.Header().Get("Location"))
			}
		}
		if rec = s.do("anonymous", "GET", "/2016/02/01/unknown/", nil); rec.Code != http.StatusNotFound {
			t.Errorf("unknown permalink: %d", rec.Code)
		}
		if rec = s.do("anonymous", "GET", "/static/quorum.css", nil); rec.Code != 200 {
			t.Errorf("static files: %d", rec.Code)
		}
	})
}

func TestReportFormWorksWithoutJavaScript(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		rec := s.do("rep", "GET", "/reports/new", nil)
		if rec.Code != 200 || strings.Count(rec.Body.String(), `name="section_kind"`) != 4 {
			t.Fatalf("new form: %d", rec.Code)
		}
		form := url.Values{"title": {"Two sections"}, "body": {fmt.Sprint(s.body.ID)}, "intro": {"Hello *world*"},
			"section_kind": {"leader", "policy"}, "section_heading": {"Leader’s report", "Policy"}, "section_body": {"L", "P"}}
		post := func(op string, extra url.Values) string {
			t.Helper()
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			for k, v := range extra {
				f[k] = v
			}
			f.Set("op", op)
			rec := s.do("rep", "POST", "/reports/new", f)
			if rec.Code != 200 {
				t.Fatalf("op %s: %d", op, rec.Code)
			}
			return rec.Body.String()
		}
		if b := post("down:0", nil); strings.Index(b, `>P</textarea>`) > strings.Index(b, `>L</textarea>`) {
			t.Error("move down did not move")
		}
		if b := post("add", url.Values{"new_section_kind": {"disputes"}}); strings.Count(b, `name="section_kind"`) != 3 || !strings.Contains(b, `value="Disputes"`) {
			t.Error("add did not add")
		}
		if b := post("remove:1", nil); strings.Count(b, `name="section_kind"`) != 1 {
			t.Error("remove did not remove")
		}
		if b := post("preview", nil); !strings.Contains(b, "<em>world</em>") || !strings.Contains(b, "Preview (not saved yet)") {
			t.Error("no preview")
		}
		if n, _, _ := db.Reports(s.ctx, store.ReportFilter{Statuses: []string{"draft"}}); len(n) != 0 {
			t.Fatal("buttons other than save saved")
		}
		// Errors come back with a summary linking to each field.
		bad := url.Values{"title": {""}, "body": {"0"}, "op": {"save"}, "section_kind": {"bogus"}, "section_heading": {""}, "section_body": {""}}
		rec = s.do("rep", "POST", "/reports/new", bad)
		b := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(b, `href="#f-title"`) || !strings.Contains(b, `href="#f-body"`) ||
			!strings.Contains(b, `href="#f-section-0-kind"`) || !strings.Contains(b, `id="f-section-0-kind"`) {
			t.Errorf("errors: %d", rec.Code)
		}
		form.Set("op", "save")
		rec = s.do("rep", "POST", "/reports/new", form)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/reports/two-sections/edit" {
			t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		rec = s.do("rep", "POST", "/reports/two-sections/schedule", url.Values{"publish_at": {"yesterday"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#f-publish_at"`) {
			t.Errorf("bad schedule: %d", rec.Code)
		}
		rec = s.do("rep", "POST", "/reports/two-sections/publish", url.Values{})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d", rec.Code)
		}
		if rec = s.do("anonymous", "GET", "/reports/two-sections", nil); rec.Code != 200 {
			t.Errorf("published report: %d", rec.Code)
		}
	})
}

func TestCommentsThroughThePages(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		r := s.report("rep", "Open", true, report.ReportInput{CommentsOpen: true})
		path := "/reports/" + r.Slug
		visitor := url.Values{"name": {"Pat"}, "email": {"pat@example.org"}, "comment": {"Well done."}}

		// Until the organisation allows it, visitors are asked to sign in.
		if b := s.do("anonymous", "GET", path, nil).Body.String(); strings.Contains(b, `id="comment-form"`) || !strings.Contains(b, "to comment.") {
			t.Error("the comment form is offered to visitors")
		}
		if rec := s.do("anonymous", "POST", path+"/comments", visitor); rec.Code != http.StatusUnauthorized {
			t.Errorf("a visitor's comment while public comments are off: %d", rec.Code)
		}
		if c, total, _ := db.CommentsForModeration(s.ctx, store.CommentFilter{All: true}); total != 0 {
			t.Fatalf("a refused comment was kept: %+v", c)
		}
		// An administrator allows it on the organisation's page, and the
		// kept copy of the page a visitor just read offers the form at once.
		if page := s.do("anonymous", "GET", path, nil).Body.String(); strings.Contains(page, `id="comment-form"`) {
			t.Fatal("visitors are offered the comment form before it is allowed")
		}
		if rec := s.do("rep", "POST", "/admin/organisation", url.Values{"name": {"Test Party"}, "public_comments": {"on"}}); rec.Code != http.StatusForbidden {
			t.Errorf("a representative changed the organisation: %d", rec.Code)
		}
		if rec := s.do("admin", "POST", "/admin/organisation", url.Values{"name": {"Test Party"}, "public_comments": {"on"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("allow public comments: %d", rec.Code)
		}
		if b := s.do("admin", "GET", "/admin/organisation", nil).Body.String(); !strings.Contains(b, `name="public_comments" value="on" aria-describedby="h-public_comments" checked`) {
			t.Error("the organisation's page does not show public comments allowed")
		}
		if page := s.do("anonymous", "GET", path, nil).Body.String(); !strings.Contains(page, `id="comment-form"`) {
			t.Fatal("a visitor is still shown the page kept from before public comments were allowed")
		}
		rec := s.do("anonymous", "POST", path+"/comments", visitor)
		if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "#comments") {
			t.Fatalf("comment: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		rec = s.do("anonymous", "POST", path+"/comments", url.Values{"name": {""}, "email": {"bad"}, "comment": {""}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#f-comment"`) || !strings.Contains(rec.Body.String(), `href="#f-email"`) {
			t.Errorf("bad comment: %d", rec.Code)
		}
		if strings.Contains(s.do("anonymous", "GET", path, nil).Body.String(), "Well done.") {
			t.Fatal("held comment shown")
		}
		q := s.do("rep", "GET", "/moderation", nil).Body.String()
		if !strings.Contains(q, "Well done.") || !strings.Contains(q, "pat@example.org") {
			t.Fatal("comment not in the author's queue")
		}
		c, _, _ := db.CommentsForModeration(s.ctx, store.CommentFilter{All: true})
		rec = s.do("rep", "POST", fmt.Sprintf("/comments/%d/moderate", c[0].ID), url.Values{"action": {"approve"}, "back": {"//evil.example/"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/moderation" {
			t.Fatalf("approve: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		page := s.do("anonymous", "GET", path, nil).Body.String()
		if !strings.Contains(page, "Well done.") || !strings.Contains(page, fmt.Sprintf(`id="comment-%d"`, c[0].ID)) {
			t.Fatal("approved comment not shown")
		}
		if !strings.Contains(page, `id="comment-form"`) {
			t.Error("the comment form is not offered to visitors once allowed")
		}
		// The same address typed again is held again.
		visitor.Set("comment", "And again.")
		rec = s.do("anonymous", "POST", path+"/comments", visitor)
		if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "#comments") {
			t.Fatalf("second comment: %d %s", rec.Code, rec.Header().Get("Location"))
		}
		if _, held, _ := db.CommentsForModeration(s.ctx, store.CommentFilter{All: true, Status: store.CommentPending}); held != 1 {
			t.Errorf("%d comments held, want the second", held)
		}
		if rec = s.do("anonymous", "POST", fmt.Sprintf("/comments/%d/flag", c[0].ID), url.Values{}); rec.Code != http.StatusSeeOther {
			t.Errorf("report a comment: %d", rec.Code)
		}
	})
}

func TestSubscriptionPagesAndOneClickUnsubscribe(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		rec := s.do("anonymous", "POST", "/subscriptions", url.Values{"email": {"reader@example.org"}, "follow": {fmt.Sprintf("body:%d", s.body.ID)}, "back": {"/reports"}})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Check your e-mail") {
			t.Fatalf("subscribe: %d", rec.Code)
		}
		rec = s.do("anonymous", "POST", "/subscriptions", url.Values{"email": {"nope"}, "follow": {"site"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#f-email"`) {
			t.Errorf("bad address: %d", rec.Code)
		}
		ms, _, _ := db.Outbox(s.ctx, store.OutboxFilter{})
		i := strings.Index(ms[0].Text, "http://quorum.test/subscriptions/")
		link := strings.Fields(ms[0].Text[i:])[0]
		path := strings.TrimPrefix(link, "http://quorum.test")
		token := strings.Split(path, "/")[2]
		// Opening the link changes nothing; the button confirms.
		if rec = s.do("anonymous", "GET", path, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Confirm") {
			t.Fatalf("confirm page: %d", rec.Code)
		}
		if pref, _ := s.svc.Preferences(s.ctx, token); pref.Subscriber.Status != store.SubscriberPending {
			t.Fatal("confirmed by a GET")
		}
		if rec = s.do("anonymous", "POST", path, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("confirm: %d", rec.Code)
		}
		prefs := s.do("anonymous", "GET", "/subscriptions/"+token, nil).Body.String()
		if !strings.Contains(prefs, "Every report on Executive") || !strings.Contains(prefs, "You receive reports by e-mail") {
			t.Fatalf("preferences:\n%s", prefs)
		}
		// RFC 8058: the mail client POSTs the form, with no cookie and no
		// browser headers, to the List-Unsubscribe address.
		req := httptest.NewRequest("POST", "/subscriptions/"+token+"/unsubscribe", strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.srv.ServeHTTP(w, req)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "Unsubscribed") {
			t.Fatalf("one-click: %d %s", w.Code, w.Body.String())
		}
		if pref, _ := s.svc.Preferences(s.ctx, token); pref.Subscriber.Status != store.SubscriberUnsubscribed {
			t.Fatal("still subscribed")
		}
		// A cross-site form in a browser is refused.
		req = httptest.NewRequest("POST", "/subscriptions/"+token+"/unsubscribe", strings.NewReader("x=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		w = httptest.NewRecorder()
		s.srv.ServeHTTP(w, req)
		if w.Code != http.StatusForbidden {
			t.Errorf("cross-site POST: %d", w.Code)
		}
	})
}

func TestFeedsSearchAndCalendars(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		s.report("rep", "Councils and budgets", true, report.ReportInput{Intro: "Local councils set budgets."})
		rec := s.do("anonymous", "GET", "/feed.atom", nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" || !strings.Contains(rec.Body.String(), "<title>Councils and budgets</title>") {
			t.Errorf("feed: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		rec = s.do("anonymous", "GET", "/api/v1/reports/councils-and-budgets", nil)
		if b := rec.Body.String(); rec.Code != 200 || !strings.Contains(b, `"title": "Councils and budgets"`) || !strings.Contains(b, `"html": "\u003cp\u003eLocal councils`) {
			t.Errorf("API: %d %s", rec.Code, b)
		}
		rec = s.do("anonymous", "GET", "/search?q=budget&year="+fmt.Sprint(time.Now().Year()), nil)
		if b := rec.Body.String(); rec.Code != 200 || !strings.Contains(b, "1 result") || !strings.Contains(b, "<mark>") {
			t.Errorf("search: %d", rec.Code)
		}
		if b := s.do("anonymous", "GET", "/search?q=%22unclosed", nil).Body.String(); !strings.Contains(b, "Nothing found") {
			t.Error("odd query")
		}
		ev, err := s.svc.CreateEvent(s.ctx, s.people["admin"], report.EventInput{Title: "Action day", Kind: "action_day", Place: "Market square", Date: "2099-04-04", Start: "10:00", End: "16:00", Capacity: 1})
		if err != nil {
			t.Fatal(err)
		}
		rec = s.do("anonymous", "GET", "/events/"+ev.Slug+"/calendar.ics", nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/calendar; charset=utf-8" || !strings.Contains(rec.Body.String(), "SUMMARY:Action day") {
			t.Errorf("ics: %d", rec.Code)
		}
		for i, want := range []string{"You have a place", "waiting list"} {
			rec = s.do("anonymous", "POST", "/events/"+ev.Slug+"/signup", url.Values{"name": {"P"}, "email": {fmt.Sprintf("p%d@example.org", i)}})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("sign-up: %d", rec.Code)
			}
			var flash string
			for _, c := range rec.Result().Cookies() {
				if c.Name == "quorum_flash" {
					flash = c.Value
				}
			}
			if !strings.Contains(flash, url.QueryEscape(want)) {
				t.Errorf("flash %q lacks %q", flash, want)
			}
		}
		if b := s.do("anonymous", "GET", "/events/"+ev.Slug, nil).Body.String(); !strings.Contains(b, "Join the waiting list") {
			t.Error("full event offers a place")
		}
		// The calendar link in the e-mail confirming a place opens the
		// event's calendar file.
		ms, _, _ := db.Outbox(s.ctx, store.OutboxFilter{})
		var link string
		for _, m := range ms {
			if m.To == "p0@example.org" {
				if _, after, ok := strings.Cut(m.Text, "Add it to your calendar: "); ok {
					link = strings.Fields(after)[0]
				}
			}
		}
		if !strings.HasPrefix(link, "http://quorum.test/") {
			t.Fatalf("no calendar link in the e-mail: %q", link)
		}
		rec = s.do("anonymous", "GET", strings.TrimPrefix(link, "http://quorum.test"), nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "SUMMARY:Action day") {
			t.Errorf("the e-mail's calendar link %s answers %d", link, rec.Code)
		}
	})
}
