package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestAWelshReadersPath follows a reader of Welsh through the report-back:
// the home page, the reports, a report and its comment form, the
// representative's and the body's pages, a meeting, the search with its
// filters, an event and its sign-up, and a subscription. Every page is in
// Welsh with nothing of its English left, and so are the errors and
// one-time messages of its forms.
func TestAWelshReadersPath(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		cy := func(role, method, path string, form url.Values) *httptest.ResponseRecorder {
			t.Helper()
			var body *strings.Reader
			if form != nil {
				body = strings.NewReader(form.Encode())
			} else {
				body = strings.NewReader("")
			}
			req := httptest.NewRequest(method, path, body)
			if form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req.AddCookie(&http.Cookie{Name: "lang", Value: "cy"})
			if tok := s.sessions[role]; tok != "" {
				req.AddCookie(&http.Cookie{Name: "quorum_session", Value: tok})
			}
			rec := httptest.NewRecorder()
			s.srv.ServeHTTP(rec, req)
			return rec
		}
		flash := func(rec *httptest.ResponseRecorder) string {
			for _, c := range rec.Result().Cookies() {
				if c.Name == "quorum_flash" {
					v, _ := url.QueryUnescape(c.Value)
					return v
				}
			}
			return ""
		}
		if rec := s.do("admin", "POST", "/admin/organisation", url.Values{"name": {"Test Party"}, "public_comments": {"on"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("allow public comments: %d", rec.Code)
		}
		meeting, err := s.svc.CreateMeeting(s.ctx, s.people["secretary"], s.body.ID, report.MeetingInput{Title: "Cyfarfod Mai", HeldOn: "2099-05-01", StartTime: "18:30", Online: true, JoinURL: "https://meet.example/x"})
		if err != nil {
			t.Fatal(err)
		}
		r := s.report("rep", "Cyllidebau'r cynghorau", true, report.ReportInput{Summary: "Crynodeb.", Intro: "Mae'r cynghorau lleol yn gosod cyllidebau.", CommentsOpen: true, MeetingID: meeting.ID})

		welshPage(t, cy("anonymous", "GET", "/", nil), http.StatusOK, "the home page", []string{"pages/home.html"},
			"Cyrff llywodraethu", "o aelodau heddiw", "Unedau", "Aelodaeth")
		reports := []string{"pages/report_list.html", "partials/report_links.html"}
		welshPage(t, cy("anonymous", "GET", "/reports", nil), http.StatusOK, "the reports", reports,
			"Adroddiadau", "Ffrwd Atom", "Cael adroddiadau drwy e-bost", "Tanysgrifio", "Cyllidebau'r cynghorau")

		show := []string{"pages/report_show.html", "partials/report_links.html"}
		page := welshPage(t, cy("anonymous", "GET", "/reports/"+r.Slug, nil), http.StatusOK, "the report", show,
			"Gan", "am y cyfarfod", "Cyhoeddwyd gan Test Party ar", "Fersiwn i'w argraffu", "Sylwadau", "Dim sylwadau eto.",
			"Ychwanegu sylw", "Eich enw (a ddangosir gyda'ch sylw)", "Testun plaen", "Anfon sylw", "Adroddiadau gan The rep")
		if !strings.Contains(page, `id="comment-form"`) {
			t.Fatal("no comment form on the Welsh report")
		}
		welshPage(t, cy("anonymous", "POST", "/reports/"+r.Slug+"/comments", url.Values{"name": {""}, "email": {"bad"}, "comment": {""}}), http.StatusUnprocessableEntity,
			"a refused comment", show, "Rhowch eich enw", "Rhowch gyfeiriad e-bost, fel enw@example.org", "Ysgrifennwch eich sylw")
		rec := cy("anonymous", "POST", "/reports/"+r.Slug+"/comments", url.Values{"name": {"Pat"}, "email": {"pat@example.org"}, "comment": {"Da iawn."}})
		if got := flash(rec); rec.Code != http.StatusSeeOther || !strings.Contains(got, "Diolch. Bydd eich sylw yn ymddangos") {
			t.Errorf("a held comment: %d, told %q", rec.Code, got)
		}
		c, _, _ := db.CommentsForModeration(s.ctx, store.CommentFilter{All: true})
		if rec := s.do("rep", "POST", fmt.Sprintf("/comments/%d/moderate", c[0].ID), url.Values{"action": {"approve"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d", rec.Code)
		}
		welshPage(t, cy("anonymous", "GET", "/reports/"+r.Slug, nil), http.StatusOK, "the report with a comment", show,
			"Sylwadau (1 edefyn)", "Da iawn.", "Rhoi gwybod am y sylw hwn", "Ateb")

		welshPage(t, cy("anonymous", "GET", "/people/rep/reports", nil), http.StatusOK, "the representative's page",
			[]string{"pages/report_person.html", "partials/search_within.html", "partials/report_links.html"},
			"Datganiad", "Chwilio adroddiadau The rep", "Ffrwd Atom adroddiadau The rep")
		welshPage(t, cy("anonymous", "GET", "/bodies/executive/reports", nil), http.StatusOK, "the body's reports",
			[]string{"pages/report_body.html", "partials/search_within.html", "partials/report_links.html"},
			"Adroddiadau o Executive", "Pob cynrychiolydd ar", "Yr adroddiadau diweddaraf", "Pob adroddiad am Executive")
		welshPage(t, cy("anonymous", "GET", "/bodies/executive/meetings", nil), http.StatusOK, "the body's meetings", []string{"pages/meeting_list.html"},
			"Cyfarfodydd Executive", "1 Mai 2099", "ar-lein")
		welshPage(t, cy("anonymous", "GET", fmt.Sprintf("/meetings/%d", meeting.ID), nil), http.StatusOK, "a meeting", []string{"pages/meeting_show.html", "partials/report_links.html"},
			"1 Mai 2099", "am 18:30", "Agenda", "Presenoldeb", "Adroddiadau o'r cyfarfod hwn")

		search := []string{"pages/search.html"}
		welshPage(t, cy("anonymous", "GET", "/search?q=cyllidebau&body=executive", nil), http.StatusOK, "a search with a filter", search,
			"Geiriau i'w canfod", "Unrhyw flwyddyn", "Hidlwyr:", "Corff: Executive", "1 canlyniad ar gyfer “cyllidebau”.", "Adroddiad ·")
		welshPage(t, cy("anonymous", "GET", "/search?q=x&body=nope", nil), http.StatusBadRequest, "a search by an unknown body", search,
			"Nid oes corff “nope”. Dewiswch gorff o'r rhestr.", "“nope” (anhysbys)")

		ev, err := s.svc.CreateEvent(s.ctx, s.people["admin"], report.EventInput{Title: "Diwrnod gweithredu", Kind: "action_day", Place: "Sgwâr y farchnad", Date: "2099-05-01", Start: "10:00", End: "16:00", Capacity: 1})
		if err != nil {
			t.Fatal(err)
		}
		event := []string{"pages/event_show.html"}
		welshPage(t, cy("anonymous", "GET", "/events", nil), http.StatusOK, "the events", []string{"pages/event_list.html"},
			"Digwyddiadau", "Diwrnod gweithredu · dydd Gwener 1 Mai 2099, 10:00 i 16:00")
		welshPage(t, cy("anonymous", "GET", "/events/"+ev.Slug, nil), http.StatusOK, "an event", event,
			"dydd Gwener 1 Mai 2099, 10:00 i 16:00", "Cofrestru", "1 lle ar ôl.", "Archebu lle", "Ychwanegu at eich calendr")
		welshPage(t, cy("anonymous", "POST", "/events/"+ev.Slug+"/signup", url.Values{"name": {""}, "email": {"bad"}}), http.StatusUnprocessableEntity,
			"a refused sign-up", event, "Rhowch eich enw", "Rhowch gyfeiriad e-bost")
		rec = cy("anonymous", "POST", "/events/"+ev.Slug+"/signup", url.Values{"name": {"Pat"}, "email": {"pat@example.org"}})
		if got := flash(rec); rec.Code != http.StatusSeeOther || got != "Mae gennych le. Rydym wedi anfon e-bost atoch gyda'r manylion." {
			t.Errorf("a sign-up: %d, told %q", rec.Code, got)
		}
		welshPage(t, cy("anonymous", "GET", "/events/"+ev.Slug, nil), http.StatusOK, "a full event", event, "Mae'r digwyddiad yn llawn", "Ymuno â'r rhestr aros")

		sub := []string{"pages/subscription_message.html"}
		welshPage(t, cy("anonymous", "POST", "/subscriptions", url.Values{"email": {"nope"}, "follow": {"site"}, "back": {"/reports"}}), http.StatusUnprocessableEntity,
			"a refused subscription", sub, "Tanysgrifio", "Rhowch gyfeiriad e-bost", "Mynd yn ôl")
		welshPage(t, cy("anonymous", "POST", "/subscriptions", url.Values{"email": {"reader@example.org"}, "follow": {"site"}, "back": {"/reports"}}), http.StatusOK,
			"a subscription", sub, "Edrychwch ar eich e-bost", "Rydym wedi anfon dolen")
		ms, _, _ := db.Outbox(s.ctx, store.OutboxFilter{})
		var path string
		for _, m := range ms {
			if m.To == "reader@example.org" {
				i := strings.Index(m.Text, "http://quorum.test/subscriptions/")
				path = strings.TrimPrefix(strings.Fields(m.Text[i:])[0], "http://quorum.test")
			}
		}
		token := strings.Split(path, "/")[2]
		welshPage(t, cy("anonymous", "GET", path, nil), http.StatusOK, "the confirmation", []string{"pages/subscription_confirm.html"},
			"Cadarnhau eich tanysgrifiad", "Pwyswch y botwm")
		rec = cy("anonymous", "POST", path, url.Values{})
		if got := flash(rec); rec.Code != http.StatusSeeOther || got != "Diolch: mae eich tanysgrifiad wedi'i gadarnhau." {
			t.Errorf("confirm: %d, told %q", rec.Code, got)
		}
		welshPage(t, cy("anonymous", "GET", "/subscriptions/"+token, nil), http.StatusOK, "the preferences", []string{"pages/subscription_prefs.html"},
			"Eich tanysgrifiad", "Rydych chi'n cael adroddiadau drwy e-bost.", "Popeth ar Test Party", "Dad-danysgrifio o bopeth")
		welshPage(t, cy("anonymous", "GET", "/subscriptions/"+token+"/unsubscribe", nil), http.StatusOK, "the unsubscribe page", []string{"pages/subscription_unsubscribe.html"},
			"Stopio pob e-bost gennym ni i reader@example.org?")
		welshPage(t, cy("anonymous", "POST", "/subscriptions/"+token+"/unsubscribe", url.Values{}), http.StatusOK, "unsubscribed", []string{"pages/subscription_unsubscribe.html"},
			"Rydych chi wedi dad-danysgrifio")

		// The English pages keep their words.
		mustContain(t, s.do("anonymous", "GET", "/events/"+ev.Slug, nil), "the event in English", `<html lang="en-GB">`, "Friday 1 May 2099, 10:00 to 16:00", "Join the waiting list")
	})
}
