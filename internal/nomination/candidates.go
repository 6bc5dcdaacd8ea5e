package nomination

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/store"
)

const maxStatement = 20000

// Declare records that the signed-in person intends to stand, with their
// statement; declaring again updates the statement and stands again.
func (s *Service) Declare(ctx context.Context, p *auth.Principal, periodID int64, statement string) (store.NominationCandidate, error) {
	if !p.SignedIn() {
		return store.NominationCandidate{}, auth.ErrSignInNeeded
	}
	statement = strings.TrimSpace(statement)
	if len(statement) > maxStatement {
		return store.NominationCandidate{}, FieldErrors{"statement": fmt.Sprintf("Use at most %d characters", maxStatement)}
	}
	now := s.now()
	var c store.NominationCandidate
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		per, err := tx.SharePeriod(ctx, periodID)
		if err != nil {
			return err
		}
		if err := open(per, now); err != nil {
			return err
		}
		person, err := tx.PersonByID(ctx, p.PersonID)
		if err != nil {
			return err
		}
		existing, err := s.db.NominationCandidateOf(ctx, periodID, p.PersonID)
		switch {
		case err == nil:
			c = existing
			c.Statement, c.Standing = statement, true
			if err := tx.UpdateNominationCandidate(ctx, c); err != nil {
				return err
			}
			return audit(ctx, tx, p.PersonID, "nomination.statement", periodID, "", fmt.Sprintf("candidate=%d standing=true", c.ID))
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		c = store.NominationCandidate{PeriodID: periodID, PersonID: p.PersonID, Name: person.Name, Gender: person.Gender, Statement: statement, Standing: true, DeclaredAt: now}
		c.ID, err = tx.CreateNominationCandidate(ctx, c)
		if errors.Is(err, store.ErrConflict) {
			return ErrChanged
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "nomination.declare", periodID, "", fmt.Sprintf("candidate=%d person=%d", c.ID, p.PersonID))
	})
	return c, err
}

// StandDown records that a candidate no longer intends to stand; their
// nominations stay on record but they will not go on the ballot.
func (s *Service) StandDown(ctx context.Context, p *auth.Principal, periodID int64) error {
	if !p.SignedIn() {
		return auth.ErrSignInNeeded
	}
	c, err := s.db.NominationCandidateOf(ctx, periodID, p.PersonID)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotCandidate
	}
	if err != nil {
		return err
	}
	if err := p.Require(auth.AnswerNomination, auth.Target{AuthorID: c.PersonID}); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		per, err := tx.SharePeriod(ctx, periodID)
		if err != nil {
			return err
		}
		if err := open(per, now); err != nil {
			return err
		}
		c.Standing = false
		if err := tx.UpdateNominationCandidate(ctx, c); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "nomination.stand_down", periodID, "", fmt.Sprintf("candidate=%d", c.ID))
	})
}

// Answer records a candidate's consent to a nomination of theirs, or their
// refusal of it, until the deadline.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, nominationID int64, consent bool) error {
	if !p.SignedIn() {
		return auth.ErrSignInNeeded
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.NominationByID(ctx, nominationID)
		if err != nil {
			return err
		}
		c, err := tx.NominationCandidateByID(ctx, n.CandidateID)
		if err != nil {
			return err
		}
		if err := p.Require(auth.AnswerNomination, auth.Target{AuthorID: c.PersonID}); err != nil {
			return ErrNotCandidate
		}
		per, err := tx.SharePeriod(ctx, n.PeriodID)
		if err != nil {
			return err
		}
		if err := open(per, now); err != nil {
			return err
		}
		if n.Status != store.NominationActive {
			return fmt.Errorf("%w: this nomination was withdrawn", ErrChanged)
		}
		answer := store.ConsentRefused
		if consent {
			answer = store.ConsentGiven
		}
		if err := tx.SetNominationConsent(ctx, n.ID, answer); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "nomination.consent", n.PeriodID, n.Consent, fmt.Sprintf("nomination=%d %s", n.ID, answer))
	})
}

// Candidates lists a period's declared candidates.
func (s *Service) Candidates(ctx context.Context, periodID int64) ([]store.NominationCandidate, error) {
	return s.db.NominationCandidates(ctx, periodID)
}

// CandidateOf returns the person's declaration in the period, if any.
func (s *Service) CandidateOf(ctx context.Context, p *auth.Principal, periodID int64) (store.NominationCandidate, error) {
	if !p.SignedIn() {
		return store.NominationCandidate{}, auth.ErrSignInNeeded
	}
	return s.db.NominationCandidateOf(ctx, periodID, p.PersonID)
}
