package store

import (
	"context"
	"time"
)

// AuditEntry records one privileged action: who, what, when, target, old→new.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    int64 // 0 for the system (jobs, command line)
	ActorName  string
	Action     string
	TargetType string
	TargetID   string
	Old, New   string
}

// Audit appends an entry inside the transaction that made the change, so
// the change and its record commit together.
func (tx *Tx) Audit(ctx context.Context, e AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, action, target_type, target_id, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		at.UTC(), nullID(e.ActorID), e.Action, e.TargetType, e.TargetID, e.Old, e.New)
	return err
}

// AuditFilter narrows the audit log listing.
type AuditFilter struct {
	Action  string
	ActorID int64
	Page    Page
}

// Page asks for one page of a listing.
type Page struct {
	Number int // 1-based
	Size   int
}

// Offset returns the SQL offset of the page.
func (p Page) Offset() int {
	if p.Number < 1 {
		return 0
	}
	return (p.Number - 1) * p.Limit()
}

// Limit returns the page size, defaulting to 50.
func (p Page) Limit() int {
	if p.Size <= 0 || p.Size > 500 {
		return 50
	}
	return p.Size
}

// AuditLog lists entries newest first, with the total count for paging.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	where, args := "WHERE 1=1", []any{}
	if f.Action != "" {
		where += " AND a.action = ?"
		args = append(args, f.Action)
	}
	if f.ActorID != 0 {
		where += " AND a.actor_id = ?"
		args = append(args, f.ActorID)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log a `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, `SELECT a.id, a.at, COALESCE(a.actor_id, 0), COALESCE(p.name, ''), a.action, a.target_type, a.target_id, a.old_value, a.new_value
FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id `+where+` ORDER BY a.id DESC LIMIT ? OFFSET ?`, append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID, &e.Old, &e.New); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}
