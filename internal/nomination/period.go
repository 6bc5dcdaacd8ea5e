package nomination

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/org"
	"quorum/internal/store"
)

// PeriodInput is what the returning officer's set-up form submits.
type PeriodInput struct {
	Title       string
	Slug        string // blank: made from the title
	Description string
	ElectionID  int64 // the election, still being set up, the close feeds
	SectionID   int64 // optional: the section of a body the period fills
	// UnitTypes may nominate through their officers, e.g. council_group.
	UnitTypes []string
	// NominatorOffice lets holders of a public office nominate for
	// themselves, e.g. "Member of Parliament".
	NominatorOffice string
	// Slots are the places each nominator may fill; none means one.
	Slots           []store.NominationSlot
	MeetingRequired bool
	// RuleName names the threshold rule; blank: one nomination is enough.
	RuleName string
	// The deadline as the returning officer reads it on a clock in the
	// given time zone.
	CloseDate string // 2026-06-24
	CloseTime string // 17:00
	TimeZone  string // Europe/London
	Opens     time.Time
}

// Deadline turns a wall-clock date and time in a time zone into the moment
// it names. A time that does not exist (skipped when the clocks go forward)
// or happens twice (when they go back) is refused, since either reading
// could surprise somebody racing the deadline.
func Deadline(date, clock, zone string) (time.Time, error) {
	loc, err := time.LoadLocation(strings.TrimSpace(zone))
	if err != nil || strings.TrimSpace(zone) == "" {
		return time.Time{}, fmt.Errorf("unknown time zone %q: use a name such as Europe/London", zone)
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(date))
	if err != nil {
		return time.Time{}, errors.New("give the date as YYYY-MM-DD")
	}
	c, err := time.Parse("15:04", strings.TrimSpace(clock))
	if err != nil {
		return time.Time{}, errors.New("give the time as HH:MM on a 24-hour clock")
	}
	t := time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, loc)
	if t.Hour() != c.Hour() || t.Minute() != c.Minute() || t.Day() != d.Day() {
		return time.Time{}, fmt.Errorf("%s %s does not exist in %s: the clocks go forward then", date, clock, loc)
	}
	// The same wall time an hour either side is also this wall time when
	// the clocks go back.
	for _, shift := range []time.Duration{-time.Hour, time.Hour} {
		o := t.Add(shift).In(loc)
		if o.Hour() == t.Hour() && o.Minute() == t.Minute() && o.Day() == t.Day() {
			return time.Time{}, fmt.Errorf("%s %s happens twice in %s: the clocks go back then; choose another time", date, clock, loc)
		}
	}
	return t.UTC(), nil
}

func (in *PeriodInput) normalise() {
	in.Title = strings.TrimSpace(in.Title)
	in.Slug = strings.TrimSpace(in.Slug)
	in.Description = strings.TrimSpace(in.Description)
	in.NominatorOffice = strings.TrimSpace(in.NominatorOffice)
	in.RuleName = strings.TrimSpace(in.RuleName)
	if in.Slug == "" {
		in.Slug = org.Slugify(in.Title)
	}
	var types []string
	for _, t := range in.UnitTypes {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	in.UnitTypes = types
	if len(in.Slots) == 0 {
		in.Slots = []store.NominationSlot{{Key: "1", Label: "Candidate"}}
	}
	for i := range in.Slots {
		sl := &in.Slots[i]
		sl.Key, sl.Label, sl.Gender = strings.TrimSpace(sl.Key), strings.TrimSpace(sl.Label), strings.TrimSpace(sl.Gender)
		if sl.Key == "" {
			sl.Key = fmt.Sprint(i + 1)
		}
		if sl.Label == "" {
			sl.Label = "Candidate"
			if sl.Gender != "" {
				sl.Label = "A " + sl.Gender
			}
		}
	}
}

// ParseSlots reads the set-up form's places, one a line: "label" or
// "label: gender", e.g. "A woman: woman".
func ParseSlots(text string) []store.NominationSlot {
	var out []store.NominationSlot
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		label, gender, _ := strings.Cut(line, ":")
		gender = strings.ToLower(strings.TrimSpace(gender))
		key := fmt.Sprint(len(out) + 1)
		if gender != "" {
			key = gender
		}
		out = append(out, store.NominationSlot{Key: key, Label: strings.TrimSpace(label), Gender: gender})
	}
	return out
}

func validUnitType(t string) bool {
	for _, u := range org.UnitTypes {
		if u.Key == t {
			return true
		}
	}
	return false
}

