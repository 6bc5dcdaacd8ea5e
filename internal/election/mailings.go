package election

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// MailingInput is a candidate's e-mail to the electorate.
type MailingInput struct {
	Subject string
	Body    string // plain text
}

const (
	maxMailingSubject = 150
	maxMailingBody    = 20000
	mailingBatch      = 200
)

// candidateOf finds the candidate the signed-in person is in an election.
func (s *Service) candidateOf(ctx context.Context, p *auth.Principal, electionID int64) (store.Candidate, error) {
	cs, err := s.db.CandidatesOf(ctx, electionID)
	if err != nil {
		return store.Candidate{}, err
	}
	for _, c := range cs {
		if c.PersonID != 0 && c.PersonID == p.PersonID {
			return c, nil
		}
	}
	return store.Candidate{}, auth.ErrForbidden
}

// SubmitMailing submits a candidate's mailing for the returning officer's
// approval. Every candidate has the same allowance; a rejected mailing
// does not use it up. The candidate never sees the roll or an address:
// Quorum sends the mailing to each voter itself.
func (s *Service) SubmitMailing(ctx context.Context, p *auth.Principal, electionID int64, in MailingInput) (store.Mailing, error) {
	if !p.SignedIn() {
		return store.Mailing{}, auth.ErrSignInNeeded
	}
	in.Subject = strings.TrimSpace(in.Subject)
	in.Body = strings.TrimSpace(in.Body)
	fe := FieldErrors{}
	switch {
	case in.Subject == "":
		fe["subject"] = "Enter a subject"
	case len(in.Subject) > maxMailingSubject || strings.ContainsAny(in.Subject, "\r\n"):
		fe["subject"] = fmt.Sprintf("Use one line of at most %d characters", maxMailingSubject)
	}
	switch {
	case in.Body == "":
		fe["body"] = "Write the text of the e-mail"
	case len(in.Body) > maxMailingBody:
		fe["body"] = fmt.Sprintf("Use at most %d characters", maxMailingBody)
	}
	if err := fieldErrs(fe); err != nil {
		return store.Mailing{}, err
	}
	c, err := s.candidateOf(ctx, p, electionID)
	if err != nil {
		return store.Mailing{}, err
	}
	if c.Withdrawn {
		return store.Mailing{}, stageErr("you have withdrawn from this election")
	}
	m := store.Mailing{ElectionID: electionID, CandidateID: c.ID, CandidateName: c.Name, Subject: in.Subject, Body: in.Body, Status: store.MailingSubmitted, SubmittedAt: s.now()}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionFrozen && e.Status != store.ElectionOpen {
			return stageErr("mailings go out between the freeze date and the close")
		}
		used, err := tx.CountMailings(ctx, c.ID)
		if err != nil {
			return err
		}
		if used >= e.MailingsPerCandidate {
			return fmt.Errorf("%w (%d each)", ErrAllowanceUsed, e.MailingsPerCandidate)
		}
		m.ID, err = tx.CreateMailing(ctx, m)
		return err
	})
	return m, err
}

// ReviewMailing approves (and so sends) or rejects a candidate's mailing,
// with a note for the candidate.
func (s *Service) ReviewMailing(ctx context.Context, p *auth.Principal, mailingID int64, approve bool, note string) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return FieldErrors{"note": "Tell the candidate why the mailing is rejected"}
	}
	if len(note) > 2000 {
		return FieldErrors{"note": "Use at most 2,000 characters"}
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.MailingByID(ctx, mailingID)
		if err != nil {
			return err
		}
		e, err := tx.LockElection(ctx, m.ElectionID)
		if err != nil {
			return err
		}
		status := store.MailingRejected
		if approve {
			if e.Status != store.ElectionFrozen && e.Status != store.ElectionOpen {
				return stageErr("mailings go out between the freeze date and the close")
			}
			status = store.MailingApproved
		}
		if err := tx.ReviewMailing(ctx, mailingID, status, note, p.PersonID, s.now()); errors.Is(err, store.ErrNotFound) {
			return stageErr("this mailing has already been reviewed")
		} else if err != nil {
			return err
		}
		if approve {
			if _, err := s.jobs.ScheduleTx(ctx, tx, s.now(), KindMailing, mailingPayload{MailingID: mailingID},
				jobs.UniqueKey(fmt.Sprintf("%s:%d", KindMailing, mailingID)), jobs.MaxAttempts(50)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, p.PersonID, "election.mailing_"+status, m.ElectionID, "", fmt.Sprintf("mailing=%d candidate=%d note=%q", mailingID, m.CandidateID, note))
	})
}

// Mailings lists mailings: every candidate's for the returning officer,
// one's own for a candidate.
func (s *Service) Mailings(ctx context.Context, p *auth.Principal, electionID int64) ([]store.Mailing, error) {
	if requireOfficer(p) == nil {
		return s.db.MailingsOf(ctx, electionID, 0)
	}
	c, err := s.candidateOf(ctx, p, electionID)
	if err != nil {
		return nil, err
	}
	return s.db.MailingsOf(ctx, electionID, c.ID)
}

// MailingAllowance says how many mailings a candidate has left.
func (s *Service) MailingAllowance(ctx context.Context, p *auth.Principal, electionID int64) (left int, err error) {
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return 0, err
	}
	ms, err := s.Mailings(ctx, p, electionID)
	if err != nil {
		return 0, err
	}
	used := 0
	for _, m := range ms {
		if m.Status != store.MailingRejected {
			used++
		}
	}
	return max(0, e.MailingsPerCandidate-used), nil
}

type mailingPayload struct {
	MailingID int64 `json:"mailing_id"`
}

// runMailing sends an approved mailing to the roll in batches. Each batch
// queues its e-mails and moves the mailing's cursor in one transaction, so
// a run cut short resumes without sending anyone the mailing twice.
func (s *Service) runMailing(ctx context.Context, raw json.RawMessage) error {
	var pl mailingPayload
	if err := json.Unmarshal(raw, &pl); err != nil {
		return jobs.Permanent(err)
	}
	for {
		m, err := s.db.MailingByID(ctx, pl.MailingID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if m.Status != store.MailingApproved {
			return nil
		}
		e, err := s.db.ElectionByID(ctx, m.ElectionID)
		if err != nil {
			return err
		}
		batch, err := s.db.RollRecipients(ctx, m.ElectionID, m.SentThrough, mailingBatch, false)
		if err != nil {
			return err
		}
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			if len(batch) == 0 {
				return tx.FinishMailing(ctx, m.ID, s.now())
			}
			for _, r := range batch {
				if _, err := s.mail.SendTx(ctx, tx, mailingMessage(e, m, r)); err != nil {
					return err
				}
			}
			return tx.AdvanceMailing(ctx, m.ID, batch[len(batch)-1].PersonID, len(batch))
		})
		if err != nil || len(batch) == 0 {
			return err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 30*time.Second {
			return fmt.Errorf("mailing %d: stopped near the time limit; it resumes where it stopped", m.ID)
		}
	}
}

func mailingMessage(e store.Election, m store.Mailing, r store.Recipient) mail.Message {
	text := fmt.Sprintf("%s\n\n-- \nThis message is from %s, a candidate in the election: %s.\n"+
		"Every candidate may send the same number of messages to the voters. The returning officer approved this one; "+
		"Quorum sent it to you, and the candidate was not given your address.\n", m.Body, m.CandidateName, e.Title)
	return mail.Message{To: r.Email, Subject: fmt.Sprintf("%s – from %s", m.Subject, m.CandidateName), Text: text}
}
