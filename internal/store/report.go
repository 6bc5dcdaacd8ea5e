package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Report statuses: a draft is seen by its author and administrators only;
// a scheduled report becomes published at PublishAt (a job does it); a
// published report is public.
const (
	ReportDraft     = "draft"
	ReportScheduled = "scheduled"
	ReportPublished = "published"
)

// Report is a representative's report of a meeting (or, imported from a
// blog, any post or page).
type Report struct {
	ID           int64
	Slug         string
	Kind         string // "report" or "page"
	BodyID       int64
	MeetingID    int64
	AuthorID     int64
	Title        string
	Summary      string
	Format       string // "markdown" or "html": how Intro and sections are written
	Intro        string
	HTML         string // the whole report, sanitised, ready to serve
	TOC          string // JSON table of contents
	PlainText    string // for search and the text part of e-mails
	Status       string
	PublishAt    time.Time // zero: not set
	CoverImageID int64
	CommentsOpen bool
	// SendNewsletter: publishing sends the report to subscribers.
	SendNewsletter bool
	SourceGUID     string // identity in an imported blog
	SourceID       string
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// Read with the report, never written through it.
	AuthorName    string
	AuthorSlug    string
	BodyName      string
	BodySlug      string
	MeetingTitle  string
	MeetingHeldOn time.Time
}

// Published reports whether the public may read the report.
func (r Report) Published() bool { return r.Status == ReportPublished }

// reportColumns are read by every report query; full adds the long texts.
const reportColumns = `r.id, r.slug, r.kind, COALESCE(r.body_id, 0), COALESCE(r.meeting_id, 0), r.author_id, r.title, r.summary, r.format,
r.status, r.publish_at, COALESCE(r.cover_image_id, 0), r.comments_open, r.send_newsletter, COALESCE(r.source_guid, ''), r.source_id,
r.created_at, r.updated_at, p.name, p.slug, COALESCE(b.name, ''), COALESCE(b.slug, ''), COALESCE(m.title, ''), m.held_on`

const reportFrom = ` FROM reports r JOIN people p ON p.id = r.author_id LEFT JOIN bodies b ON b.id = r.body_id LEFT JOIN meetings m ON m.id = r.meeting_id`

const reportFullSelect = `SELECT ` + reportColumns + `, r.intro, r.html, r.toc, r.plain_text` + reportFrom

const reportListSelect = `SELECT ` + reportColumns + reportFrom

func scanReport(s interface{ Scan(...any) error }, full bool) (Report, error) {
	var r Report
	var publishAt, heldOn sql.NullTime
	dest := []any{&r.ID, &r.Slug, &r.Kind, &r.BodyID, &r.MeetingID, &r.AuthorID, &r.Title, &r.Summary, &r.Format,
		&r.Status, &publishAt, &r.CoverImageID, &r.CommentsOpen, &r.SendNewsletter, &r.SourceGUID, &r.SourceID,
		&r.CreatedAt, &r.UpdatedAt, &r.AuthorName, &r.AuthorSlug, &r.BodyName, &r.BodySlug, &r.MeetingTitle, &heldOn}
	if full {
		dest = append(dest, &r.Intro, &r.HTML, &r.TOC, &r.PlainText)
	}
	if err := s.Scan(dest...); err != nil {
		return r, err
	}
	if publishAt.Valid {
		r.PublishAt = publishAt.Time.UTC()
	}
	if heldOn.Valid {
		r.MeetingHeldOn = dateOnly(heldOn.Time)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	r.UpdatedAt = r.UpdatedAt.UTC()
	return r, nil
}

// optTime stores the zero time as NULL.
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return jobTime(t)
}

// ReportBySlug reads a whole report.
func (db *DB) ReportBySlug(ctx context.Context, slug string) (Report, error) {
	r, err := scanReport(db.QueryRow(ctx, reportFullSelect+` WHERE r.slug = ?`, slug), true)
	return r, one(err)
}

// ReportByID reads a whole report.
func (db *DB) ReportByID(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(db.QueryRow(ctx, reportFullSelect+` WHERE r.id = ?`, id), true)
	return r, one(err)
}

// ReportByID reads a whole report inside a transaction.
func (tx *Tx) ReportByID(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(tx.QueryRow(ctx, reportFullSelect+` WHERE r.id = ?`+tx.forUpdateOf("r"), id), true)
	return r, one(err)
}

