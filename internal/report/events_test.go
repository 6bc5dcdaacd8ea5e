package report_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestEventsWithCapacityAndWaitingList(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := report.EventInput{Title: "Hustings for the NEC", Kind: "hustings", BodyID: e.body.ID, Description: "Meet the *candidates*.",
			Place: "Town Hall, Leeds", Date: "2026-03-20", Start: "18:30", End: "20:00", Capacity: 2}
		for _, p := range []*auth.Principal{e.anon, e.member, e.rep} {
			if _, err := e.svc.CreateEvent(e.ctx, p, in); err == nil {
				t.Errorf("person %d created an event", p.PersonID)
			}
		}
		if _, err := e.svc.CreateEvent(e.ctx, e.secretary, report.EventInput{Title: "Elsewhere", Kind: "training", BodyID: e.other.ID, Place: "x", Date: "2026-03-20", Start: "10:00", End: "11:00"}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("secretary made an event of another body: %v", err)
		}
		ev, err := e.svc.CreateEvent(e.ctx, e.secretary, in)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Slug != "hustings-for-the-nec-2026-03-20" || ev.StartsAt != time.Date(2026, 3, 20, 18, 30, 0, 0, time.UTC) {
			t.Fatalf("event: %s %v", ev.Slug, ev.StartsAt)
		}
		if _, err := e.svc.CreateEvent(e.ctx, e.secretary, report.EventInput{Title: "Bad", Kind: "party", Date: "2026-13-01", Start: "9", End: "08:00"}); err == nil {
			t.Error("bad event accepted")
		}

		sign := func(name, email string) report.SignupResult {
			t.Helper()
			res, err := e.svc.SignUp(e.ctx, e.anon, ev.ID, report.SignupInput{Name: name, Email: email, Client: "192.0.2.1"})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		a, b, c, d := sign("A", "a@example.org"), sign("B", "b@example.org"), sign("C", "c@example.org"), sign("D", "d@example.org")
		if a.Status != store.SignupBooked || b.Status != store.SignupBooked || c.Status != store.SignupWaiting || d.Status != store.SignupWaiting {
			t.Fatalf("statuses: %s %s %s %s", a.Status, b.Status, c.Status, d.Status)
		}
		if again := sign("A", "A@example.org"); again.Token != a.Token {
			t.Error("signing up twice made a second place")
		}
		// A place given up goes to the first waiting.
		if _, err := e.svc.CancelSignup(e.ctx, b.Token); err != nil {
			t.Fatal(err)
		}
		pg, _ := e.svc.EventPage(e.ctx, e.secretary, ev.Slug)
		status := map[string]string{}
		for _, s := range pg.Signups {
			status[s.Email] = s.Status
		}
		if status["c@example.org"] != store.SignupBooked || status["d@example.org"] != store.SignupWaiting || pg.Event.Booked != 2 || !pg.Full {
			t.Fatalf("after a cancellation: %v booked %d", status, pg.Event.Booked)
		}
		if pg, _ := e.svc.EventPage(e.ctx, e.anon, ev.Slug); pg.Signups != nil || pg.CanManage {
			t.Error("the public sees who signed up")
		}
		// More places let the queue in.
		in.Capacity = 5
		if _, err := e.svc.UpdateEvent(e.ctx, e.secretary, ev.ID, in); err != nil {
			t.Fatal(err)
		}
		pg, _ = e.svc.EventPage(e.ctx, e.secretary, ev.Slug)
		if pg.Event.Booked != 3 || pg.Event.Waiting != 0 {
			t.Fatalf("after adding places: %d booked, %d waiting", pg.Event.Booked, pg.Event.Waiting)
		}
		var toD []string
		for _, m := range e.outbox() {
			if m.To == "d@example.org" {
				toD = append(toD, m.Subject)
			}
		}
		if len(toD) != 2 || !strings.HasPrefix(toD[0], "Waiting list") || !strings.HasPrefix(toD[1], "Your place") {
			t.Errorf("messages to d: %v", toD)
		}

		// The reminder goes the day before, once, to those booked.
		before := len(e.outbox())
		e.runJobs()
		if len(e.outbox()) != before {
			t.Fatal("reminders sent too early")
		}
		e.clock.Advance(9*24*time.Hour + 10*time.Hour) // 2026-03-19 19:00
		e.runJobs()
		e.runJobs()
		reminders := 0
		for _, m := range e.outbox()[before:] {
			if strings.HasPrefix(m.Subject, "Tomorrow:") {
				reminders++
			}
		}
		if reminders != 3 {
			t.Errorf("%d reminders, want 3", reminders)
		}

		// The calendar file.
		var buf bytes.Buffer
		if err := e.svc.WriteICS(&buf, "Events", []store.Event{pg.Event}, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		ics := buf.String()
		for _, want := range []string{"BEGIN:VCALENDAR\r\n", "DTSTART:20260320T183000Z\r\n", "DTEND:20260320T200000Z\r\n", "SUMMARY:Hustings for the NEC\r\n",
			"LOCATION:Town Hall\\, Leeds\r\n", "URL:https://party.example/events/hustings-for-the-nec-2026-03-20\r\n", "END:VCALENDAR\r\n"} {
			if !strings.Contains(ics, want) {
				t.Errorf("calendar lacks %q:\n%s", want, ics)
			}
		}
		for _, line := range strings.Split(ics, "\r\n") {
			if len(line) > 75 {
				t.Errorf("line longer than 75 octets: %q", line)
			}
		}
	})
}

