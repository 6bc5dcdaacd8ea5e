// Package jobs runs background work from a queue kept in the database, so
// that any node can pick up what another enqueued and a crashed node's work
// is taken over. Later features send e-mail and open and close ballots
// through it. Delivery is at least once: a handler may run again after a
// node dies mid-job, so handlers must be safe to repeat.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"quorum/internal/store"
)

// Clock tells the time; tests inject a fake one to move time by hand.
type Clock func() time.Time

// Queue adds jobs to the database.
type Queue struct {
	db    *store.DB
	clock Clock
	// wake tells this process's Runner that there is work, so a job
	// enqueued here starts without waiting for the next poll.
	wake chan struct{}
}

// NewQueue returns a queue on db. clock may be nil for the real time.
func NewQueue(db *store.DB, clock Clock) *Queue {
	if clock == nil {
		clock = time.Now
	}
	return &Queue{db: db, clock: clock, wake: make(chan struct{}, 1)}
}

// Enqueued says what an enqueue did.
type Enqueued struct {
	ID int64
	// Duplicate is true when a job with the same unique key already
	// existed; ID is then that job's.
	Duplicate bool
}

// Enqueue adds a job to run now. payload is encoded as JSON; keep it to
// ids where you can, since the admin page shows it.
func (q *Queue) Enqueue(ctx context.Context, kind string, payload any, opts ...Option) (Enqueued, error) {
	return q.Schedule(ctx, q.clock(), kind, payload, opts...)
}

// Schedule adds a job to run at a given time (not before).
func (q *Queue) Schedule(ctx context.Context, at time.Time, kind string, payload any, opts ...Option) (Enqueued, error) {
	j, err := q.newJob(at, kind, payload, opts)
	if err != nil {
		return Enqueued{}, err
	}
	id, created, err := q.db.EnqueueJob(ctx, j, q.clock())
	if err != nil {
		return Enqueued{}, err
	}
	q.Wake()
	return Enqueued{ID: id, Duplicate: !created}, nil
}

// EnqueueTx adds a job to run now inside the caller's transaction, so that
// the job exists if and only if the caller's writes commit.
func (q *Queue) EnqueueTx(ctx context.Context, tx *store.Tx, kind string, payload any, opts ...Option) (Enqueued, error) {
	return q.ScheduleTx(ctx, tx, q.clock(), kind, payload, opts...)
}

// ScheduleTx is Schedule inside the caller's transaction. The runner is
// woken at once; should it look before the commit it finds the job at its
// next poll.
func (q *Queue) ScheduleTx(ctx context.Context, tx *store.Tx, at time.Time, kind string, payload any, opts ...Option) (Enqueued, error) {
	j, err := q.newJob(at, kind, payload, opts)
	if err != nil {
		return Enqueued{}, err
	}
	id, created, err := tx.EnqueueJob(ctx, j, q.clock())
	if err != nil {
		return Enqueued{}, err
	}
	q.Wake()
	return Enqueued{ID: id, Duplicate: !created}, nil
}

func (q *Queue) newJob(at time.Time, kind string, payload any, opts []Option) (store.NewJob, error) {
	o := options{maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&o)
	}
	if kind == "" {
		return store.NewJob{}, fmt.Errorf("enqueue: %w", ErrNoKind)
	}
	if o.replaceQueued && o.uniqueKey == "" {
		return store.NewJob{}, fmt.Errorf("enqueue %s: ReplaceQueued needs a UniqueKey", kind)
	}
	var raw []byte
	if payload != nil {
		var err error
		if raw, err = json.Marshal(payload); err != nil {
			return store.NewJob{}, fmt.Errorf("enqueue %s: encode payload: %w", kind, err)
		}
	}
	return store.NewJob{
		Kind:          kind,
		Payload:       raw,
		RunAt:         at,
		MaxAttempts:   o.maxAttempts,
		UniqueKey:     o.uniqueKey,
		ReplaceQueued: o.replaceQueued,
	}, nil
}

// Wake tells this process's runner to look for work now.
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}
