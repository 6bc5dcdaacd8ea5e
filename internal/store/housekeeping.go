package store

import (
	"context"
	"time"
)

// PruneSessions deletes sessions that expired before the given time.
func (db *DB) PruneSessions(ctx context.Context, before time.Time) (int64, error) {
	r, err := db.Exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, before.UTC())
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// PrunePasswordResets deletes reset links that expired before the given time.
func (db *DB) PrunePasswordResets(ctx context.Context, before time.Time) (int64, error) {
	r, err := db.Exec(ctx, `DELETE FROM password_resets WHERE expires_at < ?`, before.UTC())
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}
