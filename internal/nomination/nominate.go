package nomination

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/mail"
	"quorum/internal/store"
)

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// Nominator is a body or person a principal may nominate for in a period.
type Nominator struct {
	Key      string // "unit:ID" or "person:ID"
	UnitID   int64
	PersonID int64
	Name     string
}

// NominatorsFor lists on whose behalf p may nominate in the period: the
// units of an allowed type p is an officer of, and p themself if they hold
// the nominating office.
func (s *Service) NominatorsFor(ctx context.Context, p *auth.Principal, per store.NominationPeriod) ([]Nominator, error) {
	if !p.SignedIn() {
		return nil, nil
	}
	var out []Nominator
	for _, g := range p.Grants {
		if g.UnitID == 0 || !p.Can(auth.NominateForUnit, auth.Target{UnitID: g.UnitID}) {
			continue
		}
		u, err := s.db.UnitByID(ctx, g.UnitID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(per.UnitTypes, u.Type) && !slices.ContainsFunc(out, func(n Nominator) bool { return n.UnitID == u.ID }) {
			out = append(out, Nominator{Key: unitNominator(u.ID), UnitID: u.ID, Name: u.Name})
		}
	}
	if per.NominatorOffice != "" {
		ok, err := s.db.HoldsOffice(ctx, p.PersonID, per.NominatorOffice, s.now())
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, Nominator{Key: personNominator(p.PersonID), PersonID: p.PersonID, Name: p.Name + " (for yourself)"})
		}
	}
	return out, nil
}

// nominatorOf checks that p may nominate as the given nominator.
func (s *Service) nominatorOf(ctx context.Context, p *auth.Principal, per store.NominationPeriod, key string) (Nominator, error) {
	if !p.SignedIn() {
		return Nominator{}, auth.ErrSignInNeeded
	}
	ns, err := s.NominatorsFor(ctx, p, per)
	if err != nil {
		return Nominator{}, err
	}
	for _, n := range ns {
		if n.Key == key {
			return n, nil
		}
	}
	return Nominator{}, ErrNotNominator
}

// NominationInput is what the nominate form submits: the whole of a
// nominator's nominations, one candidate (or none) for each place.
type NominationInput struct {
	Nominator string           // "unit:ID" or "person:ID"
	Choices   map[string]int64 // place key -> candidate id; 0 leaves the place empty
	// Seen lists the ids of the live nominations the form showed, so that
	// a change made meanwhile by another officer is not silently undone.
	Seen []int64
	// The nominating meeting, where the period requires one.
	MeetingDate time.Time
	Present     int
	Votes       map[int64]int // candidate id -> votes at the meeting
}

