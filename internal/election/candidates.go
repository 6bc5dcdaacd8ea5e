package election

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// CandidateInput is what the returning officer's form submits for a
// candidate.
type CandidateInput struct {
	Name       string
	PersonID   int64             // optional: the person standing, if known to Quorum
	Attributes map[string]string // e.g. {"gender": "woman"}, read by quota rules
	Statement  string            // Markdown, stored as written; pages sanitise it
	Position   int               // order on the ballot paper
}

// Limits of a candidate.
const (
	maxCandidates   = 1000 // the count library's limit
	maxStatement    = 20000
	MaxPhotoBytes   = 2 << 20
	maxCandidateLen = 200
)

func (in *CandidateInput) normalise() {
	in.Name = strings.Join(strings.Fields(in.Name), " ") // the .blt format collapses spaces in names
	in.Statement = strings.TrimSpace(in.Statement)
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k != "" && v != "" {
			attrs[k] = v
		}
	}
	in.Attributes = attrs
}

func (in CandidateInput) validate() FieldErrors {
	fe := FieldErrors{}
	switch {
	case in.Name == "":
		fe["name"] = "Enter the candidate's name as it should appear on the ballot paper"
	case len(in.Name) > maxCandidateLen:
		fe["name"] = fmt.Sprintf("Use at most %d characters", maxCandidateLen)
	case strings.ContainsAny(in.Name, "\"\r\n"):
		fe["name"] = "A name cannot contain double quotes or line breaks"
	}
	if len(in.Statement) > maxStatement {
		fe["statement"] = fmt.Sprintf("Use at most %d characters", maxStatement)
	}
	if len(in.Attributes) > 20 {
		fe["attributes"] = "Give at most 20 attributes"
	}
	for k, v := range in.Attributes {
		if len(k) > maxAttributeOrValue || len(v) > maxAttributeOrValue {
			fe["attributes"] = fmt.Sprintf("Use at most %d characters for each attribute and value", maxAttributeOrValue)
		}
	}
	return fe
}

// candidatesEditable refuses changes to the ballot paper once voting has
// opened: voters must all see the same paper. Withdrawals stay possible.
func candidatesEditable(e store.Election) error {
	if stageIndex(e.Status) >= stageIndex(store.ElectionOpen) {
		return stageErr("the ballot paper cannot change once voting has opened")
	}
	return nil
}

// AddCandidate adds a candidate to an election not yet open.
func (s *Service) AddCandidate(ctx context.Context, p *auth.Principal, electionID int64, in CandidateInput) (store.Candidate, error) {
	defer s.forgetPaper(electionID)
	if err := requireOfficer(p); err != nil {
		return store.Candidate{}, err
	}
	in.normalise()
	if err := fieldErrs(in.validate()); err != nil {
		return store.Candidate{}, err
	}
	c := store.Candidate{ElectionID: electionID, Name: in.Name, PersonID: in.PersonID, Attributes: in.Attributes, Statement: in.Statement, Position: in.Position}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if err := candidatesEditable(e); err != nil {
			return err
		}
		existing, err := tx.CandidatesOf(ctx, electionID)
		if err != nil {
			return err
		}
		if len(existing) >= maxCandidates {
			return FieldErrors{"name": fmt.Sprintf("An election can have at most %d candidates", maxCandidates)}
		}
		if in.PersonID != 0 {
			if _, err := tx.PersonByID(ctx, in.PersonID); errors.Is(err, store.ErrNotFound) {
				return FieldErrors{"person": "Choose a person known to Quorum, or none"}
			} else if err != nil {
				return err
			}
		}
		if c.Position == 0 {
			c.Position = len(existing) + 1
		}
		id, err := tx.CreateCandidate(ctx, c)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"name": "Another candidate in this election has this name"}
		}
		if err != nil {
			return err
		}
		c.ID = id
		return audit(ctx, tx, p.PersonID, "election.candidate_add", electionID, "", fmt.Sprintf("candidate=%d name=%q person=%d", id, c.Name, c.PersonID))
	})
	return c, err
}

