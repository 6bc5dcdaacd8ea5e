// Package housekeeping runs Quorum's hourly clean-up as a scheduled job:
// expired sessions and reset links, old rate-limit windows, abandoned
// member uploads and long-finished jobs are deleted. Each hour's run has
// its own unique key, so however many nodes start, it runs once an hour.
package housekeeping

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"quorum/internal/jobs"
	"quorum/internal/store"
)

// Kind is the job kind of the clean-up.
const Kind = "housekeeping"

// How long things are kept once they are of no more use.
const (
	Every          = time.Hour
	keepJobs       = 30 * 24 * time.Hour
	keepRateLimits = 24 * time.Hour
	keepUploads    = time.Hour
)

// Housekeeper deletes what has expired.
type Housekeeper struct {
	DB    *store.DB
	Queue *jobs.Queue
	Log   *slog.Logger
	Now   func() time.Time
}

func (h *Housekeeper) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Register lets the runner do the clean-up.
func (h *Housekeeper) Register(r *jobs.Runner) { r.Handle(Kind, h.run) }

// ScheduleNext queues the next hour's run, unless a node already has.
func (h *Housekeeper) ScheduleNext(ctx context.Context) error {
	at := h.now().Truncate(Every).Add(Every)
	_, err := h.Queue.Schedule(ctx, at, Kind, struct{}{}, jobs.UniqueKey(Kind+":"+at.UTC().Format("2006-01-02T15")), jobs.MaxAttempts(3))
	return err
}

// Result counts what one run deleted.
type Result struct {
	Sessions, Resets, Uploads, Jobs int64
}

// Clean deletes everything that has expired, and reports what it did.
func (h *Housekeeper) Clean(ctx context.Context) (Result, error) {
	now := h.now()
	var res Result
	var errs []error
	var err error
	res.Sessions, err = h.DB.PruneSessions(ctx, now)
	errs = append(errs, err)
	res.Resets, err = h.DB.PrunePasswordResets(ctx, now)
	errs = append(errs, err)
	errs = append(errs, h.DB.PruneRateLimits(ctx, now.Add(-keepRateLimits)))
	res.Uploads, err = h.DB.PruneMemberUploads(ctx, now.Add(-keepUploads))
	errs = append(errs, err)
	res.Jobs, err = h.DB.PruneJobs(ctx, now.Add(-keepJobs))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return res, fmt.Errorf("housekeeping: %w", err)
	}
	return res, nil
}

func (h *Housekeeper) run(ctx context.Context, _ json.RawMessage) error {
	res, err := h.Clean(ctx)
	if err != nil {
		return err
	}
	if h.Log != nil {
		h.Log.Info("housekeeping", "sessions", res.Sessions, "resets", res.Resets, "uploads", res.Uploads, "jobs", res.Jobs)
	}
	return h.ScheduleNext(ctx)
}