// ReportBySourceGUID finds an imported report by its identity in the blog
// it came from.
func (tx *Tx) ReportBySourceGUID(ctx context.Context, guid string) (Report, error) {
	r, err := scanReport(tx.QueryRow(ctx, reportFullSelect+` WHERE r.source_guid = ?`, guid), true)
	return r, one(err)
}

// forUpdateOf locks the named table's row on PostgreSQL.
func (tx *Tx) forUpdateOf(alias string) string {
	if tx.db.Engine == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// SlugTaken reports whether a report other than exceptID uses slug.
func (tx *Tx) ReportSlugTaken(ctx context.Context, slug string, exceptID int64) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reports WHERE slug = ? AND id <> ?`, slug, exceptID).Scan(&n)
	return n > 0, err
}

// CreateReport inserts a report and returns its id.
func (tx *Tx) CreateReport(ctx context.Context, r Report) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO reports (slug, kind, body_id, meeting_id, author_id, title, summary, format, intro, html, toc, plain_text,
status, publish_at, cover_image_id, comments_open, send_newsletter, source_guid, source_id, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Slug, r.Kind, nullID(r.BodyID), nullID(r.MeetingID), r.AuthorID, r.Title, r.Summary, r.Format, r.Intro, r.HTML, r.TOC, r.PlainText,
		r.Status, optTime(r.PublishAt), nullID(r.CoverImageID), r.CommentsOpen, r.SendNewsletter, nullString(r.SourceGUID), r.SourceID,
		jobTime(r.CreatedAt), jobTime(r.UpdatedAt))
}

// UpdateReport writes every editable field of a report.
func (tx *Tx) UpdateReport(ctx context.Context, r Report) error {
	return affectOne(tx.Exec(ctx, `UPDATE reports SET slug = ?, body_id = ?, meeting_id = ?, title = ?, summary = ?, format = ?, intro = ?, html = ?, toc = ?,
plain_text = ?, status = ?, publish_at = ?, cover_image_id = ?, comments_open = ?, send_newsletter = ?, updated_at = ? WHERE id = ?`,
		r.Slug, nullID(r.BodyID), nullID(r.MeetingID), r.Title, r.Summary, r.Format, r.Intro, r.HTML, r.TOC,
		r.PlainText, r.Status, optTime(r.PublishAt), nullID(r.CoverImageID), r.CommentsOpen, r.SendNewsletter, jobTime(r.UpdatedAt), r.ID))
}

// SetReportStatus moves a report to a status, expecting it to be in from.
// It reports ErrNotFound when the report was not in that status (a
// scheduled report published twice by two nodes is published once).
func (tx *Tx) SetReportStatus(ctx context.Context, id int64, from, to string, publishAt time.Time, now time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE reports SET status = ?, publish_at = ?, updated_at = ? WHERE id = ? AND status = ?`,
		to, optTime(publishAt), jobTime(now), id, from))
}

