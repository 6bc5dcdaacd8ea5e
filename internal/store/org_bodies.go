package store

import (
	"context"
	"database/sql"
	"time"
)

// Body is a governing body or a sub-committee (a body with a parent).
type Body struct {
	ID          int64
	Name        string
	Slug        string
	ParentID    int64
	ParentName  string
	ParentSlug  string
	Description string
}

const bodySelect = `SELECT b.id, b.name, b.slug, COALESCE(b.parent_id, 0), COALESCE(p.name, ''), COALESCE(p.slug, ''), b.description
FROM bodies b LEFT JOIN bodies p ON p.id = b.parent_id`

func scanBody(s interface{ Scan(...any) error }) (Body, error) {
	var b Body
	err := s.Scan(&b.ID, &b.Name, &b.Slug, &b.ParentID, &b.ParentName, &b.ParentSlug, &b.Description)
	return b, err
}

// BodyBySlug finds a body.
func (db *DB) BodyBySlug(ctx context.Context, slug string) (Body, error) {
	b, err := scanBody(db.QueryRow(ctx, bodySelect+` WHERE b.slug = ?`, slug))
	return b, one(err)
}

// BodyByID finds a body by id.
func (db *DB) BodyByID(ctx context.Context, id int64) (Body, error) {
	b, err := scanBody(db.QueryRow(ctx, bodySelect+` WHERE b.id = ?`, id))
	return b, one(err)
}

// Bodies lists every body; sub-committees follow their parents.
func (db *DB) Bodies(ctx context.Context) ([]Body, error) {
	rows, err := db.Query(ctx, bodySelect+` ORDER BY COALESCE(b.parent_id, b.id), b.parent_id IS NOT NULL, b.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Body
	for rows.Next() {
		b, err := scanBody(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// CreateBody inserts a body.
func (tx *Tx) CreateBody(ctx context.Context, b Body) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO bodies (name, slug, parent_id, description) VALUES (?, ?, ?, ?)`, b.Name, b.Slug, nullID(b.ParentID), b.Description)
}

// UpdateBody changes a body.
func (tx *Tx) UpdateBody(ctx context.Context, b Body) error {
	return affectOne(tx.Exec(ctx, `UPDATE bodies SET name = ?, slug = ?, parent_id = ?, description = ? WHERE id = ?`, b.Name, b.Slug, nullID(b.ParentID), b.Description, b.ID))
}

// BodyByID reads a body inside a transaction.
func (tx *Tx) BodyByID(ctx context.Context, id int64) (Body, error) {
	b, err := scanBody(tx.QueryRow(ctx, bodySelect+` WHERE b.id = ?`, id))
	return b, one(err)
}

// Section is a group of seats elected the same way.
type Section struct {
	ID          int64
	BodyID      int64
	Name        string
	Seats       int
	WhoMayStand string
	WhoElects   string
	MinWomen    int
	Position    int
}

// SectionsOf lists a body's sections in display order.
func (db *DB) SectionsOf(ctx context.Context, bodyID int64) ([]Section, error) {
	rows, err := db.Query(ctx, `SELECT id, body_id, name, seats, who_may_stand, who_elects, min_women, position FROM sections WHERE body_id = ? ORDER BY position, id`, bodyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Section
	for rows.Next() {
		var s Section
		if err := rows.Scan(&s.ID, &s.BodyID, &s.Name, &s.Seats, &s.WhoMayStand, &s.WhoElects, &s.MinWomen, &s.Position); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SectionByID reads a section inside a transaction.
func (tx *Tx) SectionByID(ctx context.Context, id int64) (Section, error) {
	var s Section
	err := tx.QueryRow(ctx, `SELECT id, body_id, name, seats, who_may_stand, who_elects, min_women, position FROM sections WHERE id = ?`, id).
		Scan(&s.ID, &s.BodyID, &s.Name, &s.Seats, &s.WhoMayStand, &s.WhoElects, &s.MinWomen, &s.Position)
	return s, one(err)
}

// CreateSection inserts a section.
func (tx *Tx) CreateSection(ctx context.Context, s Section) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO sections (body_id, name, seats, who_may_stand, who_elects, min_women, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.BodyID, s.Name, s.Seats, s.WhoMayStand, s.WhoElects, s.MinWomen, s.Position)
}

// UpdateSection changes a section.
func (tx *Tx) UpdateSection(ctx context.Context, s Section) error {
	return affectOne(tx.Exec(ctx, `UPDATE sections SET name = ?, seats = ?, who_may_stand = ?, who_elects = ?, min_women = ?, position = ? WHERE id = ?`,
		s.Name, s.Seats, s.WhoMayStand, s.WhoElects, s.MinWomen, s.Position, s.ID))
}

// CreateSeat inserts a seat in a section.
func (tx *Tx) CreateSeat(ctx context.Context, sectionID int64, label string, position int) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO seats (section_id, label, position) VALUES (?, ?, ?)`, sectionID, label, position)
}

// CountSeats counts a section's seats.
func (tx *Tx) CountSeats(ctx context.Context, sectionID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM seats WHERE section_id = ?`, sectionID).Scan(&n)
	return n, err
}

