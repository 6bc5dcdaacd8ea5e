package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"quorum/internal/jobs"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// fakeClock is moved by hand, so no test depends on how fast it runs.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// quietLogger keeps expected failures out of the test output while still
// letting tests read what was logged.
func quietLogger() (*slog.Logger, *syncBuffer) {
	var b syncBuffer
	return slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})), &b
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func setup(t *testing.T, db *store.DB, cfg jobs.Config) (*jobs.Queue, *jobs.Runner, *fakeClock) {
	t.Helper()
	clock := newClock()
	q := jobs.NewQueue(db, clock.Now)
	if cfg.Logger == nil {
		cfg.Logger, _ = quietLogger()
	}
	return q, jobs.NewRunner(q, cfg), clock
}

func runDue(t *testing.T, r *jobs.Runner, want int) {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil || n != want {
		t.Fatalf("RunDue ran %d jobs (err %v), want %d", n, err, want)
	}
}

func jobStatus(t *testing.T, db *store.DB, id int64) store.Job {
	t.Helper()
	j, err := db.JobByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// waitFor receives from ch or fails when the test runs out of time.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	timeout := 30 * time.Second
	if d, ok := t.Deadline(); ok {
		timeout = time.Until(d) - time.Second
	}
	select {
	case v := <-ch:
		return v
	case <-time.After(timeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestScheduledJobRunsAtItsTimeNotBefore(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		q, r, clock := setup(t, db, jobs.Config{Workers: 1})
		var got []string
		r.Handle("close-ballot", func(ctx context.Context, payload json.RawMessage) error {
			got = append(got, string(payload))
			return nil
		})
		res, err := q.Schedule(context.Background(), clock.Now().Add(time.Hour), "close-ballot", map[string]int{"ballot": 42})
		if err != nil || res.Duplicate {
			t.Fatalf("schedule: %+v %v", res, err)
		}
		clock.Advance(time.Hour - time.Second)
		runDue(t, r, 0)
		clock.Advance(time.Second)
		runDue(t, r, 1)
		if len(got) != 1 || got[0] != `{"ballot":42}` {
			t.Fatalf("handler got %q", got)
		}
		if j := jobStatus(t, db, res.ID); j.Status != store.JobDone {
			t.Fatalf("job %+v, want done", j)
		}
	})
}

func TestFailingJobBacksOffThenDies(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		q, r, clock := setup(t, db, jobs.Config{Workers: 1})
		var attempts []jobs.Info
		r.Handle("flaky", func(ctx context.Context, _ json.RawMessage) error {
			info, _ := jobs.InfoFrom(ctx)
			attempts = append(attempts, info)
			return errors.New("mail server unreachable")
		})
		res, err := q.Enqueue(context.Background(), "flaky", nil, jobs.MaxAttempts(3))
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			advance    time.Duration
			wantRuns   int
			wantStatus string
		}{
			{0, 1, store.JobQueued},                            // attempt 1 fails: back in 30s
			{30*time.Second - time.Second, 0, store.JobQueued}, // not yet
			{time.Second, 1, store.JobQueued},                  // attempt 2 fails: back in 60s
			{59 * time.Second, 0, store.JobQueued},             // not yet
			{time.Second, 1, store.JobDead},                    // attempt 3 was the last
			{24 * time.Hour, 0, store.JobDead},                 // dead jobs stay dead
		}
		for i, s := range steps {
			clock.Advance(s.advance)
			runDue(t, r, s.wantRuns)
			if j := jobStatus(t, db, res.ID); j.Status != s.wantStatus || j.LastError != "mail server unreachable" {
				t.Fatalf("step %d: job %+v, want %s", i, j, s.wantStatus)
			}
		}
		for i, info := range attempts {
			if info.Attempt != i+1 || info.MaxAttempts != 3 || info.ID != res.ID || info.Kind != "flaky" || info.LastAttempt() != (i == 2) {
				t.Errorf("attempt %d saw %+v", i+1, info)
			}
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	cases := []struct {
		attempt int
		want    time.Duration
	}{
		{0, 30 * time.Second},
		{1, 30 * time.Second},
		{2, time.Minute},
		{3, 2 * time.Minute},
		{7, 32 * time.Minute},
		{8, time.Hour},
		{1000, time.Hour},
	}
	for _, c := range cases {
		if got := jobs.DefaultBackoff(c.attempt); got != c.want {
			t.Errorf("DefaultBackoff(%d) = %v, want %v", c.attempt, got, c.want)
		}
	}
}

func TestPermanentErrorIsDeadAtOnce(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		q, r, _ := setup(t, db, jobs.Config{Workers: 1})
		r.Handle("send", func(context.Context, json.RawMessage) error {
			return jobs.Permanent(errors.New("550 no such mailbox"))
		})
		res, _ := q.Enqueue(context.Background(), "send", nil, jobs.MaxAttempts(5))
		runDue(t, r, 1)
		if j := jobStatus(t, db, res.ID); j.Status != store.JobDead || j.Attempts != 1 {
			t.Fatalf("job %+v, want dead after one attempt", j)
		}
	})
}

