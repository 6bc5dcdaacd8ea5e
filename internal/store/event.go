package store

import (
	"context"
	"database/sql"
	"time"
)

// Event is a hustings, training session, action day or conference.
type Event struct {
	ID          int64
	Slug        string
	BodyID      int64
	Kind        string
	Title       string
	Description string
	Place       string
	OnlineURL   string
	StartsAt    time.Time
	EndsAt      time.Time
	Capacity    int // 0: no limit
	Cancelled   bool
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// ElectionID links a hustings to its election (0: none).
	ElectionID int64

	BodyName string
	BodySlug string
	Booked   int // filled by reads: sign-ups holding a place
	Waiting  int

	// The linked election, filled by reads.
	ElectionTitle  string
	ElectionSlug   string
	ElectionStatus string
}

const eventSelect = `SELECT e.id, e.slug, COALESCE(e.body_id, 0), e.kind, e.title, e.description, e.place, e.online_url, e.starts_at, e.ends_at,
e.capacity, e.cancelled, COALESCE(e.created_by, 0), e.created_at, e.updated_at, COALESCE(b.name, ''), COALESCE(b.slug, ''),
(SELECT COUNT(*) FROM event_signups s WHERE s.event_id = e.id AND s.status = 'booked'),
(SELECT COUNT(*) FROM event_signups s WHERE s.event_id = e.id AND s.status = 'waiting'),
COALESCE(e.election_id, 0), COALESCE(el.title, ''), COALESCE(el.slug, ''), COALESCE(el.status, '')
FROM events e LEFT JOIN bodies b ON b.id = e.body_id LEFT JOIN elections el ON el.id = e.election_id`

