package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Election statuses, in the order an election passes through them.
const (
	ElectionDraft    = "draft"    // being set up
	ElectionFrozen   = "frozen"   // the voter roll is taken
	ElectionOpen     = "open"     // voting
	ElectionClosed   = "closed"   // voting ended; waiting for the trustees' shares
	ElectionCounted  = "counted"  // ballots opened and counted; the scrutineer checks
	ElectionDeclared = "declared" // result and bulletin board public
)

// ElectionStatuses lists every status in order.
var ElectionStatuses = []string{ElectionDraft, ElectionFrozen, ElectionOpen, ElectionClosed, ElectionCounted, ElectionDeclared}

// ElectionQuota requires at least Min of those elected to have Attribute=Value.
type ElectionQuota struct {
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
	Min       int    `json:"min"`
}

// Election is one row of the elections table. Zero times are unset
// milestones.
type Election struct {
	ID                   int64
	Title                string
	Slug                 string
	Description          string
	BodyID               int64
	SectionID            int64
	Seats                int
	Method               string
	Quotas               []ElectionQuota
	AllowVoteChange      bool
	TurnoutByUnit        bool
	MailingsPerCandidate int
	Rules                []ElectorateRule
	CountSeed            string
	Status               string

	NominationsOpen  time.Time
	NominationsClose time.Time
	Freeze           time.Time
	BallotOpen       time.Time
	BallotClose      time.Time
	Declare          time.Time

	FrozenAt time.Time
	OpenedAt time.Time
	ClosedAt time.Time

	PublicKey         []byte
	KeyThreshold      int
	KeepSharesForDemo bool

	CreatedBy int64
	CreatedAt time.Time
}

const electionColumns = `id, title, slug, description, COALESCE(body_id, 0), COALESCE(section_id, 0), seats, method, quotas,
allow_vote_change, turnout_by_unit, mailings_per_candidate, electorate_rules, count_seed, status,
nominations_open_at, nominations_close_at, freeze_at, ballot_open_at, ballot_close_at, declare_at,
frozen_at, opened_at, closed_at, public_key, key_threshold, keep_shares_for_demo, COALESCE(created_by, 0), created_at`

func scanElection(s interface{ Scan(...any) error }) (Election, error) {
	var e Election
	var quotas, rules string
	var t [9]sql.NullTime
	err := s.Scan(&e.ID, &e.Title, &e.Slug, &e.Description, &e.BodyID, &e.SectionID, &e.Seats, &e.Method, &quotas,
		&e.AllowVoteChange, &e.TurnoutByUnit, &e.MailingsPerCandidate, &rules, &e.CountSeed, &e.Status,
		&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7], &t[8],
		&e.PublicKey, &e.KeyThreshold, &e.KeepSharesForDemo, &e.CreatedBy, &e.CreatedAt)
	if err != nil {
		return e, err
	}
	for i, dst := range []*time.Time{&e.NominationsOpen, &e.NominationsClose, &e.Freeze, &e.BallotOpen, &e.BallotClose, &e.Declare, &e.FrozenAt, &e.OpenedAt, &e.ClosedAt} {
		if t[i].Valid {
			*dst = t[i].Time.UTC()
		}
	}
	e.CreatedAt = e.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(quotas), &e.Quotas); err != nil {
		return e, fmt.Errorf("election %d quotas: %w", e.ID, err)
	}
	if err := json.Unmarshal([]byte(rules), &e.Rules); err != nil {
		return e, fmt.Errorf("election %d electorate rules: %w", e.ID, err)
	}
	return e, nil
}

// timeArg stores a zero time as NULL and every other time in UTC, so that
// SQLite's text timestamps compare in time order.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func jsonArg(v any, empty string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return empty, nil
	}
	return string(b), nil
}

