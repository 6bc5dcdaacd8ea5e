package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
)

// Full-text search is where the engines differ most, so both versions sit
// here side by side: SQLite's FTS5 (a virtual table kept in step with
// search_documents by triggers; its matches are ranked in Go, see
// search_rank.go) and PostgreSQL's tsvector (a stored, weighted tsvector
// column with a GIN index, websearch_to_tsquery, ts_rank). Snippets are
// cut in Go from the rows of the page shown. Neither can be written in the shared migration
// language, so EnsureSearchIndex creates the engine's own at start-up; it
// is idempotent, and rebuilds an index made by an older version.
//
// Ranking costs time in proportion to the documents ranked, so only the
// newest searchWindow matches are ordered by relevance (the rest follow,
// newest first), and counting stops past SearchCountCap. The filters
// (body, representative, year) are part of the full-text query on SQLite
// (a "facets" column of tokens such as body3), so that a filtered search
// never reads the documents' rows.

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
			_, err := tx.tx.ExecContext(ctx, postgresSearchSchema+";"+postgresPairsSchema)
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
//
// Each search reads the index once for the newest matches (as many as
// it counts), orders the newest searchWindow of them by relevance, and
// reads the rows of the page shown only.
func (db *DB) Search(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	if db.Engine == Postgres {
		return db.searchPostgres(ctx, q)
	}
	return db.searchSQLite(ctx, q)
}

// searchWindow is how many of the newest matches are ordered by
// relevance; older matches follow, newest first. Ranking costs time in
// proportion to the documents ranked, so a word found in most reports
// must not mean ranking all of them.
const searchWindow = 200

// matchPage assembles a page from the newest matches (ids, newest first,
// as many as were counted): positions inside the window come from rank,
// later ones, newest first, from older (the matches older than the
// window, skipping skip of them).
func matchPage(ids []int64, p Page, rank func(window []int64, from, n int) ([]SearchHit, error),
	older func(floor int64, skip, n int) ([]SearchHit, error)) ([]SearchHit, error) {
	off, limit := p.Offset(), p.Limit()
	window := ids[:min(len(ids), searchWindow)]
	var hits []SearchHit
	if off < len(window) {
		var err error
		if hits, err = rank(window, off, min(limit, len(window)-off)); err != nil {
			return nil, err
		}
	}
	if rest := limit - len(hits); rest > 0 && len(ids) > len(window) {
		more, err := older(window[len(window)-1], max(0, off-len(window)), rest)
		if err != nil {
			return nil, err
		}
		hits = append(hits, more...)
	}
	return hits, nil
}

func (db *DB) searchSQLite(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	words := FTS5Query(q.Text)
	if words == "" {
		return nil, 0, nil
	}
	match := `{title content} : (` + words + `)` + q.facets()
	ids, err := db.matchIDs(ctx, `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?`, match, SearchCountCap+1)
	if err != nil || q.Page.Offset() >= len(ids) {
		return nil, len(ids), err
	}
	// FTS5's bm25 is not used: it weighs each word by reading every
	// document that holds it, milliseconds per common word whatever the
	// window. The window's rows are read anyway, and scored in Go.
	rank := func(window []int64, from, n int) ([]SearchHit, error) {
		hits, err := db.hitsByID(ctx, db.r, window)
		if err != nil {
			return nil, err
		}
		rankHits(hits, SearchTerms(q.Text))
		return hits[from : from+n], nil
	}
	older := func(floor int64, skip, n int) ([]SearchHit, error) {
		ids, err := db.matchIDs(ctx, `SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ? OFFSET ?`, match, floor, n, skip)
		if err != nil {
			return nil, err
		}
		return db.hitsByID(ctx, db.r, ids)
	}
	hits, err := matchPage(ids, q.Page, rank, older)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return hits, len(ids), nil
}

// matchIDs runs a query of document ids.
func (db *DB) matchIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := db.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanIDs(rows)
}

