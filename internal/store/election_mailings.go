package store

import (
	"context"
	"database/sql"
	"time"
)

// Mailing statuses.
const (
	MailingSubmitted = "submitted" // waiting for the returning officer
	MailingApproved  = "approved"  // being sent
	MailingRejected  = "rejected"
	MailingSent      = "sent"
)

// Mailing is a candidate's e-mail to the electorate.
type Mailing struct {
	ID            int64
	ElectionID    int64
	CandidateID   int64
	CandidateName string
	Subject       string
	Body          string
	Status        string
	ReviewNote    string
	ReviewedBy    int64
	SubmittedAt   time.Time
	ReviewedAt    time.Time
	SentThrough   int64 // the last person id sent to
	Recipients    int
	FinishedAt    time.Time
}

const mailingColumns = `m.id, m.election_id, m.candidate_id, c.name, m.subject, m.body_text, m.status, m.review_note, COALESCE(m.reviewed_by, 0),
m.submitted_at, m.reviewed_at, m.sent_through, m.recipients, m.finished_at`

func scanMailing(s interface{ Scan(...any) error }) (Mailing, error) {
	var m Mailing
	var reviewed, finished sql.NullTime
	err := s.Scan(&m.ID, &m.ElectionID, &m.CandidateID, &m.CandidateName, &m.Subject, &m.Body, &m.Status, &m.ReviewNote, &m.ReviewedBy,
		&m.SubmittedAt, &reviewed, &m.SentThrough, &m.Recipients, &finished)
	m.SubmittedAt = m.SubmittedAt.UTC()
	if reviewed.Valid {
		m.ReviewedAt = reviewed.Time.UTC()
	}
	if finished.Valid {
		m.FinishedAt = finished.Time.UTC()
	}
	return m, err
}

// CreateMailing stores a candidate's submitted mailing.
func (tx *Tx) CreateMailing(ctx context.Context, m Mailing) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO election_mailings (election_id, candidate_id, subject, body_text, status, submitted_at) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ElectionID, m.CandidateID, m.Subject, m.Body, MailingSubmitted, m.SubmittedAt.UTC())
}

// CountMailings counts a candidate's mailings that use their allowance
// (every one not rejected).
func (tx *Tx) CountMailings(ctx context.Context, candidateID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM election_mailings WHERE candidate_id = ? AND status <> ?`, candidateID, MailingRejected).Scan(&n)
	return n, err
}

// MailingByID reads a mailing.
func (db *DB) MailingByID(ctx context.Context, id int64) (Mailing, error) {
	m, err := scanMailing(db.QueryRow(ctx, `SELECT `+mailingColumns+` FROM election_mailings m JOIN election_candidates c ON c.id = m.candidate_id WHERE m.id = ?`, id))
	return m, one(err)
}

// MailingByID reads a mailing inside a transaction.
func (tx *Tx) MailingByID(ctx context.Context, id int64) (Mailing, error) {
	m, err := scanMailing(tx.QueryRow(ctx, `SELECT `+mailingColumns+` FROM election_mailings m JOIN election_candidates c ON c.id = m.candidate_id WHERE m.id = ?`, id))
	return m, one(err)
}

// MailingsOf lists an election's mailings, newest first; candidateID 0
// lists every candidate's.
func (db *DB) MailingsOf(ctx context.Context, electionID, candidateID int64) ([]Mailing, error) {
	q := `SELECT ` + mailingColumns + ` FROM election_mailings m JOIN election_candidates c ON c.id = m.candidate_id WHERE m.election_id = ?`
	args := []any{electionID}
	if candidateID != 0 {
		q += ` AND m.candidate_id = ?`
		args = append(args, candidateID)
	}
	rows, err := db.Query(ctx, q+` ORDER BY m.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Mailing
	for rows.Next() {
		m, err := scanMailing(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ReviewMailing approves or rejects a submitted mailing (ErrNotFound if it
// was already reviewed).
func (tx *Tx) ReviewMailing(ctx context.Context, id int64, status, note string, reviewer int64, at time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE election_mailings SET status = ?, review_note = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ? AND status = ?`,
		status, note, reviewer, at.UTC(), id, MailingSubmitted))
}

// AdvanceMailing records that a batch went out, up to a person id.
func (tx *Tx) AdvanceMailing(ctx context.Context, id, sentThrough int64, added int) error {
	return affectOne(tx.Exec(ctx, `UPDATE election_mailings SET sent_through = ?, recipients = recipients + ? WHERE id = ? AND status = ? AND sent_through < ?`,
		sentThrough, added, id, MailingApproved, sentThrough))
}

// FinishMailing marks a mailing sent to everyone.
func (tx *Tx) FinishMailing(ctx context.Context, id int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE election_mailings SET status = ?, finished_at = ? WHERE id = ? AND status = ?`, MailingSent, at.UTC(), id, MailingApproved)
	return err
}
