package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// MembershipInput adds one membership by hand (the import does many).
type MembershipInput struct {
	UnitSlug string
	Number   string
	Type     string
	Start    string // YYYY-MM-DD
}

var membershipNumberRE = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,40}$`)

// MembershipTypes are the kinds of membership, the same the import accepts.
func MembershipTypes() []string { return memberTypes }

// AddMembership records that a person is a member of a unit.
func (s *Service) AddMembership(ctx context.Context, p *auth.Principal, personID int64, in MembershipInput) error {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return err
	}
	fe := FieldErrors{}
	in.Number = strings.TrimSpace(in.Number)
	if !membershipNumberRE.MatchString(in.Number) {
		fe["number"] = "Enter the membership number: letters, digits and . _ / - only, at most 40 characters"
	}
	if in.Type == "" {
		in.Type = "full"
	}
	if !contains(memberTypes, in.Type) {
		fe["mtype"] = "Choose the kind of membership"
	}
	start, err := ParseDate(in.Start)
	if err != nil || start.IsZero() {
		fe["start_date"] = "Enter the date the membership began as YYYY-MM-DD"
	}
	unit, uerr := s.DB.UnitBySlug(ctx, strings.TrimSpace(in.UnitSlug))
	if uerr != nil {
		fe["unit"] = "Enter the web address of an existing unit, e.g. north-ward"
	}
	if err := fe.orNil(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.PersonByID(ctx, personID); err != nil {
			return err
		}
		id, err := tx.CreateMembership(ctx, store.Membership{PersonID: personID, UnitID: unit.ID, Number: in.Number, Type: in.Type, Start: start, Status: "active"})
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"number": "Another membership already has this number"}
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "membership.create", TargetType: "person", TargetID: strconv.FormatInt(personID, 10),
			New: fmt.Sprintf("membership=%d unit=%s type=%s start=%s", id, unit.Slug, in.Type, start.Format(time.DateOnly))})
	})
}

// LapseMembership ends a membership on a date.
func (s *Service) LapseMembership(ctx context.Context, p *auth.Principal, personID, membershipID int64, on time.Time) error {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return err
	}
	if on.IsZero() {
		return FieldErrors{"lapse_date": "Enter the date the membership lapses"}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LapseMembership(ctx, personID, membershipID, on); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "membership.lapse", TargetType: "person", TargetID: strconv.FormatInt(personID, 10),
			New: fmt.Sprintf("membership=%d lapsed=%s", membershipID, on.Format(time.DateOnly))})
	})
}

// OfficeInput records a public office held.
type OfficeInput struct {
	Office    string // councillor, MP, …
	Authority string // the council or parliament
	UnitSlug  string // the council group, for a councillor (optional)
	Start     string
}

// PublicOffices are the offices Quorum knows, in display order.
var PublicOffices = []string{"councillor", "mayor", "Member of Parliament", "Member of the Scottish Parliament", "Member of the Senedd",
	"Member of the European Parliament", "police and crime commissioner", "peer"}

// AddOffice records that a person holds a public office.
func (s *Service) AddOffice(ctx context.Context, p *auth.Principal, personID int64, in OfficeInput) error {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return err
	}
	fe := FieldErrors{}
	if !contains(PublicOffices, in.Office) {
		fe["office"] = "Choose the office"
	}
	in.Authority = strings.TrimSpace(in.Authority)
	if in.Authority == "" || len(in.Authority) > 200 {
		fe["authority"] = "Enter the council or parliament, at most 200 characters"
	}
	start, err := ParseDate(in.Start)
	if err != nil {
		fe["office_start"] = "Enter the start date as YYYY-MM-DD, or leave it blank"
	}
	var unitID int64
	if slug := strings.TrimSpace(in.UnitSlug); slug != "" {
		u, err := s.DB.UnitBySlug(ctx, slug)
		if err != nil {
			fe["office_unit"] = "Enter the web address of an existing unit, or leave it blank"
		}
		unitID = u.ID
	}
	if err := fe.orNil(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.PersonByID(ctx, personID); err != nil {
			return err
		}
		id, err := tx.CreateOffice(ctx, store.Office{PersonID: personID, Office: in.Office, Authority: in.Authority, UnitID: unitID, Start: sql.NullTime{Time: start, Valid: !start.IsZero()}})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "office.create", TargetType: "person", TargetID: strconv.FormatInt(personID, 10),
			New: fmt.Sprintf("office=%d %s, %s", id, in.Office, in.Authority)})
	})
}

// EndOffice records that a person left a public office.
func (s *Service) EndOffice(ctx context.Context, p *auth.Principal, personID, officeID int64, on time.Time) error {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return err
	}
	if on.IsZero() {
		return FieldErrors{"office_end": "Enter the date the office ended"}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.EndOffice(ctx, personID, officeID, on); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "office.end", TargetType: "person", TargetID: strconv.FormatInt(personID, 10),
			New: fmt.Sprintf("office=%d ended=%s", officeID, on.Format(time.DateOnly))})
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
