package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Comment statuses: pending comments wait for a moderator; only approved
// ones are shown; hidden and spam ones are kept for the record.
const (
	CommentPending  = "pending"
	CommentApproved = "approved"
	CommentHidden   = "hidden"
	CommentSpam     = "spam"
)

// Comment is one comment on a report.
type Comment struct {
	ID            int64
	ReportID      int64
	ParentID      int64
	PersonID      int64
	AuthorName    string
	AuthorEmail   string
	AuthorURL     string
	Body          string
	Status        string
	NotifyReplies bool
	Flags         int
	SourceID      string
	CreatedAt     time.Time
	ModeratedBy   int64
	ModeratedAt   time.Time

	// Read with the comment for moderation lists.
	ReportTitle string
	ReportSlug  string
}

const commentColumns = `c.id, c.report_id, COALESCE(c.parent_id, 0), COALESCE(c.person_id, 0), c.author_name, c.author_email, c.author_url, c.body,
c.status, c.notify_replies, c.flags, c.source_id, c.created_at, COALESCE(c.moderated_by, 0), c.moderated_at, r.title, r.slug`

func scanComment(s interface{ Scan(...any) error }) (Comment, error) {
	var c Comment
	var mod sql.NullTime
	err := s.Scan(&c.ID, &c.ReportID, &c.ParentID, &c.PersonID, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL, &c.Body,
		&c.Status, &c.NotifyReplies, &c.Flags, &c.SourceID, &c.CreatedAt, &c.ModeratedBy, &mod, &c.ReportTitle, &c.ReportSlug)
	c.CreatedAt = c.CreatedAt.UTC()
	if mod.Valid {
		c.ModeratedAt = mod.Time.UTC()
	}
	return c, err
}

func scanComments(rows *sql.Rows, err error) ([]Comment, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InsertComment stores a comment.
func (tx *Tx) InsertComment(ctx context.Context, c Comment) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO comments (report_id, parent_id, person_id, author_name, author_email, author_url, body, status, notify_replies, source_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ReportID, nullID(c.ParentID), nullID(c.PersonID), c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.Status, c.NotifyReplies, c.SourceID, jobTime(c.CreatedAt))
}

// CommentByID reads a comment.
func (db *DB) CommentByID(ctx context.Context, id int64) (Comment, error) {
	c, err := scanComment(db.QueryRow(ctx, `SELECT `+commentColumns+` FROM comments c JOIN reports r ON r.id = c.report_id WHERE c.id = ?`, id))
	return c, one(err)
}

// CommentByID reads a comment inside a transaction.
func (tx *Tx) CommentByID(ctx context.Context, id int64) (Comment, error) {
	c, err := scanComment(tx.QueryRow(ctx, `SELECT `+commentColumns+` FROM comments c JOIN reports r ON r.id = c.report_id WHERE c.id = ?`, id))
	return c, one(err)
}

// CommentBySource finds an imported comment by its id in the old blog.
func (tx *Tx) CommentBySource(ctx context.Context, reportID int64, sourceID string) (Comment, error) {
	c, err := scanComment(tx.QueryRow(ctx, `SELECT `+commentColumns+` FROM comments c JOIN reports r ON r.id = c.report_id WHERE c.report_id = ? AND c.source_id = ?`, reportID, sourceID))
	return c, one(err)
}

// ApprovedComments lists a report's approved comments, oldest first.
func (db *DB) ApprovedComments(ctx context.Context, reportID int64) ([]Comment, error) {
	return scanComments(db.Query(ctx, `SELECT `+commentColumns+` FROM comments c JOIN reports r ON r.id = c.report_id
WHERE c.report_id = ? AND c.status = 'approved' ORDER BY c.created_at, c.id`, reportID))
}

// CommentFilter narrows the moderation queue.
type CommentFilter struct {
	Status   string // empty: pending
	AuthorID int64  // only comments on this person's reports
	BodyIDs  []int64
	All      bool // every report (administrators)
	Flagged  bool // only comments someone reported
	Page     Page
}

// CommentsForModeration lists comments newest first with the total.
func (db *DB) CommentsForModeration(ctx context.Context, f CommentFilter) ([]Comment, int, error) {
	status := f.Status
	if status == "" {
		status = CommentPending
	}
	where := ` WHERE c.status = ?`
	args := []any{status}
	if f.Flagged {
		where += ` AND c.flags > 0`
	}
	if !f.All {
		scope := `r.author_id = ?`
		args = append(args, f.AuthorID)
		for _, b := range f.BodyIDs {
			scope += ` OR r.body_id = ?`
			args = append(args, b)
		}
		where += ` AND (` + scope + `)`
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM comments c JOIN reports r ON r.id = c.report_id`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count comments: %w", err)
	}
	out, err := scanComments(db.Query(ctx, `SELECT `+commentColumns+` FROM comments c JOIN reports r ON r.id = c.report_id`+where+
		` ORDER BY c.flags DESC, c.id DESC LIMIT ? OFFSET ?`, append(args, f.Page.Limit(), f.Page.Offset())...))
	return out, total, err
}

// SetCommentStatus records a moderator's decision.
func (tx *Tx) SetCommentStatus(ctx context.Context, id int64, status string, by int64, at time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE comments SET status = ?, moderated_by = ?, moderated_at = ?, flags = CASE WHEN ? = 'approved' THEN 0 ELSE flags END WHERE id = ?`,
		status, nullID(by), jobTime(at), status, id))
}

// DeleteComment removes a comment and the replies to it.
func (tx *Tx) DeleteComment(ctx context.Context, id int64) error {
	return affectOne(tx.Exec(ctx, `DELETE FROM comments WHERE id = ?`, id))
}

// HasApprovedComment reports whether a person has had a comment approved,
// so that their next comments need not wait for a moderator.
func (db *DB) HasApprovedComment(ctx context.Context, personID int64) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE person_id = ? AND status = 'approved' LIMIT 1) c`, personID).Scan(&n)
	return n > 0, err
}

// FlagComment records that someone reported a comment; a second report by
// the same reporter is ignored. It tells whether the report was new.
func (tx *Tx) FlagComment(ctx context.Context, commentID int64, reporterKey, reason string, at time.Time) (bool, error) {
	r, err := tx.Exec(ctx, `INSERT INTO comment_flags (comment_id, reporter_key, reason, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (comment_id, reporter_key) DO NOTHING`,
		commentID, reporterKey, reason, jobTime(at))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	_, err = tx.Exec(ctx, `UPDATE comments SET flags = flags + 1 WHERE id = ?`, commentID)
	return true, err
}

// CommentCounts counts a report's comments by status.
func (db *DB) CommentCounts(ctx context.Context, reportID int64) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT status, COUNT(*) FROM comments WHERE report_id = ? GROUP BY status`, reportID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
