package store

import (
	"context"
	"fmt"
	"time"
)

// Envelope is a sealed ballot. It carries the voter only so that each
// voter has at most one; whoever reads it learns nothing of the ranking
// without the trustees' key.
type Envelope struct {
	PersonID   int64
	Ciphertext []byte
}

// CountEnvelopes counts an election's envelopes.
func (db *DB) CountEnvelopes(ctx context.Context, electionID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, electionID).Scan(&n)
	return n, err
}

// EnvelopesAfter returns up to limit envelopes of an election after a
// person id, in person order: the close reads them in batches, so memory
// holds one batch of ciphertexts at a time.
func (db *DB) EnvelopesAfter(ctx context.Context, electionID, afterPersonID int64, limit int) ([]Envelope, error) {
	rows, err := db.Query(ctx, `SELECT person_id, ciphertext FROM election_envelopes WHERE election_id = ? AND person_id > ? ORDER BY person_id LIMIT ?`, electionID, afterPersonID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Envelope
	for rows.Next() {
		var e Envelope
		if err := rows.Scan(&e.PersonID, &e.Ciphertext); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
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
	// finishing; they are short, so try a few times.
	var busy, logFrames, done int
	for attempt := 0; attempt < 50; attempt++ {
		if err := db.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
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