func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// LiveIDs lists the ids of live nominations, for NominationInput.Seen.
func LiveIDs(ns []store.Nomination) []int64 {
	ids := make([]int64, 0, len(ns))
	for _, n := range ns {
		if n.Status == store.NominationActive {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

// open checks that nominations may change now.
func open(per store.NominationPeriod, now time.Time) error {
	switch {
	case per.Status != store.PeriodOpen || !now.Before(per.ClosesAt):
		return ErrClosed
	case now.Before(per.OpensAt):
		return ErrNotOpen
	}
	return nil
}

// Nominate submits, replaces or withdraws a nominator's nominations. A
// place whose candidate is unchanged keeps its nomination (and the
// candidate's consent); a changed place ends the old nomination as
// replaced; an emptied place withdraws it. The nominating body's officers
// get a receipt.
func (s *Service) Nominate(ctx context.Context, p *auth.Principal, periodID int64, in NominationInput) ([]store.Nomination, error) {
	per, err := s.db.PeriodByID(ctx, periodID)
	if err != nil {
		return nil, err
	}
	nom, err := s.nominatorOf(ctx, p, per, in.Nominator)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var result []store.Nomination
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		per, err := tx.SharePeriod(ctx, periodID)
		if err != nil {
			return err
		}
		if err := open(per, now); err != nil {
			return err
		}
		live, err := tx.Nominations(ctx, store.NominationFilter{PeriodID: per.ID, Nominator: nom.Key, LiveOnly: true})
		if err != nil {
			return err
		}
		if !sameIDs(LiveIDs(live), in.Seen) {
			return ErrChanged
		}
		cands, err := tx.NominationCandidates(ctx, per.ID)
		if err != nil {
			return err
		}
		fe := s.checkChoices(per, cands, in)
		if err := fieldErrs(fe); err != nil {
			return err
		}
		bySlot := map[string]store.Nomination{}
		for _, n := range live {
			bySlot[n.Slot] = n
		}
		var changes []string
		// End first, so a candidate moved from one place to another does
		// not meet their own live nomination in the unique index.
		for _, sl := range per.Slots {
			old, had := bySlot[sl.Key]
			want := in.Choices[sl.Key]
			if had && old.CandidateID != want {
				status := store.NominationReplaced
				if want == 0 {
					status = store.NominationWithdrawn
				}
				if err := tx.EndNomination(ctx, old.ID, status, now); errors.Is(err, store.ErrNotFound) {
					return ErrChanged
				} else if err != nil {
					return err
				}
				changes = append(changes, fmt.Sprintf("%s: %s %s", sl.Key, status, old.CandidateName))
			}
		}
		for _, sl := range per.Slots {
			old, had := bySlot[sl.Key]
			want := in.Choices[sl.Key]
			if want == 0 || (had && old.CandidateID == want) {
				continue
			}
			n := store.Nomination{PeriodID: per.ID, Nominator: nom.Key, UnitID: nom.UnitID, PersonID: nom.PersonID, CandidateID: want, Slot: sl.Key,
				SubmittedBy: p.PersonID, SubmittedAt: now}
			if per.MeetingRequired {
				n.MeetingDate = sql.NullTime{Time: in.MeetingDate, Valid: true}
				n.MeetingPresent, n.MeetingVotes = in.Present, in.Votes[want]
			}
			id, err := tx.CreateNomination(ctx, n)
			if errors.Is(err, store.ErrConflict) {
				return ErrChanged
			}
			if err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("%s: nominated candidate %d (nomination %d)", sl.Key, want, id))
		}
		if len(changes) == 0 {
			return nil
		}
		if err := audit(ctx, tx, p.PersonID, "nomination.nominate", per.ID, "", nom.Key+" "+strings.Join(changes, "; ")); err != nil {
			return err
		}
		result, err = tx.Nominations(ctx, store.NominationFilter{PeriodID: per.ID, Nominator: nom.Key, LiveOnly: true})
		if err != nil {
			return err
		}
		return s.sendReceipts(ctx, tx, per, nom, result, now)
	})
	return result, err
}

func (s *Service) checkChoices(per store.NominationPeriod, cands []store.NominationCandidate, in NominationInput) FieldErrors {
	fe := FieldErrors{}
	byID := map[int64]store.NominationCandidate{}
	for _, c := range cands {
		byID[c.ID] = c
	}
	chosen := map[int64]bool{}
	any := false
	for key := range in.Choices {
		if !slices.ContainsFunc(per.Slots, func(sl store.NominationSlot) bool { return sl.Key == key }) {
			fe["slot-"+key] = "This place does not exist in this period"
		}
	}
	for _, sl := range per.Slots {
		id := in.Choices[sl.Key]
		if id == 0 {
			continue
		}
		any = true
		c, ok := byID[id]
		switch {
		case !ok:
			fe["slot-"+sl.Key] = "Choose one of the declared candidates"
		case !c.Standing:
			fe["slot-"+sl.Key] = c.Name + " is no longer standing"
		case sl.Gender != "" && c.Gender != sl.Gender:
			fe["slot-"+sl.Key] = fmt.Sprintf("This place is for a %s; %s is not recorded as one", sl.Gender, c.Name)
		case chosen[id]:
			fe["slot-"+sl.Key] = "Nominate each candidate once"
		}
		chosen[id] = true
	}
	if per.MeetingRequired && any {
		if in.MeetingDate.IsZero() {
			fe["meeting_date"] = "Give the date of the nominating meeting"
		} else if in.MeetingDate.After(s.now()) {
			fe["meeting_date"] = "The meeting cannot be in the future"
		}
		if in.Present < 1 {
			fe["present"] = "Give the number of people present at the meeting"
		}
		for id := range chosen {
			if v := in.Votes[id]; v < 0 || v > in.Present {
				fe["votes"] = "Give each candidate's votes, at most the number present"
			}
		}
	}
	return fe
}

