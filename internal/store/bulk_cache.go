package store

import (
	"context"
	"errors"
	"strconv"
)

// bulkCacheKiB is SQLite's page cache while a count writes half
// a million rows: the default 2 MB holds a small part of the tracker index,
// and ballots arriving in random order would read and spill its pages over
// and over (measured: a third of the CPU time of storing 500,000 ballots).
const bulkCacheKiB = 128 << 10

// withBulkCache runs fn with SQLite's page cache raised to bulkCacheKiB,
// then puts the connection's own size back. PostgreSQL has no such
// setting per connection; fn just runs.
func (tx *Tx) withBulkCache(ctx context.Context, fn func() error) error {
	if tx.db.Engine != SQLite {
		return fn()
	}
	var previous int64
	if err := tx.QueryRow(ctx, `PRAGMA cache_size`).Scan(&previous); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `PRAGMA cache_size = -`+strconv.Itoa(bulkCacheKiB)); err != nil {
		return err
	}
	err := fn()
	_, restoreErr := tx.Exec(ctx, `PRAGMA cache_size = `+strconv.FormatInt(previous, 10))
	return errors.Join(err, restoreErr)
}
