package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Full-text search is where the engines differ most, so both versions sit
// here side by side: SQLite's FTS5 (a virtual table kept in step with
// search_documents by triggers, ranked by BM25) and PostgreSQL's tsvector
// (a GIN expression index, websearch_to_tsquery, ts_rank, ts_headline).
// Neither index can be written in the shared migration language, so
// EnsureSearchIndex creates the engine's own at start-up; it is idempotent.

const (
	sqliteSearchSchema = `
CREATE VIRTUAL TABLE search_fts USING fts5(title, content, content='search_documents', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS search_documents_ai AFTER INSERT ON search_documents BEGIN
  INSERT INTO search_fts(rowid, title, content) VALUES (new.id, new.title, new.content);
END;
CREATE TRIGGER IF NOT EXISTS search_documents_ad AFTER DELETE ON search_documents BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, content) VALUES ('delete', old.id, old.title, old.content);
END;
CREATE TRIGGER IF NOT EXISTS search_documents_au AFTER UPDATE ON search_documents BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, content) VALUES ('delete', old.id, old.title, old.content);
  INSERT INTO search_fts(rowid, title, content) VALUES (new.id, new.title, new.content);
END;
INSERT INTO search_fts(search_fts) VALUES ('rebuild');`

	postgresSearchSchema = `CREATE INDEX IF NOT EXISTS search_documents_fts ON search_documents USING gin (to_tsvector('english', title || ' ' || content))`

	// The words found are marked with two private-use characters, which
	// never occur in text, so that the snippet can be escaped as text
	// first and the marks turned into <mark> after.
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

// EnsureSearchIndex creates the engine's full-text index if it is missing.
func (db *DB) EnsureSearchIndex(ctx context.Context) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if db.Engine == Postgres {
			_, err := tx.Exec(ctx, postgresSearchSchema)
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'search_fts'`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := tx.tx.ExecContext(ctx, sqliteSearchSchema)
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

// SearchHit is one document found, with a snippet whose matched words sit
// between MarkStart and MarkEnd.
type SearchHit struct {
	Kind        string
	RefID       int64
	BodyID      int64
	PersonID    int64
	Title       string
	URL         string
	PublishedAt time.Time
	Snippet     string
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

// Search finds documents matching the words of q.Text, best first, with
// the total number found. Quoted phrases, OR between words and -word to
// leave a word out work on both engines.
func (db *DB) Search(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	if db.Engine == Postgres {
		return db.searchPostgres(ctx, q)
	}
	return db.searchSQLite(ctx, q)
}

func (db *DB) searchSQLite(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	match := FTS5Query(q.Text)
	if match == "" {
		return nil, 0, nil
	}
	filters, fargs := q.filters()
	args := append([]any{match}, fargs...)
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid WHERE search_fts MATCH ?`+filters, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows, err := db.Query(ctx, `SELECT d.kind, d.ref_id, COALESCE(d.body_id, 0), COALESCE(d.person_id, 0), d.title, d.url, d.published_at,
snippet(search_fts, 1, '`+MarkStart+`', '`+MarkEnd+`', '…', 28)
FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid
WHERE search_fts MATCH ?`+filters+` ORDER BY bm25(search_fts, 4.0, 1.0), d.published_at DESC LIMIT ? OFFSET ?`,
		append(args, q.Page.Limit(), q.Page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return scanHits(rows, total)
}

func (db *DB) searchPostgres(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	if strings.TrimSpace(q.Text) == "" {
		return nil, 0, nil
	}
	filters, fargs := q.filters()
	args := append([]any{q.Text}, fargs...)
	const vector = `to_tsvector('english', d.title || ' ' || d.content)`
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM search_documents d, websearch_to_tsquery('english', ?) q WHERE `+vector+` @@ q`+filters, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	// Rank and cut to the page first; ts_headline re-parses each
	// document, so it runs only on the page's hits.
	opts := `StartSel=` + MarkStart + `, StopSel=` + MarkEnd + `, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`
	rows, err := db.Query(ctx, `SELECT h.kind, h.ref_id, COALESCE(h.body_id, 0), COALESCE(h.person_id, 0), h.title, h.url, h.published_at,
ts_headline('english', h.content, websearch_to_tsquery('english', ?), ?)
FROM (SELECT d.*, ts_rank(`+vector+`, q) AS rank FROM search_documents d, websearch_to_tsquery('english', ?) q
      WHERE `+vector+` @@ q`+filters+` ORDER BY rank DESC, d.published_at DESC LIMIT ? OFFSET ?) h
ORDER BY h.rank DESC, h.published_at DESC`,
		append(append([]any{q.Text, opts}, args...), q.Page.Limit(), q.Page.Offset())...)
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
		if err := rows.Scan(&h.Kind, &h.RefID, &h.BodyID, &h.PersonID, &h.Title, &h.URL, &h.PublishedAt, &h.Snippet); err != nil {
			return nil, 0, err
		}
		h.PublishedAt = h.PublishedAt.UTC()
		out = append(out, h)
	}
	return out, total, rows.Err()
}

// FTS5Query turns what a visitor typed into an FTS5 query that cannot be a
// syntax error: every word is quoted, "phrases" stay phrases, OR between
// words is kept, -word leaves a word out, and the last word also matches
// as a prefix. It returns "" when nothing searchable is left.
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
	lastPositive := -1
	for i, t := range terms {
		if !t.not {
			lastPositive = i
		}
	}
	for i, t := range terms {
		if t.not && !positive {
			continue // FTS5 needs something to match before NOT
		}
		q := `"` + strings.Join(t.words, " ") + `"`
		if i == lastPositive && !t.phrase {
			q += "*"
		}
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
