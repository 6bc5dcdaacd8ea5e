package nomination

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// Outcomes recorded for each candidate at the close.
const (
	OutcomeBallot     = "ballot"      // on the ballot
	OutcomeThreshold  = "threshold"   // threshold not met
	OutcomeNoConsent  = "no_consent"  // nominated, but consented to no nomination
	OutcomeStoodDown  = "stood_down"  // no longer standing
	OutcomeNoElection = "no_election" // qualified; the period feeds no election
)

// OutcomeLabel names an outcome for people.
func OutcomeLabel(o string) string {
	switch o {
	case OutcomeBallot:
		return "On the ballot"
	case OutcomeThreshold:
		return "Not on the ballot: threshold not met"
	case OutcomeNoConsent:
		return "Not on the ballot: did not consent to any nomination"
	case OutcomeStoodDown:
		return "Not on the ballot: no longer standing"
	case OutcomeNoElection:
		return "Qualified"
	}
	return o
}

// Close closes a period now, by the returning officer, and hands the
// qualified, consenting candidates to the linked election's ballot.
func (s *Service) Close(ctx context.Context, p *auth.Principal, periodID int64) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	if err := s.close(ctx, periodID, p.PersonID); err != nil {
		return err
	}
	return s.handOver(ctx, periodID, p)
}

// HandOver retries putting a closed period's qualified candidates on the
// ballot, e.g. after the returning officer fixed the election.
func (s *Service) HandOver(ctx context.Context, p *auth.Principal, periodID int64) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.handOver(ctx, periodID, p)
}

// Register gives the runner the close job.
func (s *Service) Register(r HandlerRegistry) { r.Handle(KindClose, s.runClose) }

// runClose closes a period at its deadline. The job does nothing if the
// deadline moved since it was queued (the moved deadline has its own job)
// and is safe to run again: a closed period only finishes its hand-over.
func (s *Service) runClose(ctx context.Context, raw json.RawMessage) error {
	var pl closePayload
	if err := json.Unmarshal(raw, &pl); err != nil {
		return jobs.Permanent(err)
	}
	per, err := s.db.PeriodByID(ctx, pl.PeriodID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if per.Status == store.PeriodOpen && per.ClosesAt.Unix() != pl.At {
		return nil
	}
	if per.Status == store.PeriodOpen && s.now().Before(per.ClosesAt) {
		return fmt.Errorf("nomination period %d: close job ran before the deadline", per.ID)
	}
	if err := s.close(ctx, per.ID, 0); err != nil {
		return err
	}
	p, err := s.handOverPrincipal(ctx, per)
	if errors.Is(err, ErrNoBallotOfficer) {
		s.log.Warn("nomination period closed; the returning officer must hand the candidates to the ballot", "period", per.ID)
		return nil
	}
	if err != nil {
		return err
	}
	return s.handOver(ctx, per.ID, p)
}

// handOverPrincipal acts for the returning officer who set the period up,
// as long as they still hold the role: adding candidates to a ballot is
// theirs to do, and the election's audit log names them.
func (s *Service) handOverPrincipal(ctx context.Context, per store.NominationPeriod) (*auth.Principal, error) {
	if per.CreatedBy == 0 {
		return nil, ErrNoBallotOfficer
	}
	grants, err := s.db.GrantsOf(ctx, per.CreatedBy)
	if err != nil {
		return nil, err
	}
	p := &auth.Principal{PersonID: per.CreatedBy, SecondFactor: true, Grants: grants}
	if !p.Can(auth.RunElections, auth.Target{}) {
		return nil, ErrNoBallotOfficer
	}
	return p, nil
}

// close records each candidate's outcome and announces it, in one
// transaction; the hand-over to the ballot follows.
func (s *Service) close(ctx context.Context, periodID, actor int64) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		per, err := tx.LockPeriod(ctx, periodID)
		if err != nil {
			return err
		}
		if per.Status != store.PeriodOpen {
			return nil
		}
		t, err := s.tally(ctx, per, true, now)
		if err != nil {
			return err
		}
		if err := tx.ClosePeriod(ctx, per.ID, actor, now); err != nil {
			return err
		}
		per.Status, per.ClosedAt = store.PeriodClosed, now
		var summary []string
		for _, st := range t.Standings {
			outcome, reason := decide(st, per)
			st.Candidate.Outcome, st.Candidate.Reason = outcome, reason
			if err := tx.SetCandidateOutcome(ctx, st.Candidate.ID, outcome, reason); err != nil {
				return err
			}
			summary = append(summary, fmt.Sprintf("%s: %s", st.Candidate.Name, OutcomeLabel(outcome)))
			if err := s.tellCandidate(ctx, tx, per, st.Candidate); err != nil {
				return err
			}
		}
		early := ""
		if now.Before(per.ClosesAt) {
			early = " (before the deadline)"
		}
		if err := audit(ctx, tx, actor, "nomination.close", per.ID, store.PeriodOpen, "closed"+early+": "+strings.Join(summary, "; ")); err != nil {
			return err
		}
		return s.tellNominators(ctx, tx, per, summary)
	})
}

