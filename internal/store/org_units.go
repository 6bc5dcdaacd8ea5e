package store

import (
	"context"
	"database/sql"
)

// Unit is a branch, council group, affiliate, region or nation.
type Unit struct {
	ID         int64
	Type       string
	Name       string
	Slug       string
	Code       string
	ParentID   int64
	ParentName string
	ParentSlug string
	Members    int // active members, filled by listings that count them
}

const unitSelect = `SELECT u.id, u.type, u.name, u.slug, u.code, COALESCE(u.parent_id, 0), COALESCE(p.name, ''), COALESCE(p.slug, '')
FROM units u LEFT JOIN units p ON p.id = u.parent_id`

func scanUnit(s interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := s.Scan(&u.ID, &u.Type, &u.Name, &u.Slug, &u.Code, &u.ParentID, &u.ParentName, &u.ParentSlug)
	return u, err
}

// UnitBySlug finds a unit by its slug.
func (db *DB) UnitBySlug(ctx context.Context, slug string) (Unit, error) {
	u, err := scanUnit(db.QueryRow(ctx, unitSelect+` WHERE u.slug = ?`, slug))
	return u, one(err)
}

// UnitByID finds a unit by id.
func (db *DB) UnitByID(ctx context.Context, id int64) (Unit, error) {
	u, err := scanUnit(db.QueryRow(ctx, unitSelect+` WHERE u.id = ?`, id))
	return u, one(err)
}

// UnitFilter narrows a unit listing.
type UnitFilter struct {
	Type     string
	ParentID int64
	Query    string // matched against the name
	Page     Page
}

// Units lists units by name with the total for paging.
func (db *DB) Units(ctx context.Context, f UnitFilter) ([]Unit, int, error) {
	where, args := " WHERE 1=1", []any{}
	if f.Type != "" {
		where += " AND u.type = ?"
		args = append(args, f.Type)
	}
	if f.ParentID != 0 {
		where += " AND u.parent_id = ?"
		args = append(args, f.ParentID)
	}
	if f.Query != "" {
		where += " AND LOWER(u.name) LIKE ?"
		args = append(args, "%"+lowerLike(f.Query)+"%")
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM units u`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, unitSelect+where+` ORDER BY u.name, u.id LIMIT ? OFFSET ?`, append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// UnitTypeCounts counts units of each type.
func (db *DB) UnitTypeCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT type, COUNT(*) FROM units GROUP BY type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, rows.Err()
}

// CreateUnit inserts a unit.
func (tx *Tx) CreateUnit(ctx context.Context, u Unit) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO units (type, name, slug, code, parent_id, created_at) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)`,
		u.Type, u.Name, u.Slug, u.Code, nullID(u.ParentID))
}

// UpdateUnit changes a unit's fields.
func (tx *Tx) UpdateUnit(ctx context.Context, u Unit) error {
	return affectOne(tx.Exec(ctx, `UPDATE units SET type = ?, name = ?, slug = ?, code = ?, parent_id = ? WHERE id = ?`,
		u.Type, u.Name, u.Slug, u.Code, nullID(u.ParentID), u.ID))
}

// UnitInTx reads a unit inside a transaction (for old→new audit values).
func (tx *Tx) UnitByID(ctx context.Context, id int64) (Unit, error) {
	u, err := scanUnit(tx.QueryRow(ctx, unitSelect+` WHERE u.id = ?`, id))
	return u, one(err)
}

// IsAncestor reports whether candidate is unit or one of its ancestors, to
// refuse a parent that would make a cycle.
func (tx *Tx) IsAncestorOrSelf(ctx context.Context, candidate, unit int64) (bool, error) {
	seen := 0
	for id := candidate; id != 0; seen++ {
		if id == unit {
			return true, nil
		}
		if seen > 64 {
			return true, nil // a hierarchy this deep is already broken; refuse
		}
		var parent sql.NullInt64
		if err := tx.QueryRow(ctx, `SELECT parent_id FROM units WHERE id = ?`, id).Scan(&parent); err != nil {
			return false, one(err)
		}
		id = parent.Int64
	}
	return false, nil
}

// lowerLike lowercases a search term and escapes LIKE wildcards.
func lowerLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' {
			continue
		}
		out = append(out, r)
	}
	return toLower(string(out))
}
