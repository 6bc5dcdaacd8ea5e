package store

import (
	"context"
	"fmt"
)

// CountEnvelopes counts an election's envelopes.
func (db *DB) CountEnvelopes(ctx context.Context, electionID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, electionID).Scan(&n)
	return n, err
}

// EachEnvelope streams the ciphertexts of an election's envelopes to fn in
// no particular order (the order of the table, which the close's shuffle
// makes irrelevant) and without the voter, whom the close has no use for.
// One query streams them all: half a million envelopes are read in one
// pass instead of hundreds of paged queries.
func (db *DB) EachEnvelope(ctx context.Context, electionID int64, fn func(ciphertext []byte) error) error {
	rows, err := db.Query(ctx, `SELECT ciphertext FROM election_envelopes WHERE election_id = ?`, electionID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c []byte
		if err := rows.Scan(&c); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DeleteEnvelopes deletes every envelope of an election. SQLite's
// secure_delete (set in Open) overwrites the freed content; call
// ScrubDeleted after the commit for the rest.
func (tx *Tx) DeleteEnvelopes(ctx context.Context, electionID int64) (int64, error) {
	r, err := tx.Exec(ctx, `DELETE FROM election_envelopes WHERE election_id = ?`, electionID)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// ScrubDeleted removes the remains of deleted envelopes, links and shares
// from the database files once the count has committed. SQLite: the deleted
// content is already overwritten in the database file (secure_delete), and
// a TRUNCATE checkpoint empties the write-ahead log, which still holds the
// old pages. PostgreSQL: a deleted row stays in the table's file until it
// is rewritten, so VACUUM FULL rewrites the three tables (it cannot run in a
// transaction, and it locks each table for the moment it takes).
func (db *DB) ScrubDeleted(ctx context.Context) error {
	if db.Engine == Postgres {
		for _, t := range []string{"election_envelopes", "election_trustees", "election_ballot_links"} {
			if _, err := db.w.ExecContext(ctx, `VACUUM FULL `+t); err != nil {
				return fmt.Errorf("rewrite %s: %w", t, err)
			}
		}
		return nil
	}
	// A reader still inside an old snapshot keeps the checkpoint from
	// finishing; SQLite's busy timeout already waits for it at each try.
	var busy, logFrames, done int
	for attempt := 0; attempt < 3; attempt++ {
		if err := db.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
	}
	return fmt.Errorf("checkpoint: the write-ahead log is still in use by readers")
}

// CountEnvelopesTx counts an election's envelopes inside a transaction.
func (tx *Tx) CountEnvelopesTx(ctx context.Context, electionID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, electionID).Scan(&n)
	return n, err
}
