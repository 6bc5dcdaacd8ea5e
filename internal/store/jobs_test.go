package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// t0 has a fraction of a second so that time round-trips are checked too.
var t0 = time.Date(2025, 5, 1, 9, 0, 0, 123456000, time.UTC)

func mustEnqueue(t *testing.T, db *store.DB, j store.NewJob) int64 {
	t.Helper()
	if j.MaxAttempts == 0 {
		j.MaxAttempts = 3
	}
	if j.RunAt.IsZero() {
		j.RunAt = t0
	}
	id, created, err := db.EnqueueJob(context.Background(), j, t0)
	if err != nil || !created {
		t.Fatalf("enqueue %+v: id %d created %v err %v", j, id, created, err)
	}
	return id
}

func mustClaimOne(t *testing.T, db *store.DB, worker string, now time.Time) store.Job {
	t.Helper()
	js, err := db.ClaimJobs(context.Background(), worker, 1, now)
	if err != nil || len(js) != 1 {
		t.Fatalf("claim at %v: %d jobs, err %v; want 1", now, len(js), err)
	}
	return js[0]
}

func TestClaimJobsWaitsForRunAt(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		later := t0.Add(time.Hour)
		id := mustEnqueue(t, db, store.NewJob{Kind: "close-ballot", Payload: []byte(`{"ballot":42}`), RunAt: later})

		js, err := db.ClaimJobs(ctx, "w1", 10, later.Add(-time.Microsecond))
		if err != nil || len(js) != 0 {
			t.Fatalf("claim before run_at: %d jobs, err %v; want none", len(js), err)
		}
		j := mustClaimOne(t, db, "w1", later)
		if j.ID != id || j.Status != store.JobRunning || j.Attempts != 1 || j.LockedBy != "w1" ||
			string(j.Payload) != `{"ballot":42}` || !j.RunAt.Equal(later) || !j.LockedAt.Valid || !j.LockedAt.Time.Equal(later) {
			t.Fatalf("claimed %+v", j)
		}
		if js, _ := db.ClaimJobs(ctx, "w2", 10, later); len(js) != 0 {
			t.Fatalf("a running job was claimed again: %+v", js)
		}
	})
}

func TestClaimJobsOldestFirstAndLimit(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := mustEnqueue(t, db, store.NewJob{Kind: "k", RunAt: t0.Add(3 * time.Second)})
		a := mustEnqueue(t, db, store.NewJob{Kind: "k", RunAt: t0.Add(1 * time.Second)})
		b := mustEnqueue(t, db, store.NewJob{Kind: "k", RunAt: t0.Add(2 * time.Second)})
		js, err := db.ClaimJobs(ctx, "w", 2, t0.Add(time.Minute))
		if err != nil || len(js) != 2 || js[0].ID != a || js[1].ID != b {
			t.Fatalf("claimed %v, %v; want jobs %d, %d", js, err, a, b)
		}
		if j := mustClaimOne(t, db, "w", t0.Add(time.Minute)); j.ID != c {
			t.Fatalf("third claim got %d, want %d", j.ID, c)
		}
	})
}

