package jobs

import (
	"context"

	"quorum/internal/store"
)

// The admin page's actions. Permission checks belong to the caller.

// List returns one page of jobs, newest first, and the total matching.
func (q *Queue) List(ctx context.Context, f store.JobFilter) ([]store.Job, int, error) {
	return q.db.Jobs(ctx, f)
}

// Counts returns the number of jobs in each status.
func (q *Queue) Counts(ctx context.Context) (map[string]int, error) {
	return q.db.JobCounts(ctx)
}

// Retry queues a dead job to run now with a fresh set of attempts.
func (q *Queue) Retry(ctx context.Context, id int64) error {
	if err := q.db.RetryJob(ctx, id, q.clock()); err != nil {
		return err
	}
	q.Wake()
	return nil
}

// Cancel cancels a queued (or dismisses a dead) job and frees its unique key.
func (q *Queue) Cancel(ctx context.Context, id int64) error {
	return q.db.CancelJob(ctx, id, q.clock())
}
