package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Nomination period statuses.
const (
	PeriodOpen   = "open"
	PeriodClosed = "closed"
)

// Nomination statuses and consents.
const (
	NominationActive    = "active"
	NominationWithdrawn = "withdrawn"
	NominationReplaced  = "replaced"

	ConsentPending = "pending"
	ConsentGiven   = "consented"
	ConsentRefused = "refused"
)

// NominationSlot is one place a nominator may fill: "one woman" is
// {Key: "woman", Gender: "woman"}; Gender "" takes anyone.
type NominationSlot struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Gender string `json:"gender,omitempty"`
}

// NominationPeriod is one row of nomination_periods.
type NominationPeriod struct {
	ID              int64
	Title           string
	Slug            string
	Description     string
	ElectionID      int64
	SectionID       int64
	UnitTypes       []string
	NominatorOffice string
	Slots           []NominationSlot
	MeetingRequired bool
	RuleName        string
	OpensAt         time.Time
	ClosesAt        time.Time
	TimeZone        string
	Status          string
	ClosedAt        time.Time
	ClosedBy        int64
	HandedOver      bool
	CreatedBy       int64
	CreatedAt       time.Time
}

const periodColumns = `id, title, slug, description, COALESCE(election_id, 0), COALESCE(section_id, 0), unit_types, nominator_office, slots,
meeting_required, rule_name, opens_at, closes_at, time_zone, status, closed_at, COALESCE(closed_by, 0), handed_over, COALESCE(created_by, 0), created_at`

func scanPeriod(s interface{ Scan(...any) error }) (NominationPeriod, error) {
	var p NominationPeriod
	var types, slots string
	var closed sql.NullTime
	err := s.Scan(&p.ID, &p.Title, &p.Slug, &p.Description, &p.ElectionID, &p.SectionID, &types, &p.NominatorOffice, &slots,
		&p.MeetingRequired, &p.RuleName, &p.OpensAt, &p.ClosesAt, &p.TimeZone, &p.Status, &closed, &p.ClosedBy, &p.HandedOver, &p.CreatedBy, &p.CreatedAt)
	if err != nil {
		return p, err
	}
	p.ClosedAt = closed.Time.UTC()
	p.OpensAt, p.ClosesAt, p.CreatedAt = p.OpensAt.UTC(), p.ClosesAt.UTC(), p.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(types), &p.UnitTypes); err != nil {
		return p, fmt.Errorf("period %d unit types: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(slots), &p.Slots); err != nil {
		return p, fmt.Errorf("period %d slots: %w", p.ID, err)
	}
	return p, nil
}

// CreatePeriod inserts a nomination period and returns its id.
func (tx *Tx) CreatePeriod(ctx context.Context, p NominationPeriod) (int64, error) {
	types, err := jsonArg(p.UnitTypes, "[]")
	if err != nil {
		return 0, err
	}
	slots, err := jsonArg(p.Slots, "[]")
	if err != nil {
		return 0, err
	}
	return tx.Insert(ctx, `INSERT INTO nomination_periods (title, slug, description, election_id, section_id, unit_types, nominator_office, slots,
meeting_required, rule_name, opens_at, closes_at, time_zone, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Title, p.Slug, p.Description, nullID(p.ElectionID), nullID(p.SectionID), types, p.NominatorOffice, slots,
		p.MeetingRequired, p.RuleName, p.OpensAt.UTC(), p.ClosesAt.UTC(), p.TimeZone, PeriodOpen, nullID(p.CreatedBy), p.CreatedAt.UTC())
}

// UpdatePeriod writes a period's settings (not its status).
func (tx *Tx) UpdatePeriod(ctx context.Context, p NominationPeriod) error {
	types, err := jsonArg(p.UnitTypes, "[]")
	if err != nil {
		return err
	}
	slots, err := jsonArg(p.Slots, "[]")
	if err != nil {
		return err
	}
	return affectOne(tx.Exec(ctx, `UPDATE nomination_periods SET title = ?, slug = ?, description = ?, election_id = ?, section_id = ?, unit_types = ?,
nominator_office = ?, slots = ?, meeting_required = ?, rule_name = ?, opens_at = ?, closes_at = ?, time_zone = ? WHERE id = ?`,
		p.Title, p.Slug, p.Description, nullID(p.ElectionID), nullID(p.SectionID), types, p.NominatorOffice, slots,
		p.MeetingRequired, p.RuleName, p.OpensAt.UTC(), p.ClosesAt.UTC(), p.TimeZone, p.ID))
}

// ClosePeriod marks an open period closed; ErrNotFound if it was not open.
func (tx *Tx) ClosePeriod(ctx context.Context, id, by int64, at time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE nomination_periods SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = ?`,
		PeriodClosed, at.UTC(), nullID(by), id, PeriodOpen))
}

