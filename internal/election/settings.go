package election

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/count"
	"quorum/internal/org"
	"quorum/internal/store"
)

// Quota requires at least Min of those elected to have Attribute=Value,
// e.g. {gender, woman, 5}.
type Quota = store.ElectionQuota

// Settings is what the returning officer's form submits to create or edit
// an election.
type Settings struct {
	Title       string
	Slug        string // blank: made from the title
	Description string // Markdown, stored as written
	BodyID      int64  // optional: the body the election fills seats of
	SectionID   int64  // optional: the section of that body
	Seats       int
	Method      string // a count method; blank: the default for the seats
	Quotas      []Quota
	// AllowVoteChange lets a voter cast again until the close; the new
	// envelope replaces the old.
	AllowVoteChange bool
	// TurnoutByUnit publishes turnout per unit, not only in total.
	TurnoutByUnit bool
	// MailingsPerCandidate is how many e-mails each candidate may send to
	// the electorate through Quorum (0: none).
	MailingsPerCandidate int
	// CountSeed fixes the seed of the count's lot in advance (decimal);
	// blank: drawn at the count and recorded.
	CountSeed string
	Timetable Timetable
}

// Timetable holds the milestones; zero times are not set.
type Timetable struct {
	NominationsOpen  time.Time
	NominationsClose time.Time
	Freeze           time.Time // the roll is taken at this moment, with memberships as they stand on its date
	BallotOpen       time.Time
	BallotClose      time.Time
	Declare          time.Time
}

// Limits of the settings.
const (
	MaxSeats            = 500
	MaxQuotas           = 8
	MaxMailings         = 20
	maxTitle            = 200
	maxDescription      = 20000
	maxAttributeOrValue = 100
)

func (in *Settings) normalise() {
	in.Title = strings.TrimSpace(in.Title)
	in.Slug = strings.TrimSpace(in.Slug)
	in.Description = strings.TrimSpace(in.Description)
	in.Method = strings.TrimSpace(in.Method)
	in.CountSeed = strings.TrimSpace(in.CountSeed)
	if in.Slug == "" {
		in.Slug = org.Slugify(in.Title)
	}
	if in.Method == "" && in.Seats > 0 {
		in.Method = string(count.DefaultMethod(in.Seats))
	}
	for i := range in.Quotas {
		in.Quotas[i].Attribute = strings.TrimSpace(in.Quotas[i].Attribute)
		in.Quotas[i].Value = strings.TrimSpace(in.Quotas[i].Value)
	}
	for _, t := range []*time.Time{&in.Timetable.NominationsOpen, &in.Timetable.NominationsClose, &in.Timetable.Freeze, &in.Timetable.BallotOpen, &in.Timetable.BallotClose, &in.Timetable.Declare} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Second)
		}
	}
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

func (in Settings) validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case in.Title == "":
		fe["title"] = "Enter a title, e.g. National Executive Committee 2026: CLP section"
	case len(in.Title) > maxTitle:
		fe["title"] = fmt.Sprintf("Use at most %d characters", maxTitle)
	case strings.ContainsAny(in.Title, "\r\n\""):
		fe["title"] = "A title cannot contain line breaks or double quotes"
	}
	if !slugOK(in.Slug) {
		fe["slug"] = "Use lowercase letters, digits and single hyphens only, at most 80 characters"
	}
	if len(in.Description) > maxDescription {
		fe["description"] = fmt.Sprintf("Use at most %d characters", maxDescription)
	}
	if in.Seats < 1 || in.Seats > MaxSeats {
		fe["seats"] = fmt.Sprintf("Enter a number of seats from 1 to %d", MaxSeats)
	}
	if m, err := count.ParseMethod(in.Method); err != nil {
		fe["method"] = "Choose a counting method"
	} else if (m == count.FPTP || m == count.IRV) && in.Seats != 1 {
		fe["method"] = "This method fills one seat; choose block vote or STV for several"
	}
	if len(in.Quotas) > MaxQuotas {
		fe["quotas"] = fmt.Sprintf("Give at most %d quota rules", MaxQuotas)
	}
	for i, q := range in.Quotas {
		switch {
		case q.Attribute == "" || q.Value == "":
			fe["quotas"] = fmt.Sprintf("Quota rule %d: name the attribute and the value, e.g. gender = woman", i+1)
		case len(q.Attribute) > maxAttributeOrValue || len(q.Value) > maxAttributeOrValue:
			fe["quotas"] = fmt.Sprintf("Quota rule %d: use at most %d characters", i+1, maxAttributeOrValue)
		case q.Min < 1 || q.Min > in.Seats:
			fe["quotas"] = fmt.Sprintf("Quota rule %d: the minimum must be from 1 to the number of seats", i+1)
		}
	}
	if in.MailingsPerCandidate < 0 || in.MailingsPerCandidate > MaxMailings {
		fe["mailings_per_candidate"] = fmt.Sprintf("Enter a number from 0 to %d", MaxMailings)
	}
	if in.CountSeed != "" {
		if _, err := strconv.ParseUint(in.CountSeed, 10, 64); err != nil {
			fe["count_seed"] = "Enter a whole number from 0 to 18446744073709551615, or leave it blank"
		}
	}
	in.Timetable.validate(fe)
	return fe
}

