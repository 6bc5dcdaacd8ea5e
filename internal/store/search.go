package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Full-text search is where the engines differ most, so both versions sit
// here side by side: SQLite's FTS5 (a virtual table kept in step with
// search_documents by triggers, ranked by BM25) and PostgreSQL's tsvector
// (a stored, weighted tsvector column with a GIN index, websearch_to_tsquery,
// ts_rank, ts_headline). Neither can be written in the shared migration
// language, so EnsureSearchIndex creates the engine's own at start-up; it
// is idempotent, and rebuilds an index made by an older version.
//
// Ranking every match of a common word costs time in proportion to the
// number of matches, so when more than rankWindow documents match, only
// the rankWindow most recently indexed ones are ranked (the rest follow,
// newest first). The filters (body, representative, year) are part of
// the full-text query on SQLite (a "facets" column of tokens such as
// body3), so that a filtered search never reads the documents' rows.

// rankWindow bounds how many matches are ranked by relevance.
const rankWindow = 400

const (
	sqliteFacets = `'body' || COALESCE(%[1]s.body_id, 0) || ' person' || COALESCE(%[1]s.person_id, 0) || ' year' || %[1]s.year`

	sqliteSearchSchema = `
DROP TRIGGER IF EXISTS search_documents_ai;
DROP TRIGGER IF EXISTS search_documents_ad;
DROP TRIGGER IF EXISTS search_documents_au;
DROP TABLE IF EXISTS search_fts;
DROP VIEW IF EXISTS search_fts_source;
CREATE VIEW search_fts_source AS SELECT id, title, content, {{FACETS:search_documents}} AS facets FROM search_documents;
CREATE VIRTUAL TABLE search_fts USING fts5(title, content, facets, content='search_fts_source', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
  INSERT INTO search_fts(rowid, title, content, facets) VALUES (new.id, new.title, new.content, {{FACETS:new}});
END;
CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, content, facets) VALUES ('delete', old.id, old.title, old.content, {{FACETS:old}});
END;
CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, content, facets) VALUES ('delete', old.id, old.title, old.content, {{FACETS:old}});
  INSERT INTO search_fts(rowid, title, content, facets) VALUES (new.id, new.title, new.content, {{FACETS:new}});
END;
INSERT INTO search_fts(search_fts) VALUES ('rebuild');
INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.0)');`

	postgresSearchSchema = `
ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS
  (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', content), 'B')) STORED;
CREATE INDEX IF NOT EXISTS search_documents_tsv ON search_documents USING gin (tsv);
DROP INDEX IF EXISTS search_documents_fts`

	// SearchCountCap: matches are counted up to here; a search finding
	// more says "more than SearchCountCap".
	SearchCountCap = 1000
)

// EnsureSearchIndex creates the engine's full-text index if it is missing.
func (db *DB) EnsureSearchIndex(ctx context.Context) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if db.Engine == Postgres {
			_, err := tx.tx.ExecContext(ctx, postgresSearchSchema)
			return err
		}
		var sqlText string
		err := tx.QueryRow(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'`).Scan(&sqlText)
		if err == nil && strings.Contains(sqlText, "facets") {
			return nil
		}
		if err != nil && one(err) != ErrNotFound {
			return err
		}
		schema := sqliteSearchSchema
		for _, alias := range []string{"search_documents", "new", "old"} {
			schema = strings.ReplaceAll(schema, "{{FACETS:"+alias+"}}", fmt.Sprintf(sqliteFacets, alias))
		}
		_, err = tx.tx.ExecContext(ctx, schema)
		return err
	})
}

// SearchDocument is one thing the site search can find.
type SearchDocument struct {
	Kind        string // "report" or "meeting"
	RefID       int64
	BodyID      int64
	PersonID    int64
	Year        int
	Title       string
	Content     string
	URL         string
	PublishedAt time.Time
}

// PutSearchDocument adds or replaces the document of a report or meeting.
func (tx *Tx) PutSearchDocument(ctx context.Context, d SearchDocument) error {
	_, err := tx.Exec(ctx, `INSERT INTO search_documents (kind, ref_id, body_id, person_id, year, title, content, url, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (kind, ref_id) DO UPDATE SET body_id = excluded.body_id, person_id = excluded.person_id, year = excluded.year, title = excluded.title,
content = excluded.content, url = excluded.url, published_at = excluded.published_at`,
		d.Kind, d.RefID, nullID(d.BodyID), nullID(d.PersonID), d.Year, d.Title, d.Content, d.URL, jobTime(d.PublishedAt))
	return err
}

