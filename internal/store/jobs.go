package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Job statuses. A job is queued (waiting for its run_at, including between
// retries), running (claimed by a worker), done, dead (out of attempts or
// failed for good; it waits for an admin) or cancelled.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobDone      = "done"
	JobDead      = "dead"
	JobCancelled = "cancelled"
)

// JobStatuses lists every status, in the order the admin page shows them.
var JobStatuses = []string{JobQueued, JobRunning, JobDone, JobDead, JobCancelled}

var (
	// ErrJobNotHeld means the worker no longer holds the job: it was
	// reclaimed after the worker was presumed dead, or cancelled.
	ErrJobNotHeld = errors.New("job is no longer held by this worker")
	// ErrJobState means the job exists but its status forbids the change
	// (retrying a job that is not dead, cancelling one that is running).
	ErrJobState = errors.New("job is not in a state that allows this")
)

// maxJobErrorLen bounds last_error so that a handler returning a huge error
// cannot bloat the table.
const maxJobErrorLen = 2000

// Job is one row of the jobs table.
type Job struct {
	ID          int64
	Kind        string
	Payload     []byte
	UniqueKey   string
	Status      string
	RunAt       time.Time
	Attempts    int
	MaxAttempts int
	LastError   string
	LockedBy    string
	LockedAt    sql.NullTime
	CreatedAt   time.Time
	FinishedAt  sql.NullTime
}

// NewJob is what EnqueueJob needs.
type NewJob struct {
	Kind        string
	Payload     []byte
	RunAt       time.Time
	MaxAttempts int
	// UniqueKey, when set, makes the enqueue a no-op if a job with the same
	// key already exists in any status but cancelled: a scheduled
	// "close-ballot:42" is never queued twice.
	UniqueKey string
	// ReplaceQueued, with UniqueKey, moves an existing job that is still
	// queued to the new RunAt, Payload and MaxAttempts (a rescheduled close).
	ReplaceQueued bool
}

const jobColumns = `id, kind, payload, COALESCE(unique_key, ''), status, run_at, attempts, max_attempts, last_error, locked_by, locked_at, created_at, finished_at`

func scanJob(s interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var payload string
	err := s.Scan(&j.ID, &j.Kind, &payload, &j.UniqueKey, &j.Status, &j.RunAt, &j.Attempts, &j.MaxAttempts,
		&j.LastError, &j.LockedBy, &j.LockedAt, &j.CreatedAt, &j.FinishedAt)
	if err != nil {
		return j, err
	}
	j.Payload = []byte(payload)
	j.RunAt = j.RunAt.UTC()
	j.CreatedAt = j.CreatedAt.UTC()
	if j.LockedAt.Valid {
		j.LockedAt.Time = j.LockedAt.Time.UTC()
	}
	if j.FinishedAt.Valid {
		j.FinishedAt.Time = j.FinishedAt.Time.UTC()
	}
	return j, nil
}

// jobTime normalises a time for the jobs and outbox tables. UTC keeps
// SQLite's text timestamps comparable as strings; microseconds are what
// PostgreSQL keeps, so both engines return exactly what was written.
func jobTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// EnqueueJob adds a job. created is false when UniqueKey matched an
// existing job, whose id is returned instead.
func (db *DB) EnqueueJob(ctx context.Context, j NewJob, now time.Time) (id int64, created bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		id, created, err = tx.EnqueueJob(ctx, j, now)
		return err
	})
	return id, created, err
}

// EnqueueJob adds a job inside the transaction, so that the job exists if
// and only if the caller's other writes commit.
func (tx *Tx) EnqueueJob(ctx context.Context, j NewJob, now time.Time) (id int64, created bool, err error) {
	if j.Kind == "" {
		return 0, false, errors.New("enqueue job: empty kind")
	}
	if j.MaxAttempts < 1 {
		j.MaxAttempts = 1
	}
	payload := string(j.Payload)
	if payload == "" {
		payload = "{}"
	}
	// ON CONFLICT DO NOTHING rather than catching the unique violation: on
	// PostgreSQL a failed statement would abort the caller's transaction.
	const insert = `INSERT INTO jobs (kind, payload, unique_key, status, run_at, max_attempts, created_at)
VALUES (?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (unique_key) DO NOTHING RETURNING id`
	// A concurrent cancel can release the key between the two statements;
	// trying again then inserts.
	for range 3 {
		err = tx.QueryRow(ctx, insert, j.Kind, payload, nullString(j.UniqueKey), jobTime(j.RunAt), j.MaxAttempts, jobTime(now)).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, fmt.Errorf("enqueue job %s: %w", j.Kind, err)
		}
		var status string
		err = tx.QueryRow(ctx, `SELECT id, status FROM jobs WHERE unique_key = ?`, j.UniqueKey).Scan(&id, &status)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, false, fmt.Errorf("enqueue job %s: find duplicate: %w", j.Kind, err)
		}
		if j.ReplaceQueued && status == JobQueued {
			_, err = tx.Exec(ctx, `UPDATE jobs SET payload = ?, run_at = ?, max_attempts = ? WHERE id = ? AND status = 'queued'`,
				payload, jobTime(j.RunAt), j.MaxAttempts, id)
			if err != nil {
				return 0, false, fmt.Errorf("enqueue job %s: replace queued: %w", j.Kind, err)
			}
		}
		return id, false, nil
	}
	return 0, false, fmt.Errorf("enqueue job %s: unique key kept changing", j.Kind)
}

