package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Candidate is one person standing in an election. The statement is
// Markdown as the candidate wrote it; pages sanitise it when they render it.
type Candidate struct {
	ID         int64
	ElectionID int64
	Name       string
	PersonID   int64 // 0: not linked to a person known to Quorum
	Attributes map[string]string
	Statement  string
	PhotoType  string // content type of the photo; "" when there is none
	Withdrawn  bool
	Position   int
}

// HasPhoto reports whether the candidate has a photo.
func (c Candidate) HasPhoto() bool { return c.PhotoType != "" }

const candidateColumns = `id, election_id, name, COALESCE(person_id, 0), attributes, statement, photo_type, withdrawn, position`

func scanCandidate(s interface{ Scan(...any) error }) (Candidate, error) {
	var c Candidate
	var attrs string
	if err := s.Scan(&c.ID, &c.ElectionID, &c.Name, &c.PersonID, &attrs, &c.Statement, &c.PhotoType, &c.Withdrawn, &c.Position); err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(attrs), &c.Attributes); err != nil {
		return c, fmt.Errorf("candidate %d attributes: %w", c.ID, err)
	}
	return c, nil
}

// CreateCandidate adds a candidate (without photo) and returns its id.
func (tx *Tx) CreateCandidate(ctx context.Context, c Candidate) (int64, error) {
	attrs, err := jsonArg(c.Attributes, "{}")
	if err != nil {
		return 0, err
	}
	return tx.Insert(ctx, `INSERT INTO election_candidates (election_id, name, person_id, attributes, statement, withdrawn, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ElectionID, c.Name, nullID(c.PersonID), attrs, c.Statement, c.Withdrawn, c.Position)
}

// UpdateCandidate writes a candidate's name, person, attributes, statement
// and position.
func (tx *Tx) UpdateCandidate(ctx context.Context, c Candidate) error {
	attrs, err := jsonArg(c.Attributes, "{}")
	if err != nil {
		return err
	}
	return affectOne(tx.Exec(ctx, `UPDATE election_candidates SET name = ?, person_id = ?, attributes = ?, statement = ?, position = ? WHERE id = ? AND election_id = ?`,
		c.Name, nullID(c.PersonID), attrs, c.Statement, c.Position, c.ID, c.ElectionID))
}

// SetCandidateWithdrawn withdraws a candidate or restores them.
func (tx *Tx) SetCandidateWithdrawn(ctx context.Context, electionID, candidateID int64, withdrawn bool) error {
	return affectOne(tx.Exec(ctx, `UPDATE election_candidates SET withdrawn = ? WHERE id = ? AND election_id = ?`, withdrawn, candidateID, electionID))
}

// SetCandidatePhoto stores or (with nil data) removes a candidate's photo.
func (tx *Tx) SetCandidatePhoto(ctx context.Context, electionID, candidateID int64, data []byte, contentType string) error {
	if len(data) == 0 {
		data, contentType = nil, ""
	}
	return affectOne(tx.Exec(ctx, `UPDATE election_candidates SET photo = ?, photo_type = ? WHERE id = ? AND election_id = ?`, data, contentType, candidateID, electionID))
}

// DeleteCandidate removes a candidate together with any mailing they
// submitted.
func (tx *Tx) DeleteCandidate(ctx context.Context, electionID, candidateID int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM election_mailings WHERE candidate_id = ? AND election_id = ?`, candidateID, electionID); err != nil {
		return err
	}
	return affectOne(tx.Exec(ctx, `DELETE FROM election_candidates WHERE id = ? AND election_id = ?`, candidateID, electionID))
}

// CandidateByID reads one candidate of an election.
func (db *DB) CandidateByID(ctx context.Context, electionID, candidateID int64) (Candidate, error) {
	c, err := scanCandidate(db.QueryRow(ctx, `SELECT `+candidateColumns+` FROM election_candidates WHERE id = ? AND election_id = ?`, candidateID, electionID))
	return c, one(err)
}

// CandidateByID reads one candidate inside a transaction.
func (tx *Tx) CandidateByID(ctx context.Context, electionID, candidateID int64) (Candidate, error) {
	c, err := scanCandidate(tx.QueryRow(ctx, `SELECT `+candidateColumns+` FROM election_candidates WHERE id = ? AND election_id = ?`, candidateID, electionID))
	return c, one(err)
}

// CandidatePhoto returns a candidate's photo and its content type.
func (db *DB) CandidatePhoto(ctx context.Context, electionID, candidateID int64) ([]byte, string, error) {
	var data []byte
	var typ string
	err := db.QueryRow(ctx, `SELECT photo, photo_type FROM election_candidates WHERE id = ? AND election_id = ? AND photo IS NOT NULL`, candidateID, electionID).Scan(&data, &typ)
	return data, typ, one(err)
}

// CandidatesOf lists an election's candidates in ballot-paper order.
func (db *DB) CandidatesOf(ctx context.Context, electionID int64) ([]Candidate, error) {
	return queryCandidates(ctx, db.Query, electionID)
}

// CandidatesOf lists an election's candidates inside a transaction.
func (tx *Tx) CandidatesOf(ctx context.Context, electionID int64) ([]Candidate, error) {
	return queryCandidates(ctx, tx.Query, electionID)
}

// querier is DB.Query or Tx.Query, so one scan loop serves both.
type querier func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

func queryCandidates(ctx context.Context, query querier, electionID int64) ([]Candidate, error) {
	rows, err := query(ctx, `SELECT `+candidateColumns+` FROM election_candidates WHERE election_id = ? ORDER BY position, id`, electionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
