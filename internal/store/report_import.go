package store

import (
	"context"
	"strings"
	"time"
)

// What importing a blog needs beyond the other report queries.

// PersonByEmailFold finds a person by e-mail address, ignoring case.
func (tx *Tx) PersonByEmailFold(ctx context.Context, email string) (Person, error) {
	p, err := scanPerson(tx.QueryRow(ctx, personSelect+` WHERE LOWER(email) = ? ORDER BY id LIMIT 1`, toLower(email)))
	return p, one(err)
}

// PersonSlugTaken reports whether a person already has the slug.
func (tx *Tx) PersonSlugTaken(ctx context.Context, slug string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE slug = ?`, slug).Scan(&n)
	return n > 0, err
}

// ReportIDsBySourceGUID maps the source identities of imported reports to
// their ids, for the given identities.
func (db *DB) ReportIDsBySourceGUID(ctx context.Context, guids []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(guids); start += 500 {
		end := min(start+500, len(guids))
		args := make([]any, 0, end-start)
		q := `SELECT source_guid, id FROM reports WHERE source_guid IN (`
		for i, g := range guids[start:end] {
			if i > 0 {
				q += ", "
			}
			q += "?"
			args = append(args, g)
		}
		rows, err := db.Query(ctx, q+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var g string
			var id int64
			if err := rows.Scan(&g, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[g] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReportFile is a document that reports link to (an imported blog's PDF,
// office document or text), checked before it was stored.
type ReportFile struct {
	ID          int64
	Filename    string
	Title       string
	ContentType string
	Size        int64
	SHA256      string
	Content     []byte // not read by ReportFileBySource
	Source      string // its path in the imported blog's uploads folder
	UploadedBy  int64
	CreatedAt   time.Time
}

// InsertReportFile stores a document.
func (tx *Tx) InsertReportFile(ctx context.Context, f ReportFile) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO report_files (filename, title, content_type, size, sha256, content, source, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.Filename, f.Title, f.ContentType, f.Size, f.SHA256, f.Content, f.Source, nullID(f.UploadedBy), jobTime(f.CreatedAt))
}

// ReportFileBySource finds, without its content, the document imported
// from a path of a blog's uploads folder.
func (tx *Tx) ReportFileBySource(ctx context.Context, source string) (ReportFile, error) {
	var f ReportFile
	err := tx.QueryRow(ctx, `SELECT id, filename, title, content_type, size, sha256, source, COALESCE(uploaded_by, 0), created_at FROM report_files WHERE source = ? ORDER BY id LIMIT 1`, source).
		Scan(&f.ID, &f.Filename, &f.Title, &f.ContentType, &f.Size, &f.SHA256, &f.Source, &f.UploadedBy, &f.CreatedAt)
	return f, one(err)
}

// ReportFileByID reads a document with its content.
func (db *DB) ReportFileByID(ctx context.Context, id int64) (ReportFile, error) {
	var f ReportFile
	err := db.QueryRow(ctx, `SELECT id, filename, title, content_type, size, sha256, content, source, COALESCE(uploaded_by, 0), created_at FROM report_files WHERE id = ?`, id).
		Scan(&f.ID, &f.Filename, &f.Title, &f.ContentType, &f.Size, &f.SHA256, &f.Content, &f.Source, &f.UploadedBy, &f.CreatedAt)
	return f, one(err)
}

// RedirectTargets tells where each of the given old addresses now lives,
// for those kept, in one query: a request for an address no page answers
// looks up its few spellings at once.
func (db *DB) RedirectTargets(ctx context.Context, paths []string) (map[string]string, error) {
	out := map[string]string{}
	if len(paths) == 0 {
		return out, nil
	}
	q := `SELECT path, target FROM redirects WHERE path IN (?` + strings.Repeat(", ?", len(paths)-1) + `)`
	args := make([]any, len(paths))
	for i, p := range paths {
		args[i] = p
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var path, target string
		if err := rows.Scan(&path, &target); err != nil {
			return nil, err
		}
		out[path] = target
	}
	return out, rows.Err()
}