func (in PeriodInput) validate() (FieldErrors, time.Time) {
	fe := FieldErrors{}
	if in.Title == "" || len(in.Title) > 200 {
		fe["title"] = "Enter a title of at most 200 characters, e.g. Local government representatives 2026"
	}
	if !slugOK(in.Slug) {
		fe["slug"] = "Use lowercase letters, digits and single hyphens only, at most 80 characters"
	}
	if len(in.Description) > 20000 {
		fe["description"] = "Use at most 20000 characters"
	}
	if len(in.UnitTypes) == 0 && in.NominatorOffice == "" {
		fe["unit_types"] = "Choose the bodies that may nominate, or a public office whose holders nominate for themselves"
	}
	for _, t := range in.UnitTypes {
		if !validUnitType(t) {
			fe["unit_types"] = fmt.Sprintf("Unknown kind of unit %q", t)
		}
	}
	keys := map[string]bool{}
	for _, sl := range in.Slots {
		if keys[sl.Key] {
			fe["slots"] = "Give each place a different label or gender"
		}
		keys[sl.Key] = true
	}
	if len(in.Slots) > 20 {
		fe["slots"] = "Give at most 20 places"
	}
	deadline, err := Deadline(in.CloseDate, in.CloseTime, in.TimeZone)
	if err != nil {
		fe["deadline"] = strings.ToUpper(err.Error()[:1]) + err.Error()[1:]
	} else if !in.Opens.IsZero() && !deadline.After(in.Opens) {
		fe["deadline"] = "The deadline must be after the opening"
	}
	return fe, deadline
}

func slugOK(s string) bool {
	if s == "" || len(s) > 80 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// KindClose is the job that closes a period at its deadline.
const KindClose = "nomination.close"

type closePayload struct {
	PeriodID int64 `json:"period_id"`
	At       int64 `json:"at"` // Unix seconds of the deadline the job was queued for
}

func closeKey(periodID int64) string { return fmt.Sprintf("%s:%d", KindClose, periodID) }

// CreatePeriod opens a nomination period and queues its close.
func (s *Service) CreatePeriod(ctx context.Context, p *auth.Principal, in PeriodInput) (store.NominationPeriod, error) {
	if err := requireOfficer(p); err != nil {
		return store.NominationPeriod{}, err
	}
	now := s.now()
	if in.Opens.IsZero() {
		in.Opens = now
	}
	in.normalise()
	fe, deadline := in.validate()
	if err := fieldErrs(fe); err != nil {
		return store.NominationPeriod{}, err
	}
	per := store.NominationPeriod{Title: in.Title, Slug: in.Slug, Description: in.Description, ElectionID: in.ElectionID, SectionID: in.SectionID,
		UnitTypes: in.UnitTypes, NominatorOffice: in.NominatorOffice, Slots: in.Slots, MeetingRequired: in.MeetingRequired, RuleName: in.RuleName,
		OpensAt: in.Opens.UTC().Truncate(time.Second), ClosesAt: deadline, TimeZone: strings.TrimSpace(in.TimeZone), CreatedBy: p.PersonID, CreatedAt: now}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.checkLinks(ctx, tx, &per); err != nil {
			return err
		}
		id, err := tx.CreatePeriod(ctx, per)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another nomination period has this address"}
		}
		if err != nil {
			return err
		}
		per.ID = id
		if err := s.scheduleClose(ctx, tx, per); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "nomination.period_create", id, "", describePeriod(per))
	})
	return per, err
}

// UpdatePeriod changes an open period's settings; moving the deadline moves
// its close.
func (s *Service) UpdatePeriod(ctx context.Context, p *auth.Principal, id int64, in PeriodInput) (store.NominationPeriod, error) {
	if err := requireOfficer(p); err != nil {
		return store.NominationPeriod{}, err
	}
	in.normalise()
	var per store.NominationPeriod
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.LockPeriod(ctx, id)
		if err != nil {
			return err
		}
		if old.Status != store.PeriodOpen {
			return ErrClosed
		}
		in.Opens = old.OpensAt
		fe, deadline := in.validate()
		if err := fieldErrs(fe); err != nil {
			return err
		}
		per = old
		per.Title, per.Slug, per.Description, per.ElectionID, per.SectionID = in.Title, in.Slug, in.Description, in.ElectionID, in.SectionID
		per.UnitTypes, per.NominatorOffice, per.Slots, per.MeetingRequired, per.RuleName = in.UnitTypes, in.NominatorOffice, in.Slots, in.MeetingRequired, in.RuleName
		per.ClosesAt, per.TimeZone = deadline, strings.TrimSpace(in.TimeZone)
		if err := s.checkLinks(ctx, tx, &per); err != nil {
			return err
		}
		if err := tx.UpdatePeriod(ctx, per); errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another nomination period has this address"}
		} else if err != nil {
			return err
		}
		if err := s.scheduleClose(ctx, tx, per); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "nomination.period_update", id, describePeriod(old), describePeriod(per))
	})
	return per, err
}

