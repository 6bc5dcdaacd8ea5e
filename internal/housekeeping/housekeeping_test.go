package housekeeping_test

import (
	"context"
	"testing"
	"time"

	"quorum/internal/housekeeping"
	"quorum/internal/jobs"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func TestHourlyCleanUp(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 10, 20, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		var person int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			person, err = tx.CreatePerson(ctx, store.Person{Name: "P", Slug: "p"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, exp := range []time.Time{now.Add(-time.Hour), now.Add(time.Hour)} {
			if err := db.CreateSession(ctx, store.Session{TokenHash: string(rune('a' + i)), PersonID: person, CreatedAt: now.Add(-48 * time.Hour), ExpiresAt: exp}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreatePasswordReset(ctx, "old", person, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveMemberUpload(ctx, "u", store.MemberUpload{PersonID: person, Filename: "m.csv", Content: []byte("x"), CreatedAt: now.Add(-2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		q := jobs.NewQueue(db, clock)
		h := &housekeeping.Housekeeper{DB: db, Queue: q, Now: clock}
		res, err := h.Clean(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Sessions != 1 || res.Resets != 1 || res.Uploads != 1 {
			t.Fatalf("deleted %+v, want one expired session, reset and upload", res)
		}
		if _, err := db.SessionByHash(ctx, "b", now); err != nil {
			t.Fatalf("the live session was deleted: %v", err)
		}
		// Scheduling twice (two nodes starting) queues one run, at the next hour.
		for i := 0; i < 2; i++ {
			if err := h.ScheduleNext(ctx); err != nil {
				t.Fatal(err)
			}
		}
		list, total, err := q.List(ctx, store.JobFilter{Kind: housekeeping.Kind})
		if err != nil || total != 1 || !list[0].RunAt.Equal(time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)) {
			t.Fatalf("scheduled %d jobs %+v %v", total, list, err)
		}
		// The run at 11:00 cleans and schedules 12:00.
		now = time.Date(2026, 3, 1, 11, 0, 1, 0, time.UTC)
		r := jobs.NewRunner(q, jobs.Config{Workers: 1})
		h.Register(r)
		if n, err := r.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("ran %d, %v", n, err)
		}
		list, total, _ = q.List(ctx, store.JobFilter{Kind: housekeeping.Kind, Status: store.JobQueued})
		if total != 1 || !list[0].RunAt.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) {
			t.Fatalf("next run: %d %+v", total, list)
		}
	})
}