// validate checks that the milestones that are set come in order.
func (t Timetable) validate(fe FieldErrors) {
	steps := []struct {
		field string
		at    time.Time
		label string
	}{
		{"nominations_open", t.NominationsOpen, "nominations open"},
		{"nominations_close", t.NominationsClose, "nominations close"},
		{"freeze", t.Freeze, "the freeze date"},
		{"ballot_open", t.BallotOpen, "the ballot opens"},
		{"ballot_close", t.BallotClose, "the ballot closes"},
		{"declare", t.Declare, "the result is declared"},
	}
	var prev *struct {
		field string
		at    time.Time
		label string
	}
	for i := range steps {
		s := &steps[i]
		if s.at.IsZero() {
			continue
		}
		if prev != nil && s.at.Before(prev.at) {
			fe[s.field] = fmt.Sprintf("This must not be before %s", prev.label)
		}
		if prev != nil && s.field == "ballot_close" && prev.field == "ballot_open" && !s.at.After(prev.at) {
			fe[s.field] = "The ballot must close after it opens"
		}
		prev = s
	}
}

// Create sets up a new election in draft. Only the returning officer may.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Settings) (store.Election, error) {
	if err := requireOfficer(p); err != nil {
		return store.Election{}, err
	}
	in.normalise()
	if err := fieldErrs(in.validate()); err != nil {
		return store.Election{}, err
	}
	var e store.Election
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := checkLinks(ctx, tx, &in); err != nil {
			return err
		}
		e = in.apply(store.Election{Status: store.ElectionDraft, CreatedBy: p.PersonID, CreatedAt: s.now()})
		id, err := tx.CreateElection(ctx, e)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another election already uses this web address"}
		}
		if err != nil {
			return err
		}
		e.ID = id
		if err := s.scheduleMilestones(ctx, tx, e); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.create", id, "", describeSettings(e))
	})
	return e, err
}

// Update edits an election. What may change narrows as the election
// advances: the counting rules and who may vote are fixed once voting
// opens, the close may still be moved while voting is open, and after the
// count only the wording and the declaration time may change.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in Settings) (store.Election, error) {
	defer s.forgetPaper(id)
	if err := requireOfficer(p); err != nil {
		return store.Election{}, err
	}
	in.normalise()
	if err := fieldErrs(in.validate()); err != nil {
		return store.Election{}, err
	}
	var e store.Election
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.LockElection(ctx, id)
		if err != nil {
			return err
		}
		if err := fieldErrs(lockedFields(old, in, s.now())); err != nil {
			return err
		}
		if err := checkLinks(ctx, tx, &in); err != nil {
			return err
		}
		e = in.apply(old)
		err = tx.UpdateElection(ctx, e)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another election already uses this web address"}
		}
		if err != nil {
			return err
		}
		if err := s.scheduleMilestones(ctx, tx, e); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.update", id, describeSettings(old), describeSettings(e))
	})
	return e, err
}

// apply copies the settings onto an election row.
func (in Settings) apply(e store.Election) store.Election {
	e.Title, e.Slug, e.Description = in.Title, in.Slug, in.Description
	e.BodyID, e.SectionID = in.BodyID, in.SectionID
	e.Seats, e.Method, e.Quotas = in.Seats, in.Method, in.Quotas
	e.AllowVoteChange, e.TurnoutByUnit = in.AllowVoteChange, in.TurnoutByUnit
	e.MailingsPerCandidate, e.CountSeed = in.MailingsPerCandidate, in.CountSeed
	t := in.Timetable
	e.NominationsOpen, e.NominationsClose, e.Freeze = t.NominationsOpen, t.NominationsClose, t.Freeze
	e.BallotOpen, e.BallotClose, e.Declare = t.BallotOpen, t.BallotClose, t.Declare
	return e
}

// SettingsOf returns an election's settings, to fill the edit form.
func SettingsOf(e store.Election) Settings {
	return Settings{
		Title: e.Title, Slug: e.Slug, Description: e.Description, BodyID: e.BodyID, SectionID: e.SectionID,
		Seats: e.Seats, Method: e.Method, Quotas: e.Quotas, AllowVoteChange: e.AllowVoteChange, TurnoutByUnit: e.TurnoutByUnit,
		MailingsPerCandidate: e.MailingsPerCandidate, CountSeed: e.CountSeed,
		Timetable: Timetable{NominationsOpen: e.NominationsOpen, NominationsClose: e.NominationsClose, Freeze: e.Freeze,
			BallotOpen: e.BallotOpen, BallotClose: e.BallotClose, Declare: e.Declare},
	}
}

