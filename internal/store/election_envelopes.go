package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
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

// EnvelopeDeletion is what DeleteEnvelopes did.
type EnvelopeDeletion struct {
	// Deleted is how many envelopes of the election there were.
	Deleted int64
	// Rewritten is true when the envelope table was rewritten into a new
	// file in the same transaction (PostgreSQL), so the deleted envelopes
	// leave the table's file at the commit and no later rewrite is needed.
	Rewritten bool
	// NotRewritten says why a rewrite was not possible (the table stayed
	// busy, say); the envelopes were deleted row by row instead and
	// ScrubAfter rewrites the table once the transaction has committed.
	NotRewritten error
}

// DeleteEnvelopes deletes every envelope of an election. SQLite's
// secure_delete (set in Open) overwrites the freed content; call
// ScrubAfter once the transaction has committed for the rest.
//
// On PostgreSQL a deleted row stays in the table's file until the table is
// rewritten, and deleting half a million rows one by one costs more than
// the rewrite itself, so the table is emptied with TRUNCATE (a new, empty
// file, the old one removed at the commit) after copying aside the
// envelopes of other elections still voting, which are put back. This
// needs the table to itself until the commit; if it stays busy (a long
// backup reading it) the envelopes are deleted row by row instead.
func (tx *Tx) DeleteEnvelopes(ctx context.Context, electionID int64) (EnvelopeDeletion, error) {
	var d EnvelopeDeletion
	if tx.db.Engine == Postgres {
		var err error
		d, err = tx.rewriteEnvelopesWithout(ctx, electionID)
		if err != nil || d.Rewritten {
			return d, err
		}
	}
	r, err := tx.Exec(ctx, `DELETE FROM election_envelopes WHERE election_id = ?`, electionID)
	if err != nil {
		return d, err
	}
	d.Deleted, err = r.RowsAffected()
	return d, err
}

// envelopeLockWait bounds how long the close waits for the envelope table
// to itself: casts in other elections hold it for milliseconds, and an
// autovacuum of it gives way at once.
var envelopeLockWait = "5s"

// rewriteEnvelopesWithout empties the envelope table but for other
// elections' envelopes, inside a savepoint so that a failure leaves the
// transaction as it was and the caller can delete row by row instead.
func (tx *Tx) rewriteEnvelopesWithout(ctx context.Context, electionID int64) (EnvelopeDeletion, error) {
	if _, err := tx.Exec(ctx, `SAVEPOINT envelope_rewrite`); err != nil {
		return EnvelopeDeletion{}, err
	}
	deleted, err := tx.truncateEnvelopesKeepingOthers(ctx, electionID)
	if err != nil {
		if _, rerr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT envelope_rewrite`); rerr != nil {
			return EnvelopeDeletion{}, errors.Join(err, rerr)
		}
		return EnvelopeDeletion{NotRewritten: err}, nil
	}
	if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT envelope_rewrite`); err != nil {
		return EnvelopeDeletion{}, err
	}
	return EnvelopeDeletion{Deleted: deleted, Rewritten: true}, nil
}

func (tx *Tx) truncateEnvelopesKeepingOthers(ctx context.Context, electionID int64) (int64, error) {
	var previous string
	if err := tx.QueryRow(ctx, `SELECT current_setting('lock_timeout')`).Scan(&previous); err != nil {
		return 0, err
	}
	if err := tx.setLockTimeout(ctx, envelopeLockWait); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE election_envelopes IN ACCESS EXCLUSIVE MODE`); err != nil {
		return 0, fmt.Errorf("take the envelope table: %w", err)
	}
	if err := tx.setLockTimeout(ctx, previous); err != nil {
		return 0, err
	}
	var deleted int64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, electionID).Scan(&deleted); err != nil {
		return 0, err
	}
	var others bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM election_envelopes WHERE election_id < ?) OR EXISTS (SELECT 1 FROM election_envelopes WHERE election_id > ?)`,
		electionID, electionID).Scan(&others); err != nil {
		return 0, err
	}
	if !others {
		_, err := tx.Exec(ctx, `TRUNCATE election_envelopes`)
		return deleted, err
	}
	for _, q := range []string{
		`CREATE TEMPORARY TABLE envelopes_kept (LIKE election_envelopes) ON COMMIT DROP`,
		`INSERT INTO envelopes_kept SELECT election_id, person_id, ciphertext FROM election_envelopes WHERE election_id <> ?`,
		`TRUNCATE election_envelopes`,
		`INSERT INTO election_envelopes (election_id, person_id, ciphertext) SELECT election_id, person_id, ciphertext FROM envelopes_kept`,
		`DROP TABLE envelopes_kept`,
	} {
		var args []any
		if strings.Contains(q, "?") {
			args = []any{electionID}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return 0, err
		}
	}
	return deleted, nil
}

func (tx *Tx) setLockTimeout(ctx context.Context, timeout string) error {
	var set string
	return tx.QueryRow(ctx, `SELECT set_config('lock_timeout', ?, TRUE)`, timeout).Scan(&set)
}

// ScrubDeleted removes the remains of deleted envelopes, links and shares
// from the database files once the count has committed; it can be run again
// at any time. SQLite: the deleted content is already overwritten in the
// database file (secure_delete), and a TRUNCATE checkpoint empties the
// write-ahead log, which still holds the old pages. PostgreSQL: a deleted
// row stays in the table's file until it is rewritten, so VACUUM FULL
// rewrites the three tables (it cannot run in a transaction, and it locks
// each table for the moment it takes).
func (db *DB) ScrubDeleted(ctx context.Context) error {
	return db.ScrubAfter(ctx, EnvelopeDeletion{})
}

// ScrubAfter is ScrubDeleted after a count whose DeleteEnvelopes did d:
// an envelope table already rewritten is not rewritten again.
func (db *DB) ScrubAfter(ctx context.Context, d EnvelopeDeletion) error {
	if db.Engine == Postgres {
		tables := []string{"election_trustees", "election_ballot_links"}
		if !d.Rewritten {
			tables = append(tables, "election_envelopes")
		}
		for _, t := range tables {
			if _, err := db.w.ExecContext(ctx, `VACUUM FULL `+t); err != nil {
				return fmt.Errorf("rewrite %s: %w", t, err)
			}
		}
		return nil
	}
	// A reader still inside an old snapshot keeps the checkpoint from
	// finishing; SQLite's busy timeout already waits for it at each try.
	// The background checkpoints pause meanwhile, or this one could find
	// the log busy with them.
	return db.withoutBackgroundCheckpoints(func() error {
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
	})
}

// CountEnvelopesTx counts an election's envelopes inside a transaction.
func (tx *Tx) CountEnvelopesTx(ctx context.Context, electionID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM election_envelopes WHERE election_id = ?`, electionID).Scan(&n)
	return n, err
}
