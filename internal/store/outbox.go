package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Outbox statuses. pending: waiting for (another) delivery attempt; sent:
// the mail server accepted it; failed: every attempt failed or the server
// refused it for good; kept: no mail server is configured, so the message
// is only shown on the admin outbox page.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
	OutboxKept    = "kept"
)

// OutboxStatuses lists every status, in the order the admin page shows them.
var OutboxStatuses = []string{OutboxPending, OutboxSent, OutboxFailed, OutboxKept}

// maxOutboxErrorLen bounds the recorded delivery error.
const maxOutboxErrorLen = 1000

// OutboxMessage is one e-mail as queued.
type OutboxMessage struct {
	ID      int64
	From    string
	To      string
	Subject string
	Text    string
	HTML    string
	// Headers are extra header fields such as List-Unsubscribe.
	Headers map[string]string
	// MessageID is the Message-ID without its angle brackets, fixed when
	// the message is queued so that every delivery attempt carries it.
	MessageID string
	Status    string
	Error     string
	Attempts  int
	CreatedAt time.Time
	SentAt    sql.NullTime
}

const outboxColumns = `id, from_addr, to_addr, subject, body_text, body_html, headers, message_id, status, error, attempts, created_at, sent_at`

func scanOutbox(s interface{ Scan(...any) error }) (OutboxMessage, error) {
	var m OutboxMessage
	var headers string
	err := s.Scan(&m.ID, &m.From, &m.To, &m.Subject, &m.Text, &m.HTML, &headers, &m.MessageID,
		&m.Status, &m.Error, &m.Attempts, &m.CreatedAt, &m.SentAt)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(headers), &m.Headers); err != nil {
		return m, fmt.Errorf("outbox %d: headers: %w", m.ID, err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	if m.SentAt.Valid {
		m.SentAt.Time = m.SentAt.Time.UTC()
	}
	return m, nil
}

// InsertOutbox stores a message inside the transaction and returns its id.
// Status defaults to pending.
func (tx *Tx) InsertOutbox(ctx context.Context, m OutboxMessage) (int64, error) {
	if m.Status == "" {
		m.Status = OutboxPending
	}
	if m.Headers == nil {
		m.Headers = map[string]string{}
	}
	headers, err := json.Marshal(m.Headers)
	if err != nil {
		return 0, fmt.Errorf("insert outbox: headers: %w", err)
	}
	id, err := tx.Insert(ctx, `INSERT INTO outbox (from_addr, to_addr, subject, body_text, body_html, headers, message_id, status, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.From, m.To, m.Subject, m.Text, m.HTML, string(headers), m.MessageID, m.Status, jobTime(m.CreatedAt))
	if err != nil {
		return 0, fmt.Errorf("insert outbox: %w", err)
	}
	return id, nil
}

// OutboxByID returns one message.
func (db *DB) OutboxByID(ctx context.Context, id int64) (OutboxMessage, error) {
	m, err := scanOutbox(db.QueryRow(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
	if err != nil {
		return m, fmt.Errorf("outbox %d: %w", id, one(err))
	}
	return m, nil
}

// OutboxFilter narrows the admin listing of the outbox.
type OutboxFilter struct {
	Status string // empty: every status
	Page   Page
}

// Outbox lists messages newest first, with the total matching count for
// paging.
func (db *DB) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, int, error) {
	where, args := "WHERE 1=1", []any{}
	if f.Status != "" {
		where += " AND status = ?"
		args = append(args, f.Status)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM outbox `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count outbox: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT `+outboxColumns+` FROM outbox `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list outbox: %w", err)
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// MarkOutboxSent records that the mail server accepted the message.
func (db *DB) MarkOutboxSent(ctx context.Context, id int64, at time.Time) error {
	r, err := db.Exec(ctx, `UPDATE outbox SET status = 'sent', error = '', attempts = attempts + 1, sent_at = ? WHERE id = ?`, jobTime(at), id)
	if err := affectOne(r, err); err != nil {
		return fmt.Errorf("mark outbox %d sent: %w", id, err)
	}
	return nil
}

// MarkOutboxAttemptFailed records a failed delivery attempt. The message
// stays pending while another attempt will follow, and is failed when final.
// errText must hold no secret: the admin page shows it.
func (db *DB) MarkOutboxAttemptFailed(ctx context.Context, id int64, errText string, final bool) error {
	if len(errText) > maxOutboxErrorLen {
		errText = errText[:maxOutboxErrorLen]
	}
	status := OutboxPending
	if final {
		status = OutboxFailed
	}
	r, err := db.Exec(ctx, `UPDATE outbox SET status = ?, error = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'`, status, errText, id)
	if err := affectOne(r, err); err != nil {
		return fmt.Errorf("mark outbox %d failed: %w", id, err)
	}
	return nil
}

// MarkOutboxKept records that a pending message will not be delivered
// because no mail server is configured; it stays for the admin page.
func (db *DB) MarkOutboxKept(ctx context.Context, id int64) error {
	r, err := db.Exec(ctx, `UPDATE outbox SET status = 'kept' WHERE id = ? AND status = 'pending'`, id)
	if err := affectOne(r, err); err != nil {
		return fmt.Errorf("mark outbox %d kept: %w", id, err)
	}
	return nil
}
