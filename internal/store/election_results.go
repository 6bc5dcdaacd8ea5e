package store

import (
	"context"
	"database/sql"
	"time"
)

// ElectionResult is the stored outcome of a count.
type ElectionResult struct {
	ElectionID int64
	Seed       string
	CountJSON  string // count.WriteJSON
	CountText  string // count.WriteText, the result sheet
	ChartSVG   string // count.WriteSVG
	MerkleRoot string // hex
	Ballots    int
	Rejected   int // envelopes that would not open or held an impossible ranking
	CountedAt  time.Time
	DeclaredAt time.Time // zero until declared
}

// SaveResult stores the result of a count.
func (tx *Tx) SaveResult(ctx context.Context, r ElectionResult) error {
	_, err := tx.Exec(ctx, `INSERT INTO election_results (election_id, seed, count_json, count_text, chart_svg, merkle_root, ballots, rejected, counted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ElectionID, r.Seed, r.CountJSON, r.CountText, r.ChartSVG, r.MerkleRoot, r.Ballots, r.Rejected, r.CountedAt.UTC())
	return err
}

// ResultOf reads an election's result.
func (db *DB) ResultOf(ctx context.Context, electionID int64) (ElectionResult, error) {
	var r ElectionResult
	var declared sql.NullTime
	err := db.QueryRow(ctx, `SELECT election_id, seed, count_json, count_text, chart_svg, merkle_root, ballots, rejected, counted_at, declared_at FROM election_results WHERE election_id = ?`, electionID).
		Scan(&r.ElectionID, &r.Seed, &r.CountJSON, &r.CountText, &r.ChartSVG, &r.MerkleRoot, &r.Ballots, &r.Rejected, &r.CountedAt, &declared)
	if declared.Valid {
		r.DeclaredAt = declared.Time.UTC()
	}
	r.CountedAt = r.CountedAt.UTC()
	return r, one(err)
}

// DeclareResult records the moment the result was declared.
func (tx *Tx) DeclareResult(ctx context.Context, electionID int64, at time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE election_results SET declared_at = ? WHERE election_id = ? AND declared_at IS NULL`, at.UTC(), electionID))
}

// SignOff is a scrutineer's record that they checked a count.
type SignOff struct {
	ID            int64
	ElectionID    int64
	PersonID      int64
	Name          string
	RecountAgrees bool
	MerkleRoot    string
	Note          string
	SignedAt      time.Time
}

// AddSignOff records a scrutineer's sign-off.
func (tx *Tx) AddSignOff(ctx context.Context, s SignOff) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO election_signoffs (election_id, person_id, recount_agrees, merkle_root, note, signed_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.ElectionID, s.PersonID, s.RecountAgrees, s.MerkleRoot, s.Note, s.SignedAt.UTC())
}

// SignOffsOf lists an election's sign-offs, oldest first.
func (db *DB) SignOffsOf(ctx context.Context, electionID int64) ([]SignOff, error) {
	rows, err := db.Query(ctx, `SELECT s.id, s.election_id, s.person_id, p.name, s.recount_agrees, s.merkle_root, s.note, s.signed_at
FROM election_signoffs s JOIN people p ON p.id = s.person_id WHERE s.election_id = ? ORDER BY s.id`, electionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SignOff
	for rows.Next() {
		var s SignOff
		if err := rows.Scan(&s.ID, &s.ElectionID, &s.PersonID, &s.Name, &s.RecountAgrees, &s.MerkleRoot, &s.Note, &s.SignedAt); err != nil {
			return nil, err
		}
		s.SignedAt = s.SignedAt.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}