// SeatHolding is a seat with its current holder, if any, on a given day.
type SeatHolding struct {
	SeatID     int64
	SectionID  int64
	Label      string
	TermID     int64
	PersonID   int64 // 0: the seat is vacant
	PersonName string
	PersonSlug string
	ShowsPage  bool
	TermStart  sql.NullTime
	TermEnd    sql.NullTime
}

// Vacant reports whether nobody holds the seat.
func (s SeatHolding) Vacant() bool { return s.PersonID == 0 }

// SeatsOfBody lists every seat of a body with its holder on the given day,
// in section and seat order.
func (db *DB) SeatsOfBody(ctx context.Context, bodyID int64, on time.Time) ([]SeatHolding, error) {
	d := dateOnly(on)
	rows, err := db.Query(ctx, `SELECT st.id, st.section_id, st.label, COALESCE(t.id, 0), COALESCE(p.id, 0), COALESCE(p.name, ''), COALESCE(p.slug, ''), COALESCE(p.show_profile, FALSE), t.term_start, t.term_end
FROM seats st
JOIN sections sc ON sc.id = st.section_id
LEFT JOIN seat_terms t ON t.seat_id = st.id AND t.term_start <= ? AND (t.term_end IS NULL OR t.term_end >= ?)
LEFT JOIN people p ON p.id = t.person_id
WHERE sc.body_id = ?
ORDER BY sc.position, sc.id, st.position, st.id`, d, d, bodyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SeatHolding
	for rows.Next() {
		var s SeatHolding
		if err := rows.Scan(&s.SeatID, &s.SectionID, &s.Label, &s.TermID, &s.PersonID, &s.PersonName, &s.PersonSlug, &s.ShowsPage, &s.TermStart, &s.TermEnd); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SeatTerm is one person's term in a seat.
type SeatTerm struct {
	ID        int64
	SeatID    int64
	PersonID  int64
	Start     time.Time
	End       sql.NullTime
	Note      string
	BodyName  string
	BodySlug  string
	Section   string
	SeatLabel string
}

// CreateSeatTerm records a person taking a seat.
func (tx *Tx) CreateSeatTerm(ctx context.Context, t SeatTerm) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO seat_terms (seat_id, person_id, term_start, term_end, note) VALUES (?, ?, ?, ?, ?)`,
		t.SeatID, t.PersonID, dateOnly(t.Start), nullTime(t.End), t.Note)
}

// EndSeatTerm closes the current term of a seat on a date (a resignation,
// the end of a term); the seat is then vacant.
func (tx *Tx) EndSeatTerm(ctx context.Context, termID int64, end time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE seat_terms SET term_end = ? WHERE id = ?`, dateOnly(end), termID))
}

// OverlappingTerm reports the id of a term of the seat overlapping [start, end].
func (tx *Tx) OverlappingTerm(ctx context.Context, seatID int64, start time.Time, end sql.NullTime) (int64, error) {
	var id int64
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	e := far
	if end.Valid {
		e = dateOnly(end.Time)
	}
	err := tx.QueryRow(ctx, `SELECT id FROM seat_terms WHERE seat_id = ? AND term_start <= ? AND COALESCE(term_end, ?) >= ? LIMIT 1`,
		seatID, e, far, dateOnly(start)).Scan(&id)
	if one(err) == ErrNotFound {
		return 0, nil
	}
	return id, err
}

// TermsOf lists the seats a person holds or held.
func (db *DB) TermsOf(ctx context.Context, personID int64) ([]SeatTerm, error) {
	rows, err := db.Query(ctx, `SELECT t.id, t.seat_id, t.person_id, t.term_start, t.term_end, t.note, b.name, b.slug, sc.name, st.label
FROM seat_terms t JOIN seats st ON st.id = t.seat_id JOIN sections sc ON sc.id = st.section_id JOIN bodies b ON b.id = sc.body_id
WHERE t.person_id = ? ORDER BY t.term_start DESC`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SeatTerm
	for rows.Next() {
		var t SeatTerm
		if err := rows.Scan(&t.ID, &t.SeatID, &t.PersonID, &t.Start, &t.End, &t.Note, &t.BodyName, &t.BodySlug, &t.Section, &t.SeatLabel); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Meeting is a meeting of a body.
type Meeting struct {
	ID      int64
	BodyID  int64
	Title   string
	HeldOn  time.Time
	Place   string
	Summary string
}

// MeetingsOf lists a body's meetings, newest first.
func (db *DB) MeetingsOf(ctx context.Context, bodyID int64, limit int) ([]Meeting, error) {
	rows, err := db.Query(ctx, `SELECT id, body_id, title, held_on, place, summary FROM meetings WHERE body_id = ? ORDER BY held_on DESC LIMIT ?`, bodyID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		var m Meeting
		if err := rows.Scan(&m.ID, &m.BodyID, &m.Title, &m.HeldOn, &m.Place, &m.Summary); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