func (s *Service) scheduleClose(ctx context.Context, tx *store.Tx, per store.NominationPeriod) error {
	_, err := s.jobs.ScheduleTx(ctx, tx, per.ClosesAt, KindClose, closePayload{PeriodID: per.ID, At: per.ClosesAt.Unix()},
		jobs.UniqueKey(closeKey(per.ID)), jobs.ReplaceQueued(), jobs.MaxAttempts(20))
	return err
}

// checkLinks requires the linked election to exist and still be set up,
// and takes its section when none is given.
func (s *Service) checkLinks(ctx context.Context, tx *store.Tx, per *store.NominationPeriod) error {
	if per.ElectionID != 0 {
		e, err := tx.ElectionByID(ctx, per.ElectionID)
		if errors.Is(err, store.ErrNotFound) {
			return FieldErrors{"election": "Choose an election known to Quorum"}
		}
		if err != nil {
			return err
		}
		if e.Status != store.ElectionDraft {
			return FieldErrors{"election": "Choose an election still being set up: the ballot paper of this one is fixed"}
		}
		if per.SectionID == 0 {
			per.SectionID = e.SectionID
		}
	}
	if per.RuleName != "" {
		if _, err := s.ruleFor(ctx, *per); err != nil {
			return FieldErrors{"rule": err.Error()}
		}
	}
	return nil
}

func describePeriod(p store.NominationPeriod) string {
	return fmt.Sprintf("title=%q election=%d section=%d units=%v office=%q slots=%d meeting=%v rule=%q closes=%s zone=%s",
		p.Title, p.ElectionID, p.SectionID, p.UnitTypes, p.NominatorOffice, len(p.Slots), p.MeetingRequired, p.RuleName, p.ClosesAt.Format(time.RFC3339), p.TimeZone)
}

// ruleFor reads the threshold rule in force on the period's opening day.
func (s *Service) ruleFor(ctx context.Context, p store.NominationPeriod) (*Rule, error) {
	if p.RuleName == "" {
		return nil, nil
	}
	row, err := s.db.NominationRuleOn(ctx, p.RuleName, p.OpensAt)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no version of the rule %q is in force on %s", p.RuleName, p.OpensAt.Format(time.DateOnly))
	}
	if err != nil {
		return nil, err
	}
	r, err := ParseRule(row.Rule)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// AddRule stores a version of a named threshold rule, in force from a day.
func (s *Service) AddRule(ctx context.Context, p *auth.Principal, name string, from time.Time, r Rule, source string) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.addRule(ctx, p.PersonID, name, from, r, source)
}

func (s *Service) addRule(ctx context.Context, actor int64, name string, from time.Time, r Rule, source string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return FieldErrors{"name": "Name the rule, e.g. Leader (vacancy)"}
	}
	if err := r.Validate(); err != nil {
		return FieldErrors{"rule": err.Error()}
	}
	text, err := jsonString(r)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.AddNominationRule(ctx, store.NominationRule{Name: name, EffectiveFrom: from, Rule: text, Source: source}, s.now())
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"effective_from": "This rule already has a version from that day"}
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: actor, Action: "nomination.rule_add", TargetType: "nomination_rule", TargetID: fmt.Sprint(id), New: name + " from " + from.Format(time.DateOnly) + ": " + text})
	})
}

// Rules lists every version of every rule.
func (s *Service) Rules(ctx context.Context) ([]store.NominationRule, error) {
	return s.db.NominationRules(ctx)
}

// Period reads a period by its slug.
func (s *Service) Period(ctx context.Context, slug string) (store.NominationPeriod, error) {
	return s.db.PeriodBySlug(ctx, slug)
}

// Periods lists periods.
func (s *Service) Periods(ctx context.Context, page store.Page) ([]store.NominationPeriod, int, error) {
	return s.db.Periods(ctx, page)
}
