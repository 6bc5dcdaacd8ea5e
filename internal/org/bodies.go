package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// BodyInput is what a form submits to create or edit a body.
type BodyInput struct {
	Name        string
	Slug        string
	ParentID    int64 // set for a sub-committee
	Description string
}

func (in *BodyInput) normalise() {
	in.Name = strings.TrimSpace(in.Name)
	in.Slug = strings.TrimSpace(in.Slug)
	in.Description = strings.TrimSpace(in.Description)
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
}

func (in BodyInput) validate() FieldErrors {
	fe := FieldErrors{}
	checkName(fe, "name", in.Name)
	checkSlug(fe, "slug", in.Slug)
	if len(in.Description) > 5000 {
		fe["description"] = "Use at most 5,000 characters"
	}
	return fe
}

// CreateBody adds a governing body or sub-committee; only administrators may.
func (s *Service) CreateBody(ctx context.Context, p *auth.Principal, in BodyInput) (store.Body, error) {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return store.Body{}, err
	}
	in.normalise()
	if err := in.validate().orNil(); err != nil {
		return store.Body{}, err
	}
	b := store.Body{Name: in.Name, Slug: in.Slug, ParentID: in.ParentID, Description: in.Description}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.ParentID != 0 {
			if _, err := tx.BodyByID(ctx, in.ParentID); err != nil {
				return FieldErrors{"parent": "Choose an existing body"}
			}
		}
		id, err := tx.CreateBody(ctx, b)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another body already uses this web address"}
		}
		if err != nil {
			return err
		}
		b.ID = id
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "body.create", TargetType: "body", TargetID: strconv.FormatInt(id, 10), New: fmt.Sprintf("name=%q slug=%s parent=%d", b.Name, b.Slug, b.ParentID)})
	})
	return b, err
}

// UpdateBody edits a body; administrators and the body's secretary may.
func (s *Service) UpdateBody(ctx context.Context, p *auth.Principal, id int64, in BodyInput) (store.Body, error) {
	if err := p.Require(auth.EditBody, auth.Target{BodyID: id}); err != nil {
		return store.Body{}, err
	}
	in.normalise()
	if err := in.validate().orNil(); err != nil {
		return store.Body{}, err
	}
	var b store.Body
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.BodyByID(ctx, id)
		if err != nil {
			return err
		}
		if in.ParentID != old.ParentID && !p.Can(auth.ManageOrg, auth.Target{}) {
			return auth.ErrForbidden
		}
		if in.ParentID == id {
			return FieldErrors{"parent": "A body cannot be its own sub-committee"}
		}
		b = store.Body{ID: id, Name: in.Name, Slug: in.Slug, ParentID: in.ParentID, Description: in.Description}
		err = tx.UpdateBody(ctx, b)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another body already uses this web address"}
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "body.update", TargetType: "body", TargetID: strconv.FormatInt(id, 10),
			Old: fmt.Sprintf("name=%q slug=%s parent=%d", old.Name, old.Slug, old.ParentID), New: fmt.Sprintf("name=%q slug=%s parent=%d", b.Name, b.Slug, b.ParentID)})
	})
	return b, err
}

// SectionInput is what a form submits to add a section to a body.
type SectionInput struct {
	Name        string
	Seats       int
	WhoMayStand string
	WhoElects   string
	MinWomen    int
	Position    int
}

func (in SectionInput) validate() FieldErrors {
	fe := FieldErrors{}
	checkName(fe, "name", in.Name)
	if in.Seats < 1 || in.Seats > 500 {
		fe["seats"] = "Enter a number of seats from 1 to 500"
	}
	if in.MinWomen < 0 || in.MinWomen > in.Seats {
		fe["min_women"] = "The number of seats reserved for women must be between 0 and the number of seats"
	}
	if len(in.WhoMayStand) > 500 {
		fe["who_may_stand"] = "Use at most 500 characters"
	}
	if len(in.WhoElects) > 500 {
		fe["who_elects"] = "Use at most 500 characters"
	}
	return fe
}

// CreateSection adds a section with its seats to a body.
func (s *Service) CreateSection(ctx context.Context, p *auth.Principal, bodyID int64, in SectionInput) (store.Section, error) {
	if err := p.Require(auth.EditBody, auth.Target{BodyID: bodyID}); err != nil {
		return store.Section{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := in.validate().orNil(); err != nil {
		return store.Section{}, err
	}
	sec := store.Section{BodyID: bodyID, Name: in.Name, Seats: in.Seats, WhoMayStand: strings.TrimSpace(in.WhoMayStand), WhoElects: strings.TrimSpace(in.WhoElects), MinWomen: in.MinWomen, Position: in.Position}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.BodyByID(ctx, bodyID); err != nil {
			return err
		}
		id, err := tx.CreateSection(ctx, sec)
		if err != nil {
			return err
		}
		sec.ID = id
		for i := 1; i <= in.Seats; i++ {
			if _, err := tx.CreateSeat(ctx, id, fmt.Sprintf("Seat %d", i), i); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "section.create", TargetType: "section", TargetID: strconv.FormatInt(id, 10),
			New: fmt.Sprintf("body=%d name=%q seats=%d min_women=%d", bodyID, sec.Name, sec.Seats, sec.MinWomen)})
	})
	return sec, err
}

