package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"quorum/internal/store"
)

// recordTimeout bounds the write of a job's outcome, which must happen
// even when the runner is shutting down.
const recordTimeout = 30 * time.Second

// execute runs one claimed job and records its outcome.
func (r *Runner) execute(runCtx context.Context, j store.Job) {
	// The handler's context does not end with runCtx: a graceful shutdown
	// lets a running job finish rather than cut a delivery in half.
	base := context.WithoutCancel(runCtx)
	info := Info{ID: j.ID, Kind: j.Kind, Attempt: j.Attempts, MaxAttempts: j.MaxAttempts}
	hctx, cancel := context.WithTimeout(withInfo(base, info), r.cfg.JobTimeout)
	err := r.call(hctx, j)
	cancel()

	rctx, cancel := context.WithTimeout(base, recordTimeout)
	defer cancel()
	now := r.q.clock()
	log := r.log.With("kind", j.Kind, "id", j.ID, "attempt", j.Attempts)
	if err == nil {
		if err := r.q.db.CompleteJob(rctx, j.ID, r.cfg.Name, j.Attempts, now); err != nil {
			logRecordError(log, "recording a finished job failed", err)
			return
		}
		log.Debug("job done")
		return
	}
	status, ferr := r.q.db.FailJob(rctx, store.JobFailure{
		ID:      j.ID,
		Worker:  r.cfg.Name,
		Attempt: j.Attempts,
		Error:   err.Error(),
		RetryAt: now.Add(r.cfg.Backoff(j.Attempts)),
		Final:   IsPermanent(err),
		Now:     now,
	})
	if ferr != nil {
		logRecordError(log.With("job_error", err.Error()), "recording a failed job failed", ferr)
		return
	}
	if status == store.JobDead {
		log.Error("job failed and will not be retried", "error", err, "max_attempts", j.MaxAttempts)
		return
	}
	log.Warn("job failed; it will be retried", "error", err, "max_attempts", j.MaxAttempts)
}

func logRecordError(log *slog.Logger, msg string, err error) {
	if errors.Is(err, store.ErrJobNotHeld) {
		// Another worker took the job over after this one looked dead.
		log.Warn(msg+": the job was reclaimed meanwhile", "error", err)
		return
	}
	log.Error(msg, "error", err)
}

// call runs the handler, turning a panic into an error so that one bad
// job cannot take the whole process down.
func (r *Runner) call(ctx context.Context, j store.Job) (err error) {
	h := r.handler(j.Kind)
	if h == nil {
		return fmt.Errorf("%w: %q", ErrUnknownKind, j.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("job handler panicked", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return h(ctx, json.RawMessage(j.Payload))
}