// The claim is the one statement whose text differs between the engines.
// PostgreSQL: rows locked by another node's claim are skipped rather than
// waited for, so N nodes never take the same job and never queue behind
// each other. SQLite: the single writer connection already serialises
// claims, so a plain subquery is enough.
const (
	claimJobsPostgres = `WITH next AS (
	SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ?
	ORDER BY run_at, id LIMIT ? FOR UPDATE SKIP LOCKED
)
UPDATE jobs SET status = 'running', attempts = jobs.attempts + 1, locked_by = ?, locked_at = ?
FROM next WHERE jobs.id = next.id
RETURNING ` + jobColumnsQualified
	claimJobsSQLite = `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?, locked_at = ?
WHERE id IN (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ? ORDER BY run_at, id LIMIT ?)
RETURNING ` + jobColumns
)

// jobColumnsQualified names the columns of jobs where UPDATE … FROM makes
// "id" ambiguous.
const jobColumnsQualified = `jobs.id, jobs.kind, jobs.payload, COALESCE(jobs.unique_key, ''), jobs.status, jobs.run_at, jobs.attempts, jobs.max_attempts, jobs.last_error, jobs.locked_by, jobs.locked_at, jobs.created_at, jobs.finished_at`

// ClaimJobs marks up to limit ready jobs (queued, run_at <= now) as running
// by worker and returns them oldest first. Each claim counts as an attempt,
// so a job that crashes its node still runs out of attempts.
func (db *DB) ClaimJobs(ctx context.Context, worker string, limit int, now time.Time) ([]Job, error) {
	if limit < 1 {
		return nil, nil
	}
	var out []Job
	err := db.InTx(ctx, func(tx *Tx) error {
		var rows *sql.Rows
		var err error
		if db.Engine == Postgres {
			rows, err = tx.Query(ctx, claimJobsPostgres, jobTime(now), limit, worker, jobTime(now))
		} else {
			rows, err = tx.Query(ctx, claimJobsSQLite, worker, jobTime(now), jobTime(now), limit)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].RunAt.Equal(out[b].RunAt) {
			return out[a].RunAt.Before(out[b].RunAt)
		}
		return out[a].ID < out[b].ID
	})
	return out, nil
}

// CompleteJob marks a job done. The worker and attempt must match the
// claim: a job reclaimed from a presumed-dead worker is not touched, and
// ErrJobNotHeld is returned.
func (db *DB) CompleteJob(ctx context.Context, id int64, worker string, attempt int, now time.Time) error {
	r, err := db.Exec(ctx, `UPDATE jobs SET status = 'done', finished_at = ?, locked_by = '', locked_at = NULL
WHERE id = ? AND status = 'running' AND locked_by = ? AND attempts = ?`, jobTime(now), id, worker, attempt)
	if err := affectOne(r, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("complete job %d: %w", id, ErrJobNotHeld)
		}
		return fmt.Errorf("complete job %d: %w", id, err)
	}
	return nil
}

// JobFailure records one failed attempt.
type JobFailure struct {
	ID      int64
	Worker  string
	Attempt int
	Error   string
	// RetryAt is when the job runs again, unless it is out of attempts.
	RetryAt time.Time
	// Final sends the job straight to dead: retrying cannot help.
	Final bool
	Now   time.Time
}

