package report_test

import (
	"strings"
	"testing"
	"time"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestLoadDemo(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for i, held := range []string{"2025-09-16", "2025-11-18", "2026-01-20", "2026-03-03"} {
			if _, err := e.svc.CreateMeeting(e.ctx, e.secretary, e.body.ID, report.MeetingInput{Title: "Meeting " + held, HeldOn: held, Summary: "Summary " + string(rune('A'+i))}); err != nil {
				t.Fatal(err)
			}
		}
		var ballot int64
		err := db.InTx(e.ctx, func(tx *store.Tx) error {
			var err error
			ballot, err = tx.CreateElection(e.ctx, store.Election{Title: "Members' section", Slug: "members-section", Seats: 9, Method: "scottish-stv", Status: store.ElectionOpen, CreatedAt: e.clock.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := report.LoadDemo(e.ctx, e.svc, report.DemoOptions{BodyID: e.body.ID, Featured: e.rep.PersonID, Today: e.clock.Now(), Seed: 7, Subscribers: 50, Election: ballot})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Reports < 3 || sum.Drafts != 1 || sum.Subscribers != 50 || sum.Events != 3 {
			t.Fatalf("summary: %+v", sum)
		}
		reports, total, err := db.Reports(e.ctx, store.ReportFilter{Page: store.Page{Size: 100}})
		if err != nil || total != sum.Reports {
			t.Fatalf("%d published reports: %v", total, err)
		}
		for _, r := range reports {
			if r.MeetingID == 0 || !r.PublishAt.Before(e.clock.Now()) || r.PublishAt.After(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("report %s: meeting %d, published %v", r.Slug, r.MeetingID, r.PublishAt)
			}
			if _, err := e.svc.ReportPage(e.ctx, e.anon, r.Slug); err != nil {
				t.Errorf("report %s: %v", r.Slug, err)
			}
		}
		mine, _, _ := e.svc.MyReports(e.ctx, e.rep, store.Page{})
		if len(mine) == 0 || mine[0].Status != store.ReportDraft {
			t.Errorf("featured representative's reports: %+v", mine)
		}
		if _, n, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "councillors"}); n == 0 {
			t.Error("demo reports not searchable")
		}
		counts, _ := db.SubscriberCounts(e.ctx)
		if counts[store.SubscriberConfirmed] == 0 {
			t.Errorf("subscribers: %v", counts)
		}
		es, _ := e.svc.Events(e.ctx, e.clock.Now(), 0)
		waiting := 0
		for _, ev := range es {
			waiting += ev.Waiting
		}
		if len(es) != 3 || waiting == 0 {
			t.Errorf("events: %+v", es)
		}
		// The hustings belong to the election they name.
		hs, err := e.svc.HustingsOf(e.ctx, ballot)
		if err != nil || len(hs) != 1 || hs[0].Kind != report.HustingsKind || !strings.Contains(hs[0].Title, "members' section election") {
			t.Errorf("the demo election's hustings: %+v %v", hs, err)
		}
		pg, _ := e.svc.MeetingPage(e.ctx, e.rep, reports[0].MeetingID)
		if len(pg.Agenda) == 0 || pg.MinutesHTML == "" || len(pg.Attendance) == 0 {
			t.Errorf("meeting: %+v", pg)
		}
	})
}
