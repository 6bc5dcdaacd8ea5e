package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
	"quorum/internal/web"
)

// withEvents turns the events pages on for the elections site.
func withEvents(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	queue := jobs.NewQueue(s.db, nil)
	mailer, err := mail.NewService(s.db, queue, mail.Config{From: "Quorum <quorum@example.org>", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	reports, err := report.NewService(ctx, s.db, queue, mailer, report.Config{SiteName: "Test Party", BaseURL: "http://quorum.test", Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Deps{DB: s.db, Auth: s.srv.Auth, Org: s.srv.Org, Elections: s.elections, Nominations: s.srv.Nominations, Reports: reports,
		Jobs: queue, Log: log, SiteName: "Test Party", BaseURL: "http://quorum.test"})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = srv
}

// TestHustingsOfAnElection adds hustings to an election through the event
// form and follows the links both ways: the election's page and its JSON
// list the hustings, and the hustings' page leads back to the election.
func TestHustingsOfAnElection(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		withEvents(t, s)
		ctx := context.Background()
		var electionID int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			electionID, err = tx.CreateElection(ctx, store.Election{Title: "Members' section ballot", Slug: "members-section-ballot", Seats: 2, Method: "scottish-stv",
				Status: store.ElectionFrozen, CreatedAt: time.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(electionID)
		form := func(title, election string) url.Values {
			return url.Values{"title": {title}, "kind": {"hustings"}, "body": {fmt.Sprint(s.body.ID)}, "place": {"Riverside Community Hall"},
				"date": {"2099-05-01"}, "start": {"18:30"}, "end": {"20:30"}, "capacity": {"80"}, "election": {election}}
		}

		// Only those who may manage events see the form, or use it.
		expect(t, s.do("member", "GET", "/events/new", nil), http.StatusForbidden, "a member opening the event form")
		expect(t, s.do("member", "POST", "/events", form("Member's hustings", id)), http.StatusForbidden, "a member adding hustings")
		newForm := s.do("secretary", "GET", "/events/new", nil)
		expect(t, newForm, http.StatusOK, "the event form")
		if !strings.Contains(newForm.Body.String(), `<option value="`+id+`">Members&#39; section ballot</option>`) {
			t.Fatalf("the form does not offer the election: %.4000s", newForm.Body.String())
		}

		// An election that is not one is refused next to the field.
		for _, bad := range []struct{ value, want string }{
			{fmt.Sprint(electionID + 1000), "There is no such election: choose one from the list"},
			{"the-ballot", "Choose an election from the list"},
		} {
			rec := s.do("secretary", "POST", "/events", form("Bad hustings", bad.value))
			expect(t, rec, http.StatusUnprocessableEntity, "election "+bad.value)
			if !strings.Contains(rec.Body.String(), bad.want) {
				t.Errorf("election %q: the form does not say %q", bad.value, bad.want)
			}
		}
		training := form("Training", id)
		training.Set("kind", "training")
		if rec := s.do("secretary", "POST", "/events", training); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Only hustings belong to an election") {
			t.Errorf("training linked to an election: status %d", rec.Code)
		}
		if es, _ := db.Events(ctx, store.EventFilter{}); len(es) != 0 {
			t.Fatalf("%d events were saved by refused forms", len(es))
		}

		rec := s.do("secretary", "POST", "/events", form("Riverside hustings", id))
		expect(t, rec, http.StatusSeeOther, "add the hustings")
		eventPath := rec.Header().Get("Location")
		if eventPath != "/events/riverside-hustings-2099-05-01" {
			t.Fatalf("the hustings is at %q", eventPath)
		}

		// The list of events says which election a hustings is for.
		if list := s.do("anonymous", "GET", "/events", nil).Body.String(); !strings.Contains(list, `For the election: <a href="/elections/members-section-ballot">Members&#39; section ballot</a>`) {
			t.Errorf("the list of events does not name the hustings' election: %.3000s", list)
		}

		// The election's page lists it, with when and where.
		page := s.do("anonymous", "GET", "/elections/members-section-ballot", nil)
		expect(t, page, http.StatusOK, "the election's page")
		body := page.Body.String()
		for _, want := range []string{`<h2 id="h-hustings">Hustings</h2>`, `<a href="` + eventPath + `">Riverside hustings</a>`, "Friday 1 May 2099, 18:30 to 20:30", "Riverside Community Hall"} {
			if !strings.Contains(body, want) {
				t.Errorf("the election's page lacks %s", want)
			}
		}
		if strings.Contains(body, `<span class="tag">past</span>`) {
			t.Error("hustings to come are marked past")
		}

		// Hustings that are over come after those to come, marked.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			at := time.Date(2020, 3, 1, 18, 0, 0, 0, time.UTC)
			_, err := tx.CreateEvent(ctx, store.Event{Slug: "old-hustings", Kind: "hustings", Title: "Old hustings", Place: "Old Hall", StartsAt: at, EndsAt: at.Add(time.Hour),
				ElectionID: electionID, CreatedAt: at, UpdatedAt: at})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		body = s.do("anonymous", "GET", "/elections/members-section-ballot", nil).Body.String()
		next, old := strings.Index(body, "Riverside hustings"), strings.Index(body, `<a href="/events/old-hustings">Old hustings</a> <span class="tag">past</span>`)
		if old < 0 || next > old {
			t.Errorf("hustings over are not listed last and marked past (to come at %d, over at %d)", next, old)
		}

		// The hustings' page leads back to the election.
		ev := s.do("anonymous", "GET", eventPath, nil)
		expect(t, ev, http.StatusOK, "the hustings' page")
		if !strings.Contains(ev.Body.String(), `<a href="/elections/members-section-ballot">Members&#39; section ballot</a>`) {
			t.Errorf("the hustings' page does not link to its election: %.3000s", ev.Body.String())
		}

		// The election's JSON lists it too.
		api := s.do("anonymous", "GET", "/api/v1/elections/"+id, nil)
		expect(t, api, http.StatusOK, "the election's JSON")
		for _, want := range []string{`"hustings": [`, `"title": "Riverside hustings"`, `"start": "2099-05-01T17:30:00Z"`, `"url": "http://quorum.test` + eventPath + `"`} {
			if !strings.Contains(api.Body.String(), want) {
				t.Errorf("the election's JSON lacks %s: %s", want, api.Body.String())
			}
		}

		// The edit form shows the election chosen; choosing none unlinks it.
		edit := s.do("secretary", "GET", eventPath+"/edit", nil)
		if !strings.Contains(edit.Body.String(), `<option value="`+id+`" selected>`) {
			t.Errorf("the edit form does not show the election chosen")
		}
		expect(t, s.do("secretary", "POST", eventPath+"/edit", form("Riverside hustings", "0")), http.StatusSeeOther, "unlink")
		if strings.Contains(s.do("anonymous", "GET", "/elections/members-section-ballot", nil).Body.String(), "Riverside hustings") {
			t.Error("the election still lists hustings that left it")
		}
		if strings.Contains(s.do("anonymous", "GET", "/api/v1/elections/"+id, nil).Body.String(), "Riverside hustings") {
			t.Error("the election's JSON still lists hustings that left it")
		}
	})
}