// UpdateSection edits a section; raising the number of seats adds seats.
// Seats are never removed here: a seat with a history is ended, not deleted.
func (s *Service) UpdateSection(ctx context.Context, p *auth.Principal, sectionID int64, in SectionInput) (store.Section, error) {
	var sec store.Section
	in.Name = strings.TrimSpace(in.Name)
	if err := in.validate().orNil(); err != nil {
		return sec, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.SectionByID(ctx, sectionID)
		if err != nil {
			return err
		}
		if err := p.Require(auth.EditBody, auth.Target{BodyID: old.BodyID}); err != nil {
			return err
		}
		have, err := tx.CountSeats(ctx, sectionID)
		if err != nil {
			return err
		}
		if in.Seats < have {
			return FieldErrors{"seats": fmt.Sprintf("This section has %d seats; seats with a history cannot be removed", have)}
		}
		sec = store.Section{ID: sectionID, BodyID: old.BodyID, Name: in.Name, Seats: in.Seats, WhoMayStand: strings.TrimSpace(in.WhoMayStand), WhoElects: strings.TrimSpace(in.WhoElects), MinWomen: in.MinWomen, Position: in.Position}
		if err := tx.UpdateSection(ctx, sec); err != nil {
			return err
		}
		for i := have + 1; i <= in.Seats; i++ {
			if _, err := tx.CreateSeat(ctx, sectionID, fmt.Sprintf("Seat %d", i), i); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "section.update", TargetType: "section", TargetID: strconv.FormatInt(sectionID, 10),
			Old: fmt.Sprintf("name=%q seats=%d min_women=%d", old.Name, old.Seats, old.MinWomen), New: fmt.Sprintf("name=%q seats=%d min_women=%d", sec.Name, sec.Seats, sec.MinWomen)})
	})
	return sec, err
}

// SeatInput appoints a person to a seat for a term.
type SeatInput struct {
	SeatID   int64
	PersonID int64
	Start    time.Time
	End      time.Time // zero: open-ended
	Note     string
}

// FillSeat records a person taking a seat; terms of one seat may not overlap.
func (s *Service) FillSeat(ctx context.Context, p *auth.Principal, bodyID int64, in SeatInput) error {
	if err := p.Require(auth.EditBody, auth.Target{BodyID: bodyID}); err != nil {
		return err
	}
	fe := FieldErrors{}
	if in.PersonID == 0 {
		fe["person"] = "Choose who takes the seat"
	}
	if in.Start.IsZero() {
		fe["start"] = "Enter the date the term starts"
	}
	if !in.End.IsZero() && !in.End.After(in.Start) {
		fe["end"] = "The term must end after it starts"
	}
	if err := fe.orNil(); err != nil {
		return err
	}
	end := sql.NullTime{Time: in.End, Valid: !in.End.IsZero()}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := seatInBody(ctx, s.DB, in.SeatID, bodyID); err != nil {
			return err
		}
		if _, err := tx.PersonByID(ctx, in.PersonID); err != nil {
			return FieldErrors{"person": "Choose an existing person"}
		}
		clash, err := tx.OverlappingTerm(ctx, in.SeatID, in.Start, end)
		if err != nil {
			return err
		}
		if clash != 0 {
			return FieldErrors{"start": "Someone holds this seat during these dates; end their term first"}
		}
		id, err := tx.CreateSeatTerm(ctx, store.SeatTerm{SeatID: in.SeatID, PersonID: in.PersonID, Start: in.Start, End: end, Note: strings.TrimSpace(in.Note)})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "seat.fill", TargetType: "seat", TargetID: strconv.FormatInt(in.SeatID, 10),
			New: fmt.Sprintf("term=%d person=%d from=%s", id, in.PersonID, in.Start.Format("2006-01-02"))})
	})
}

// EndTerm ends a seat holder's term, leaving the seat vacant from the day after.
func (s *Service) EndTerm(ctx context.Context, p *auth.Principal, bodyID, seatID, termID int64, end time.Time) error {
	if err := p.Require(auth.EditBody, auth.Target{BodyID: bodyID}); err != nil {
		return err
	}
	if end.IsZero() {
		return FieldErrors{"end": "Enter the date the term ends"}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := seatInBody(ctx, s.DB, seatID, bodyID); err != nil {
			return err
		}
		if err := tx.EndSeatTerm(ctx, termID, end); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "seat.end-term", TargetType: "seat", TargetID: strconv.FormatInt(seatID, 10),
			New: fmt.Sprintf("term=%d ends=%s", termID, end.Format("2006-01-02"))})
	})
}

func seatInBody(ctx context.Context, db *store.DB, seatID, bodyID int64) error {
	seats, err := db.SeatsOfBody(ctx, bodyID, time.Now())
	if err != nil {
		return err
	}
	for _, st := range seats {
		if st.SeatID == seatID {
			return nil
		}
	}
	return store.ErrNotFound
}
