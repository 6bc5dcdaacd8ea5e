package org

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// PersonInput is what a form submits about a person.
type PersonInput struct {
	Name        string
	Email       string
	Gender      string
	Bio         string
	ShowProfile bool
	ShowEmail   bool
	ShowOffices bool
}

func (in *PersonInput) normalise() {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = auth.NormaliseEmail(in.Email)
	in.Bio = strings.TrimSpace(in.Bio)
}

func (in PersonInput) validate() FieldErrors {
	fe := FieldErrors{}
	checkName(fe, "name", in.Name)
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			fe["email"] = "Enter an e-mail address like name@example.org"
		}
	}
	if !validGender(in.Gender) {
		fe["gender"] = "Choose one of the options"
	}
	if len(in.Bio) > 5000 {
		fe["bio"] = "Use at most 5,000 characters"
	}
	return fe
}

// CreatePerson adds a person; only administrators may.
func (s *Service) CreatePerson(ctx context.Context, p *auth.Principal, in PersonInput) (store.Person, error) {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return store.Person{}, err
	}
	return s.createPerson(ctx, p.PersonID, in)
}

// CreatePersonAsSystem adds a person from the command line (no principal).
func (s *Service) CreatePersonAsSystem(ctx context.Context, in PersonInput) (store.Person, error) {
	return s.createPerson(ctx, 0, in)
}

func (s *Service) createPerson(ctx context.Context, actorID int64, in PersonInput) (store.Person, error) {
	in.normalise()
	if err := in.validate().orNil(); err != nil {
		return store.Person{}, err
	}
	person := store.Person{Name: in.Name, Email: in.Email, Gender: in.Gender, Bio: in.Bio, ShowProfile: in.ShowProfile, ShowEmail: in.ShowEmail, ShowOffices: in.ShowOffices}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		base := Slugify(in.Name)
		if base == "" {
			base = "person"
		}
		// Try the plain slug, then numbered ones; a clash on e-mail stops at once.
		for i := 1; i <= 50; i++ {
			person.Slug = base
			if i > 1 {
				person.Slug = fmt.Sprintf("%s-%d", base, i)
			}
			id, err := tx.CreatePersonSavepoint(ctx, person)
			if err == nil {
				person.ID = id
				return tx.Audit(ctx, store.AuditEntry{ActorID: actorID, Action: "person.create", TargetType: "person", TargetID: strconv.FormatInt(id, 10)})
			}
			if !errors.Is(err, store.ErrConflict) {
				return err
			}
			if strings.Contains(err.Error(), "email") {
				return FieldErrors{"email": "Another person already uses this e-mail address"}
			}
		}
		return FieldErrors{"name": "Too many people share this name; add a middle initial"}
	})
	return person, err
}

// UpdatePerson edits a person. Administrators may edit anyone; people may
// edit their own profile and choose what it shows.
func (s *Service) UpdatePerson(ctx context.Context, p *auth.Principal, id int64, in PersonInput) (store.Person, error) {
	if !p.SignedIn() {
		return store.Person{}, auth.ErrSignInNeeded
	}
	if p.PersonID != id && !p.Can(auth.ManageOrg, auth.Target{}) {
		return store.Person{}, auth.ErrForbidden
	}
	in.normalise()
	if err := in.validate().orNil(); err != nil {
		return store.Person{}, err
	}
	var person store.Person
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.PersonByID(ctx, id)
		if err != nil {
			return err
		}
		person = store.Person{ID: id, Name: in.Name, Email: in.Email, Gender: in.Gender, Bio: in.Bio, Slug: old.Slug, ShowProfile: in.ShowProfile, ShowEmail: in.ShowEmail, ShowOffices: in.ShowOffices}
		err = tx.UpdatePerson(ctx, person)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"email": "Another person already uses this e-mail address"}
		}
		if err != nil {
			return err
		}
		// Personal data stays out of the audit log: record which fields changed, not their values.
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "person.update", TargetType: "person", TargetID: strconv.FormatInt(id, 10), New: changedFields(old, person)})
	})
	return person, err
}

func changedFields(a, b store.Person) string {
	var ch []string
	if a.Name != b.Name {
		ch = append(ch, "name")
	}
	if a.Email != b.Email {
		ch = append(ch, "email")
	}
	if a.Gender != b.Gender {
		ch = append(ch, "gender")
	}
	if a.Bio != b.Bio {
		ch = append(ch, "bio")
	}
	if a.ShowProfile != b.ShowProfile || a.ShowEmail != b.ShowEmail || a.ShowOffices != b.ShowOffices {
		ch = append(ch, "visibility")
	}
	if len(ch) == 0 {
		return "no change"
	}
	return "changed: " + strings.Join(ch, ", ")
}