// SetPeriodHandedOver records that every qualified candidate is on the ballot.
func (tx *Tx) SetPeriodHandedOver(ctx context.Context, id int64) error {
	return affectOne(tx.Exec(ctx, `UPDATE nomination_periods SET handed_over = ? WHERE id = ?`, true, id))
}

// PeriodByID reads a period.
func (db *DB) PeriodByID(ctx context.Context, id int64) (NominationPeriod, error) {
	p, err := scanPeriod(db.QueryRow(ctx, `SELECT `+periodColumns+` FROM nomination_periods WHERE id = ?`, id))
	return p, one(err)
}

// PeriodBySlug reads a period by its slug.
func (db *DB) PeriodBySlug(ctx context.Context, slug string) (NominationPeriod, error) {
	p, err := scanPeriod(db.QueryRow(ctx, `SELECT `+periodColumns+` FROM nomination_periods WHERE slug = ?`, slug))
	return p, one(err)
}

// LockPeriod reads a period inside a transaction, locking its row on
// PostgreSQL (SQLite's single writer already serialises) so that changes to
// one period's nominations and its close happen one at a time.
func (tx *Tx) LockPeriod(ctx context.Context, id int64) (NominationPeriod, error) {
	q := `SELECT ` + periodColumns + ` FROM nomination_periods WHERE id = ?`
	if tx.Engine() == Postgres {
		q += ` FOR UPDATE`
	}
	p, err := scanPeriod(tx.QueryRow(ctx, q, id))
	return p, one(err)
}

// SharePeriod reads a period inside a transaction that adds or changes
// nominations: on PostgreSQL it takes a shared lock, so nominations of one
// period proceed side by side while the close (LockPeriod) waits for them
// and they wait for it.
func (tx *Tx) SharePeriod(ctx context.Context, id int64) (NominationPeriod, error) {
	q := `SELECT ` + periodColumns + ` FROM nomination_periods WHERE id = ?`
	if tx.Engine() == Postgres {
		q += ` FOR SHARE`
	}
	p, err := scanPeriod(tx.QueryRow(ctx, q, id))
	return p, one(err)
}

