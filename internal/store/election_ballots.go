package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// AnonBallot is an opened ballot: its tracker and the candidates' names in
// order of preference. Nothing else exists about it: no voter, no time, no
// sequence.
type AnonBallot struct {
	Tracker []byte
	Ranking []string
}

// InsertBallots stores opened ballots in the order given, which the caller
// has shuffled, so that not even the physical order of rows follows the
// order of casting.
func (tx *Tx) InsertBallots(ctx context.Context, electionID int64, ballots []AnonBallot) error {
	rows := make([][]any, len(ballots))
	for i, b := range ballots {
		r, err := json.Marshal(b.Ranking)
		if err != nil {
			return err
		}
		if b.Ranking == nil {
			r = []byte("[]")
		}
		rows[i] = []any{electionID, b.Tracker, string(r)}
	}
	return tx.BulkInsert(ctx, "election_ballots", []string{"election_id", "tracker", "ranking"}, rows)
}

func scanBallot(s interface{ Scan(...any) error }) (AnonBallot, error) {
	var b AnonBallot
	var r string
	if err := s.Scan(&b.Tracker, &r); err != nil {
		return b, err
	}
	if err := json.Unmarshal([]byte(r), &b.Ranking); err != nil {
		return b, fmt.Errorf("stored ballot: %w", err)
	}
	return b, nil
}

// BallotsPage lists one page of an election's ballots in tracker order
// (random, and the order of the Merkle tree), with the total.
func (db *DB) BallotsPage(ctx context.Context, electionID int64, page Page) ([]AnonBallot, int, error) {
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, electionID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, `SELECT tracker, ranking FROM election_ballots WHERE election_id = ? ORDER BY tracker LIMIT ? OFFSET ?`, electionID, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []AnonBallot
	for rows.Next() {
		b, err := scanBallot(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// EachBallot calls fn for every ballot of an election in tracker order.
func (db *DB) EachBallot(ctx context.Context, electionID int64, fn func(AnonBallot) error) error {
	rows, err := db.Query(ctx, `SELECT tracker, ranking FROM election_ballots WHERE election_id = ? ORDER BY tracker`, electionID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanBallot(rows)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BallotByTracker finds a ballot and its position in tracker order.
func (db *DB) BallotByTracker(ctx context.Context, electionID int64, tracker []byte) (AnonBallot, int, error) {
	b, err := scanBallot(db.QueryRow(ctx, `SELECT tracker, ranking FROM election_ballots WHERE election_id = ? AND tracker = ?`, electionID, tracker))
	if err != nil {
		return b, 0, one(err)
	}
	var index int
	err = db.QueryRow(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = ? AND tracker < ?`, electionID, tracker).Scan(&index)
	return b, index, err
}

// CountBallots counts an election's opened ballots.
func (db *DB) CountBallots(ctx context.Context, electionID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, electionID).Scan(&n)
	return n, err
}
