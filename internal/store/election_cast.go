package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Casting is the hot path of an election: half a million voters in a few
// days, thousands a second at peaks. It therefore runs as few statements as
// possible and reads nothing it does not need.

// CastVoter is what a cast reads about its voter before sealing.
type CastVoter struct {
	Voted bool
	Name  string
	Email string
}

// CastVoter reads a voter's roll entry with their name and address
// (ErrNotFound when they are not on the roll).
func (db *DB) CastVoter(ctx context.Context, electionID, personID int64) (CastVoter, error) {
	var v CastVoter
	err := db.QueryRow(ctx, `SELECT r.voted, p.name, COALESCE(p.email, '') FROM election_roll r JOIN people p ON p.id = r.person_id WHERE r.election_id = ? AND r.person_id = ?`,
		electionID, personID).Scan(&v.Voted, &v.Name, &v.Email)
	return v, one(err)
}

// CastState is what a cast checks inside its transaction.
type CastState struct {
	Title           string
	Status          string
	BallotClose     time.Time
	AllowVoteChange bool
}

// CastState reads an election's status for a cast and, on PostgreSQL,
// holds a shared lock on the election's row: casts do not wait for each
// other, but closing the ballot waits until every cast in flight has
// committed, so no envelope lands after the close.
func (tx *Tx) CastState(ctx context.Context, electionID int64) (CastState, error) {
	q := `SELECT title, status, ballot_close_at, allow_vote_change FROM elections WHERE id = ?`
	if tx.db.Engine == Postgres {
		q += ` FOR SHARE`
	}
	var s CastState
	var closeAt sql.NullTime
	err := tx.QueryRow(ctx, q, electionID).Scan(&s.Title, &s.Status, &closeAt, &s.AllowVoteChange)
	if closeAt.Valid {
		s.BallotClose = closeAt.Time.UTC()
	}
	return s, one(err)
}

// CastOutcome says what StoreEnvelope did.
type CastOutcome int

const (
	CastStored    CastOutcome = iota + 1 // the voter's first envelope, with the voted mark
	CastReplaced                         // a changed vote replaced the envelope
	CastHadVoted                         // refused: the voter has voted and changes are not allowed
	CastNotOnRoll                        // refused: the person is not on the roll
)

// StoreEnvelope stores a voter's envelope and sets their voted mark in the
// caller's transaction. The first statement sets the mark only if it was
// unset, and takes the roll row's lock on PostgreSQL (SQLite's single
// writer serialises everything), so of many concurrent casts by one voter
// exactly one stores a first envelope; the others find the mark set and
// either replace the envelope (allowChange) or are refused.
func (tx *Tx) StoreEnvelope(ctx context.Context, electionID, personID int64, ciphertext []byte, allowChange bool) (CastOutcome, error) {
	if stored, err := tx.storeFirstEnvelope(ctx, electionID, personID, ciphertext); err != nil || stored {
		return CastStored, err
	}
	entry, err := tx.LockRollEntry(ctx, electionID, personID)
	if errors.Is(err, ErrNotFound) {
		return CastNotOnRoll, nil
	}
	if err != nil {
		return 0, err
	}
	if !entry.Voted { // unreachable: the UPDATE above would have matched
		return 0, errors.New("store envelope: the voted mark changed under the transaction")
	}
	if !allowChange {
		return CastHadVoted, nil
	}
	if err := affectOne(tx.Exec(ctx, `UPDATE election_envelopes SET ciphertext = ? WHERE election_id = ? AND person_id = ?`, ciphertext, electionID, personID)); err != nil {
		return 0, err
	}
	return CastReplaced, nil
}

// storeFirstEnvelope sets the voted mark if it was unset and, if it did,
// stores the envelope. PostgreSQL does both in one statement, saving a
// round trip on the hot path; SQLite, which cannot write in a WITH clause
// and has no round trips, runs two.
func (tx *Tx) storeFirstEnvelope(ctx context.Context, electionID, personID int64, ciphertext []byte) (bool, error) {
	if tx.db.Engine == Postgres {
		r, err := tx.Exec(ctx, `WITH marked AS (
  UPDATE election_roll SET voted = TRUE WHERE election_id = ? AND person_id = ? AND voted = FALSE RETURNING person_id)
INSERT INTO election_envelopes (election_id, person_id, ciphertext) SELECT ?, person_id, ? FROM marked`, electionID, personID, electionID, ciphertext)
		if err != nil {
			return false, err
		}
		n, err := r.RowsAffected()
		return n == 1, err
	}
	r, err := tx.Exec(ctx, `UPDATE election_roll SET voted = TRUE WHERE election_id = ? AND person_id = ? AND voted = FALSE`, electionID, personID)
	if err != nil {
		return false, err
	}
	if n, err := r.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO election_envelopes (election_id, person_id, ciphertext) VALUES (?, ?, ?)`, electionID, personID, ciphertext)
	return err == nil, err
}