// DueScheduledReports lists scheduled reports whose time has come.
func (db *DB) DueScheduledReports(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT id FROM reports WHERE status = 'scheduled' AND publish_at <= ? ORDER BY publish_at, id`, jobTime(now))
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// ReportSection is one standard section of a report (leader's report,
// local government…), in the author's order.
type ReportSection struct {
	ID       int64
	ReportID int64
	Position int
	Kind     string
	Heading  string
	Body     string
}

// SectionsOfReport lists a report's sections in order.
func (db *DB) SectionsOfReport(ctx context.Context, reportID int64) ([]ReportSection, error) {
	return scanSections(db.Query(ctx, `SELECT id, report_id, position, kind, heading, body FROM report_sections WHERE report_id = ? ORDER BY position, id`, reportID))
}

// SectionsOfReport lists a report's sections inside a transaction.
func (tx *Tx) SectionsOfReport(ctx context.Context, reportID int64) ([]ReportSection, error) {
	return scanSections(tx.Query(ctx, `SELECT id, report_id, position, kind, heading, body FROM report_sections WHERE report_id = ? ORDER BY position, id`, reportID))
}

func scanSections(rows *sql.Rows, err error) ([]ReportSection, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReportSection
	for rows.Next() {
		var s ReportSection
		if err := rows.Scan(&s.ID, &s.ReportID, &s.Position, &s.Kind, &s.Heading, &s.Body); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ReplaceSections writes a report's sections, numbering them in order.
func (tx *Tx) ReplaceSections(ctx context.Context, reportID int64, sections []ReportSection) error {
	if _, err := tx.Exec(ctx, `DELETE FROM report_sections WHERE report_id = ?`, reportID); err != nil {
		return err
	}
	rows := make([][]any, len(sections))
	for i, s := range sections {
		rows[i] = []any{reportID, i + 1, s.Kind, s.Heading, s.Body}
	}
	return tx.BulkInsert(ctx, "report_sections", []string{"report_id", "position", "kind", "heading", "body"}, rows)
}

// Tag is a tag or a category of reports.
type Tag struct {
	ID          int64
	Kind        string // "tag" or "category"
	Slug        string
	Name        string
	ParentID    int64
	Description string
}

// EnsureTag returns the id of the tag of that kind and slug, creating it
// when missing; an existing tag keeps its name.
func (tx *Tx) EnsureTag(ctx context.Context, t Tag) (id int64, created bool, err error) {
	err = tx.QueryRow(ctx, `SELECT id FROM tags WHERE kind = ? AND slug = ?`, t.Kind, t.Slug).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if one(err) != ErrNotFound {
		return 0, false, err
	}
	id, err = tx.Insert(ctx, `INSERT INTO tags (kind, slug, name, parent_id, description) VALUES (?, ?, ?, ?, ?)`,
		t.Kind, t.Slug, t.Name, nullID(t.ParentID), t.Description)
	return id, err == nil, err
}

// SetReportTags replaces a report's tags.
func (tx *Tx) SetReportTags(ctx context.Context, reportID int64, tagIDs []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM report_tags WHERE report_id = ?`, reportID); err != nil {
		return err
	}
	seen := map[int64]bool{}
	var rows [][]any
	for _, id := range tagIDs {
		if !seen[id] {
			seen[id] = true
			rows = append(rows, []any{reportID, id})
		}
	}
	return tx.BulkInsert(ctx, "report_tags", []string{"report_id", "tag_id"}, rows)
}