func TestEnqueueJobUniqueKey(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := "close-ballot:42"
		first := mustEnqueue(t, db, store.NewJob{Kind: "close-ballot", UniqueKey: key, RunAt: t0.Add(time.Hour)})

		steps := []struct {
			name        string
			job         store.NewJob
			wantCreated bool
			wantRunAt   time.Time
		}{
			{"same key is a duplicate", store.NewJob{Kind: "close-ballot", UniqueKey: key, RunAt: t0.Add(2 * time.Hour)}, false, t0.Add(time.Hour)},
			{"replace moves a queued job", store.NewJob{Kind: "close-ballot", UniqueKey: key, RunAt: t0.Add(3 * time.Hour), Payload: []byte(`{"v":2}`), ReplaceQueued: true}, false, t0.Add(3 * time.Hour)},
			{"other key is new", store.NewJob{Kind: "close-ballot", UniqueKey: "close-ballot:43", RunAt: t0}, true, t0},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				s.job.MaxAttempts = 3
				id, created, err := db.EnqueueJob(ctx, s.job, t0)
				if err != nil || created != s.wantCreated || (!created && id != first) {
					t.Fatalf("id %d created %v err %v", id, created, err)
				}
				j, err := db.JobByID(ctx, id)
				if err != nil || !j.RunAt.Equal(s.wantRunAt) {
					t.Fatalf("job %+v, %v; want run_at %v", j, err, s.wantRunAt)
				}
			})
		}

		// A done job still holds its key: the ballot is not closed twice.
		j := mustClaimOne(t, db, "w", t0.Add(3*time.Hour))
		if j.ID == first {
			t.Fatalf("claimed the later job first")
		}
		j = mustClaimOne(t, db, "w", t0.Add(3*time.Hour))
		if err := db.CompleteJob(ctx, j.ID, "w", 1, t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, created, err := db.EnqueueJob(ctx, store.NewJob{Kind: "close-ballot", UniqueKey: key, RunAt: t0, MaxAttempts: 1, ReplaceQueued: true}, t0); err != nil || created {
			t.Fatalf("after done: created %v err %v; want a duplicate", created, err)
		}
		if got, _ := db.JobByID(ctx, first); got.Status != store.JobDone || !got.RunAt.Equal(t0.Add(3*time.Hour)) {
			t.Fatalf("ReplaceQueued changed a done job: %+v", got)
		}
	})
}

func TestEnqueueJobInTxRollsBack(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, _, err := tx.EnqueueJob(ctx, store.NewJob{Kind: "k", RunAt: t0, MaxAttempts: 1, UniqueKey: "x"}, t0); err != nil {
				return err
			}
			// A duplicate inside the same transaction must not abort it
			// (PostgreSQL aborts a transaction on a failed statement).
			if _, created, err := tx.EnqueueJob(ctx, store.NewJob{Kind: "k", RunAt: t0, MaxAttempts: 1, UniqueKey: "x"}, t0); err != nil || created {
				return fmt.Errorf("duplicate in tx: created %v err %v", created, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		if counts, _ := db.JobCounts(ctx); counts[store.JobQueued] != 0 {
			t.Fatalf("rolled back job is there: %v", counts)
		}
	})
}

func TestFailJobRetriesThenDead(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := mustEnqueue(t, db, store.NewJob{Kind: "k", MaxAttempts: 2})

		j := mustClaimOne(t, db, "w", t0)
		retryAt := t0.Add(30 * time.Second)
		status, err := db.FailJob(ctx, store.JobFailure{ID: id, Worker: "w", Attempt: j.Attempts, Error: "smtp down", RetryAt: retryAt, Now: t0})
		if err != nil || status != store.JobQueued {
			t.Fatalf("first failure: %q, %v", status, err)
		}
		if js, _ := db.ClaimJobs(ctx, "w", 1, retryAt.Add(-time.Second)); len(js) != 0 {
			t.Fatal("claimed before its retry time")
		}
		j = mustClaimOne(t, db, "w", retryAt)
		if j.Attempts != 2 || j.LastError != "smtp down" {
			t.Fatalf("second claim %+v", j)
		}
		status, err = db.FailJob(ctx, store.JobFailure{ID: id, Worker: "w", Attempt: 2, Error: "still down", RetryAt: retryAt.Add(time.Minute), Now: retryAt})
		if err != nil || status != store.JobDead {
			t.Fatalf("last failure: %q, %v", status, err)
		}
		j, _ = db.JobByID(ctx, id)
		if j.Status != store.JobDead || !j.FinishedAt.Valid || !j.FinishedAt.Time.Equal(retryAt) || j.LastError != "still down" || j.LockedBy != "" {
			t.Fatalf("dead job %+v", j)
		}
	})
}

func TestFailJobFinalIsDeadAtOnce(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		id := mustEnqueue(t, db, store.NewJob{Kind: "k", MaxAttempts: 5})
		mustClaimOne(t, db, "w", t0)
		status, err := db.FailJob(context.Background(), store.JobFailure{ID: id, Worker: "w", Attempt: 1, Error: "550 no such user", RetryAt: t0.Add(time.Minute), Final: true, Now: t0})
		if err != nil || status != store.JobDead {
			t.Fatalf("final failure: %q, %v", status, err)
		}
	})
}

