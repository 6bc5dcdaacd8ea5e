package election

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// linkBatch is how many ballot links one transaction issues.
const linkBatch = 200

// linksPayload is the cursor of a ballot-link run: it resumes after the
// last person reached.
type linksPayload struct {
	ElectionID int64 `json:"election_id"`
	After      int64 `json:"after"`
}

// hashToken is what is stored of a ballot link's token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// BallotLinkPath is the path of a ballot link; the web layer serves it.
func BallotLinkPath(token string) string { return "/ballot/" + token }

// SendBallotLinks e-mails a one-time ballot link to every voter on the roll
// who has an address, has not voted and has no link yet (so sending again
// later reaches only those added since). Links expire at the close. The
// e-mails go out in batches from a job.
func (s *Service) SendBallotLinks(ctx context.Context, p *auth.Principal, electionID int64) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionOpen {
			return stageErr("ballot links can be sent while voting is open")
		}
		if e.BallotClose.IsZero() {
			return stageErr("set the closing time first: links expire at the close")
		}
		if _, err := s.jobs.ScheduleTx(ctx, tx, s.now(), KindLinks, linksPayload{ElectionID: electionID}); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.links_send", electionID, "", "")
	})
}

// runLinks is the job that issues ballot links, batch by batch. Each batch
// stores the links' hashes and queues their e-mails in one transaction, so
// a run cut short resumes without sending a link twice.
func (s *Service) runLinks(ctx context.Context, raw json.RawMessage) error {
	var pl linksPayload
	if err := json.Unmarshal(raw, &pl); err != nil {
		return jobs.Permanent(err)
	}
	for {
		e, err := s.db.ElectionByID(ctx, pl.ElectionID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if e.Status != store.ElectionOpen || e.BallotClose.IsZero() {
			return nil
		}
		batch, err := s.db.RollRecipients(ctx, pl.ElectionID, pl.After, linkBatch, true)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			for _, r := range batch {
				token, err := newToken()
				if err != nil {
					return err
				}
				if err := tx.CreateBallotLink(ctx, hashToken(token), e.ID, r.PersonID, e.BallotClose); err != nil {
					return err
				}
				if _, err := s.mail.SendTx(ctx, tx, linkMessage(e, r, s.cfg.BaseURL+BallotLinkPath(token))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("ballot links: %w", err)
		}
		pl.After = batch[len(batch)-1].PersonID
		// Near the job's time limit, hand the rest to a fresh job.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 30*time.Second {
			return s.db.InTx(ctx, func(tx *store.Tx) error {
				_, err := s.jobs.ScheduleTx(ctx, tx, s.now(), KindLinks, pl)
				return err
			})
		}
	}
}

func linkMessage(e store.Election, r store.Recipient, url string) mail.Message {
	text := fmt.Sprintf("Dear %s,\n\nYou may vote in the election: %s.\n\n"+
		"Your personal ballot link (it works once, for you only, until voting closes at %s UTC):\n\n%s\n\n"+
		"Do not forward this e-mail: whoever has the link can vote in your place.\n"+
		"Your vote is secret: it is sealed when you cast it and counted without your name.\n",
		r.Name, e.Title, e.BallotClose.UTC().Format("2 January 2006 15:04"), url)
	return mail.Message{To: r.Email, Subject: "Your ballot: " + e.Title, Text: text}
}

// LinkBallot is what a ballot link opens: the election and whether its
// voter can still vote.
type LinkBallot struct {
	Election   store.Election
	Candidates []store.Candidate
	VoterName  string
	Voted      bool
}

// ResolveBallotLink finds the election and voter of a ballot link without
// using it up, to show the ballot paper.
func (s *Service) ResolveBallotLink(ctx context.Context, token string) (LinkBallot, error) {
	electionID, personID, err := s.db.BallotLink(ctx, hashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return LinkBallot{}, ErrLinkInvalid
	}
	if err != nil {
		return LinkBallot{}, err
	}
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return LinkBallot{}, err
	}
	if err := votingOpen(e, s.now()); err != nil {
		return LinkBallot{}, err
	}
	entry, err := s.db.RollEntry(ctx, electionID, personID)
	if errors.Is(err, store.ErrNotFound) {
		return LinkBallot{}, ErrNotEligible
	}
	if err != nil {
		return LinkBallot{}, err
	}
	person, err := s.db.PersonByID(ctx, personID)
	if err != nil {
		return LinkBallot{}, err
	}
	candidates, err := s.db.CandidatesOf(ctx, electionID)
	if err != nil {
		return LinkBallot{}, err
	}
	e.PublicKey = nil
	return LinkBallot{Election: e, Candidates: candidates, VoterName: person.Name, Voted: entry.Voted}, nil
}