func TestUniqueKeyQueuesTheJobOnce(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q, r, clock := setup(t, db, jobs.Config{Workers: 1})
		runs := 0
		r.Handle("close-ballot", func(context.Context, json.RawMessage) error { runs++; return nil })
		at := clock.Now().Add(time.Hour)
		first, err := q.Schedule(ctx, at, "close-ballot", nil, jobs.UniqueKey("close-ballot:42"))
		if err != nil || first.Duplicate {
			t.Fatalf("first: %+v %v", first, err)
		}
		second, err := q.Schedule(ctx, at, "close-ballot", nil, jobs.UniqueKey("close-ballot:42"))
		if err != nil || !second.Duplicate || second.ID != first.ID {
			t.Fatalf("second: %+v %v; want a duplicate of %d", second, err, first.ID)
		}
		// The close moves an hour later: the queued job follows.
		moved, err := q.Schedule(ctx, at.Add(time.Hour), "close-ballot", nil, jobs.UniqueKey("close-ballot:42"), jobs.ReplaceQueued())
		if err != nil || !moved.Duplicate || moved.ID != first.ID {
			t.Fatalf("moved: %+v %v", moved, err)
		}
		clock.Advance(time.Hour)
		runDue(t, r, 0)
		clock.Advance(time.Hour)
		runDue(t, r, 1)
		if _, err := q.Enqueue(ctx, "close-ballot", nil, jobs.UniqueKey("close-ballot:42")); err != nil {
			t.Fatal(err)
		}
		runDue(t, r, 0)
		if runs != 1 {
			t.Fatalf("ran %d times, want 1", runs)
		}
		if _, err := q.Enqueue(ctx, "k", nil, jobs.ReplaceQueued()); err == nil {
			t.Fatal("ReplaceQueued without a key was accepted")
		}
	})
}

func TestPanickingHandlerIsRecordedAsAFailure(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		q, r, _ := setup(t, db, jobs.Config{Workers: 1})
		r.Handle("boom", func(context.Context, json.RawMessage) error { panic("index out of range") })
		res, _ := q.Enqueue(context.Background(), "boom", nil)
		runDue(t, r, 1)
		j := jobStatus(t, db, res.ID)
		if j.Status != store.JobQueued || !strings.Contains(j.LastError, "panicked: index out of range") {
			t.Fatalf("job %+v", j)
		}
	})
}

func TestUnknownKindFailsClearly(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		q, r, _ := setup(t, db, jobs.Config{Workers: 1})
		res, _ := q.Enqueue(context.Background(), "nobody-handles-this", nil, jobs.MaxAttempts(1))
		runDue(t, r, 1)
		j := jobStatus(t, db, res.ID)
		if j.Status != store.JobDead || !strings.Contains(j.LastError, jobs.ErrUnknownKind.Error()) || !strings.Contains(j.LastError, "nobody-handles-this") {
			t.Fatalf("job %+v", j)
		}
	})
}