// CreateElection inserts an election and returns its id.
func (tx *Tx) CreateElection(ctx context.Context, e Election) (int64, error) {
	quotas, err := jsonArg(e.Quotas, "[]")
	if err != nil {
		return 0, err
	}
	rules, err := jsonArg(e.Rules, "[]")
	if err != nil {
		return 0, err
	}
	status := e.Status
	if status == "" {
		status = ElectionDraft
	}
	return tx.Insert(ctx, `INSERT INTO elections (title, slug, description, body_id, section_id, seats, method, quotas,
allow_vote_change, turnout_by_unit, mailings_per_candidate, electorate_rules, count_seed, status,
nominations_open_at, nominations_close_at, freeze_at, ballot_open_at, ballot_close_at, declare_at, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Title, e.Slug, e.Description, nullID(e.BodyID), nullID(e.SectionID), e.Seats, e.Method, quotas,
		e.AllowVoteChange, e.TurnoutByUnit, e.MailingsPerCandidate, rules, e.CountSeed, status,
		timeArg(e.NominationsOpen), timeArg(e.NominationsClose), timeArg(e.Freeze), timeArg(e.BallotOpen), timeArg(e.BallotClose), timeArg(e.Declare),
		nullID(e.CreatedBy), e.CreatedAt.UTC())
}

// UpdateElection writes the settings and timetable of an election; status,
// key and the moments things happened are changed by their own functions.
func (tx *Tx) UpdateElection(ctx context.Context, e Election) error {
	quotas, err := jsonArg(e.Quotas, "[]")
	if err != nil {
		return err
	}
	rules, err := jsonArg(e.Rules, "[]")
	if err != nil {
		return err
	}
	return affectOne(tx.Exec(ctx, `UPDATE elections SET title = ?, slug = ?, description = ?, body_id = ?, section_id = ?, seats = ?, method = ?, quotas = ?,
allow_vote_change = ?, turnout_by_unit = ?, mailings_per_candidate = ?, electorate_rules = ?, count_seed = ?,
nominations_open_at = ?, nominations_close_at = ?, freeze_at = ?, ballot_open_at = ?, ballot_close_at = ?, declare_at = ?
WHERE id = ?`,
		e.Title, e.Slug, e.Description, nullID(e.BodyID), nullID(e.SectionID), e.Seats, e.Method, quotas,
		e.AllowVoteChange, e.TurnoutByUnit, e.MailingsPerCandidate, rules, e.CountSeed,
		timeArg(e.NominationsOpen), timeArg(e.NominationsClose), timeArg(e.Freeze), timeArg(e.BallotOpen), timeArg(e.BallotClose), timeArg(e.Declare),
		e.ID))
}

// ElectionByID reads an election.
func (db *DB) ElectionByID(ctx context.Context, id int64) (Election, error) {
	e, err := scanElection(db.QueryRow(ctx, `SELECT `+electionColumns+` FROM elections WHERE id = ?`, id))
	return e, one(err)
}

// ElectionBySlug reads an election by the slug of its pages.
func (db *DB) ElectionBySlug(ctx context.Context, slug string) (Election, error) {
	e, err := scanElection(db.QueryRow(ctx, `SELECT `+electionColumns+` FROM elections WHERE slug = ?`, slug))
	return e, one(err)
}

// ElectionByID reads an election inside a transaction.
func (tx *Tx) ElectionByID(ctx context.Context, id int64) (Election, error) {
	e, err := scanElection(tx.QueryRow(ctx, `SELECT `+electionColumns+` FROM elections WHERE id = ?`, id))
	return e, one(err)
}

// LockElection reads an election and, on PostgreSQL, locks its row until
// the transaction ends, so that changes of status (opening, closing, the
// count, share submissions) happen one at a time. SQLite transactions are
// already serialised by the single writer.
func (tx *Tx) LockElection(ctx context.Context, id int64) (Election, error) {
	q := `SELECT ` + electionColumns + ` FROM elections WHERE id = ?`
	if tx.db.Engine == Postgres {
		q += ` FOR UPDATE`
	}
	e, err := scanElection(tx.QueryRow(ctx, q, id))
	return e, one(err)
}

// ElectionFilter narrows the list of elections.
type ElectionFilter struct {
	Statuses  []string // empty: all
	BodyID    int64
	SectionID int64
	Page      Page
}

// Elections lists elections, the most recent ballot first (elections
// without a timetable last), with the total for paging.
func (db *DB) Elections(ctx context.Context, f ElectionFilter) ([]Election, int, error) {
	where, args := []string{"1=1"}, []any{}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if f.BodyID != 0 {
		where = append(where, "body_id = ?")
		args = append(args, f.BodyID)
	}
	if f.SectionID != 0 {
		where = append(where, "section_id = ?")
		args = append(args, f.SectionID)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM elections`+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, `SELECT `+electionColumns+` FROM elections`+w+`
ORDER BY CASE WHEN ballot_close_at IS NULL THEN 1 ELSE 0 END, ballot_close_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Election
	for rows.Next() {
		e, err := scanElection(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// statusMoment names the column recording when an election reached a status.
var statusMoment = map[string]string{
	ElectionFrozen: "frozen_at",
	ElectionOpen:   "opened_at",
	ElectionClosed: "closed_at",
}

// MoveElectionStatus changes the status from one value to another and
// reports whether it did: false means the election was not in status
// `from` (another node got there first), which callers treat as done.
func (tx *Tx) MoveElectionStatus(ctx context.Context, id int64, from, to string, at time.Time) (bool, error) {
	set := "status = ?"
	args := []any{to}
	if col, ok := statusMoment[to]; ok {
		set += ", " + col + " = ?"
		args = append(args, at.UTC())
	}
	r, err := tx.Exec(ctx, `UPDATE elections SET `+set+` WHERE id = ? AND status = ?`, append(args, id, from)...)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// SetElectionKey records the public half of a new election key and the
// number of shares needed to rebuild the private half.
func (tx *Tx) SetElectionKey(ctx context.Context, id int64, public []byte, threshold int, keepSharesForDemo bool) error {
	return affectOne(tx.Exec(ctx, `UPDATE elections SET public_key = ?, key_threshold = ?, keep_shares_for_demo = ? WHERE id = ?`,
		public, threshold, keepSharesForDemo, id))
}

// SetElectionCountSeed records the seed a count used when none was fixed
// beforehand.
func (tx *Tx) SetElectionCountSeed(ctx context.Context, id int64, seed string) error {
	return affectOne(tx.Exec(ctx, `UPDATE elections SET count_seed = ? WHERE id = ?`, seed, id))
}
