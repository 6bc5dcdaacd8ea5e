package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// OrganisationInput is what the organisation form submits.
type OrganisationInput struct {
	Name, ShortName, Description string
	// PublicComments lets visitors who are not signed in comment on
	// reports.
	PublicComments bool
}

// SaveOrganisation sets the organisation's name, description and whether
// the public may comment; only administrators may.
func (s *Service) SaveOrganisation(ctx context.Context, p *auth.Principal, in OrganisationInput) error {
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		return err
	}
	in.Name, in.ShortName, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.ShortName), strings.TrimSpace(in.Description)
	fe := FieldErrors{}
	checkName(fe, "name", in.Name)
	if len(in.ShortName) > 60 {
		fe["short_name"] = "Use at most 60 characters"
	}
	if len(in.Description) > 2000 {
		fe["description"] = "Use at most 2,000 characters"
	}
	if err := fe.orNil(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		old, err := s.DB.Organisation(ctx)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.SaveOrganisation(ctx, store.Organisation{Name: in.Name, ShortName: in.ShortName, Description: in.Description, PublicComments: in.PublicComments}); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: p.PersonID, Action: "organisation.update", TargetType: "organisation", TargetID: "1",
			Old: fmt.Sprintf("name=%q public_comments=%t", old.Name, old.PublicComments), New: fmt.Sprintf("name=%q public_comments=%t", in.Name, in.PublicComments)})
	})
}