// UpdateCandidate edits a candidate of an election not yet open.
func (s *Service) UpdateCandidate(ctx context.Context, p *auth.Principal, electionID, candidateID int64, in CandidateInput) (store.Candidate, error) {
	defer s.forgetPaper(electionID)
	if err := requireOfficer(p); err != nil {
		return store.Candidate{}, err
	}
	in.normalise()
	if err := fieldErrs(in.validate()); err != nil {
		return store.Candidate{}, err
	}
	var c store.Candidate
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if err := candidatesEditable(e); err != nil {
			return err
		}
		old, err := tx.CandidateByID(ctx, electionID, candidateID)
		if err != nil {
			return err
		}
		if in.PersonID != 0 {
			if _, err := tx.PersonByID(ctx, in.PersonID); errors.Is(err, store.ErrNotFound) {
				return FieldErrors{"person": "Choose a person known to Quorum, or none"}
			} else if err != nil {
				return err
			}
		}
		c = old
		c.Name, c.PersonID, c.Attributes, c.Statement = in.Name, in.PersonID, in.Attributes, in.Statement
		if in.Position != 0 {
			c.Position = in.Position
		}
		err = tx.UpdateCandidate(ctx, c)
		if errors.Is(err, store.ErrConflict) {
			return FieldErrors{"name": "Another candidate in this election has this name"}
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.candidate_update", electionID,
			fmt.Sprintf("candidate=%d name=%q person=%d", old.ID, old.Name, old.PersonID), fmt.Sprintf("candidate=%d name=%q person=%d", c.ID, c.Name, c.PersonID))
	})
	return c, err
}

// SetCandidatePhoto stores a candidate's photo (JPEG, PNG or WebP, at most
// MaxPhotoBytes); nil removes it.
func (s *Service) SetCandidatePhoto(ctx context.Context, p *auth.Principal, electionID, candidateID int64, photo []byte) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	typ := ""
	if len(photo) > 0 {
		if len(photo) > MaxPhotoBytes {
			return FieldErrors{"photo": fmt.Sprintf("The photo is too large: use at most %d MB", MaxPhotoBytes>>20)}
		}
		typ = http.DetectContentType(photo)
		if typ != "image/jpeg" && typ != "image/png" && typ != "image/webp" {
			return FieldErrors{"photo": "Upload a JPEG, PNG or WebP image"}
		}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if err := candidatesEditable(e); err != nil {
			return err
		}
		if err := tx.SetCandidatePhoto(ctx, electionID, candidateID, photo, typ); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.candidate_photo", electionID, "", fmt.Sprintf("candidate=%d bytes=%d", candidateID, len(photo)))
	})
}

// CandidatePhoto returns a candidate's photo and its content type.
func (s *Service) CandidatePhoto(ctx context.Context, electionID, candidateID int64) ([]byte, string, error) {
	return s.db.CandidatePhoto(ctx, electionID, candidateID)
}

// WithdrawCandidate withdraws a candidate (or, with withdrawn false,
// restores them) up to the close. Voters can no longer rank a withdrawn
// candidate, and the count passes over them on ballots cast before.
func (s *Service) WithdrawCandidate(ctx context.Context, p *auth.Principal, electionID, candidateID int64, withdrawn bool) error {
	defer s.forgetPaper(electionID)
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if stageIndex(e.Status) >= stageIndex(store.ElectionClosed) {
			return stageErr("voting has closed")
		}
		if err := tx.SetCandidateWithdrawn(ctx, electionID, candidateID, withdrawn); err != nil {
			return err
		}
		if stageIndex(e.Status) >= stageIndex(store.ElectionOpen) {
			if err := s.checkCountable(ctx, tx, e); err != nil {
				return err
			}
		}
		return audit(ctx, tx, p.PersonID, "election.candidate_withdraw", electionID, "", fmt.Sprintf("candidate=%d withdrawn=%t", candidateID, withdrawn))
	})
}

// DeleteCandidate removes a candidate from an election not yet open.
func (s *Service) DeleteCandidate(ctx context.Context, p *auth.Principal, electionID, candidateID int64) error {
	defer s.forgetPaper(electionID)
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if err := candidatesEditable(e); err != nil {
			return err
		}
		c, err := tx.CandidateByID(ctx, electionID, candidateID)
		if err != nil {
			return err
		}
		if err := tx.DeleteCandidate(ctx, electionID, candidateID); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.candidate_delete", electionID, fmt.Sprintf("candidate=%d name=%q", c.ID, c.Name), "")
	})
}

// Candidates lists an election's candidates in ballot-paper order.
func (s *Service) Candidates(ctx context.Context, electionID int64) ([]store.Candidate, error) {
	return s.db.CandidatesOf(ctx, electionID)
}