func TestFinishingAJobNotHeld(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := mustEnqueue(t, db, store.NewJob{Kind: "k"})
		mustClaimOne(t, db, "w1", t0)
		cases := []struct {
			name    string
			worker  string
			attempt int
		}{
			{"other worker", "w2", 1},
			{"older attempt", "w1", 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if err := db.CompleteJob(ctx, id, c.worker, c.attempt, t0); !errors.Is(err, store.ErrJobNotHeld) {
					t.Errorf("CompleteJob: %v, want ErrJobNotHeld", err)
				}
				_, err := db.FailJob(ctx, store.JobFailure{ID: id, Worker: c.worker, Attempt: c.attempt, Error: "x", RetryAt: t0, Now: t0})
				if !errors.Is(err, store.ErrJobNotHeld) {
					t.Errorf("FailJob: %v, want ErrJobNotHeld", err)
				}
			})
		}
		if j, _ := db.JobByID(ctx, id); j.Status != store.JobRunning {
			t.Fatalf("job changed by a worker not holding it: %+v", j)
		}
	})
}

func TestReclaimStuckJobs(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		again := mustEnqueue(t, db, store.NewJob{Kind: "k", MaxAttempts: 3})
		spent := mustEnqueue(t, db, store.NewJob{Kind: "k", MaxAttempts: 1})
		if js, err := db.ClaimJobs(ctx, "crashed-node", 2, t0); err != nil || len(js) != 2 {
			t.Fatalf("claim: %v %v", js, err)
		}
		if n, err := db.ReclaimStuckJobs(ctx, t0, t0.Add(time.Minute)); err != nil || n != 0 {
			t.Fatalf("reclaimed %d (%v) jobs locked exactly at the limit", n, err)
		}
		later := t0.Add(20 * time.Minute)
		if n, err := db.ReclaimStuckJobs(ctx, t0.Add(time.Second), later); err != nil || n != 2 {
			t.Fatalf("reclaimed %d, %v; want 2", n, err)
		}
		j, _ := db.JobByID(ctx, again)
		if j.Status != store.JobQueued || !j.RunAt.Equal(later) || j.LockedBy != "" || j.LastError == "" {
			t.Fatalf("reclaimed job %+v", j)
		}
		if j, _ := db.JobByID(ctx, spent); j.Status != store.JobDead {
			t.Fatalf("job out of attempts: %+v, want dead", j)
		}
		// The crashed node coming back must not overwrite the new claim.
		mustClaimOne(t, db, "healthy-node", later)
		if err := db.CompleteJob(ctx, again, "crashed-node", 1, later); !errors.Is(err, store.ErrJobNotHeld) {
			t.Fatalf("late completion: %v", err)
		}
	})
}

func TestRetryAndCancelJob(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dead := mustEnqueue(t, db, store.NewJob{Kind: "k", MaxAttempts: 1})
		mustClaimOne(t, db, "w", t0)
		if _, err := db.FailJob(ctx, store.JobFailure{ID: dead, Worker: "w", Attempt: 1, Error: "x", RetryAt: t0, Now: t0}); err != nil {
			t.Fatal(err)
		}
		queued := mustEnqueue(t, db, store.NewJob{Kind: "k", UniqueKey: "u", RunAt: t0.Add(time.Hour)})
		running := mustEnqueue(t, db, store.NewJob{Kind: "k"})
		mustClaimOne(t, db, "w", t0)

		cases := []struct {
			name   string
			action func(context.Context, int64, time.Time) error
			id     int64
			want   error
		}{
			{"retry queued", db.RetryJob, queued, store.ErrJobState},
			{"retry missing", db.RetryJob, 9999, store.ErrNotFound},
			{"cancel running", db.CancelJob, running, store.ErrJobState},
			{"cancel missing", db.CancelJob, 9999, store.ErrNotFound},
			{"cancel queued", db.CancelJob, queued, nil},
			{"retry dead", db.RetryJob, dead, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := c.action(ctx, c.id, t0.Add(time.Minute))
				if (c.want == nil && err != nil) || (c.want != nil && !errors.Is(err, c.want)) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
			})
		}
		j, _ := db.JobByID(ctx, dead)
		if j.Status != store.JobQueued || j.Attempts != 0 || !j.RunAt.Equal(t0.Add(time.Minute)) || j.FinishedAt.Valid {
			t.Fatalf("retried job %+v", j)
		}
		j, _ = db.JobByID(ctx, queued)
		if j.Status != store.JobCancelled || j.UniqueKey != "" {
			t.Fatalf("cancelled job %+v", j)
		}
		// Cancelling freed the key.
		if _, created, err := db.EnqueueJob(ctx, store.NewJob{Kind: "k", UniqueKey: "u", RunAt: t0, MaxAttempts: 1}, t0); err != nil || !created {
			t.Fatalf("re-enqueue after cancel: created %v err %v", created, err)
		}
	})
}

