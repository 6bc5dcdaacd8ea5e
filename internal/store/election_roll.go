package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Electorate rule kinds.
const (
	// RuleMembers: people holding a membership of a unit, optionally only
	// units of some types, some units, or some membership types.
	RuleMembers = "members"
	// RuleOffice: holders of a public office (e.g. "councillor").
	RuleOffice = "office"
)

// ElectorateRule says who may vote, as data. A person is on the roll when
// any of the election's rules admits them. Every condition is taken at the
// freeze date. docs/elections.md describes the format.
type ElectorateRule struct {
	Kind string `json:"kind"`
	// UnitTypes, when not empty, admit only memberships of (or offices
	// linked to) units of these types.
	UnitTypes []string `json:"unit_types,omitempty"`
	// UnitIDs, when not empty, admit only these units.
	UnitIDs []int64 `json:"unit_ids,omitempty"`
	// MembershipTypes, when not empty, admit only memberships of these types
	// (e.g. "affiliated"). Members rules only.
	MembershipTypes []string `json:"membership_types,omitempty"`
	// JoinedBefore (YYYY-MM-DD), when set, replaces the freeze date as the
	// date a membership must have begun before (a qualifying period).
	// Members rules only.
	JoinedBefore string `json:"joined_before,omitempty"`
	// Office names the public office. Office rules only.
	Office string `json:"office,omitempty"`
}

