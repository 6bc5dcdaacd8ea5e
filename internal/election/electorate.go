package election

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

// Rule is one electorate rule; a person is on the roll when any rule
// admits them (docs/elections.md, "Electorate rules").
type Rule = store.ElectorateRule

// Rule kinds.
const (
	RuleMembers = store.RuleMembers
	RuleOffice  = store.RuleOffice
)

const maxRules = 20

// ParseRules reads electorate rules written as a JSON array, for a form's
// text field or an import.
func ParseRules(text string) ([]Rule, error) {
	var rules []Rule
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return nil, FieldErrors{"rules": "Write the rules as a JSON list, e.g. [{\"kind\": \"members\", \"unit_types\": [\"branch\"]}]"}
	}
	return rules, nil
}

// validateRules checks every rule and says what is wrong with the first
// bad one.
func validateRules(rules []Rule) FieldErrors {
	fe := FieldErrors{}
	if len(rules) == 0 {
		fe["rules"] = "Give at least one rule saying who may vote"
		return fe
	}
	if len(rules) > maxRules {
		fe["rules"] = fmt.Sprintf("Give at most %d rules", maxRules)
		return fe
	}
	for i, r := range rules {
		bad := func(msg string) {
			if _, ok := fe["rules"]; !ok {
				fe["rules"] = fmt.Sprintf("Rule %d: %s", i+1, msg)
			}
		}
		for _, t := range r.UnitTypes {
			if org.UnitTypeLabel(t) == t {
				bad(fmt.Sprintf("%q is not a kind of unit", t))
			}
		}
		switch r.Kind {
		case RuleMembers:
			if r.Office != "" {
				bad("a members rule does not name an office")
			}
			for _, t := range r.MembershipTypes {
				if strings.TrimSpace(t) == "" || len(t) > 50 {
					bad("membership types must be short words, e.g. affiliated")
				}
			}
			if r.JoinedBefore != "" {
				if _, err := time.Parse(time.DateOnly, r.JoinedBefore); err != nil {
					bad("joined_before must be a date written YYYY-MM-DD")
				}
			}
		case RuleOffice:
			if strings.TrimSpace(r.Office) == "" || len(r.Office) > 100 {
				bad("name the public office, e.g. councillor")
			}
			if len(r.MembershipTypes) > 0 || r.JoinedBefore != "" {
				bad("an office rule does not take membership types or a joining date")
			}
		default:
			bad(`the kind must be "members" or "office"`)
		}
	}
	return fe
}

// DescribeRule says in words whom a rule admits, for the election's page.
func DescribeRule(r Rule) string {
	var b strings.Builder
	switch r.Kind {
	case RuleMembers:
		b.WriteString("Members")
		if len(r.MembershipTypes) > 0 {
			b.WriteString(" (membership type " + strings.Join(r.MembershipTypes, " or ") + ")")
		}
		if len(r.UnitTypes) > 0 {
			labels := make([]string, len(r.UnitTypes))
			for i, t := range r.UnitTypes {
				labels[i] = strings.ToLower(org.UnitTypeLabel(t))
			}
			b.WriteString(" of a " + strings.Join(labels, " or "))
		}
		if len(r.UnitIDs) > 0 {
			b.WriteString(fmt.Sprintf(" of %d chosen units", len(r.UnitIDs)))
		}
		if r.JoinedBefore != "" {
			b.WriteString(" who joined before " + r.JoinedBefore + " and")
		} else {
			b.WriteString(" who joined before the freeze date and")
		}
		b.WriteString(" had not lapsed on it")
	case RuleOffice:
		b.WriteString("Holders of the office of " + r.Office + " on the freeze date")
		if len(r.UnitIDs) > 0 {
			b.WriteString(fmt.Sprintf(" in %d chosen units", len(r.UnitIDs)))
		}
	default:
		b.WriteString("Unknown rule")
	}
	return b.String()
}

// SetRules replaces the electorate rules of an election whose roll has not
// been taken.
func (s *Service) SetRules(ctx context.Context, p *auth.Principal, electionID int64, rules []Rule) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	for i := range rules {
		rules[i].Office = strings.TrimSpace(rules[i].Office)
	}
	if err := fieldErrs(validateRules(rules)); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionDraft {
			return stageErr("the roll of voters has already been taken")
		}
		old, _ := json.Marshal(e.Rules)
		e.Rules = rules
		if err := tx.UpdateElection(ctx, e); err != nil {
			return err
		}
		now, _ := json.Marshal(rules)
		return audit(ctx, tx, p.PersonID, "election.rules", electionID, string(old), string(now))
	})
}

// freezeDate is the date the rules are applied at: the freeze milestone's,
// or the moment the roll is taken if no freeze time was set.
func freezeDate(e store.Election, now time.Time) time.Time {
	if !e.Freeze.IsZero() {
		return e.Freeze
	}
	return now
}