// lockedFields refuses changes the election's stage no longer allows.
func lockedFields(old store.Election, in Settings, now time.Time) FieldErrors {
	fe := FieldErrors{}
	stage := stageIndex(old.Status)
	lock := func(field string, changed bool, why string) {
		if changed {
			fe[field] = "This can no longer be changed: " + why
		}
	}
	if stage >= stageIndex(store.ElectionOpen) {
		why := "voting has opened"
		lock("seats", in.Seats != old.Seats, why)
		lock("method", in.Method != old.Method, why)
		lock("quotas", !sameQuotas(in.Quotas, old.Quotas), why)
		lock("allow_vote_change", in.AllowVoteChange != old.AllowVoteChange, why)
		lock("count_seed", in.CountSeed != old.CountSeed, why)
		lock("nominations_open", !in.Timetable.NominationsOpen.Equal(old.NominationsOpen), why)
		lock("nominations_close", !in.Timetable.NominationsClose.Equal(old.NominationsClose), why)
		lock("freeze", !in.Timetable.Freeze.Equal(old.Freeze), why)
		lock("ballot_open", !in.Timetable.BallotOpen.Equal(old.BallotOpen), why)
		if old.Status == store.ElectionOpen && !in.Timetable.BallotClose.Equal(old.BallotClose) && !in.Timetable.BallotClose.IsZero() && !in.Timetable.BallotClose.After(now) {
			fe["ballot_close"] = "Choose a time in the future, or close the ballot now"
		}
	} else if stage >= stageIndex(store.ElectionFrozen) {
		lock("freeze", !in.Timetable.Freeze.Equal(old.Freeze), "the roll has been taken")
	}
	if stage >= stageIndex(store.ElectionClosed) {
		lock("ballot_close", !in.Timetable.BallotClose.Equal(old.BallotClose), "voting has closed")
		lock("mailings_per_candidate", in.MailingsPerCandidate != old.MailingsPerCandidate, "voting has closed")
	}
	if stage >= stageIndex(store.ElectionDeclared) {
		lock("declare", !in.Timetable.Declare.Equal(old.Declare), "the result has been declared")
	}
	return fe
}

func sameQuotas(a, b []Quota) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func stageIndex(status string) int {
	for i, s := range store.ElectionStatuses {
		if s == status {
			return i
		}
	}
	return -1
}

// checkLinks checks that the body and section exist and belong together,
// and fills in the body of a section given alone.
func checkLinks(ctx context.Context, tx *store.Tx, in *Settings) error {
	if in.SectionID != 0 {
		sec, err := tx.SectionByID(ctx, in.SectionID)
		if errors.Is(err, store.ErrNotFound) {
			return FieldErrors{"section": "Choose an existing section"}
		}
		if err != nil {
			return err
		}
		if in.BodyID != 0 && sec.BodyID != in.BodyID {
			return FieldErrors{"section": "This section belongs to another body"}
		}
		in.BodyID = sec.BodyID
	}
	if in.BodyID != 0 {
		if _, err := tx.BodyByID(ctx, in.BodyID); errors.Is(err, store.ErrNotFound) {
			return FieldErrors{"body": "Choose an existing body"}
		} else if err != nil {
			return err
		}
	}
	return nil
}

// describeSettings is the audit log's record of the settings.
func describeSettings(e store.Election) string {
	var q []string
	for _, r := range e.Quotas {
		q = append(q, fmt.Sprintf("%s=%s:%d", r.Attribute, r.Value, r.Min))
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("title=%q slug=%s seats=%d method=%s quotas=[%s] vote_change=%t turnout_by_unit=%t mailings=%d seed=%q freeze=%s open=%s close=%s declare=%s",
		e.Title, e.Slug, e.Seats, e.Method, strings.Join(q, ","), e.AllowVoteChange, e.TurnoutByUnit, e.MailingsPerCandidate, e.CountSeed,
		ts(e.Freeze), ts(e.BallotOpen), ts(e.BallotClose), ts(e.Declare))
}

// ParseQuotas reads quota rules written one per line or separated by
// commas as ATTRIBUTE=VALUE:MIN (e.g. "gender=woman:5"), for a text field.
func ParseQuotas(text string) ([]Quota, error) {
	var out []Quota
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		r, err := count.ParseQuotaRule(part)
		if err != nil {
			return nil, FieldErrors{"quotas": fmt.Sprintf("%q: write each rule as attribute=value:minimum, e.g. gender=woman:5", part)}
		}
		out = append(out, Quota{Attribute: r.Attribute, Value: r.Value, Min: r.Min})
	}
	return out, nil
}
