package store

import (
	"context"
	"database/sql"
	"fmt"
)

// MemberExportRow is one membership as the export writes it: the unit by
// slug and dates as YYYY-MM-DD text, exactly what the import reads back.
type MemberExportRow struct {
	Number    string
	Name      string
	Email     string
	Gender    string
	UnitSlug  string
	Type      string
	StartDate string
	LapseDate string
	Status    string
}

// EachMember calls fn for every membership in membership-number order,
// reading row by row so that an export of half a million members never
// holds them all in memory. With unitSlug set, only memberships of that
// unit and the units below it are read; an unknown slug is ErrNotFound.
func (db *DB) EachMember(ctx context.Context, unitSlug string, fn func(MemberExportRow) error) error {
	cols := `SELECT m.number, p.name, COALESCE(p.email, ''), p.gender, u.slug, m.type, ` +
		memberDateText(db.Engine, "m.start_date") + `, ` + memberDateText(db.Engine, "m.lapse_date") + `, m.status
		FROM memberships m JOIN people p ON p.id = m.person_id JOIN units u ON u.id = m.unit_id`
	var q string
	var args []any
	if unitSlug == "" {
		q = cols + ` ORDER BY m.number`
	} else {
		var id int64
		if err := db.QueryRow(ctx, `SELECT id FROM units WHERE slug = ?`, unitSlug).Scan(&id); err != nil {
			return fmt.Errorf("unit %q: %w", unitSlug, one(err))
		}
		// UNION rather than UNION ALL: it stops even if a broken parent
		// chain loops.
		q = `WITH RECURSIVE scope(id) AS (
			SELECT CAST(? AS BIGINT)
			UNION
			SELECT c.id FROM units c JOIN scope s ON c.parent_id = s.id
		) ` + cols + ` WHERE m.unit_id IN (SELECT id FROM scope) ORDER BY m.number`
		args = append(args, id)
	}
	return eachMemberRow(ctx, db, q, func(r *sql.Rows) error {
		var m MemberExportRow
		if err := r.Scan(&m.Number, &m.Name, &m.Email, &m.Gender, &m.UnitSlug, &m.Type, &m.StartDate, &m.LapseDate, &m.Status); err != nil {
			return err
		}
		return fn(m)
	}, args...)
}
