package store

import (
	"context"
	"time"
)

// CreateBallotLink stores the hash of a one-time ballot link's token.
func (tx *Tx) CreateBallotLink(ctx context.Context, tokenHash string, electionID, personID int64, expires time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO election_ballot_links (token_hash, election_id, person_id, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, electionID, personID, expires.UTC())
	return err
}

// BallotLink finds the election and voter of an unexpired link.
func (db *DB) BallotLink(ctx context.Context, tokenHash string, now time.Time) (electionID, personID int64, err error) {
	err = db.QueryRow(ctx, `SELECT election_id, person_id FROM election_ballot_links WHERE token_hash = ? AND expires_at > ?`, tokenHash, now.UTC()).
		Scan(&electionID, &personID)
	return electionID, personID, one(err)
}

// UseBallotLink deletes an unexpired link of the voter, so that it works
// once and leaves no record of when it was used. ErrNotFound: the link is
// unknown, expired or already used.
func (tx *Tx) UseBallotLink(ctx context.Context, tokenHash string, electionID, personID int64, now time.Time) error {
	return affectOne(tx.Exec(ctx, `DELETE FROM election_ballot_links WHERE token_hash = ? AND election_id = ? AND person_id = ? AND expires_at > ?`,
		tokenHash, electionID, personID, now.UTC()))
}

// DeleteBallotLinks deletes every link of an election (at the close).
func (tx *Tx) DeleteBallotLinks(ctx context.Context, electionID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM election_ballot_links WHERE election_id = ?`, electionID)
	return err
}