func TestStuckJobIsReclaimed(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q, r, clock := setup(t, db, jobs.Config{Workers: 1, JobTimeout: time.Minute, StuckAfter: 10 * time.Minute})
		runs := 0
		r.Handle("k", func(context.Context, json.RawMessage) error { runs++; return nil })
		res, _ := q.Enqueue(ctx, "k", nil)
		// A node claims the job and dies.
		if js, err := db.ClaimJobs(ctx, "crashed-node", 1, clock.Now()); err != nil || len(js) != 1 {
			t.Fatalf("claim: %v %v", js, err)
		}
		clock.Advance(10 * time.Minute)
		runDue(t, r, 0) // exactly at the limit it may still be alive
		clock.Advance(time.Second)
		runDue(t, r, 1)
		if j := jobStatus(t, db, res.ID); runs != 1 || j.Status != store.JobDone || j.Attempts != 2 {
			t.Fatalf("runs %d, job %+v", runs, j)
		}
	})
}

func TestEnqueueTxFollowsTheTransaction(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q, r, _ := setup(t, db, jobs.Config{Workers: 1})
		runs := 0
		r.Handle("k", func(context.Context, json.RawMessage) error { runs++; return nil })
		rollback := errors.New("rollback")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := q.EnqueueTx(ctx, tx, "k", nil); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		runDue(t, r, 0)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := q.EnqueueTx(ctx, tx, "k", nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		runDue(t, r, 1)
	})
}

func TestAdminRetryAndCancel(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q, r, clock := setup(t, db, jobs.Config{Workers: 1})
		fail := true
		r.Handle("k", func(context.Context, json.RawMessage) error {
			if fail {
				return errors.New("down")
			}
			return nil
		})
		dead, _ := q.Enqueue(ctx, "k", nil, jobs.MaxAttempts(1))
		later, _ := q.Schedule(ctx, clock.Now().Add(time.Hour), "k", nil)
		runDue(t, r, 1)
		counts, err := q.Counts(ctx)
		if err != nil || counts[store.JobDead] != 1 || counts[store.JobQueued] != 1 {
			t.Fatalf("counts %v %v", counts, err)
		}
		if err := q.Cancel(ctx, later.ID); err != nil {
			t.Fatal(err)
		}
		fail = false
		if err := q.Retry(ctx, dead.ID); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Hour)
		runDue(t, r, 1)
		list, total, err := q.List(ctx, store.JobFilter{Status: store.JobDone})
		if err != nil || total != 1 || list[0].ID != dead.ID {
			t.Fatalf("done jobs %v (%d) %v", list, total, err)
		}
		if err := q.Retry(ctx, dead.ID); !errors.Is(err, store.ErrJobState) {
			t.Fatalf("retrying a done job: %v", err)
		}
	})
}

func TestHandleTwicePanics(t *testing.T) {
	_, r, _ := setup(t, testkit.SQLite(t), jobs.Config{})
	r.Handle("k", func(context.Context, json.RawMessage) error { return nil })
	defer func() {
		if recover() == nil {
			t.Fatal("second Handle for the same kind did not panic")
		}
	}()
	r.Handle("k", func(context.Context, json.RawMessage) error { return nil })
}