func TestJobsListingAndCounts(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var ids []int64
		for i := range 5 {
			ids = append(ids, mustEnqueue(t, db, store.NewJob{Kind: fmt.Sprintf("k%d", i%2), RunAt: t0.Add(time.Duration(i) * time.Hour)}))
		}
		j := mustClaimOne(t, db, "w", t0) // ids[0] runs
		if err := db.CompleteJob(ctx, j.ID, "w", 1, t0); err != nil {
			t.Fatal(err)
		}
		counts, err := db.JobCounts(ctx)
		if err != nil || counts[store.JobDone] != 1 || counts[store.JobQueued] != 4 || counts[store.JobDead] != 0 || len(counts) != len(store.JobStatuses) {
			t.Fatalf("counts %v, %v", counts, err)
		}
		cases := []struct {
			name      string
			filter    store.JobFilter
			wantIDs   []int64
			wantTotal int
		}{
			{"all, first page", store.JobFilter{Page: store.Page{Number: 1, Size: 2}}, []int64{ids[4], ids[3]}, 5},
			{"all, last page", store.JobFilter{Page: store.Page{Number: 3, Size: 2}}, []int64{ids[0]}, 5},
			{"queued", store.JobFilter{Status: store.JobQueued}, []int64{ids[4], ids[3], ids[2], ids[1]}, 4},
			{"done", store.JobFilter{Status: store.JobDone}, []int64{ids[0]}, 1},
			{"kind", store.JobFilter{Kind: "k1"}, []int64{ids[3], ids[1]}, 2},
			{"none", store.JobFilter{Status: store.JobDead}, nil, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				js, total, err := db.Jobs(ctx, c.filter)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, j := range js {
					got = append(got, j.ID)
				}
				if total != c.wantTotal || fmt.Sprint(got) != fmt.Sprint(c.wantIDs) {
					t.Fatalf("got %v (total %d), want %v (total %d)", got, total, c.wantIDs, c.wantTotal)
				}
			})
		}
	})
}

func TestPruneJobs(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		done := mustEnqueue(t, db, store.NewJob{Kind: "k"})
		mustClaimOne(t, db, "w", t0)
		if err := db.CompleteJob(ctx, done, "w", 1, t0); err != nil {
			t.Fatal(err)
		}
		kept := mustEnqueue(t, db, store.NewJob{Kind: "k", RunAt: t0.Add(time.Hour)})
		if n, err := db.PruneJobs(ctx, t0.Add(time.Second)); err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want 1", n, err)
		}
		if _, err := db.JobByID(ctx, done); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("done job still there: %v", err)
		}
		if _, err := db.JobByID(ctx, kept); err != nil {
			t.Fatalf("queued job pruned: %v", err)
		}
	})
}

// Claims racing from several connections (several nodes on PostgreSQL)
// must hand each job to exactly one of them.
func TestClaimJobsConcurrentlyClaimsEachOnce(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 120
		for range n {
			mustEnqueue(t, db, store.NewJob{Kind: "k"})
		}
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for w := range 4 {
			worker := fmt.Sprintf("w%d", w)
			wg.Go(func() {
				for {
					js, err := db.ClaimJobs(ctx, worker, 3, t0)
					if err != nil {
						errs <- err
						return
					}
					if len(js) == 0 {
						return
					}
					mu.Lock()
					for _, j := range js {
						if prev, dup := seen[j.ID]; dup {
							errs <- fmt.Errorf("job %d claimed by %s and %s", j.ID, prev, worker)
						}
						seen[j.ID] = worker
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(seen) != n {
			t.Fatalf("%d jobs claimed, want %d", len(seen), n)
		}
	})
}
