package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestReportRoutesForEveryRole requests every page and action of meetings
// and report-back as every role and checks who is let in and who refused.
// Actions that change something get a fresh object per role.
func TestReportRoutesForEveryRole(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		ctx := s.ctx
		everyone := reportRoles
		signedIn := reportRoles[1:]
		authors := []string{"rep", "admin"}
		writers := []string{"rep", "rep2", "admin"}
		bodyEditors := []string{"secretary", "admin"}
		bodyMembers := []string{"rep", "rep2", "secretary", "admin"}
		moderators := []string{"rep", "secretary", "admin"}
		admin := []string{"admin"}

		pub := s.report("rep", "Published report", true, report.ReportInput{Intro: "Hello", CommentsOpen: true})
		draft := s.report("rep", "Draft report", false, report.ReportInput{Intro: "Secret"})
		meeting, err := s.svc.CreateMeeting(ctx, s.people["secretary"], s.body.ID, report.MeetingInput{Title: "January", HeldOn: "2026-01-20", Minutes: "Agreed."})
		if err != nil {
			t.Fatal(err)
		}
		paper, err := s.svc.AddPaper(ctx, s.people["secretary"], meeting.ID, "Budget", "budget.pdf", []byte("%PDF-1.4 budget"))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := s.svc.CreateEvent(ctx, s.people["admin"], report.EventInput{Title: "Hustings", Kind: "hustings", BodyID: s.body.ID, Place: "Hall", Date: "2099-05-01", Start: "18:00", End: "20:00", Capacity: 100})
		if err != nil {
			t.Fatal(err)
		}
		signup, err := s.svc.SignUp(ctx, s.people["anonymous"], ev.ID, report.SignupInput{Name: "A", Email: "a@example.org", Client: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.Subscribe(ctx, report.SubscribeInput{Email: "sub@example.org", Follow: report.Follow{Scope: store.ScopeSite}, Client: "x"}); err != nil {
			t.Fatal(err)
		}
		var token string
		ms, _, _ := db.Outbox(ctx, store.OutboxFilter{})
		for _, m := range ms {
			if m := regexp.MustCompile(`/subscriptions/([a-z0-9]+)/confirm`).FindStringSubmatch(m.Text); m != nil {
				token = m[1]
			}
		}
		if token == "" {
			t.Fatal("no confirmation link")
		}
		im, err := s.svc.SetCover(ctx, s.people["rep"], pub.ID, pngBytes(20, 10), "cover")
		if err != nil {
			t.Fatal(err)
		}
		// fresh makes a new report by rep for an action that changes it.
		n := 0
		fresh := func(role string, publish bool) string {
			n++
			return s.report("rep", fmt.Sprintf("For %s %d", role, n), publish, report.ReportInput{CommentsOpen: true}).Slug
		}
		freshComment := func(role string) int64 {
			res, err := s.svc.PostComment(ctx, s.people["member"], pub.ID, report.CommentInput{Body: "comment for " + role, Client: "c-" + role})
			if err != nil {
				t.Fatal(err)
			}
			return res.ID
		}
		mid := fmt.Sprint(meeting.ID)

		type route struct {
			method  string
			path    func(role string) string
			form    func(role string) url.Values
			allowed []string
		}
		fixed := func(p string) func(string) string { return func(string) string { return p } }
		routes := []route{
			{"GET", fixed("/reports"), nil, everyone},
			{"GET", fixed("/reports?tag=none"), nil, nil},
			{"GET", fixed("/reports/" + pub.Slug), nil, everyone},
			{"GET", fixed("/reports/" + pub.Slug + "/print"), nil, everyone},
			{"GET", fixed("/reports/" + draft.Slug), nil, authors},
			{"GET", fixed("/people/rep/reports"), nil, everyone},
			{"GET", fixed("/people/member/reports"), nil, nil}, // neither seat nor report
			{"GET", fixed("/bodies/executive/reports"), nil, everyone},
			{"GET", fixed(fmt.Sprintf("/images/%d", im.ID)), nil, everyone},
			{"GET", fixed("/api/v1/reports"), nil, everyone},
			{"GET", fixed("/api/v1/reports?body=executive&person=rep"), nil, everyone},
			{"GET", fixed("/api/v1/reports/" + pub.Slug), nil, everyone},
			{"GET", fixed("/api/v1/reports/" + draft.Slug), nil, authors},
			{"GET", fixed("/feed.atom"), nil, everyone},
			{"GET", fixed("/bodies/executive/feed.atom"), nil, everyone},
			{"GET", fixed("/people/rep/feed.atom"), nil, everyone},
			{"GET", fixed("/search?q=hello"), nil, everyone},
			{"GET", fixed("/my/reports"), nil, signedIn},
			{"GET", fixed("/reports/new"), nil, writers},
			{"POST", fixed("/reports/new"), func(role string) url.Values {
				return url.Values{"title": {"New by " + role}, "body": {fmt.Sprint(s.body.ID)}, "op": {"save"}}
			}, writers},
			{"GET", fixed("/reports/" + draft.Slug + "/edit"), nil, authors},
			{"POST", fixed("/reports/" + draft.Slug + "/edit"), func(string) url.Values {
				return url.Values{"title": {"Draft report"}, "slug": {draft.Slug}, "body": {fmt.Sprint(s.body.ID)}, "op": {"save"}}
			}, authors},
			{"POST", func(role string) string { return "/reports/" + fresh(role, false) + "/publish" }, func(string) url.Values { return url.Values{} }, authors},
			{"POST", func(role string) string { return "/reports/" + fresh(role, false) + "/schedule" }, func(string) url.Values {
				return url.Values{"publish_at": {"2099-01-01T10:00"}}
			}, authors},
			{"POST", func(role string) string { return "/reports/" + fresh(role, true) + "/unpublish" }, func(string) url.Values { return url.Values{} }, authors},
			{"POST", func(role string) string { return "/reports/" + fresh(role, false) + "/cover/remove" }, func(string) url.Values { return url.Values{} }, authors},
			{"GET", fixed("/reports/" + pub.Slug + "/newsletter"), nil, authors},
			{"POST", fixed("/reports/" + pub.Slug + "/comments"), func(role string) url.Values {
				return url.Values{"comment": {"From " + role}, "name": {"Visitor"}, "email": {"visitor@example.org"}}
			}, signedIn},
			{"POST", func(role string) string { return fmt.Sprintf("/comments/%d/moderate", freshComment(role)) }, func(string) url.Values {
				return url.Values{"action": {"approve"}}
			}, moderators},
			{"GET", fixed("/moderation"), nil, signedIn},
			{"GET", fixed("/bodies/executive/meetings"), nil, everyone},
			{"GET", fixed("/bodies/executive/meetings/new"), nil, bodyEditors},
			{"POST", fixed("/bodies/executive/meetings"), func(role string) url.Values {
				return url.Values{"title": {"Meeting by " + role}, "held_on": {"2026-02-01"}}
			}, bodyEditors},
			{"GET", fixed("/meetings/" + mid), nil, everyone},
			{"GET", fixed("/meetings/" + mid + "/edit"), nil, bodyEditors},
			{"POST", fixed("/meetings/" + mid + "/edit"), func(string) url.Values {
				return url.Values{"title": {"January"}, "held_on": {"2026-01-20"}, "minutes": {"Agreed."}}
			}, bodyEditors},
			{"POST", fixed("/meetings/" + mid + "/attendance"), func(string) url.Values {
				return url.Values{fmt.Sprintf("attend_%d", s.people["rep"].PersonID): {"present"}}
			}, bodyEditors},
			{"GET", fixed(fmt.Sprintf("/meetings/%s/papers/%d", mid, paper.ID)), nil, bodyMembers},
			{"GET", fixed("/events"), nil, everyone},
			{"GET", fixed("/events.ics"), nil, everyone},
			{"GET", fixed("/events/" + ev.Slug), nil, everyone},
			{"GET", fixed("/events/" + ev.Slug + "/calendar.ics"), nil, everyone},
			{"GET", fixed("/events/new"), nil, bodyEditors},
			{"POST", fixed("/events"), func(role string) url.Values {
				return url.Values{"title": {"Training " + role}, "kind": {"training"}, "body": {fmt.Sprint(s.body.ID)}, "place": {"Hall"}, "date": {"2099-06-01"}, "start": {"10:00"}, "end": {"12:00"}, "capacity": {"0"}}
			}, bodyEditors},
			{"GET", fixed("/events/" + ev.Slug + "/edit"), nil, bodyEditors},
			{"POST", fixed("/events/" + ev.Slug + "/edit"), func(string) url.Values {
				return url.Values{"title": {"Hustings"}, "slug": {ev.Slug}, "kind": {"hustings"}, "body": {fmt.Sprint(s.body.ID)}, "place": {"Hall"}, "date": {"2099-05-01"}, "start": {"18:00"}, "end": {"20:00"}, "capacity": {"100"}}
			}, bodyEditors},
			{"POST", fixed("/events/" + ev.Slug + "/signup"), func(role string) url.Values {
				return url.Values{"name": {"Someone"}, "email": {role + "-signup@example.org"}}
			}, everyone},
			{"GET", fixed("/events/" + ev.Slug + "/signup/" + signup.Token), nil, everyone},
			{"GET", fixed("/subscriptions/" + token + "/confirm"), nil, everyone},
			{"GET", fixed("/subscriptions/" + token), nil, everyone},
			{"GET", fixed("/subscriptions/" + token + "/unsubscribe"), nil, everyone},
			{"GET", fixed("/subscriptions/not-a-token"), nil, nil},
			{"POST", fixed("/subscriptions"), func(role string) url.Values {
				return url.Values{"email": {role + "-news@example.org"}, "follow": {"site"}}
			}, everyone},
			{"GET", fixed("/admin/subscribers"), nil, admin},
			{"POST", fixed("/admin/subscribers/suppress"), func(role string) url.Values {
				return url.Values{"email": {role + "-bounce@example.org"}, "reason": {"bounce"}}
			}, admin},
			{"GET", fixed("/2016/01/26/nothing-here/"), nil, nil},
		}
		for _, rt := range routes {
			for _, role := range reportRoles {
				path := rt.path(role)
				var form url.Values
				if rt.form != nil {
					form = rt.form(role)
				}
				rec := s.do(role, rt.method, path, form)
				allowed := slices.Contains(rt.allowed, role)
				ok := rec.Code < 400 && !(rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/signin"))
				if ok != allowed {
					t.Errorf("%s %s as %s: status %d (location %q), allowed %v\n%s", rt.method, path, role, rec.Code, rec.Header().Get("Location"), allowed, firstLines(rec.Body.String(), 3))
				}
				if !allowed && rec.Code == http.StatusInternalServerError {
					t.Errorf("%s %s as %s: 500", rt.method, path, role)
				}
			}
		}
	})
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// multipartForm builds a multipart body with one file.
func multipartForm(t *testing.T, fields map[string]string, field, filename string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, err := w.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	return &buf, w.FormDataContentType()
}

func (s *reportSite) upload(role, path string, body *bytes.Buffer, contentType string) *httptest.ResponseRecorder {
	s.t.Helper()
	req := httptest.NewRequest("POST", path, body)
	req.Header.Set("Content-Type", contentType)
	if tok := s.sessions[role]; tok != "" {
		req.AddCookie(&http.Cookie{Name: "quorum_session", Value: tok})
	}
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	return rec
}

func TestReportUploadsForEveryRole(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		r := s.report("rep", "With cover", false, report.ReportInput{})
		meeting, err := s.svc.CreateMeeting(s.ctx, s.people["secretary"], s.body.ID, report.MeetingInput{Title: "M", HeldOn: "2026-01-20"})
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range reportRoles {
			body, ct := multipartForm(t, map[string]string{"alt": "A picture"}, "cover", "c.png", pngBytes(30, 20))
			rec := s.upload(role, "/reports/"+r.Slug+"/cover", body, ct)
			if ok := rec.Code == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/signin"); ok != slices.Contains([]string{"rep", "admin"}, role) {
				t.Errorf("cover as %s: %d", role, rec.Code)
			}
			body, ct = multipartForm(t, map[string]string{"paper_title": "Paper"}, "file", "p.pdf", []byte("%PDF-1.4 x"))
			rec = s.upload(role, fmt.Sprintf("/meetings/%d/papers", meeting.ID), body, ct)
			if ok := rec.Code == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/signin"); ok != slices.Contains([]string{"secretary", "admin"}, role) {
				t.Errorf("paper as %s: %d %s", role, rec.Code, rec.Header().Get("Location"))
			}
			body, ct = multipartForm(t, map[string]string{"follow": "site"}, "file", "s.csv", []byte("email\n"+role+"@import.example\n"))
			rec = s.upload(role, "/admin/subscribers/import", body, ct)
			if ok := rec.Code == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/signin"); ok != (role == "admin") {
				t.Errorf("subscriber import as %s: %d", role, rec.Code)
			}
		}
		// A file that is not an image is refused with a message by the field.
		body, ct := multipartForm(t, map[string]string{"alt": "x"}, "cover", "c.png", []byte("not an image"))
		rec := s.upload("rep", "/reports/"+r.Slug+"/cover", body, ct)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#f-cover"`) {
			t.Errorf("bad cover: %d", rec.Code)
		}
	})
}