func TestLogsNeverHoldPayloads(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		logger, logs := quietLogger()
		q, r, _ := setup(t, db, jobs.Config{Workers: 1, Logger: logger})
		r.Handle("k", func(context.Context, json.RawMessage) error { return errors.New("refused") })
		r.Handle("p", func(context.Context, json.RawMessage) error { panic("bad") })
		res, _ := q.Enqueue(context.Background(), "k", map[string]string{"email": "ada@example.org"}, jobs.MaxAttempts(1))
		q.Enqueue(context.Background(), "p", map[string]string{"email": "ada@example.org"})
		runDue(t, r, 2)
		out := logs.String()
		if strings.Contains(out, "ada@example.org") {
			t.Fatalf("a payload was logged:\n%s", out)
		}
		for _, want := range []string{"kind=k", "id=", "attempt=1", "error=refused", "panicked"} {
			if !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
		}
		_ = res
	})
}

func TestEnqueueWakesTheRunner(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		// An hour-long poll: only the wake-up can start the job.
		q, r, _ := setup(t, db, jobs.Config{Workers: 1, PollInterval: time.Hour})
		ran := make(chan struct{}, 1)
		r.Handle("k", func(context.Context, json.RawMessage) error { ran <- struct{}{}; return nil })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		if _, err := q.Enqueue(context.Background(), "k", nil); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ran, "the job to run")
		cancel()
		if err := waitFor(t, done, "Run to return"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestShutdownWaitsForTheRunningHandler(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		q, r, _ := setup(t, db, jobs.Config{Workers: 2, PollInterval: time.Hour})
		started := make(chan struct{})
		release := make(chan struct{})
		var finished bool
		var handlerCtxErr error
		r.Handle("slow", func(ctx context.Context, _ json.RawMessage) error {
			close(started)
			<-release
			handlerCtxErr = ctx.Err()
			finished = true
			return nil
		})
		res, _ := q.Enqueue(context.Background(), "slow", nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		waitFor(t, started, "the handler to start")
		cancel()
		select {
		case <-done:
			t.Fatal("Run returned while a handler was still running")
		default:
		}
		close(release)
		if err := waitFor(t, done, "Run to return"); err != nil {
			t.Fatal(err)
		}
		// Run has returned, so the handler's writes are visible without a race.
		if !finished || handlerCtxErr != nil {
			t.Fatalf("finished %v, handler context %v: shutdown must not cut a handler short", finished, handlerCtxErr)
		}
		if j := jobStatus(t, db, res.ID); j.Status != store.JobDone {
			t.Fatalf("job %+v, want done", j)
		}
	})
}

// Two runners (two nodes) with two workers each share 200 jobs: each job
// must run exactly once.
func TestTwoRunnersRunEachJobOnce(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		const n = 200
		clock := newClock()
		logger, logs := quietLogger()
		var mu sync.Mutex
		runs := map[int64]int{}
		ran := make(chan int64, n*2)
		handler := func(ctx context.Context, _ json.RawMessage) error {
			info, _ := jobs.InfoFrom(ctx)
			mu.Lock()
			runs[info.ID]++
			mu.Unlock()
			ran <- info.ID
			return nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var runners sync.WaitGroup
		for i := range 2 {
			q := jobs.NewQueue(db, clock.Now)
			r := jobs.NewRunner(q, jobs.Config{Workers: 2, PollInterval: 5 * time.Millisecond, Logger: logger, Name: []string{"node-a", "node-b"}[i]})
			r.Handle("k", handler)
			runners.Go(func() {
				if err := r.Run(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		q := jobs.NewQueue(db, clock.Now)
		for range n {
			if _, err := q.Enqueue(context.Background(), "k", nil); err != nil {
				t.Fatal(err)
			}
		}
		for range n {
			waitFor(t, ran, "jobs to run")
		}
		cancel()
		runners.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(runs) != n {
			t.Fatalf("%d distinct jobs ran, want %d", len(runs), n)
		}
		for id, c := range runs {
			if c != 1 {
				t.Errorf("job %d ran %d times", id, c)
			}
		}
		counts, err := q.Counts(context.Background())
		if err != nil || counts[store.JobDone] != n {
			t.Fatalf("counts %v %v\nlogs:\n%s", counts, err, logs.String())
		}
	})
}