// DeleteSearchDocument removes a document (a report taken back to draft).
func (tx *Tx) DeleteSearchDocument(ctx context.Context, kind string, refID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM search_documents WHERE kind = ? AND ref_id = ?`, kind, refID)
	return err
}

// BulkPutSearchDocuments inserts many new documents (a demo or benchmark load).
func (tx *Tx) BulkPutSearchDocuments(ctx context.Context, docs []SearchDocument) error {
	rows := make([][]any, len(docs))
	for i, d := range docs {
		rows[i] = []any{d.Kind, d.RefID, nullID(d.BodyID), nullID(d.PersonID), d.Year, d.Title, d.Content, d.URL, jobTime(d.PublishedAt)}
	}
	return tx.BulkInsert(ctx, "search_documents", []string{"kind", "ref_id", "body_id", "person_id", "year", "title", "content", "url", "published_at"}, rows)
}

// SearchQuery is a search with its filters.
type SearchQuery struct {
	Text     string
	BodyID   int64
	PersonID int64
	Year     int
	Page     Page
}

// SearchHit is one document found, with its text for a snippet.
type SearchHit struct {
	Kind        string
	RefID       int64
	BodyID      int64
	PersonID    int64
	Title       string
	URL         string
	PublishedAt time.Time
	Content     string
}

func (q SearchQuery) filters() (string, []any) {
	var w string
	var args []any
	if q.BodyID != 0 {
		w += ` AND d.body_id = ?`
		args = append(args, q.BodyID)
	}
	if q.PersonID != 0 {
		w += ` AND d.person_id = ?`
		args = append(args, q.PersonID)
	}
	if q.Year != 0 {
		w += ` AND d.year = ?`
		args = append(args, q.Year)
	}
	return w, args
}

// facets is the FTS5 query that applies the filters.
func (q SearchQuery) facets() string {
	var f string
	if q.BodyID != 0 {
		f += fmt.Sprintf(` AND facets : "body%d"`, q.BodyID)
	}
	if q.PersonID != 0 {
		f += fmt.Sprintf(` AND facets : "person%d"`, q.PersonID)
	}
	if q.Year != 0 {
		f += fmt.Sprintf(` AND facets : "year%d"`, q.Year)
	}
	return f
}

// Search finds documents matching the words of q.Text, best first, with
// the number found (counted up to SearchCountCap+1). Quoted phrases, OR between words and -word to
// leave a word out work on both engines.
func (db *DB) Search(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	if db.Engine == Postgres {
		return db.searchPostgres(ctx, q)
	}
	return db.searchSQLite(ctx, q)
}

func (db *DB) searchSQLite(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	words := FTS5Query(q.Text)
	if words == "" {
		return nil, 0, nil
	}
	match := `{title content} : (` + words + `)` + q.facets()
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT ?)`, match, SearchCountCap+1).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if total == 0 || q.Page.Offset() >= total {
		return nil, total, nil
	}
	// The lowest rowid among the newest rankWindow matches.
	var floor int64
	if total > rankWindow {
		if err := db.QueryRow(ctx, `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`, match, rankWindow-1).Scan(&floor); err != nil {
			return nil, 0, fmt.Errorf("search: %w", err)
		}
	}
	top := `SELECT rowid AS id, rank AS r FROM search_fts WHERE search_fts MATCH ? AND rowid >= ? ORDER BY rank LIMIT ? OFFSET ?`
	args := []any{match, floor, q.Page.Limit(), q.Page.Offset()}
	if q.Page.Offset() >= rankWindow && total > rankWindow {
		// Past the ranked window: the older matches, newest first.
		top = `SELECT rowid AS id, -rowid AS r FROM search_fts WHERE search_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ? OFFSET ?`
		args = []any{match, floor, q.Page.Limit(), q.Page.Offset() - rankWindow}
	}
	rows, err := db.Query(ctx, `WITH top AS (`+top+`)
SELECT d.kind, d.ref_id, COALESCE(d.body_id, 0), COALESCE(d.person_id, 0), d.title, d.url, d.published_at, d.content
FROM top JOIN search_documents d ON d.id = top.id ORDER BY top.r, top.id DESC`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return scanHits(rows, total)
}

// postgresRankWindow is smaller than SQLite's: ranking reads each
// candidate's stored tsvector, which PostgreSQL keeps compressed apart
// from the row.
const postgresRankWindow = 100

// phraseWindow bounds how many documents a phrase is checked in.
const phraseWindow = 1000

