package store

import (
	"context"
	"time"
)

// Hit counts one attempt against key in a fixed window and reports whether
// the caller is still within limit. Buckets live in the database so that
// every web node sees the same counts.
func (db *DB) Hit(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (bool, error) {
	var hits int
	err := db.InTx(ctx, func(tx *Tx) error {
		var start time.Time
		err := tx.QueryRow(ctx, `SELECT window_start, hits FROM rate_limits WHERE key = ?`+tx.forUpdate(), key).Scan(&start, &hits)
		switch {
		case err != nil && one(err) == ErrNotFound:
			hits = 1
			_, err = tx.Exec(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)`, key, now.UTC())
			return err
		case err != nil:
			return err
		case now.Sub(start) >= window:
			hits = 1
			_, err = tx.Exec(ctx, `UPDATE rate_limits SET window_start = ?, hits = 1 WHERE key = ?`, now.UTC(), key)
			return err
		default:
			hits++
			_, err = tx.Exec(ctx, `UPDATE rate_limits SET hits = ? WHERE key = ?`, hits, key)
			return err
		}
	})
	if err != nil {
		return false, err
	}
	return hits <= limit, nil
}

// forUpdate locks the row read on PostgreSQL; SQLite's single writer and
// IMMEDIATE transactions already serialise.
func (tx *Tx) forUpdate() string {
	if tx.db.Engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// PruneRateLimits forgets windows older than maxAge.
func (db *DB) PruneRateLimits(ctx context.Context, before time.Time) error {
	_, err := db.Exec(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, before.UTC())
	return err
}
