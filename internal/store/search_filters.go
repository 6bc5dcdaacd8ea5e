package store

import "context"

// The search form offers only choices that can find something: the years
// and the authors of the documents indexed. Both read the covering index
// search_documents_filters, never the documents' rows.

// SearchYears lists the years that have documents to find, newest first.
func (db *DB) SearchYears(ctx context.Context) ([]int, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT year FROM search_documents ORDER BY year DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// SearchAuthor is a person with published reports on a body (BodyID 0:
// reports on no body).
type SearchAuthor struct {
	BodyID   int64
	PersonID int64
	Name     string
	Slug     string
}

// SearchAuthors lists who has published reports, once per body they
// report on, by name.
func (db *DB) SearchAuthors(ctx context.Context) ([]SearchAuthor, error) {
	rows, err := db.Query(ctx, `SELECT COALESCE(d.body_id, 0), p.id, p.name, p.slug
FROM (SELECT DISTINCT body_id, person_id FROM search_documents WHERE person_id IS NOT NULL) d
JOIN people p ON p.id = d.person_id
ORDER BY p.name, p.id, d.body_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SearchAuthor
	for rows.Next() {
		var a SearchAuthor
		if err := rows.Scan(&a.BodyID, &a.PersonID, &a.Name, &a.Slug); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// HasPublishedReports tells whether a person is the author of a
// published report (of any kind, as the search finds them all).
func (db *DB) HasPublishedReports(ctx context.Context, personID int64) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM reports WHERE author_id = ? AND status = 'published' LIMIT 1) r`, personID).Scan(&n)
	return n > 0, err
}