func pngBytes(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// Removing a meeting's paper is for the body's secretary and
// administrators; taking an address off the suppression list is for
// administrators. Anyone else signed in is refused (403) and nothing
// changes; a visitor is asked to sign in.
func TestPaperDeleteAndUnsuppressAreRefused(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		meeting, err := s.svc.CreateMeeting(s.ctx, s.people["secretary"], s.body.ID, report.MeetingInput{Title: "February", HeldOn: "2026-02-20"})
		if err != nil {
			t.Fatal(err)
		}
		paper, err := s.svc.AddPaper(s.ctx, s.people["secretary"], meeting.ID, "Accounts", "accounts.pdf", []byte("%PDF-1.4 accounts"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.Suppress(s.ctx, s.people["admin"], "bounced@example.org", store.SuppressBounce, "550"); err != nil {
			t.Fatal(err)
		}
		deletePath := fmt.Sprintf("/meetings/%d/papers/%d/delete", meeting.ID, paper.ID)
		unsuppress := url.Values{"email": {"bounced@example.org"}}
		for _, role := range []string{"member", "rep", "rep2"} {
			if rec := s.do(role, "POST", deletePath, url.Values{}); rec.Code != http.StatusForbidden {
				t.Errorf("%s removing a paper: %d, want 403", role, rec.Code)
			}
		}
		for _, role := range []string{"member", "rep", "rep2", "secretary"} {
			if rec := s.do(role, "POST", "/admin/subscribers/unsuppress", unsuppress); rec.Code != http.StatusForbidden {
				t.Errorf("%s un-suppressing an address: %d, want 403", role, rec.Code)
			}
		}
		if rec := s.do("anonymous", "POST", deletePath, url.Values{}); rec.Code != http.StatusUnauthorized {
			t.Errorf("a visitor removing a paper: %d, want 401", rec.Code)
		}
		if rec := s.do("anonymous", "POST", "/admin/subscribers/unsuppress", unsuppress); rec.Code != http.StatusUnauthorized {
			t.Errorf("a visitor un-suppressing an address: %d, want 401", rec.Code)
		}
		if _, err := db.PaperByID(s.ctx, paper.ID); err != nil {
			t.Errorf("the paper is gone after refusals: %v", err)
		}
		if sup, _ := db.IsSuppressed(s.ctx, "bounced@example.org"); !sup {
			t.Error("the address was taken off the list by a refused request")
		}
		// Those who may, can.
		if rec := s.do("secretary", "POST", deletePath, url.Values{}); rec.Code != http.StatusSeeOther {
			t.Errorf("the secretary removing a paper: %d", rec.Code)
		}
		if _, err := db.PaperByID(s.ctx, paper.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the paper is still there: %v", err)
		}
		if rec := s.do("admin", "POST", "/admin/subscribers/unsuppress", unsuppress); rec.Code != http.StatusSeeOther {
			t.Errorf("an administrator un-suppressing an address: %d", rec.Code)
		}
		if sup, _ := db.IsSuppressed(s.ctx, "bounced@example.org"); sup {
			t.Error("the address is still suppressed")
		}
	})
}
