package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Account is a person's log-in.
type Account struct {
	PersonID     int64
	Name         string
	Email        string
	PasswordHash string
	TOTPSecret   string
	TOTPEnabled  bool
}

// AccountByEmail finds the account of the person with this e-mail.
func (db *DB) AccountByEmail(ctx context.Context, email string) (Account, error) {
	return db.scanAccount(db.QueryRow(ctx, accountSelect+` WHERE p.email = ?`, email))
}

// AccountByPerson finds a person's account.
func (db *DB) AccountByPerson(ctx context.Context, personID int64) (Account, error) {
	return db.scanAccount(db.QueryRow(ctx, accountSelect+` WHERE a.person_id = ?`, personID))
}

const accountSelect = `SELECT a.person_id, p.name, COALESCE(p.email, ''), a.password_hash, a.totp_secret, a.totp_enabled
FROM accounts a JOIN people p ON p.id = a.person_id`

func (db *DB) scanAccount(row *sql.Row) (Account, error) {
	var a Account
	err := row.Scan(&a.PersonID, &a.Name, &a.Email, &a.PasswordHash, &a.TOTPSecret, &a.TOTPEnabled)
	return a, one(err)
}

// CreateAccount gives a person a log-in.
func (tx *Tx) CreateAccount(ctx context.Context, personID int64, passwordHash string) error {
	_, err := tx.Exec(ctx, `INSERT INTO accounts (person_id, password_hash, created_at) VALUES (?, ?, ?)`, personID, passwordHash, time.Now().UTC())
	return err
}

// SetPasswordHash replaces a person's password hash.
func (tx *Tx) SetPasswordHash(ctx context.Context, personID int64, hash string) error {
	return affectOne(tx.Exec(ctx, `UPDATE accounts SET password_hash = ? WHERE person_id = ?`, hash, personID))
}

// SetTOTP stores (or clears, with "") a person's second-factor secret.
func (tx *Tx) SetTOTP(ctx context.Context, personID int64, secret string, enabled bool) error {
	return affectOne(tx.Exec(ctx, `UPDATE accounts SET totp_secret = ?, totp_enabled = ? WHERE person_id = ?`, secret, enabled, personID))
}

// TouchLogin records a successful sign-in.
func (db *DB) TouchLogin(ctx context.Context, personID int64, at time.Time) error {
	_, err := db.Exec(ctx, `UPDATE accounts SET last_login_at = ? WHERE person_id = ?`, at.UTC(), personID)
	return err
}

func affectOne(r sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Session is a signed-in browser.
type Session struct {
	TokenHash    string
	PersonID     int64
	CreatedAt    time.Time
	ExpiresAt    time.Time
	SecondFactor bool
}

// CreateSession stores a session under the hash of its token.
func (db *DB) CreateSession(ctx context.Context, s Session) error {
	_, err := db.Exec(ctx, `INSERT INTO sessions (token_hash, person_id, created_at, expires_at, second_factor) VALUES (?, ?, ?, ?, ?)`,
		s.TokenHash, s.PersonID, s.CreatedAt.UTC(), s.ExpiresAt.UTC(), s.SecondFactor)
	return mapErr(err)
}

// SessionByHash finds a live session.
func (db *DB) SessionByHash(ctx context.Context, hash string, now time.Time) (Session, error) {
	var s Session
	err := db.QueryRow(ctx, `SELECT token_hash, person_id, created_at, expires_at, second_factor FROM sessions WHERE token_hash = ? AND expires_at > ?`, hash, now.UTC()).
		Scan(&s.TokenHash, &s.PersonID, &s.CreatedAt, &s.ExpiresAt, &s.SecondFactor)
	return s, one(err)
}

// SessionSigner is what a request needs to know of the person whose
// session it carries.
type SessionSigner struct {
	PersonID     int64
	Name         string
	SecondFactor bool // the session passed the second factor
	TOTPEnabled  bool
	Member       bool // holds an active membership today
	Grants       []Grant
}

// sessionSignerQuery reads a live session with its account, whether the
// person is a member today and their roles (as a JSON array of arrays,
// built by each engine's own aggregate) in one statement: it runs on every
// signed-in request, and a round trip costs more than the rows.
const sessionSignerQuery = `SELECT s.person_id, p.name, s.second_factor, a.totp_enabled,
  EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = s.person_id AND m.status = 'active' AND m.start_date <= ? AND (m.lapse_date IS NULL OR m.lapse_date > ?)),
  (SELECT {{AGG}} FROM role_grants g LEFT JOIN units u ON u.id = g.unit_id LEFT JOIN bodies b ON b.id = g.body_id WHERE g.person_id = s.person_id)
FROM sessions s JOIN accounts a ON a.person_id = s.person_id JOIN people p ON p.id = s.person_id
WHERE s.token_hash = ? AND s.expires_at > ?`

var sessionSignerSQL = map[Engine]string{
	SQLite: strings.Replace(sessionSignerQuery, "{{AGG}}",
		`json_group_array(json_array(g.id, g.role, COALESCE(g.unit_id, 0), COALESCE(g.body_id, 0), g.title, COALESCE(u.name, ''), COALESCE(b.name, '')))`, 1),
	Postgres: strings.Replace(sessionSignerQuery, "{{AGG}}",
		`COALESCE(json_agg(json_build_array(g.id, g.role, COALESCE(g.unit_id, 0), COALESCE(g.body_id, 0), g.title, COALESCE(u.name, ''), COALESCE(b.name, '')) ORDER BY g.id)::text, '[]')`, 1),
}

// SessionSignerByHash reads a live session's person, membership and roles
// (ErrNotFound when the session is unknown or has expired).
func (db *DB) SessionSignerByHash(ctx context.Context, hash string, now time.Time) (SessionSigner, error) {
	var s SessionSigner
	var grants string
	today := dateOnly(now)
	err := db.QueryRow(ctx, sessionSignerSQL[db.Engine], today, today, hash, now.UTC()).
		Scan(&s.PersonID, &s.Name, &s.SecondFactor, &s.TOTPEnabled, &s.Member, &grants)
	if err != nil {
		return s, one(err)
	}
	if s.Grants, err = decodeGrants(s.PersonID, grants); err != nil {
		return s, fmt.Errorf("a session's roles: %w", err)
	}
	return s, nil
}

// decodeGrants reads the JSON array of roles built by sessionSignerQuery,
// in the order of their ids as GrantsOf gives them.
func decodeGrants(personID int64, raw string) ([]Grant, error) {
	var rows [][]any
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		return nil, err
	}
	var gs []Grant
	for _, r := range rows {
		if len(r) != 7 {
			return nil, fmt.Errorf("a role of %d fields", len(r))
		}
		num := func(v any) int64 { f, _ := v.(float64); return int64(f) }
		str := func(v any) string { s, _ := v.(string); return s }
		gs = append(gs, Grant{ID: num(r[0]), PersonID: personID, Role: str(r[1]), UnitID: num(r[2]), BodyID: num(r[3]),
			Title: str(r[4]), UnitName: str(r[5]), BodyName: str(r[6])})
	}
	slices.SortFunc(gs, func(a, b Grant) int { return cmp.Compare(a.ID, b.ID) })
	return gs, nil
}