// hitsByID reads the documents of ids, in the order of ids.
func (db *DB) hitsByID(ctx context.Context, conn interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, ids []int64) ([]SearchHit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows *sql.Rows
	var err error
	if db.Engine == Postgres {
		rows, err = conn.QueryContext(ctx, `SELECT `+hitColumns+` FROM search_documents d WHERE d.id = ANY($1)`, ids)
	} else {
		list, _ := json.Marshal(ids)
		rows, err = db.Query(ctx, `SELECT `+hitColumns+` FROM search_documents d WHERE d.id IN (SELECT value FROM json_each(?))`, string(list))
	}
	if err != nil {
		return nil, err
	}
	hits, found, err := scanHits(rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]SearchHit, len(hits))
	for i, h := range hits {
		byID[found[i]] = h
	}
	out := make([]SearchHit, 0, len(ids))
	for _, id := range ids {
		if h, ok := byID[id]; ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// hitColumns are a document's id and the columns of its SearchHit.
const hitColumns = `d.id, d.kind, d.ref_id, COALESCE(d.body_id, 0), COALESCE(d.person_id, 0), d.title, d.url, d.published_at, d.content`

// scanHits reads rows of hitColumns: the hits and their documents' ids.
func scanHits(rows *sql.Rows) ([]SearchHit, []int64, error) {
	defer rows.Close()
	var hits []SearchHit
	var ids []int64
	for rows.Next() {
		var id int64
		var h SearchHit
		if err := rows.Scan(&id, &h.Kind, &h.RefID, &h.BodyID, &h.PersonID, &h.Title, &h.URL, &h.PublishedAt, &h.Content); err != nil {
			return nil, nil, err
		}
		h.PublishedAt = h.PublishedAt.UTC()
		hits = append(hits, h)
		ids = append(ids, id)
	}
	return hits, ids, rows.Err()
}

func (db *DB) searchPostgres(ctx context.Context, q SearchQuery) ([]SearchHit, int, error) {
	if strings.TrimSpace(q.Text) == "" {
		return nil, 0, nil
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	// The planner prices a sequential scan of search_documents as cheap
	// because the tsvectors live in the TOAST table, and then reads every
	// one of them; the GIN indexes are always the better way here. The
	// same round trip reads the query as PostgreSQL does, for its pairs.
	var tsq string
	if err := tx.QueryRowContext(ctx, `SELECT set_config('enable_seqscan', 'off', true), websearch_to_tsquery('english', $1)::text`, q.Text).Scan(new(string), &tsq); err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if tsq == "" {
		return nil, 0, nil // only stop words: nothing to look for
	}
	pairs := tsqueryPairs(tsq)
	ids, err := db.postgresMatches(ctx, tx, q, pairs, math.MaxInt64, 0, SearchCountCap+1)
	if err != nil || q.Page.Offset() >= len(ids) {
		return nil, len(ids), err
	}
	rank := func(window []int64, from, n int) ([]SearchHit, error) {
		// ts_rank reads each document's tsvector: only the window's. The
		// text is read for the page only.
		rows, err := tx.QueryContext(ctx, `SELECT `+hitColumns+` FROM search_documents d WHERE d.id = ANY($1)
ORDER BY ts_rank(d.tsv, websearch_to_tsquery('english', $2)) DESC, d.id DESC OFFSET $3 LIMIT $4`, window, q.Text, from, n)
		if err != nil {
			return nil, err
		}
		hits, _, err := scanHits(rows)
		return hits, err
	}
	older := func(floor int64, skip, n int) ([]SearchHit, error) {
		ids, err := db.postgresMatches(ctx, tx, q, pairs, floor, skip, n)
		if err != nil {
			return nil, err
		}
		return db.hitsByID(ctx, tx, ids)
	}
	hits, err := matchPage(ids, q.Page, rank, older)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	return hits, len(ids), nil
}

// postgresMatches returns the ids of the documents matching q older than
// before, newest first, skipping skip and at most n of them. pairs, if
// not empty, is a tsquery of the pairs of words the matches must hold
// (see search_pairs.go).
//
// The GIN index answers a query of words exactly, without reading a
// tsvector, so the matches are taken from it whole (MATERIALIZED) and
// only then filtered and ordered: left to itself, the planner walks the
// primary key or the filters' index and reads the tsvector of every row
// on the way. A phrase is checked against the word positions of every
// document that holds all its words and its pairs, however old, so that
// every document holding it is found.
func (db *DB) postgresMatches(ctx context.Context, tx *sql.Tx, q SearchQuery, pairs string, before int64, skip, n int) ([]int64, error) {
	filters, fargs := q.filters()
	match := `d.tsv @@ websearch_to_tsquery('english', ?)`
	args := []any{q.Text}
	if pairs != "" {
		// The documents holding the pairs are taken from their index
		// first, as a list: were the two conditions side by side, the
		// planner could let one bitmap scan recheck both, computing the
		// pairs of every candidate, or join the pairs' few documents
		// with the thousands holding the words.
		match = `d.id = ANY(ARRAY(SELECT p.id FROM search_documents p WHERE search_pairs_v1(p.tsv) @@ ?::tsquery)) AND ` + match
		args = []any{pairs, q.Text}
	}
	query := `WITH m AS MATERIALIZED (SELECT d.id, d.body_id, d.person_id, d.year FROM search_documents d WHERE ` + match + `)
SELECT d.id FROM m d WHERE d.id < ?` + filters + ` ORDER BY d.id DESC OFFSET ? LIMIT ?`
	args = append(append(append(args, before), fargs...), skip, n)
	rows, err := tx.QueryContext(ctx, db.Rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return scanIDs(rows)
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
			// -"a phrase" leaves the phrase out.
			not := i > 0 && rs[i-1] == '-' && (i == 1 || unicode.IsSpace(rs[i-2]))
			if ws := ftsWords(string(rs[i+1 : min(j, len(rs))])); len(ws) > 0 {
				terms = append(terms, term{words: ws, phrase: true, not: not})
				ors = append(ors, pendingOr && !not)
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