// dateCol gives a DATE column as a value comparable with a YYYY-MM-DD
// parameter: SQLite's date() also normalises dates stored as timestamps.
func (db *DB) dateCol(col string) string {
	if db.Engine == Postgres {
		return col
	}
	return "date(" + col + ")"
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// electorateSelect builds one SELECT of (person_id, unit_id, rule_no) per
// rule, joined with UNION ALL.
func (db *DB) electorateSelect(rules []ElectorateRule, freeze time.Time) (string, []any, error) {
	day := freeze.UTC().Format(time.DateOnly)
	var parts []string
	var args []any
	for i, r := range rules {
		var q strings.Builder
		switch r.Kind {
		case RuleMembers:
			joined := day
			if r.JoinedBefore != "" {
				if _, err := time.Parse(time.DateOnly, r.JoinedBefore); err != nil {
					return "", nil, fmt.Errorf("electorate rule %d: joined_before %q is not a date", i+1, r.JoinedBefore)
				}
				joined = r.JoinedBefore
			}
			fmt.Fprintf(&q, `SELECT m.person_id AS person_id, m.unit_id AS unit_id, %d AS rule_no FROM memberships m JOIN units u ON u.id = m.unit_id
WHERE %s < ? AND (m.lapse_date IS NULL OR %s > ?) AND m.status <> 'suspended' AND (m.lapse_date IS NOT NULL OR m.status NOT IN ('lapsed', 'resigned'))`,
				i, db.dateCol("m.start_date"), db.dateCol("m.lapse_date"))
			args = append(args, joined, day)
			if len(r.MembershipTypes) > 0 {
				q.WriteString(` AND m.type IN (` + placeholders(len(r.MembershipTypes)) + `)`)
				for _, t := range r.MembershipTypes {
					args = append(args, t)
				}
			}
			if len(r.UnitIDs) > 0 {
				q.WriteString(` AND m.unit_id IN (` + placeholders(len(r.UnitIDs)) + `)`)
				for _, id := range r.UnitIDs {
					args = append(args, id)
				}
			}
		case RuleOffice:
			fmt.Fprintf(&q, `SELECT o.person_id AS person_id, o.unit_id AS unit_id, %d AS rule_no FROM public_offices o LEFT JOIN units u ON u.id = o.unit_id
WHERE `+sameOffice("o.office")+` AND (o.start_date IS NULL OR %s <= ?) AND (o.end_date IS NULL OR %s > ?)`,
				i, db.dateCol("o.start_date"), db.dateCol("o.end_date"))
			args = append(args, r.Office, day, day)
			if len(r.UnitIDs) > 0 {
				q.WriteString(` AND o.unit_id IN (` + placeholders(len(r.UnitIDs)) + `)`)
				for _, id := range r.UnitIDs {
					args = append(args, id)
				}
			}
		default:
			return "", nil, fmt.Errorf("electorate rule %d: unknown kind %q", i+1, r.Kind)
		}
		if len(r.UnitTypes) > 0 {
			q.WriteString(` AND u.type IN (` + placeholders(len(r.UnitTypes)) + `)`)
			for _, t := range r.UnitTypes {
				args = append(args, t)
			}
		}
		parts = append(parts, q.String())
	}
	if len(parts) == 0 {
		return "", nil, fmt.Errorf("no electorate rules")
	}
	return strings.Join(parts, "\nUNION ALL\n"), args, nil
}

// unitKeySpan bounds unit ids in the roll's choice of unit (2^40, far
// beyond any organisation), and noUnit stands for a row without one.
const (
	unitKeySpan = "1099511627776"
	noUnit      = "1099511627775"
)

// FreezeRoll takes the voter roll: everyone the rules admit at the freeze
// date, once, each under the unit of the first rule that admits them (the
// lowest unit id among several). It is one INSERT … SELECT, so half a
// million voters take seconds, and it adds nobody already on the roll.
func (tx *Tx) FreezeRoll(ctx context.Context, electionID int64, rules []ElectorateRule, freeze time.Time) (int64, error) {
	sel, args, err := tx.db.electorateSelect(rules, freeze)
	if err != nil {
		return 0, err
	}
	// Each admitted row gets a key that sorts by rule, then unit id, with
	// no unit last; the smallest key per person picks their unit. A
	// grouped MIN is one hash aggregate, cheaper than a window over a sort.
	q := `INSERT INTO election_roll (election_id, person_id, unit_id, added_by_hand, voted)
SELECT ?, person_id, NULLIF(MIN(rule_no * ` + unitKeySpan + ` + COALESCE(unit_id, ` + noUnit + `)) % ` + unitKeySpan + `, ` + noUnit + `), FALSE, FALSE
FROM (` + sel + `) admitted
GROUP BY person_id
ON CONFLICT (election_id, person_id) DO NOTHING`
	r, err := tx.Exec(ctx, q, append([]any{electionID}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("freeze roll: %w", err)
	}
	return r.RowsAffected()
}

// CountElectorate counts the people the rules admit at a date without
// taking the roll (a preview while the rules are edited).
func (db *DB) CountElectorate(ctx context.Context, rules []ElectorateRule, freeze time.Time) (int, error) {
	sel, args, err := db.electorateSelect(rules, freeze)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.QueryRow(ctx, `SELECT COUNT(DISTINCT person_id) FROM (`+sel+`) admitted`, args...).Scan(&n)
	return n, err
}

// RollEntry is one voter on a roll.
type RollEntry struct {
	ElectionID  int64
	PersonID    int64
	UnitID      int64
	AddedByHand bool
	Voted       bool
}

// RollEntry reads a person's entry on an election's roll (ErrNotFound when
// they are not on it).
func (db *DB) RollEntry(ctx context.Context, electionID, personID int64) (RollEntry, error) {
	e := RollEntry{ElectionID: electionID, PersonID: personID}
	err := db.QueryRow(ctx, `SELECT COALESCE(unit_id, 0), added_by_hand, voted FROM election_roll WHERE election_id = ? AND person_id = ?`, electionID, personID).
		Scan(&e.UnitID, &e.AddedByHand, &e.Voted)
	return e, one(err)
}

// LockRollEntry reads a person's roll entry and, on PostgreSQL, locks it
// until the transaction ends: concurrent casts by one voter queue here, so
// only the first finds the voted mark unset.
func (tx *Tx) LockRollEntry(ctx context.Context, electionID, personID int64) (RollEntry, error) {
	q := `SELECT COALESCE(unit_id, 0), added_by_hand, voted FROM election_roll WHERE election_id = ? AND person_id = ?`
	if tx.db.Engine == Postgres {
		q += ` FOR UPDATE`
	}
	e := RollEntry{ElectionID: electionID, PersonID: personID}
	err := tx.QueryRow(ctx, q, electionID, personID).Scan(&e.UnitID, &e.AddedByHand, &e.Voted)
	return e, one(err)
}

// AddToRoll puts a person on the roll by hand (ErrConflict if already on it).
func (tx *Tx) AddToRoll(ctx context.Context, electionID, personID, unitID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO election_roll (election_id, person_id, unit_id, added_by_hand, voted) VALUES (?, ?, ?, TRUE, FALSE)`,
		electionID, personID, nullID(unitID))
	return err
}

// RemoveFromRoll takes a person who has not voted off the roll. It reports
// ErrNotFound when there was no such entry or the person has voted; the
// caller tells the two apart with RollEntry.
func (tx *Tx) RemoveFromRoll(ctx context.Context, electionID, personID int64) error {
	return affectOne(tx.Exec(ctx, `DELETE FROM election_roll WHERE election_id = ? AND person_id = ? AND voted = FALSE`, electionID, personID))
}

// UnitTurnout is the roll and the votes cast in one unit.
type UnitTurnout struct {
	UnitID     int64 // 0: voters without a unit
	UnitName   string
	UnitType   string
	Electorate int
	Voted      int
}

// RollByUnit counts the roll and the votes cast per unit, largest first.
func (db *DB) RollByUnit(ctx context.Context, electionID int64) ([]UnitTurnout, error) {
	rows, err := db.Query(ctx, `SELECT COALESCE(r.unit_id, 0), COALESCE(u.name, ''), COALESCE(u.type, ''), COUNT(*), SUM(CASE WHEN r.voted THEN 1 ELSE 0 END)
FROM election_roll r LEFT JOIN units u ON u.id = r.unit_id WHERE r.election_id = ?
GROUP BY r.unit_id, u.name, u.type ORDER BY COUNT(*) DESC, COALESCE(u.name, '')`, electionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitTurnout
	for rows.Next() {
		var t UnitTurnout
		if err := rows.Scan(&t.UnitID, &t.UnitName, &t.UnitType, &t.Electorate, &t.Voted); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RollTotals counts an election's roll and the votes cast.
func (db *DB) RollTotals(ctx context.Context, electionID int64) (electorate, voted int, err error) {
	err = db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN voted THEN 1 ELSE 0 END), 0) FROM election_roll WHERE election_id = ?`, electionID).Scan(&electorate, &voted)
	return electorate, voted, err
}

// RollPerson is a voter as the returning officer sees the roll: who and
// where, never whether they voted.
type RollPerson struct {
	PersonID    int64
	Name        string
	Email       string
	UnitID      int64
	UnitName    string
	AddedByHand bool
}

// RollPeople lists the roll by name, optionally matching a name or e-mail
// fragment, with the total for paging.
func (db *DB) RollPeople(ctx context.Context, electionID int64, query string, page Page) ([]RollPerson, int, error) {
	where, args := `r.election_id = ?`, []any{electionID}
	if query = strings.TrimSpace(query); query != "" {
		where += ` AND (LOWER(p.name) LIKE ? OR LOWER(COALESCE(p.email, '')) LIKE ?)`
		like := "%" + strings.ToLower(query) + "%"
		args = append(args, like, like)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_roll r JOIN people p ON p.id = r.person_id WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, `SELECT r.person_id, p.name, COALESCE(p.email, ''), COALESCE(r.unit_id, 0), COALESCE(u.name, ''), r.added_by_hand
FROM election_roll r JOIN people p ON p.id = r.person_id LEFT JOIN units u ON u.id = r.unit_id
WHERE `+where+` ORDER BY p.name, r.person_id LIMIT ? OFFSET ?`, append(args, page.Limit(), page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []RollPerson
	for rows.Next() {
		var p RollPerson
		if err := rows.Scan(&p.PersonID, &p.Name, &p.Email, &p.UnitID, &p.UnitName, &p.AddedByHand); err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// Recipient is a voter to write to.
type Recipient struct {
	PersonID int64
	Name     string
	Email    string
}

// RollRecipients lists voters with an e-mail address in person order,
// after a person id, up to limit: the batches of a mailing that resumes
// where it stopped. notVoted keeps only those who have not voted and have
// no ballot link yet (the batches of ballot links).
func (db *DB) RollRecipients(ctx context.Context, electionID, afterPersonID int64, limit int, notVoted bool) ([]Recipient, error) {
	q := `SELECT r.person_id, p.name, p.email FROM election_roll r JOIN people p ON p.id = r.person_id
WHERE r.election_id = ? AND r.person_id > ? AND p.email IS NOT NULL AND p.email <> ''`
	if notVoted {
		q += ` AND r.voted = FALSE AND NOT EXISTS (SELECT 1 FROM election_ballot_links l WHERE l.election_id = r.election_id AND l.person_id = r.person_id)`
	}
	rows, err := db.Query(ctx, q+` ORDER BY r.person_id LIMIT ?`, electionID, afterPersonID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.PersonID, &r.Name, &r.Email); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