func TestAtomFeed(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.publish(e.rep, e.draft(e.rep, "First & foremost", report.ReportInput{Intro: "Hello <b>world</b>", Tags: "Elections"}))
		e.clock.Advance(time.Hour)
		e.publish(e.rep2, e.draft(e.rep2, "Second", report.ReportInput{Intro: "Another"}))
		e.draft(e.rep, "Not yet", report.ReportInput{})
		var buf bytes.Buffer
		if err := e.svc.WriteFeed(e.ctx, &buf, report.FeedScope{Title: "Alice Rep", Path: "/people/alice-rep/feed.atom", PagePath: "/people/alice-rep/reports", AuthorID: e.rep.PersonID}); err != nil {
			t.Fatal(err)
		}
		var feed struct {
			Title   string `xml:"title"`
			Entries []struct {
				Title   string `xml:"title"`
				ID      string `xml:"id"`
				Content string `xml:"content"`
				Cat     []struct {
					Term string `xml:"term,attr"`
				} `xml:"category"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(buf.Bytes(), &feed); err != nil {
			t.Fatalf("not XML: %v\n%s", err, buf.String())
		}
		if len(feed.Entries) != 1 || feed.Entries[0].Title != "First & foremost" || feed.Entries[0].ID != "https://party.example/reports/first-foremost" ||
			!strings.Contains(feed.Entries[0].Content, "<b>world</b>") || len(feed.Entries[0].Cat) != 1 {
			t.Fatalf("feed: %+v", feed)
		}
		buf.Reset()
		if err := e.svc.WriteFeed(e.ctx, &buf, report.FeedScope{Title: "All", Path: "/feed.atom", PagePath: "/"}); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(buf.String(), "<entry>"); n != 2 {
			t.Errorf("site feed has %d entries", n)
		}
	})
}

func TestSearchFiltersAndSnippets(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.publish(e.rep, e.draft(e.rep, "Councils and cuts", report.ReportInput{Intro: "Local councils are facing <cuts> in 2026. Councillors campaign."}))
		e.publish(e.rep2, e.draft(e.rep2, "Elections report", report.ReportInput{Intro: "The by-election in the north was won."}))
		hits, total, err := e.svc.Search(e.ctx, store.SearchQuery{Text: "council"})
		if err != nil || total != 1 {
			t.Fatalf("search: %v %d", err, total)
		}
		if !strings.Contains(hits[0].SnippetHTML, "<mark>") || strings.Contains(hits[0].SnippetHTML, "<cuts>") {
			t.Errorf("snippet: %s", hits[0].SnippetHTML)
		}
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "council", PersonID: e.rep2.PersonID}); total != 0 {
			t.Errorf("person filter: %d", total)
		}
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "election OR councils"}); total != 2 {
			t.Errorf("OR: %d", total)
		}
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: `"by-election in the north"`, Year: 2026, BodyID: e.body.ID}); total != 1 {
			t.Errorf("phrase with filters: %d", total)
		}
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "councils -campaign"}); total != 0 {
			t.Errorf("NOT: %d", total)
		}
		for _, q := range []string{`"`, `*`, `AND OR NOT`, `(`, `a"b`, `-only`, "\x00", "NEAR(a b)"} {
			if _, _, err := e.svc.Search(e.ctx, store.SearchQuery{Text: q}); err != nil {
				t.Errorf("query %q: %v", q, err)
			}
		}
	})
}

// TestHustingsBelongToAnElection links hustings to elections through the
// event form's rules: hustings only, an election that exists, not one
// whose result is declared (unless the event already belongs to it).
func TestHustingsBelongToAnElection(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var draft, open, declared int64
		err := db.InTx(e.ctx, func(tx *store.Tx) error {
			var err error
			mk := func(title, status string) int64 {
				if err != nil {
					return 0
				}
				var id int64
				id, err = tx.CreateElection(e.ctx, store.Election{Title: title, Slug: report.Slugify(title), Seats: 1, Method: "irv", Status: status, CreatedAt: e.clock.Now()})
				return id
			}
			draft, open, declared = mk("Treasurer", store.ElectionDraft), mk("Members' section", store.ElectionOpen), mk("Chair", store.ElectionDeclared)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		in := report.EventInput{Title: "Hustings", Kind: report.HustingsKind, BodyID: e.body.ID, Place: "Town Hall", Date: "2026-03-20", Start: "18:30", End: "20:00", ElectionID: open}
		refused := func(what string, in report.EventInput, want string) {
			t.Helper()
			_, err := e.svc.CreateEvent(e.ctx, e.secretary, in)
			var fe report.FieldErrors
			if !errors.As(err, &fe) || !strings.Contains(fe["election"], want) {
				t.Errorf("%s: %v, want an election error saying %q", what, err, want)
			}
		}
		other := in
		other.Kind, other.Title = "training", "Training"
		refused("training linked to an election", other, "Only hustings")
		missing := in
		missing.ElectionID = declared + 1000
		refused("an election that does not exist", missing, "no such election")
		done := in
		done.ElectionID = declared
		refused("an election already declared", done, "already declared")

		ev, err := e.svc.CreateEvent(e.ctx, e.secretary, in)
		if err != nil {
			t.Fatal(err)
		}
		if ev.ElectionID != open {
			t.Fatalf("the hustings belongs to election %d, want %d", ev.ElectionID, open)
		}
		in.Title, in.Date, in.ElectionID = "Later hustings", "2026-03-27", draft
		// A draft is the returning officer's and scrutineer's alone to
		// see: to anyone else it is answered as one that does not exist.
		refused("an election in draft, to a body's secretary", in, "no such election")
		officerAdmin := &auth.Principal{PersonID: e.admin.PersonID, Name: "Erin Admin", SecondFactor: true,
			Grants: []store.Grant{{Role: "admin"}, {Role: "returning_officer"}}}
		later, err := e.svc.CreateEvent(e.ctx, officerAdmin, in)
		if err != nil {
			t.Fatalf("hustings of an election in draft, by an administrator who is also the returning officer: %v", err)
		}
		hs, err := e.svc.HustingsOf(e.ctx, open)
		if err != nil || len(hs) != 1 || hs[0].ID != ev.ID {
			t.Fatalf("the election's hustings: %v %v", hs, err)
		}

		// An election in draft is named on the hustings page only to those
		// who may see it.
		if pg, _ := e.svc.EventPage(e.ctx, e.anon, ev.Slug); !pg.ShowElection || pg.Event.ElectionSlug != "members-section" {
			t.Errorf("the public page of the hustings does not name its open election: %+v", pg.Event)
		}
		if pg, _ := e.svc.EventPage(e.ctx, e.anon, later.Slug); pg.ShowElection {
			t.Error("the public page of a hustings names an election still in draft")
		}
		ro := &auth.Principal{PersonID: e.admin.PersonID, SecondFactor: true, Grants: []store.Grant{{Role: "returning_officer"}}}
		if pg, _ := e.svc.EventPage(e.ctx, ro, later.Slug); !pg.ShowElection {
			t.Error("the returning officer is not shown the draft election of a hustings")
		}

		// The choices: every election not declared, and the event's own.
		names := func(p *auth.Principal, current int64) []string {
			t.Helper()
			es, err := e.svc.EventElectionChoices(e.ctx, p, current)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, el := range es {
				out = append(out, el.Title)
			}
			slices.Sort(out)
			return out
		}
		if got := names(e.secretary, 0); !slices.Equal(got, []string{"Members' section"}) {
			t.Errorf("a body secretary's choices: %v", got)
		}
		if got := names(officerAdmin, 0); !slices.Equal(got, []string{"Members' section", "Treasurer"}) {
			t.Errorf("the returning officer's choices: %v", got)
		}
		if got := names(e.secretary, declared); !slices.Equal(got, []string{"Chair", "Members' section"}) {
			t.Errorf("choices of an event of a declared election: %v", got)
		}
		if _, err := e.svc.EventElectionChoices(e.ctx, e.member, 0); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a member sees the elections in draft: %v", err)
		}

		// Declared after the hustings was linked: the event still saves; the
		// link can be cleared.
		if _, err := db.Exec(e.ctx, `UPDATE elections SET status = ? WHERE id = ?`, store.ElectionDeclared, open); err != nil {
			t.Fatal(err)
		}
		_, edit, err := e.svc.EventForEdit(e.ctx, e.secretary, ev.Slug)
		if err != nil || edit.ElectionID != open {
			t.Fatalf("the form of the hustings: election %d, %v", edit.ElectionID, err)
		}
		edit.Capacity = 50
		if _, err := e.svc.UpdateEvent(e.ctx, e.secretary, ev.ID, edit); err != nil {
			t.Fatalf("a hustings of a declared election no longer saves: %v", err)
		}
		edit.ElectionID = 0
		if ev, err = e.svc.UpdateEvent(e.ctx, e.secretary, ev.ID, edit); err != nil || ev.ElectionID != 0 {
			t.Fatalf("clearing the election: %d %v", ev.ElectionID, err)
		}
		if hs, _ := e.svc.HustingsOf(e.ctx, open); len(hs) != 0 {
			t.Fatalf("the election still lists %d hustings", len(hs))
		}
	})
}