func (db *DB) searchPostgres(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	if strings.TrimSpace(q.Text) == "" {
		return nil, 0, nil
	}
	filters, fargs := q.filters()
	// The planner prices a sequential scan of search_documents as cheap
	// because the tsvectors live in the TOAST table, and then reads every
	// one of them; the GIN index is always the better way here.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		return nil, 0, err
	}
	// matches is the set of matching documents. A phrase is checked
	// against each document's word positions, read from its tsvector:
	// with common words that is thousands of documents, so a phrase is
	// looked for among the newest phraseWindow documents holding all its
	// words (found in the index alone).
	matches := `SELECT d.id FROM search_documents d WHERE d.tsv @@ websearch_to_tsquery('english', ?)` + filters
	margs := append([]any{q.Text}, fargs...)
	if strings.Contains(q.Text, `"`) {
		matches = `SELECT c.id FROM (SELECT d.id, d.tsv FROM search_documents d
WHERE d.tsv @@ regexp_replace(websearch_to_tsquery('english', ?)::text, '<[-0-9]*>', '&', 'g')::tsquery` + filters + ` ORDER BY d.id DESC LIMIT ?) c
WHERE c.tsv @@ websearch_to_tsquery('english', ?)`
		margs = append(append(append([]any{q.Text}, fargs...), phraseWindow), q.Text)
	}
	var total int
	if err := tx.QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM (`+matches+` LIMIT ?) m`),
		append(append([]any{}, margs...), SearchCountCap+1)...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if total == 0 || q.Page.Offset() >= total {
		return nil, total, nil
	}
	// Rank the newest candidates and cut to the page.
	window, rank, offset := postgresRankWindow, `ts_rank(d.tsv, websearch_to_tsquery('english', ?))`, q.Page.Offset()
	rankArgs := []any{q.Text}
	if offset >= postgresRankWindow {
		// Past the ranked window: the older matches, newest first.
		window, rank, rankArgs = offset+q.Page.Limit(), `-d.id`, nil
	}
	args := append(append(append([]any{}, margs...), window), rankArgs...)
	args = append(args, offset, q.Page.Limit())
	rows, err := tx.QueryContext(ctx, db.Rebind(`WITH cand AS (SELECT m.id FROM (`+matches+`) m ORDER BY m.id DESC LIMIT ?),
top AS (SELECT d.id, `+rank+` AS r FROM cand JOIN search_documents d ON d.id = cand.id ORDER BY r DESC, d.id DESC OFFSET ? LIMIT ?)
SELECT d.kind, d.ref_id, COALESCE(d.body_id, 0), COALESCE(d.person_id, 0), d.title, d.url, d.published_at, d.content
FROM top JOIN search_documents d ON d.id = top.id ORDER BY top.r DESC, top.id DESC`), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return scanHits(rows, total)
}

func scanHits(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, total int) ([]SearchHit, int, error) {
	defer rows.Close()
	var out []SearchHit
	for rows.Next() {
		var h SearchHit
		if err := rows.Scan(&h.Kind, &h.RefID, &h.BodyID, &h.PersonID, &h.Title, &h.URL, &h.PublishedAt, &h.Content); err != nil {
			return nil, 0, err
		}
		h.PublishedAt = h.PublishedAt.UTC()
		out = append(out, h)
	}
	return out, total, rows.Err()
}

// FTS5Query turns what a visitor typed into an FTS5 query that cannot be a
// syntax error: every word is quoted, "phrases" stay phrases, OR between
// words is kept and -word leaves a word out, as PostgreSQL's
// websearch_to_tsquery reads them. It returns "" when nothing searchable
// is left.
func FTS5Query(text string) string {
	type term struct {
		words  []string
		not    bool
		phrase bool
	}
	var terms []term
	var ors []bool // ors[i]: OR between terms[i-1] and terms[i]
	pendingOr := false
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if ws := ftsWords(string(rs[i+1 : min(j, len(rs))])); len(ws) > 0 {
				terms = append(terms, term{words: ws, phrase: true})
				ors = append(ors, pendingOr)
				pendingOr = false
			}
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '"' {
			j++
		}
		tok := string(rs[i:j])
		i = j
		if tok == "OR" {
			pendingOr = len(terms) > 0
			continue
		}
		not := strings.HasPrefix(tok, "-")
		for _, w := range ftsWords(tok) {
			terms = append(terms, term{words: []string{w}, not: not})
			ors = append(ors, pendingOr && !not)
			pendingOr = false
		}
	}
	var b strings.Builder
	positive := false
	for i, t := range terms {
		if t.not && !positive {
			continue // FTS5 needs something to match before NOT
		}
		q := `"` + strings.Join(t.words, " ") + `"`
		switch {
		case b.Len() == 0:
		case t.not:
			b.WriteString(" NOT ")
		case ors[i]:
			b.WriteString(" OR ")
		default:
			b.WriteString(" AND ")
		}
		b.WriteString(q)
		if !t.not {
			positive = true
		}
	}
	if !positive {
		return ""
	}
	return b.String()
}

// ftsWords splits text into words of letters and digits; anything else
// (quotes, operators, punctuation) separates words and is dropped.
func ftsWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