// FailJob records a failed attempt: the job is queued again at RetryAt, or
// is dead when it has used its attempts or the failure is final. It returns
// the new status.
func (db *DB) FailJob(ctx context.Context, f JobFailure) (string, error) {
	msg := f.Error
	if len(msg) > maxJobErrorLen {
		msg = msg[:maxJobErrorLen]
	}
	var status string
	err := db.InTx(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, `UPDATE jobs SET
	status = CASE WHEN ? OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
	run_at = CASE WHEN ? OR attempts >= max_attempts THEN run_at ELSE ? END,
	finished_at = CASE WHEN ? OR attempts >= max_attempts THEN ? ELSE finished_at END,
	last_error = ?, locked_by = '', locked_at = NULL
WHERE id = ? AND status = 'running' AND locked_by = ? AND attempts = ?
RETURNING status`, f.Final, f.Final, jobTime(f.RetryAt), f.Final, jobTime(f.Now), msg, f.ID, f.Worker, f.Attempt).Scan(&status)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("fail job %d: %w", f.ID, ErrJobNotHeld)
	}
	if err != nil {
		return "", fmt.Errorf("fail job %d: %w", f.ID, err)
	}
	return status, nil
}

// ReclaimStuckJobs puts back jobs that have been running since before
// lockedBefore: their node died or lost the database. They are queued to
// run at once, or dead when out of attempts. It returns how many it moved.
func (db *DB) ReclaimStuckJobs(ctx context.Context, lockedBefore, now time.Time) (int64, error) {
	r, err := db.Exec(ctx, `UPDATE jobs SET
	status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
	finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE finished_at END,
	run_at = ?, last_error = 'the worker stopped answering before it finished; reclaimed', locked_by = '', locked_at = NULL
WHERE status = 'running' AND locked_at < ?`, jobTime(now), jobTime(now), jobTime(lockedBefore))
	if err != nil {
		return 0, fmt.Errorf("reclaim stuck jobs: %w", err)
	}
	return r.RowsAffected()
}

// JobByID returns one job.
func (db *DB) JobByID(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(db.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if err != nil {
		return j, fmt.Errorf("job %d: %w", id, one(err))
	}
	return j, nil
}

// JobFilter narrows the admin listing of jobs.
type JobFilter struct {
	Status string // empty: every status
	Kind   string // empty: every kind
	Page   Page
}

// Jobs lists jobs newest first, with the total matching count for paging.
func (db *DB) Jobs(ctx context.Context, f JobFilter) ([]Job, int, error) {
	where, args := "WHERE 1=1", []any{}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	if f.Kind != "" {
		where += " AND kind = ?"
		args = append(args, f.Kind)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count jobs: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT `+jobColumns+` FROM jobs `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, total, rows.Err()
}

// JobCounts counts jobs by status; every status is present, zero or not.
func (db *DB) JobCounts(ctx context.Context) (map[string]int, error) {
	counts := make(map[string]int, len(JobStatuses))
	for _, s := range JobStatuses {
		counts[s] = 0
	}
	rows, err := db.Query(ctx, `SELECT status, COUNT(*) FROM jobs GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		counts[s] = n
	}
	return counts, rows.Err()
}

// RetryJob queues a dead job to run now with a fresh set of attempts.
func (db *DB) RetryJob(ctx context.Context, id int64, now time.Time) error {
	r, err := db.Exec(ctx, `UPDATE jobs SET status = 'queued', run_at = ?, attempts = 0, finished_at = NULL
WHERE id = ? AND status = 'dead'`, jobTime(now), id)
	return db.jobChanged(ctx, "retry", id, r, err)
}

// CancelJob cancels a job that is queued (or dead, to dismiss it). Its
// unique key is released so that the same work can be scheduled afresh.
func (db *DB) CancelJob(ctx context.Context, id int64, now time.Time) error {
	r, err := db.Exec(ctx, `UPDATE jobs SET status = 'cancelled', unique_key = NULL, finished_at = ?
WHERE id = ? AND status IN ('queued', 'dead')`, jobTime(now), id)
	return db.jobChanged(ctx, "cancel", id, r, err)
}

// jobChanged tells "no such job" from "wrong status" when an admin action
// touched no row.
func (db *DB) jobChanged(ctx context.Context, action string, id int64, r sql.Result, err error) error {
	err = affectOne(r, err)
	if !errors.Is(err, ErrNotFound) {
		if err != nil {
			return fmt.Errorf("%s job %d: %w", action, id, err)
		}
		return nil
	}
	j, err := db.JobByID(ctx, id)
	if err != nil {
		return fmt.Errorf("%s job: %w", action, err)
	}
	return fmt.Errorf("%s job %d: it is %s: %w", action, id, j.Status, ErrJobState)
}

// PruneJobs deletes done and cancelled jobs finished before the given time.
// Dead jobs stay until an admin retries or cancels them. Deleting a done job
// releases its unique key.
func (db *DB) PruneJobs(ctx context.Context, finishedBefore time.Time) (int64, error) {
	r, err := db.Exec(ctx, `DELETE FROM jobs WHERE status IN ('done', 'cancelled') AND finished_at < ?`, jobTime(finishedBefore))
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	return r.RowsAffected()
}
