package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"quorum/internal/store"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// ErrNoSuchRole is returned for a role name Quorum does not know.
var ErrNoSuchRole = errors.New("unknown role")

// ErrScopeNeeded is returned when a scoped role is granted without its unit or body.
var ErrScopeNeeded = errors.New("this role needs a unit or a body")

// CreateAccount gives an existing person a log-in. actorID is who did it
// (0 for the command line).
func (s *Service) CreateAccount(ctx context.Context, actorID, personID int64, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAccount(ctx, personID, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: actorID, Action: "account.create", TargetType: "person", TargetID: itoa(personID)})
	})
}

// SetPassword replaces a person's password and ends their sessions.
func (s *Service) SetPassword(ctx context.Context, actorID, personID int64, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPasswordHash(ctx, personID, hash); err != nil {
			return err
		}
		if err := tx.DeleteSessionsOf(ctx, personID); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: actorID, Action: "account.set-password", TargetType: "person", TargetID: itoa(personID)})
	})
}

// GrantRole gives a person a role; scoped roles need their unit or body.
func (s *Service) GrantRole(ctx context.Context, actorID int64, g store.Grant) error {
	if err := validGrant(g); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.AddGrant(ctx, g); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("the person already holds this role: %w", store.ErrConflict)
			}
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: actorID, Action: "role.grant", TargetType: "person", TargetID: itoa(g.PersonID), New: describeGrant(g)})
	})
}

// RevokeRole takes a role away.
func (s *Service) RevokeRole(ctx context.Context, actorID int64, g store.Grant) error {
	if err := validGrant(g); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RemoveGrant(ctx, g); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: actorID, Action: "role.revoke", TargetType: "person", TargetID: itoa(g.PersonID), Old: describeGrant(g)})
	})
}

func validGrant(g store.Grant) error {
	r := Role(g.Role)
	if !r.Valid() {
		return fmt.Errorf("%w %q", ErrNoSuchRole, g.Role)
	}
	switch r.Scope() {
	case "unit":
		if g.UnitID == 0 || g.BodyID != 0 {
			return fmt.Errorf("%w: %s is held in a unit", ErrScopeNeeded, r.Label())
		}
	case "body":
		if g.BodyID == 0 || g.UnitID != 0 {
			return fmt.Errorf("%w: %s is held in a body", ErrScopeNeeded, r.Label())
		}
	default:
		if g.UnitID != 0 || g.BodyID != 0 {
			return fmt.Errorf("%s applies to the whole organisation, not to one unit or body", r.Label())
		}
	}
	return nil
}

func describeGrant(g store.Grant) string {
	s := g.Role
	if g.UnitID != 0 {
		s += fmt.Sprintf(" of unit %d", g.UnitID)
	}
	if g.BodyID != 0 {
		s += fmt.Sprintf(" of body %d", g.BodyID)
	}
	if g.Title != "" {
		s += " (" + g.Title + ")"
	}
	return s
}