// MarkSecondFactor records that the session passed two-factor sign-in.
func (db *DB) MarkSecondFactor(ctx context.Context, hash string) error {
	return affectOne(db.Exec(ctx, `UPDATE sessions SET second_factor = TRUE WHERE token_hash = ?`, hash))
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return err
}

// DeleteSessionsOf ends every session of a person ("sign out everywhere").
func (db *DB) DeleteSessionsOf(ctx context.Context, personID int64) (int64, error) {
	r, err := db.Exec(ctx, `DELETE FROM sessions WHERE person_id = ?`, personID)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// DeleteSessionsOfTx ends every session of a person inside a transaction.
func (tx *Tx) DeleteSessionsOf(ctx context.Context, personID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE person_id = ?`, personID)
	return err
}

// CreatePasswordReset stores a reset token's hash.
func (db *DB) CreatePasswordReset(ctx context.Context, hash string, personID int64, expires time.Time) error {
	_, err := db.Exec(ctx, `INSERT INTO password_resets (token_hash, person_id, expires_at) VALUES (?, ?, ?)`, hash, personID, expires.UTC())
	return err
}

// UsePasswordReset consumes a live, unused reset token and returns its person.
func (tx *Tx) UsePasswordReset(ctx context.Context, hash string, now time.Time) (int64, error) {
	var personID int64
	err := tx.QueryRow(ctx, `SELECT person_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, hash, now.UTC()).Scan(&personID)
	if err != nil {
		return 0, one(err)
	}
	_, err = tx.Exec(ctx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ?`, now.UTC(), hash)
	return personID, err
}

// Grant is a role held by a person, possibly scoped to a unit or body.
type Grant struct {
	ID       int64
	PersonID int64
	Role     string
	UnitID   int64 // 0 when not scoped to a unit
	BodyID   int64 // 0 when not scoped to a body
	Title    string
	// Names for display; filled by GrantsOf.
	UnitName, BodyName string
}

// GrantsOf lists a person's roles.
func (db *DB) GrantsOf(ctx context.Context, personID int64) ([]Grant, error) {
	rows, err := db.Query(ctx, `SELECT g.id, g.person_id, g.role, COALESCE(g.unit_id, 0), COALESCE(g.body_id, 0), g.title, COALESCE(u.name, ''), COALESCE(b.name, '')
FROM role_grants g LEFT JOIN units u ON u.id = g.unit_id LEFT JOIN bodies b ON b.id = g.body_id
WHERE g.person_id = ? ORDER BY g.id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gs []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.ID, &g.PersonID, &g.Role, &g.UnitID, &g.BodyID, &g.Title, &g.UnitName, &g.BodyName); err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

// AddGrant gives a person a role.
func (tx *Tx) AddGrant(ctx context.Context, g Grant) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO role_grants (person_id, role, unit_id, body_id, title, granted_at) VALUES (?, ?, ?, ?, ?, ?)`,
		g.PersonID, g.Role, nullID(g.UnitID), nullID(g.BodyID), g.Title, time.Now().UTC())
}

// RemoveGrant takes a role away; it reports ErrNotFound if the person did not hold it.
func (tx *Tx) RemoveGrant(ctx context.Context, g Grant) error {
	return affectOne(tx.Exec(ctx, `DELETE FROM role_grants WHERE person_id = ? AND role = ? AND COALESCE(unit_id, 0) = ? AND COALESCE(body_id, 0) = ?`,
		g.PersonID, g.Role, g.UnitID, g.BodyID))
}

// HasActiveMembership reports whether a person is a member in good standing today.
func (db *DB) HasActiveMembership(ctx context.Context, personID int64, today time.Time) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE person_id = ? AND status = 'active' AND start_date <= ? AND (lapse_date IS NULL OR lapse_date > ?)`,
		personID, dateOnly(today), dateOnly(today)).Scan(&n)
	return n > 0, err
}

// nullID stores 0 as NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// dateOnly truncates a time to its UTC date, the form DATE columns hold.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ErrRateLimited is returned when a caller has made too many attempts.
var ErrRateLimited = errors.New("too many attempts")