// Periods lists periods, those closing soonest first among the open, then
// the closed, most recent first.
func (db *DB) Periods(ctx context.Context, page Page) ([]NominationPeriod, int, error) {
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM nomination_periods`).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, `SELECT `+periodColumns+` FROM nomination_periods ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, closes_at DESC, id DESC LIMIT ? OFFSET ?`,
		page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []NominationPeriod
	for rows.Next() {
		p, err := scanPeriod(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// NominationRule is one version of a named threshold rule.
type NominationRule struct {
	ID            int64
	Name          string
	EffectiveFrom time.Time
	Rule          string // JSON, read by the nomination package
	Source        string
}

// AddNominationRule stores a version of a rule.
func (tx *Tx) AddNominationRule(ctx context.Context, r NominationRule, now time.Time) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO nomination_rules (name, effective_from, rule, source, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.Name, dateOnly(r.EffectiveFrom), r.Rule, r.Source, now.UTC())
}

// NominationRuleOn returns the version of a rule in force on a day.
func (db *DB) NominationRuleOn(ctx context.Context, name string, on time.Time) (NominationRule, error) {
	var r NominationRule
	err := db.QueryRow(ctx, `SELECT id, name, effective_from, rule, source FROM nomination_rules WHERE name = ? AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1`,
		name, dateOnly(on)).Scan(&r.ID, &r.Name, &r.EffectiveFrom, &r.Rule, &r.Source)
	r.EffectiveFrom = r.EffectiveFrom.UTC()
	return r, one(err)
}

// NominationRules lists every version of every rule.
func (db *DB) NominationRules(ctx context.Context) ([]NominationRule, error) {
	rows, err := db.Query(ctx, `SELECT id, name, effective_from, rule, source FROM nomination_rules ORDER BY name, effective_from`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NominationRule
	for rows.Next() {
		var r NominationRule
		if err := rows.Scan(&r.ID, &r.Name, &r.EffectiveFrom, &r.Rule, &r.Source); err != nil {
			return nil, err
		}
		r.EffectiveFrom = r.EffectiveFrom.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// NominationCandidate is a person who declared they intend to stand.
type NominationCandidate struct {
	ID                int64
	PeriodID          int64
	PersonID          int64
	Name              string
	Gender            string
	Statement         string
	Standing          bool
	DeclaredAt        time.Time
	Outcome           string
	Reason            string
	BallotCandidateID int64
}

const nomCandidateColumns = `id, period_id, person_id, name, gender, statement, standing, declared_at, outcome, reason, COALESCE(ballot_candidate_id, 0)`

func scanNomCandidate(s interface{ Scan(...any) error }) (NominationCandidate, error) {
	var c NominationCandidate
	err := s.Scan(&c.ID, &c.PeriodID, &c.PersonID, &c.Name, &c.Gender, &c.Statement, &c.Standing, &c.DeclaredAt, &c.Outcome, &c.Reason, &c.BallotCandidateID)
	c.DeclaredAt = c.DeclaredAt.UTC()
	return c, err
}

// CreateNominationCandidate records a declaration; ErrConflict if the
// person already declared in the period.
func (tx *Tx) CreateNominationCandidate(ctx context.Context, c NominationCandidate) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO nomination_candidates (period_id, person_id, name, gender, statement, standing, declared_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.PeriodID, c.PersonID, c.Name, c.Gender, c.Statement, c.Standing, c.DeclaredAt.UTC())
}

// UpdateNominationCandidate writes a candidate's statement and intention.
func (tx *Tx) UpdateNominationCandidate(ctx context.Context, c NominationCandidate) error {
	return affectOne(tx.Exec(ctx, `UPDATE nomination_candidates SET statement = ?, standing = ? WHERE id = ? AND period_id = ?`,
		c.Statement, c.Standing, c.ID, c.PeriodID))
}

// SetCandidateOutcome records a candidate's outcome at the close.
func (tx *Tx) SetCandidateOutcome(ctx context.Context, id int64, outcome, reason string) error {
	return affectOne(tx.Exec(ctx, `UPDATE nomination_candidates SET outcome = ?, reason = ? WHERE id = ?`, outcome, reason, id))
}

// SetCandidateBallotID links a candidate to their place on the ballot.
func (tx *Tx) SetCandidateBallotID(ctx context.Context, id, ballotCandidateID int64) error {
	return affectOne(tx.Exec(ctx, `UPDATE nomination_candidates SET ballot_candidate_id = ? WHERE id = ?`, ballotCandidateID, id))
}

// NominationCandidateByID reads a candidate.
func (tx *Tx) NominationCandidateByID(ctx context.Context, id int64) (NominationCandidate, error) {
	c, err := scanNomCandidate(tx.QueryRow(ctx, `SELECT `+nomCandidateColumns+` FROM nomination_candidates WHERE id = ?`, id))
	return c, one(err)
}

// NominationCandidateOf reads a person's declaration in a period.
func (db *DB) NominationCandidateOf(ctx context.Context, periodID, personID int64) (NominationCandidate, error) {
	c, err := scanNomCandidate(db.QueryRow(ctx, `SELECT `+nomCandidateColumns+` FROM nomination_candidates WHERE period_id = ? AND person_id = ?`, periodID, personID))
	return c, one(err)
}

// NominationCandidates lists a period's candidates by name.
func (db *DB) NominationCandidates(ctx context.Context, periodID int64) ([]NominationCandidate, error) {
	return queryNomCandidates(ctx, db.Query, periodID)
}

// NominationCandidates lists a period's candidates inside a transaction.
func (tx *Tx) NominationCandidates(ctx context.Context, periodID int64) ([]NominationCandidate, error) {
	return queryNomCandidates(ctx, tx.Query, periodID)
}

func queryNomCandidates(ctx context.Context, query querier, periodID int64) ([]NominationCandidate, error) {
	rows, err := query(ctx, `SELECT `+nomCandidateColumns+` FROM nomination_candidates WHERE period_id = ? ORDER BY name, id`, periodID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NominationCandidate
	for rows.Next() {
		c, err := scanNomCandidate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Nomination is one nomination of a candidate by a unit or a person.
type Nomination struct {
	ID             int64
	PeriodID       int64
	Nominator      string // "unit:ID" or "person:ID"
	UnitID         int64
	PersonID       int64 // an individual nominator
	CandidateID    int64
	Slot           string
	Status         string
	Consent        string
	MeetingDate    sql.NullTime
	MeetingPresent int
	MeetingVotes   int
	SubmittedBy    int64
	SubmittedAt    time.Time
	EndedAt        time.Time

	// Filled by listings.
	NominatorName string
	UnitType      string
	CandidateName string
}

const nominationSelect = `SELECT n.id, n.period_id, n.nominator, COALESCE(n.unit_id, 0), COALESCE(n.person_id, 0), n.candidate_id, n.slot, n.status, n.consent,
n.meeting_date, n.meeting_present, n.meeting_votes, n.submitted_by, n.submitted_at, n.ended_at,
COALESCE(u.name, pp.name, ''), COALESCE(u.type, ''), c.name
FROM nominations n JOIN nomination_candidates c ON c.id = n.candidate_id
LEFT JOIN units u ON u.id = n.unit_id LEFT JOIN people pp ON pp.id = n.person_id`

func scanNomination(s interface{ Scan(...any) error }) (Nomination, error) {
	var n Nomination
	var ended sql.NullTime
	err := s.Scan(&n.ID, &n.PeriodID, &n.Nominator, &n.UnitID, &n.PersonID, &n.CandidateID, &n.Slot, &n.Status, &n.Consent,
		&n.MeetingDate, &n.MeetingPresent, &n.MeetingVotes, &n.SubmittedBy, &n.SubmittedAt, &ended,
		&n.NominatorName, &n.UnitType, &n.CandidateName)
	n.SubmittedAt = n.SubmittedAt.UTC()
	n.EndedAt = ended.Time.UTC()
	if n.MeetingDate.Valid {
		n.MeetingDate.Time = n.MeetingDate.Time.UTC()
	}
	return n, err
}

// CreateNomination inserts a live nomination. ErrConflict means the
// nominator already holds a live nomination in that place or for that
// candidate: another officer of the same body got there first.
func (tx *Tx) CreateNomination(ctx context.Context, n Nomination) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO nominations (period_id, nominator, unit_id, person_id, candidate_id, slot, status, consent,
meeting_date, meeting_present, meeting_votes, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.PeriodID, n.Nominator, nullID(n.UnitID), nullID(n.PersonID), n.CandidateID, n.Slot, NominationActive, ConsentPending,
		nullTime(n.MeetingDate), n.MeetingPresent, n.MeetingVotes, n.SubmittedBy, n.SubmittedAt.UTC())
}

// EndNomination withdraws or replaces a live nomination; ErrNotFound if it
// was no longer live (someone else ended it first).
func (tx *Tx) EndNomination(ctx context.Context, id int64, status string, at time.Time) error {
	return affectOne(tx.Exec(ctx, `UPDATE nominations SET status = ?, ended_at = ? WHERE id = ? AND status = ?`, status, at.UTC(), id, NominationActive))
}

// SetNominationConsent records the candidate's answer to a live nomination.
func (tx *Tx) SetNominationConsent(ctx context.Context, id int64, consent string) error {
	return affectOne(tx.Exec(ctx, `UPDATE nominations SET consent = ? WHERE id = ? AND status = ?`, consent, id, NominationActive))
}

// NominationByID reads a nomination inside a transaction.
func (tx *Tx) NominationByID(ctx context.Context, id int64) (Nomination, error) {
	n, err := scanNomination(tx.QueryRow(ctx, nominationSelect+` WHERE n.id = ?`, id))
	return n, one(err)
}

// NominationFilter narrows a listing of nominations.
type NominationFilter struct {
	PeriodID    int64
	Nominator   string // "" for all
	CandidateID int64  // 0 for all
	LiveOnly    bool
}

// Nominations lists nominations in the order they were made.
func (db *DB) Nominations(ctx context.Context, f NominationFilter) ([]Nomination, error) {
	return queryNominations(ctx, db.Query, f)
}

// Nominations lists nominations inside a transaction.
func (tx *Tx) Nominations(ctx context.Context, f NominationFilter) ([]Nomination, error) {
	return queryNominations(ctx, tx.Query, f)
}

func queryNominations(ctx context.Context, query querier, f NominationFilter) ([]Nomination, error) {
	q, args := nominationSelect+` WHERE n.period_id = ?`, []any{f.PeriodID}
	if f.Nominator != "" {
		q += ` AND n.nominator = ?`
		args = append(args, f.Nominator)
	}
	if f.CandidateID != 0 {
		q += ` AND n.candidate_id = ?`
		args = append(args, f.CandidateID)
	}
	if f.LiveOnly {
		q += ` AND n.status = ?`
		args = append(args, NominationActive)
	}
	rows, err := query(ctx, q+` ORDER BY n.submitted_at, n.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Nomination
	for rows.Next() {
		n, err := scanNomination(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UnitFigure is a unit with its weight for threshold rules: its active
// members on a day (for an affiliate, its affiliated membership).
type UnitFigure struct {
	ID      int64
	Type    string
	Name    string
	Members int
}

// UnitFigures lists every unit of the given types with its active members
// on a day.
func (db *DB) UnitFigures(ctx context.Context, types []string, on time.Time) ([]UnitFigure, error) {
	if len(types) == 0 {
		return nil, nil
	}
	d := dateOnly(on)
	q := `SELECT u.id, u.type, u.name, (SELECT COUNT(*) FROM memberships m WHERE m.unit_id = u.id AND m.status <> 'suspended' AND m.start_date <= ? AND (m.lapse_date IS NULL OR m.lapse_date > ?))
FROM units u WHERE u.type IN (?` + repeatComma(len(types)-1) + `) ORDER BY u.name, u.id`
	args := []any{d, d}
	for _, t := range types {
		args = append(args, t)
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitFigure
	for rows.Next() {
		var u UnitFigure
		if err := rows.Scan(&u.ID, &u.Type, &u.Name, &u.Members); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func repeatComma(n int) string {
	b := make([]byte, 0, 3*n)
	for range n {
		b = append(b, ", ?"...)
	}
	return string(b)
}

// OfficeHolders lists the people holding a public office on a day.
func (db *DB) OfficeHolders(ctx context.Context, office string, on time.Time) ([]int64, error) {
	d := dateOnly(on)
	rows, err := db.Query(ctx, `SELECT DISTINCT person_id FROM public_offices WHERE `+sameOffice("office")+` AND (start_date IS NULL OR start_date <= ?) AND (end_date IS NULL OR end_date > ?) ORDER BY person_id`,
		office, d, d)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// HoldsOffice reports whether a person holds a public office on a day.
func (db *DB) HoldsOffice(ctx context.Context, personID int64, office string, on time.Time) (bool, error) {
	d := dateOnly(on)
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM public_offices WHERE person_id = ? AND `+sameOffice("office")+` AND (start_date IS NULL OR start_date <= ?) AND (end_date IS NULL OR end_date > ?)`,
		personID, office, d, d).Scan(&n)
	return n > 0, err
}

// UnitOfficers lists the people holding the officer role of a unit, with
// their e-mail addresses, for receipts.
func (db *DB) UnitOfficers(ctx context.Context, unitID int64) ([]Person, error) {
	rows, err := db.Query(ctx, personSelect+` WHERE id IN (SELECT person_id FROM role_grants WHERE role = 'officer' AND unit_id = ?) ORDER BY name, id`, unitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
