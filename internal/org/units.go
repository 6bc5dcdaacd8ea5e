package org

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// UnitInput is what a form submits to create or edit a unit.
type UnitInput struct {
	Type     string
	Name     string
	Slug     string
	Code     string
	ParentID int64
}

func (in *UnitInput) normalise() {
	in.Name = strings.TrimSpace(in.Name)
	in.Code = strings.TrimSpace(in.Code)
	in.Slug = strings.TrimSpace(in.Slug)
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
}

func (in UnitInput) validate() FieldErrors {
	fe := FieldErrors{}
	if !validUnitType(in.Type) {
		fe["type"] = "Choose the kind of unit"
	}
	checkName(fe, "name", in.Name)
	checkSlug(fe, "slug", in.Slug)
	if len(in.Code) > 40 {
		fe["code"] = "Use at most 40 characters"
	}
	return fe
}

func describeUnit(u store.Unit) string {
	return fmt.Sprintf("type=%s name=%q slug=%s code=%q parent=%d", u.Type, u.Name, u.Slug, u.Code, u.ParentID)
}

// CreateUnit adds a unit; only administrators may.
func (s *Service) CreateUnit(ctx context.Context, p *auth.Principal, in UnitInput) (store.Unit, error) {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return store.Unit{}, err
	}
	in.normalise()
	fe := in.validate()
	if err := fe.orNil(); err != nil {
		return store.Unit{}, err
	}
	u := store.Unit{Type: in.Type, Name: in.Name, Slug: in.Slug, Code: in.Code, ParentID: in.ParentID}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if in.ParentID != 0 {
			if _, err := tx.UnitByID(ctx, in.ParentID); err != nil {
				return FieldErrors{"parent": "Choose an existing unit"}
			}
		}
		id, err := tx.CreateUnit(ctx, u)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another unit already uses this web address"}
		}
		if err != nil {
			return err
		}
		u.ID = id
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "unit.create", TargetType: "unit", TargetID: strconv.FormatInt(id, 10), New: describeUnit(u)})
	})
	return u, err
}

// UpdateUnit edits a unit; administrators and the unit's officers may.
func (s *Service) UpdateUnit(ctx context.Context, p *auth.Principal, id int64, in UnitInput) (store.Unit, error) {
	if err := p.Require(auth.EditUnit, auth.Target{UnitID: id}); err != nil {
		return store.Unit{}, err
	}
	in.normalise()
	fe := in.validate()
	if err := fe.orNil(); err != nil {
		return store.Unit{}, err
	}
	var u store.Unit
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.UnitByID(ctx, id)
		if err != nil {
			return err
		}
		// Officers may rename their unit but not move it or change its kind.
		if !p.Can(auth.ManageOrg, auth.Target{}) && (in.Type != old.Type || in.ParentID != old.ParentID) {
			return auth.ErrForbidden
		}
		if in.ParentID != 0 {
			cyc, err := tx.IsAncestorOrSelf(ctx, in.ParentID, id)
			if errors.Is(err, store.ErrNotFound) {
				return FieldErrors{"parent": "Choose an existing unit"}
			}
			if err != nil {
				return err
			}
			if cyc {
				return FieldErrors{"parent": "A unit cannot be inside itself or one of its own sub-units"}
			}
		}
		u = store.Unit{ID: id, Type: in.Type, Name: in.Name, Slug: in.Slug, Code: in.Code, ParentID: in.ParentID}
		err = tx.UpdateUnit(ctx, u)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"slug": "Another unit already uses this web address"}
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "unit.update", TargetType: "unit", TargetID: strconv.FormatInt(id, 10), Old: describeUnit(old), New: describeUnit(u)})
	})
	return u, err
}