// TagsOfReport lists a report's tags and categories by name.
func (db *DB) TagsOfReport(ctx context.Context, reportID int64) ([]Tag, error) {
	rows, err := db.Query(ctx, `SELECT t.id, t.kind, t.slug, t.name, COALESCE(t.parent_id, 0), t.description
FROM tags t JOIN report_tags rt ON rt.tag_id = t.id WHERE rt.report_id = ? ORDER BY t.kind, t.name`, reportID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tag
	for rows.Next() {
		var t Tag
		if err := rows.Scan(&t.ID, &t.Kind, &t.Slug, &t.Name, &t.ParentID, &t.Description); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TagBySlug finds a tag or category.
func (db *DB) TagBySlug(ctx context.Context, kind, slug string) (Tag, error) {
	var t Tag
	err := db.QueryRow(ctx, `SELECT id, kind, slug, name, COALESCE(parent_id, 0), description FROM tags WHERE kind = ? AND slug = ?`, kind, slug).
		Scan(&t.ID, &t.Kind, &t.Slug, &t.Name, &t.ParentID, &t.Description)
	return t, one(err)
}

// ReportFilter narrows a listing of reports.
type ReportFilter struct {
	BodyID    int64
	MeetingID int64 // the reports of one meeting (index reports_meeting)
	AuthorID  int64
	TagID     int64
	Year      int
	// Statuses lists the statuses wanted; empty means published only.
	Statuses []string
	Kind     string // empty: reports only
	Page     Page
}

func (f ReportFilter) where(e Engine) (string, []any) {
	var w []string
	var args []any
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []string{ReportPublished}
	}
	w = append(w, "r.status IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(statuses)), ", ")+")")
	for _, s := range statuses {
		args = append(args, s)
	}
	kind := f.Kind
	if kind == "" {
		kind = "report"
	}
	w = append(w, "r.kind = ?")
	args = append(args, kind)
	if f.BodyID != 0 {
		w = append(w, "r.body_id = ?")
		args = append(args, f.BodyID)
	}
	if f.MeetingID != 0 {
		w = append(w, "r.meeting_id = ?")
		args = append(args, f.MeetingID)
	}
	if f.AuthorID != 0 {
		w = append(w, "r.author_id = ?")
		args = append(args, f.AuthorID)
	}
	if f.TagID != 0 {
		w = append(w, "r.id IN (SELECT report_id FROM report_tags WHERE tag_id = ?)")
		args = append(args, f.TagID)
	}
	if f.Year != 0 {
		start := time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		w = append(w, "r.publish_at >= ? AND r.publish_at < ?")
		args = append(args, start, start.AddDate(1, 0, 0))
	}
	return " WHERE " + strings.Join(w, " AND "), args
}

// Reports lists reports newest first with the total for paging.
func (db *DB) Reports(ctx context.Context, f ReportFilter) ([]Report, int, error) {
	where, args := f.where(db.Engine)
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM reports r`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count reports: %w", err)
	}
	rows, err := db.Query(ctx, reportListSelect+where+` ORDER BY COALESCE(r.publish_at, r.updated_at) DESC, r.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list reports: %w", err)
	}
	out, err := scanReports(rows)
	return out, total, err
}

func scanReports(rows *sql.Rows) ([]Report, error) {
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReportYears lists the years in which an author published, newest first.
func (db *DB) ReportYears(ctx context.Context, authorID int64) ([]int, error) {
	rows, err := db.Query(ctx, `SELECT publish_at FROM reports WHERE author_id = ? AND status = 'published' AND kind = 'report' ORDER BY publish_at DESC`, authorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if y := t.UTC().Year(); len(out) == 0 || out[len(out)-1] != y {
			out = append(out, y)
		}
	}
	return out, rows.Err()
}

// LatestReportsOfAuthors returns, for each author, their latest published
// reports on a body (at most perAuthor each), newest first.
func (db *DB) LatestReportsOfAuthors(ctx context.Context, bodyID int64, authorIDs []int64, perAuthor int) (map[int64][]Report, error) {
	out := map[int64][]Report{}
	if len(authorIDs) == 0 {
		return out, nil
	}
	// One query per author keeps to the portable subset and uses the
	// (author_id, status, publish_at) index; a body has tens of seats.
	for _, a := range authorIDs {
		rows, err := db.Query(ctx, reportListSelect+` WHERE r.author_id = ? AND r.status = 'published' AND r.kind = 'report' AND (r.body_id = ? OR r.body_id IS NULL)
ORDER BY r.publish_at DESC, r.id DESC LIMIT ?`, a, bodyID, perAuthor)
		if err != nil {
			return nil, err
		}
		rs, err := scanReports(rows)
		if err != nil {
			return nil, err
		}
		if len(rs) > 0 {
			out[a] = rs
		}
	}
	return out, nil
}

// Redirect is an old address of something that now lives elsewhere.
type Redirect struct {
	Path   string
	Target string
}

// PutRedirect records that path now lives at target; an existing redirect
// of the path is left as it is.
func (tx *Tx) PutRedirect(ctx context.Context, path, target string, now time.Time) (bool, error) {
	r, err := tx.Exec(ctx, `INSERT INTO redirects (path, target, created_at) VALUES (?, ?, ?) ON CONFLICT (path) DO NOTHING`, path, target, jobTime(now))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// RedirectTarget tells where an old address now lives.
func (db *DB) RedirectTarget(ctx context.Context, path string) (string, error) {
	var target string
	err := db.QueryRow(ctx, `SELECT target FROM redirects WHERE path = ?`, path).Scan(&target)
	return target, one(err)
}

// RedirectTarget tells where an old address now lives, inside a transaction.
func (tx *Tx) RedirectTarget(ctx context.Context, path string) (string, error) {
	var target string
	err := tx.QueryRow(ctx, `SELECT target FROM redirects WHERE path = ?`, path).Scan(&target)
	return target, one(err)
}

// Image is a stored picture, already checked and resized.
type Image struct {
	ID          int64
	ContentType string
	Width       int
	Height      int
	Size        int64
	SHA256      string
	Content     []byte
	Alt         string
	UploadedBy  int64
	CreatedAt   time.Time
}

// InsertImage stores an image.
func (tx *Tx) InsertImage(ctx context.Context, im Image) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO images (content_type, width, height, size, sha256, content, alt, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		im.ContentType, im.Width, im.Height, im.Size, im.SHA256, im.Content, im.Alt, nullID(im.UploadedBy), jobTime(im.CreatedAt))
}

// ImageByID reads an image with its content.
func (db *DB) ImageByID(ctx context.Context, id int64) (Image, error) {
	var im Image
	var by sql.NullInt64
	err := db.QueryRow(ctx, `SELECT id, content_type, width, height, size, sha256, content, alt, uploaded_by, created_at FROM images WHERE id = ?`, id).
		Scan(&im.ID, &im.ContentType, &im.Width, &im.Height, &im.Size, &im.SHA256, &im.Content, &im.Alt, &by, &im.CreatedAt)
	im.UploadedBy = by.Int64
	return im, one(err)
}