// PreviewElectorate counts whom the rules would admit if the roll were
// taken now, for the returning officer while editing the rules.
func (s *Service) PreviewElectorate(ctx context.Context, p *auth.Principal, electionID int64) (int, error) {
	if err := requireOfficial(p); err != nil {
		return 0, err
	}
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return 0, err
	}
	if len(e.Rules) == 0 {
		return 0, nil
	}
	return s.db.CountElectorate(ctx, e.Rules, freezeDate(e, s.now()))
}

// Freeze takes the roll now (the returning officer's button; the freeze
// job does the same at the freeze time). It returns the roll's size.
func (s *Service) Freeze(ctx context.Context, p *auth.Principal, electionID int64) (int64, error) {
	if err := requireOfficer(p); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionDraft {
			return stageErr("the roll of voters has already been taken")
		}
		n, err = s.freezeTx(ctx, tx, e, p.PersonID)
		return err
	})
	return n, err
}

// freezeTx takes the roll of an election in draft, inside the caller's
// transaction.
func (s *Service) freezeTx(ctx context.Context, tx *store.Tx, e store.Election, actor int64) (int64, error) {
	defer s.forgetPaper(e.ID)
	if len(e.Rules) == 0 {
		return 0, stageErr("set the electorate rules before taking the roll")
	}
	now := s.now()
	day := freezeDate(e, now)
	n, err := tx.FreezeRoll(ctx, e.ID, e.Rules, day)
	if err != nil {
		return 0, err
	}
	if _, err := tx.MoveElectionStatus(ctx, e.ID, store.ElectionDraft, store.ElectionFrozen, now); err != nil {
		return 0, err
	}
	return n, audit(ctx, tx, actor, "election.freeze", e.ID, "", fmt.Sprintf("roll=%d freeze_date=%s", n, day.Format(time.DateOnly)))
}

// AddVoter puts someone on the roll by hand, with the reason recorded in
// the audit log (an appeal upheld, a membership recorded late).
func (s *Service) AddVoter(ctx context.Context, p *auth.Principal, electionID, personID, unitID int64, reason string) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return FieldErrors{"reason": "Say why this person is added (at most 1,000 characters)"}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionFrozen && e.Status != store.ElectionOpen {
			return stageErr("voters can be added between the freeze date and the close")
		}
		if _, err := tx.PersonByID(ctx, personID); errors.Is(err, store.ErrNotFound) {
			return FieldErrors{"person": "Choose a person known to Quorum"}
		} else if err != nil {
			return err
		}
		if unitID != 0 {
			if _, err := tx.UnitByID(ctx, unitID); errors.Is(err, store.ErrNotFound) {
				return FieldErrors{"unit": "Choose an existing unit, or none"}
			} else if err != nil {
				return err
			}
		}
		err = tx.AddToRoll(ctx, electionID, personID, unitID)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"person": "This person is already on the roll"}
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.roll_add", electionID, "", fmt.Sprintf("person=%d unit=%d reason=%q", personID, unitID, reason))
	})
}

// RemoveVoter takes someone who has not voted off the roll, with the reason
// recorded. Someone who has voted stays: their envelope cannot be told
// from the others at the count, so neither can their vote be taken out.
func (s *Service) RemoveVoter(ctx context.Context, p *auth.Principal, electionID, personID int64, reason string) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return FieldErrors{"reason": "Say why this person is removed (at most 1,000 characters)"}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionFrozen && e.Status != store.ElectionOpen {
			return stageErr("voters can be removed between the freeze date and the close")
		}
		entry, err := tx.LockRollEntry(ctx, electionID, personID)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("this person is not on the roll: %w", store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if entry.Voted {
			return ErrVoterHasVoted
		}
		if err := tx.RemoveFromRoll(ctx, electionID, personID); errors.Is(err, store.ErrNotFound) {
			return ErrVoterHasVoted // voted between the two statements (SQLite cannot, PostgreSQL holds the lock)
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.roll_remove", electionID, fmt.Sprintf("person=%d unit=%d", personID, entry.UnitID), "reason="+strconv.Quote(reason))
	})
}

// Roll lists the roll for the returning officer and scrutineers (names,
// units, whether added by hand; never who has voted).
func (s *Service) Roll(ctx context.Context, p *auth.Principal, electionID int64, query string, page store.Page) ([]store.RollPerson, int, error) {
	if err := requireOfficial(p); err != nil {
		return nil, 0, err
	}
	return s.db.RollPeople(ctx, electionID, query, page)
}

// RollSize is the roll's size in total and by unit.
type RollSize struct {
	Total  int
	ByUnit []store.UnitTurnout // Voted is left at zero
}

// RollSize counts the roll by unit, for the returning officer.
func (s *Service) RollSize(ctx context.Context, p *auth.Principal, electionID int64) (RollSize, error) {
	if err := requireOfficial(p); err != nil {
		return RollSize{}, err
	}
	units, err := s.db.RollByUnit(ctx, electionID)
	if err != nil {
		return RollSize{}, err
	}
	var rs RollSize
	for _, u := range units {
		u.Voted = 0
		rs.Total += u.Electorate
		rs.ByUnit = append(rs.ByUnit, u)
	}
	return rs, nil
}
