package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

func toLower(s string) string { return strings.ToLower(s) }

// Person is someone known to the organisation.
type Person struct {
	ID          int64
	Name        string
	Email       string
	Gender      string
	Bio         string
	Slug        string
	ShowProfile bool
	ShowEmail   bool
	ShowOffices bool
}

const personSelect = `SELECT id, name, COALESCE(email, ''), gender, bio, slug, show_profile, show_email, show_offices FROM people`

func scanPerson(s interface{ Scan(...any) error }) (Person, error) {
	var p Person
	err := s.Scan(&p.ID, &p.Name, &p.Email, &p.Gender, &p.Bio, &p.Slug, &p.ShowProfile, &p.ShowEmail, &p.ShowOffices)
	return p, err
}

// PersonByID finds a person.
func (db *DB) PersonByID(ctx context.Context, id int64) (Person, error) {
	p, err := scanPerson(db.QueryRow(ctx, personSelect+` WHERE id = ?`, id))
	return p, one(err)
}

// PersonBySlug finds a person by the slug of their public page.
func (db *DB) PersonBySlug(ctx context.Context, slug string) (Person, error) {
	p, err := scanPerson(db.QueryRow(ctx, personSelect+` WHERE slug = ?`, slug))
	return p, one(err)
}

// PersonByEmail finds a person by e-mail.
func (db *DB) PersonByEmail(ctx context.Context, email string) (Person, error) {
	p, err := scanPerson(db.QueryRow(ctx, personSelect+` WHERE email = ?`, email))
	return p, one(err)
}

// PersonInTx reads a person inside a transaction.
func (tx *Tx) PersonByID(ctx context.Context, id int64) (Person, error) {
	p, err := scanPerson(tx.QueryRow(ctx, personSelect+` WHERE id = ?`, id))
	return p, one(err)
}

// People lists people matching a name or e-mail fragment.
func (db *DB) People(ctx context.Context, query string, page Page) ([]Person, int, error) {
	where, args := "", []any{}
	if query != "" {
		where = ` WHERE LOWER(name) LIKE ? OR email LIKE ?`
		q := "%" + lowerLike(query) + "%"
		args = append(args, q, q)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM people`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, personSelect+where+` ORDER BY name, id LIMIT ? OFFSET ?`, append(args, page.Limit(), page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// CreatePerson inserts a person.
func (tx *Tx) CreatePerson(ctx context.Context, p Person) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO people (name, email, gender, bio, slug, show_profile, show_email, show_offices, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)`,
		p.Name, nullString(p.Email), p.Gender, p.Bio, p.Slug, p.ShowProfile, p.ShowEmail, p.ShowOffices)
}

// UpdatePerson changes a person's fields.
func (tx *Tx) UpdatePerson(ctx context.Context, p Person) error {
	return affectOne(tx.Exec(ctx, `UPDATE people SET name = ?, email = ?, gender = ?, bio = ?, slug = ?, show_profile = ?, show_email = ?, show_offices = ? WHERE id = ?`,
		p.Name, nullString(p.Email), p.Gender, p.Bio, p.Slug, p.ShowProfile, p.ShowEmail, p.ShowOffices, p.ID))
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Office is a public office a person holds or held.
type Office struct {
	ID        int64
	PersonID  int64
	Office    string
	Authority string
	UnitID    int64
	Start     sql.NullTime
	End       sql.NullTime
}

// OfficesOf lists a person's public offices, current first.
func (db *DB) OfficesOf(ctx context.Context, personID int64) ([]Office, error) {
	rows, err := db.Query(ctx, `SELECT id, person_id, office, authority, COALESCE(unit_id, 0), start_date, end_date FROM public_offices WHERE person_id = ? ORDER BY end_date IS NOT NULL, start_date DESC`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Office
	for rows.Next() {
		var o Office
		if err := rows.Scan(&o.ID, &o.PersonID, &o.Office, &o.Authority, &o.UnitID, &o.Start, &o.End); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CreateOffice records a public office.
func (tx *Tx) CreateOffice(ctx context.Context, o Office) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO public_offices (person_id, office, authority, unit_id, start_date, end_date) VALUES (?, ?, ?, ?, ?, ?)`,
		o.PersonID, o.Office, o.Authority, nullID(o.UnitID), nullTime(o.Start), nullTime(o.End))
}

func nullTime(t sql.NullTime) any {
	if !t.Valid {
		return nil
	}
	return dateOnly(t.Time)
}

// Membership is a person's membership of a unit.
type Membership struct {
	ID       int64
	PersonID int64
	UnitID   int64
	UnitName string
	UnitSlug string
	Number   string
	Type     string
	Start    time.Time
	Lapse    sql.NullTime
	Status   string
}

// MembershipsOf lists a person's memberships.
func (db *DB) MembershipsOf(ctx context.Context, personID int64) ([]Membership, error) {
	rows, err := db.Query(ctx, `SELECT m.id, m.person_id, m.unit_id, u.name, u.slug, m.number, m.type, m.start_date, m.lapse_date, m.status
FROM memberships m JOIN units u ON u.id = m.unit_id WHERE m.person_id = ? ORDER BY m.start_date`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.ID, &m.PersonID, &m.UnitID, &m.UnitName, &m.UnitSlug, &m.Number, &m.Type, &m.Start, &m.Lapse, &m.Status); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreatePersonSavepoint inserts a person inside a savepoint, so that a
// unique clash (slug or e-mail) can be retried without aborting the whole
// transaction, which PostgreSQL would otherwise do.
func (tx *Tx) CreatePersonSavepoint(ctx context.Context, p Person) (int64, error) {
	if _, err := tx.Exec(ctx, `SAVEPOINT person_insert`); err != nil {
		return 0, err
	}
	id, err := tx.CreatePerson(ctx, p)
	if err != nil {
		if _, rerr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT person_insert`); rerr != nil {
			return 0, rerr
		}
		return 0, err
	}
	_, err = tx.Exec(ctx, `RELEASE SAVEPOINT person_insert`)
	return id, err
}

// sameOffice compares an office column with a parameter as people mean
// it: "Councillor", "councillor" and " councillor" are one office, as
// imported data spells them. The offices table is small, so the lookup
// needs no index of its own.
func sameOffice(col string) string { return "LOWER(TRIM(" + col + ")) = LOWER(TRIM(?))" }
