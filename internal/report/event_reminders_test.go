package report_test

import (
	"strings"
	"testing"
	"time"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// When an event moves, its reminder moves with it: nothing goes out the
// day before the old date, one reminder goes the day before the new one.
func TestEventReminderMovesWithTheEvent(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db) // the clock says 10 March 2026, 09:00
		in := report.EventInput{Title: "Training day", Kind: "training", BodyID: e.body.ID, Place: "Hall",
			Date: "2026-03-20", Start: "18:30", End: "20:00", Capacity: 10}
		ev, err := e.svc.CreateEvent(e.ctx, e.secretary, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SignUp(e.ctx, e.anon, ev.ID, report.SignupInput{Name: "A", Email: "a@example.org", Client: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		in.Date = "2026-03-27"
		if _, err := e.svc.UpdateEvent(e.ctx, e.secretary, ev.ID, in); err != nil {
			t.Fatal(err)
		}
		reminders := func() []store.OutboxMessage {
			t.Helper()
			e.runJobs()
			var out []store.OutboxMessage
			for _, m := range e.outbox() {
				if strings.HasPrefix(m.Subject, "Tomorrow:") {
					out = append(out, m)
				}
			}
			return out
		}
		e.clock.Advance(9*24*time.Hour + 10*time.Hour) // 19 March, 19:00: the day before the old date
		if got := reminders(); len(got) != 0 {
			t.Fatalf("reminded the day before the old date: %+v", got[0].Text)
		}
		e.clock.Advance(7 * 24 * time.Hour) // 26 March, 19:00: the day before the new date
		got := reminders()
		if len(got) != 1 || got[0].To != "a@example.org" || !strings.Contains(got[0].Text, "Friday 27 March 2026, 18:30 to 20:00") {
			t.Fatalf("reminders the day before the new date: %+v", got)
		}
		e.clock.Advance(time.Hour)
		if got := reminders(); len(got) != 1 {
			t.Errorf("%d reminders in all, want 1", len(got))
		}
	})
}