func decide(st Standing, per store.NominationPeriod) (string, string) {
	switch {
	case !st.Candidate.Standing:
		return OutcomeStoodDown, "The candidate said they are no longer standing."
	case st.Consented == 0 && st.Pending+st.Refused > 0:
		return OutcomeNoConsent, fmt.Sprintf("Nominated %d times, but consented to none of the nominations.", st.Pending+st.Refused)
	case !st.Qualifies:
		return OutcomeThreshold, st.Outcome.Explain()
	case per.ElectionID == 0:
		return OutcomeNoElection, st.Outcome.Explain()
	}
	return OutcomeBallot, st.Outcome.Explain()
}

func (s *Service) tellCandidate(ctx context.Context, tx *store.Tx, per store.NominationPeriod, c store.NominationCandidate) error {
	p, err := tx.PersonByID(ctx, c.PersonID)
	if err != nil || p.Email == "" {
		return err
	}
	_, err = s.mail.SendTx(ctx, tx, mail.Message{To: p.Email, Subject: "Nominations closed: " + per.Title,
		Text: fmt.Sprintf("Dear %s,\n\nNominations for %s have closed.\n\n%s\n\n%s\n\n%s/nominations/%s\n", p.Name, per.Title, OutcomeLabel(c.Outcome), c.Reason, s.cfg.BaseURL, per.Slug)})
	return err
}

// tellNominators announces the close to every body and person with a live
// nomination.
func (s *Service) tellNominators(ctx context.Context, tx *store.Tx, per store.NominationPeriod, summary []string) error {
	noms, err := tx.Nominations(ctx, store.NominationFilter{PeriodID: per.ID, LiveOnly: true})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var people []store.Person
	for _, n := range noms {
		if seen[n.Nominator] {
			continue
		}
		seen[n.Nominator] = true
		if n.UnitID != 0 {
			officers, err := s.db.UnitOfficers(ctx, n.UnitID)
			if err != nil {
				return err
			}
			people = append(people, officers...)
		} else if p, err := tx.PersonByID(ctx, n.PersonID); err == nil {
			people = append(people, p)
		}
	}
	sent := map[string]bool{}
	for _, p := range people {
		if p.Email == "" || sent[p.Email] {
			continue
		}
		sent[p.Email] = true
		if _, err := s.mail.SendTx(ctx, tx, mail.Message{To: p.Email, Subject: "Nominations closed: " + per.Title,
			Text: fmt.Sprintf("Dear %s,\n\nNominations for %s have closed. Thank you for taking part.\n\n%s\n\n%s/nominations/%s\n", p.Name, per.Title, strings.Join(summary, "\n"), s.cfg.BaseURL, per.Slug)}); err != nil {
			return err
		}
	}
	return nil
}

// handOver adds every candidate who goes on the ballot and is not yet on
// it. A candidate already on the ballot (matched by person) is linked, not
// added again, so a hand-over cut short is finished by running it again.
func (s *Service) handOver(ctx context.Context, periodID int64, p *auth.Principal) error {
	per, err := s.db.PeriodByID(ctx, periodID)
	if err != nil {
		return err
	}
	if per.Status != store.PeriodClosed || per.HandedOver || per.ElectionID == 0 {
		return nil
	}
	cands, err := s.db.NominationCandidates(ctx, per.ID)
	if err != nil {
		return err
	}
	onBallot, err := s.ballots.Candidates(ctx, per.ElectionID)
	if err != nil {
		return err
	}
	for _, c := range cands {
		if c.Outcome != OutcomeBallot || c.BallotCandidateID != 0 {
			continue
		}
		i := slices.IndexFunc(onBallot, func(b store.Candidate) bool { return b.PersonID == c.PersonID })
		var bc store.Candidate
		if i >= 0 {
			bc = onBallot[i]
		} else {
			attrs := map[string]string{}
			if c.Gender != "" {
				attrs["gender"] = c.Gender
			}
			bc, err = s.ballots.AddCandidate(ctx, p, per.ElectionID, election.CandidateInput{Name: c.Name, PersonID: c.PersonID, Attributes: attrs, Statement: c.Statement})
			if err != nil {
				return fmt.Errorf("put %s on the ballot: %w", c.Name, err)
			}
		}
		if err := s.db.InTx(ctx, func(tx *store.Tx) error { return tx.SetCandidateBallotID(ctx, c.ID, bc.ID) }); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPeriodHandedOver(ctx, per.ID); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "nomination.hand_over", per.ID, "", fmt.Sprintf("election=%d", per.ElectionID))
	})
}