func scanEvent(s interface{ Scan(...any) error }) (Event, error) {
	var e Event
	err := s.Scan(&e.ID, &e.Slug, &e.BodyID, &e.Kind, &e.Title, &e.Description, &e.Place, &e.OnlineURL, &e.StartsAt, &e.EndsAt,
		&e.Capacity, &e.Cancelled, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt, &e.BodyName, &e.BodySlug, &e.Booked, &e.Waiting,
		&e.ElectionID, &e.ElectionTitle, &e.ElectionSlug, &e.ElectionStatus)
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// EventBySlug reads an event with its counts.
func (db *DB) EventBySlug(ctx context.Context, slug string) (Event, error) {
	e, err := scanEvent(db.QueryRow(ctx, eventSelect+` WHERE e.slug = ?`, slug))
	return e, one(err)
}

// EventByID reads an event inside a transaction, locking it on
// PostgreSQL so that sign-ups to the last place are taken one at a time.
func (tx *Tx) EventByID(ctx context.Context, id int64) (Event, error) {
	if tx.db.Engine == Postgres {
		if _, err := tx.Exec(ctx, `SELECT id FROM events WHERE id = ? FOR UPDATE`, id); err != nil {
			return Event{}, err
		}
	}
	e, err := scanEvent(tx.QueryRow(ctx, eventSelect+` WHERE e.id = ?`, id))
	return e, one(err)
}

// EventByID reads an event.
func (db *DB) EventByID(ctx context.Context, id int64) (Event, error) {
	e, err := scanEvent(db.QueryRow(ctx, eventSelect+` WHERE e.id = ?`, id))
	return e, one(err)
}

// EventFilter narrows a listing of events.
type EventFilter struct {
	From       time.Time // events ending after this (zero: all)
	BodyID     int64
	ElectionID int64
	Limit      int
}

// Events lists events in date order.
func (db *DB) Events(ctx context.Context, f EventFilter) ([]Event, error) {
	where, args := ` WHERE 1=1`, []any{}
	if !f.From.IsZero() {
		where += ` AND e.ends_at >= ?`
		args = append(args, jobTime(f.From))
	}
	if f.BodyID != 0 {
		where += ` AND e.body_id = ?`
		args = append(args, f.BodyID)
	}
	if f.ElectionID != 0 {
		where += ` AND e.election_id = ?`
		args = append(args, f.ElectionID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := db.Query(ctx, eventSelect+where+` ORDER BY e.starts_at, e.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CreateEvent inserts an event.
func (tx *Tx) CreateEvent(ctx context.Context, e Event) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO events (slug, body_id, kind, title, description, place, online_url, starts_at, ends_at, capacity, cancelled, created_by, created_at, updated_at, election_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Slug, nullID(e.BodyID), e.Kind, e.Title, e.Description, e.Place, e.OnlineURL, jobTime(e.StartsAt), jobTime(e.EndsAt), e.Capacity, e.Cancelled,
		nullID(e.CreatedBy), jobTime(e.CreatedAt), jobTime(e.UpdatedAt), nullID(e.ElectionID))
}

// UpdateEvent writes an event's details.
func (tx *Tx) UpdateEvent(ctx context.Context, e Event) error {
	return affectOne(tx.Exec(ctx, `UPDATE events SET slug = ?, body_id = ?, kind = ?, title = ?, description = ?, place = ?, online_url = ?, starts_at = ?, ends_at = ?,
capacity = ?, cancelled = ?, updated_at = ?, election_id = ? WHERE id = ?`,
		e.Slug, nullID(e.BodyID), e.Kind, e.Title, e.Description, e.Place, e.OnlineURL, jobTime(e.StartsAt), jobTime(e.EndsAt),
		e.Capacity, e.Cancelled, jobTime(e.UpdatedAt), nullID(e.ElectionID), e.ID))
}

// Sign-up statuses.
const (
	SignupBooked    = "booked"
	SignupWaiting   = "waiting"
	SignupCancelled = "cancelled"
)

// Signup is one person's place (or place in the queue) at an event.
type Signup struct {
	ID         int64
	EventID    int64
	Name       string
	Email      string
	PersonID   int64
	Status     string
	Token      string
	CreatedAt  time.Time
	RemindedAt time.Time
}

const signupColumns = `id, event_id, name, email, COALESCE(person_id, 0), status, token, created_at, reminded_at`

func scanSignup(s interface{ Scan(...any) error }) (Signup, error) {
	var x Signup
	var rem sql.NullTime
	err := s.Scan(&x.ID, &x.EventID, &x.Name, &x.Email, &x.PersonID, &x.Status, &x.Token, &x.CreatedAt, &rem)
	x.CreatedAt = x.CreatedAt.UTC()
	if rem.Valid {
		x.RemindedAt = rem.Time.UTC()
	}
	return x, err
}

// SignupByEmail finds a sign-up of an address to an event.
func (tx *Tx) SignupByEmail(ctx context.Context, eventID int64, email string) (Signup, error) {
	s, err := scanSignup(tx.QueryRow(ctx, `SELECT `+signupColumns+` FROM event_signups WHERE event_id = ? AND email = ?`, eventID, email))
	return s, one(err)
}

// SignupByToken finds a sign-up by the secret of its cancel link.
func (tx *Tx) SignupByToken(ctx context.Context, token string) (Signup, error) {
	s, err := scanSignup(tx.QueryRow(ctx, `SELECT `+signupColumns+` FROM event_signups WHERE token = ?`, token))
	return s, one(err)
}

// SignupByToken finds a sign-up by token.
func (db *DB) SignupByToken(ctx context.Context, token string) (Signup, error) {
	s, err := scanSignup(db.QueryRow(ctx, `SELECT `+signupColumns+` FROM event_signups WHERE token = ?`, token))
	return s, one(err)
}

// CreateSignup inserts a sign-up.
func (tx *Tx) CreateSignup(ctx context.Context, s Signup) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO event_signups (event_id, name, email, person_id, status, token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.EventID, s.Name, s.Email, nullID(s.PersonID), s.Status, s.Token, jobTime(s.CreatedAt))
}

// ReviveSignup books again a sign-up that was cancelled, as if new.
func (tx *Tx) ReviveSignup(ctx context.Context, s Signup) error {
	return affectOne(tx.Exec(ctx, `UPDATE event_signups SET name = ?, person_id = ?, status = ?, token = ?, created_at = ?, reminded_at = NULL WHERE id = ? AND status = 'cancelled'`,
		s.Name, nullID(s.PersonID), s.Status, s.Token, jobTime(s.CreatedAt), s.ID))
}

// SetSignupStatus changes a sign-up's status.
func (tx *Tx) SetSignupStatus(ctx context.Context, id int64, status string) error {
	return affectOne(tx.Exec(ctx, `UPDATE event_signups SET status = ? WHERE id = ?`, status, id))
}

// FirstWaiting returns the longest-waiting sign-up of an event.
func (tx *Tx) FirstWaiting(ctx context.Context, eventID int64) (Signup, error) {
	s, err := scanSignup(tx.QueryRow(ctx, `SELECT `+signupColumns+` FROM event_signups WHERE event_id = ? AND status = 'waiting' ORDER BY created_at, id LIMIT 1`, eventID))
	return s, one(err)
}

// SignupsOf lists an event's sign-ups in the order they came.
func (db *DB) SignupsOf(ctx context.Context, eventID int64) ([]Signup, error) {
	rows, err := db.Query(ctx, `SELECT `+signupColumns+` FROM event_signups WHERE event_id = ? ORDER BY created_at, id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Signup
	for rows.Next() {
		s, err := scanSignup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SignupsToRemind lists the booked sign-ups of an event not yet reminded.
func (tx *Tx) SignupsToRemind(ctx context.Context, eventID int64) ([]Signup, error) {
	rows, err := tx.Query(ctx, `SELECT `+signupColumns+` FROM event_signups WHERE event_id = ? AND status = 'booked' AND reminded_at IS NULL ORDER BY id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Signup
	for rows.Next() {
		s, err := scanSignup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// MarkReminded records that a sign-up was sent its reminder.
func (tx *Tx) MarkReminded(ctx context.Context, id int64, at time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE event_signups SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, jobTime(at), id))
}