// sendReceipts e-mails the nominating body's officers (or the individual
// nominator) and each newly nominated candidate.
func (s *Service) sendReceipts(ctx context.Context, tx *store.Tx, per store.NominationPeriod, nom Nominator, live []store.Nomination, now time.Time) error {
	var recipients []store.Person
	if nom.UnitID != 0 {
		officers, err := s.db.UnitOfficers(ctx, nom.UnitID)
		if err != nil {
			return err
		}
		recipients = officers
	} else {
		p, err := tx.PersonByID(ctx, nom.PersonID)
		if err != nil {
			return err
		}
		recipients = []store.Person{p}
	}
	var list strings.Builder
	sort.Slice(live, func(i, j int) bool { return live[i].Slot < live[j].Slot })
	for _, n := range live {
		fmt.Fprintf(&list, "- %s\n", n.CandidateName)
	}
	if len(live) == 0 {
		list.WriteString("- nobody (all nominations withdrawn)\n")
	}
	link := s.cfg.BaseURL + "/nominations/" + per.Slug
	for _, r := range recipients {
		if r.Email == "" {
			continue
		}
		msg := mail.Message{To: r.Email, Subject: "Nominations received: " + per.Title,
			Text: fmt.Sprintf("Dear %s,\n\nThe nominations of %s for %s now stand as:\n\n%s\nYou can change them until %s.\n\n%s\n",
				r.Name, strings.TrimSuffix(nom.Name, " (for yourself)"), per.Title, list.String(), FormatDeadline(per), link)}
		if _, err := s.mail.SendTx(ctx, tx, msg); err != nil {
			return err
		}
	}
	for _, n := range live {
		if n.Consent != store.ConsentPending || !n.SubmittedAt.Equal(now) {
			continue
		}
		c, err := tx.NominationCandidateByID(ctx, n.CandidateID)
		if err != nil {
			return err
		}
		cp, err := tx.PersonByID(ctx, c.PersonID)
		if err != nil || cp.Email == "" {
			continue
		}
		msg := mail.Message{To: cp.Email, Subject: "You have been nominated: " + per.Title,
			Text: fmt.Sprintf("Dear %s,\n\n%s has nominated you for %s. Please say whether you consent to this nomination:\n\n%s/candidate\n",
				cp.Name, strings.TrimSuffix(nom.Name, " (for yourself)"), per.Title, link)}
		if _, err := s.mail.SendTx(ctx, tx, msg); err != nil {
			return err
		}
	}
	return nil
}

// FormatDeadline writes the deadline on the period's own clock, with its zone.
func FormatDeadline(per store.NominationPeriod) string {
	loc, err := time.LoadLocation(per.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return per.ClosesAt.In(loc).Format("Monday 2 January 2006 at 15:04 MST")
}

// Nominations lists a period's nominations; all of them (with ended ones)
// or the live ones only.
func (s *Service) Nominations(ctx context.Context, periodID int64, liveOnly bool) ([]store.Nomination, error) {
	return s.db.Nominations(ctx, store.NominationFilter{PeriodID: periodID, LiveOnly: liveOnly})
}

// NominationsOf lists one nominator's live nominations.
func (s *Service) NominationsOf(ctx context.Context, periodID int64, nominator string) ([]store.Nomination, error) {
	return s.db.Nominations(ctx, store.NominationFilter{PeriodID: periodID, Nominator: nominator, LiveOnly: true})
}
