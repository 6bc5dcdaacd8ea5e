package election

import (
	"context"
	"errors"
	"fmt"
	"time"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// Receipt is what a voter is shown once after casting. The tracker lets
// them find their ballot on the bulletin board after the close; it is shown
// on screen only and never stored with them, logged or e-mailed (an e-mail
// sits in the outbox and in mailboxes, and with the tracker anyone reading
// it could look the vote up on the board).
type Receipt struct {
	Tracker ballot.Tracker
	// Changed is true when this cast replaced an earlier one.
	Changed bool
}

// Cast records the signed-in voter's ballot. The ranking is candidate ids,
// first preference first.
func (s *Service) Cast(ctx context.Context, p *auth.Principal, electionID int64, ranking []int64) (Receipt, error) {
	if !p.SignedIn() {
		return Receipt{}, auth.ErrSignInNeeded
	}
	return s.cast(ctx, electionID, p.PersonID, ranking, "")
}

// CastWithLink records a ballot through a one-time ballot link, without
// signing in; the link stops working when the cast commits.
func (s *Service) CastWithLink(ctx context.Context, token string, ranking []int64) (Receipt, error) {
	hash := hashToken(token)
	electionID, personID, err := s.db.BallotLink(ctx, hash, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return Receipt{}, ErrLinkInvalid
	}
	if err != nil {
		return Receipt{}, err
	}
	return s.cast(ctx, electionID, personID, ranking, hash)
}

// votingOpen says whether an election takes ballots at a moment.
func votingOpen(e store.Election, now time.Time) error {
	switch {
	case stageIndex(e.Status) < stageIndex(store.ElectionOpen):
		return ErrNotOpen
	case e.Status != store.ElectionOpen:
		return ErrClosed
	case !e.BallotClose.IsZero() && !now.Before(e.BallotClose):
		return ErrClosed // the close job may not have run yet
	}
	return nil
}

// cast validates, seals and stores one ballot. The checks before sealing
// spare the sealing for a cast that would be refused; the transaction
// checks again and alone decides.
func (s *Service) cast(ctx context.Context, electionID, personID int64, ranking []int64, linkHash string) (Receipt, error) {
	paper, err := s.ballotPaper(ctx, electionID)
	if err != nil {
		return Receipt{}, err
	}
	e, candidates := paper.election, paper.candidates
	if err := votingOpen(e, s.now()); err != nil {
		return Receipt{}, err
	}
	if err := ValidateRanking(ranking, candidates); err != nil {
		return Receipt{}, err
	}
	voter, err := s.db.CastVoter(ctx, electionID, personID)
	if errors.Is(err, store.ErrNotFound) {
		return Receipt{}, ErrNotEligible
	}
	if err != nil {
		return Receipt{}, err
	}
	if voter.Voted && !e.AllowVoteChange {
		return Receipt{}, ErrAlreadyVoted
	}
	tracker, err := ballot.NewTracker()
	if err != nil {
		return Receipt{}, err
	}
	if paper.sealer == nil {
		return Receipt{}, ErrKeyNotReady
	}
	envelope, err := s.seal(ctx, paper.sealer, electionID, ballot.Ballot{Ranking: ranking, Tracker: tracker}, len(candidates))
	if err != nil {
		return Receipt{}, fmt.Errorf("seal ballot: %w", err)
	}
	outcome, err := s.commitCast(&castWrite{electionID: electionID, personID: personID, envelope: envelope,
		linkHash: linkHash, voter: voter, done: make(chan castWritten, 1)})
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{Tracker: tracker, Changed: outcome == store.CastReplaced}, nil
}

// sendReceipt queues the e-mail that confirms a vote was recorded, in the
// cast's transaction: it goes out if and only if the ballot is stored. It
// says that the voter voted, never how, and carries no tracker.
func (s *Service) sendReceipt(ctx context.Context, tx *store.Tx, st store.CastState, voter store.CastVoter, changed bool) error {
	if voter.Email == "" || s.mail == nil {
		return nil
	}
	what := "Your vote has been recorded"
	if changed {
		what = "Your changed vote has been recorded; it replaces the one you cast before"
	}
	text := fmt.Sprintf("Dear %s,\n\n%s in the election: %s.\n\n"+
		"Your ballot is sealed: nobody can read it until the close, and then it is counted without your name.\n"+
		"This e-mail does not say how you voted, and Quorum will never tell anyone.\n\n"+
		"If you did not vote, tell the returning officer at once.\n",
		voter.Name, what, st.Title)
	if st.AllowVoteChange {
		text += "\nYou may change your vote until voting closes.\n"
	}
	_, err := s.mail.SendTx(ctx, tx, mail.Message{To: voter.Email, Subject: "Your vote: " + st.Title, Text: text})
	if err != nil {
		return fmt.Errorf("queue the receipt: %w", err)
	}
	return nil
}
