package election

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/store"
)

// Open opens voting now (the returning officer's button; the open job does
// the same at the opening time). An election still in draft has its roll
// taken first.
func (s *Service) Open(ctx context.Context, p *auth.Principal, electionID int64) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.open(ctx, electionID, p.PersonID)
}

func (s *Service) open(ctx context.Context, electionID, actor int64) error {
	defer s.forgetPaper(electionID)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if stageIndex(e.Status) >= stageIndex(store.ElectionOpen) {
			return stageErr("voting has already opened")
		}
		trustees, err := s.db.TrusteesOf(ctx, electionID)
		if err != nil {
			return err
		}
		if err := keyReady(e, trustees); err != nil {
			return err
		}
		if err := s.checkCountable(ctx, tx, e); err != nil {
			return err
		}
		if e.Status == store.ElectionDraft {
			if _, err := s.freezeTx(ctx, tx, e, actor); err != nil {
				return err
			}
		}
		// Shares nobody took are void: none may sit on the server while
		// envelopes exist (a demonstration election keeps its own copies).
		if err := tx.DropPendingShares(ctx, electionID); err != nil {
			return err
		}
		if _, err := tx.MoveElectionStatus(ctx, electionID, store.ElectionFrozen, store.ElectionOpen, s.now()); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "election.open", electionID, "", "")
	})
}

// Close closes voting now (the returning officer's button; the close job
// does the same at the closing time). A demonstration election that keeps
// its shares is then counted at once.
func (s *Service) Close(ctx context.Context, p *auth.Principal, electionID int64) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.close(ctx, electionID, p.PersonID)
}

func (s *Service) close(ctx context.Context, electionID, actor int64) error {
	defer s.forgetPaper(electionID)
	var e store.Election
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		e, err = tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionOpen {
			return stageErr("voting is not open")
		}
		if _, err := tx.MoveElectionStatus(ctx, electionID, store.ElectionOpen, store.ElectionClosed, s.now()); err != nil {
			return err
		}
		if err := tx.DeleteBallotLinks(ctx, electionID); err != nil {
			return err
		}
		n, err := tx.CountEnvelopesTx(ctx, electionID)
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "election.close", electionID, "", fmt.Sprintf("envelopes=%d", n))
	})
	if err != nil {
		return err
	}
	if e.KeepSharesForDemo {
		return s.countWithDemoShares(ctx, electionID)
	}
	return nil
}

// Declare makes a counted result public, with the bulletin board.
func (s *Service) Declare(ctx context.Context, p *auth.Principal, electionID int64) error {
	if err := requireOfficer(p); err != nil {
		return err
	}
	return s.declare(ctx, electionID, p.PersonID)
}

func (s *Service) declare(ctx context.Context, electionID, actor int64) error {
	defer s.forgetPaper(electionID)
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionCounted {
			return stageErr("only a counted result can be declared")
		}
		if _, err := tx.MoveElectionStatus(ctx, electionID, store.ElectionCounted, store.ElectionDeclared, s.now()); err != nil {
			return err
		}
		if err := tx.DeclareResult(ctx, electionID, s.now()); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "election.declare", electionID, "", "")
	})
}

// Register gives the runner the election jobs.
func (s *Service) Register(r HandlerRegistry) {
	r.Handle(KindFreeze, s.milestoneHandler(func(e store.Election) time.Time { return e.Freeze }, store.ElectionFrozen, s.runFreeze))
	r.Handle(KindOpen, s.milestoneHandler(func(e store.Election) time.Time { return e.BallotOpen }, store.ElectionOpen, s.open))
	r.Handle(KindClose, s.milestoneHandler(func(e store.Election) time.Time { return e.BallotClose }, store.ElectionCounted, s.runClose))
	r.Handle(KindDeclare, s.milestoneHandler(func(e store.Election) time.Time { return e.Declare }, store.ElectionDeclared, s.runDeclare))
	r.Handle(KindLinks, s.runLinks)
	r.Handle(KindMailing, s.runMailing)
}

// milestoneHandler runs a milestone's action if the job still matches the
// timetable (the milestone was not moved or cleared since it was queued)
// and the election has not yet reached the status the action leads to.
// Jobs run at least once, so every action is safe to repeat.
func (s *Service) milestoneHandler(milestone func(store.Election) time.Time, reached string, do func(ctx context.Context, electionID, actor int64) error) jobs.HandlerFunc {
	return func(ctx context.Context, raw json.RawMessage) error {
		var pl milestonePayload
		if err := json.Unmarshal(raw, &pl); err != nil {
			return jobs.Permanent(err)
		}
		e, err := s.db.ElectionByID(ctx, pl.ElectionID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		at := milestone(e)
		if at.IsZero() || at.Unix() != pl.At || stageIndex(e.Status) >= stageIndex(reached) {
			return nil
		}
		return do(ctx, e.ID, 0)
	}
}

func (s *Service) runFreeze(ctx context.Context, electionID, actor int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil || e.Status != store.ElectionDraft {
			return err
		}
		_, err = s.freezeTx(ctx, tx, e, actor)
		return err
	})
}

// runClose closes voting, or, for a demonstration election closed earlier
// whose count failed, tries the count again.
func (s *Service) runClose(ctx context.Context, electionID, actor int64) error {
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return err
	}
	switch {
	case e.Status == store.ElectionOpen:
		return s.close(ctx, electionID, actor)
	case e.Status == store.ElectionClosed && e.KeepSharesForDemo:
		return s.countWithDemoShares(ctx, electionID)
	}
	return nil
}

// runDeclare declares at the declaration time a result already counted; a
// result still waiting for the trustees is declared by hand later.
func (s *Service) runDeclare(ctx context.Context, electionID, actor int64) error {
	err := s.declare(ctx, electionID, actor)
	if errors.Is(err, ErrWrongStage) {
		s.log.Info("election not declared at its declaration time: not counted yet", "election", electionID)
		return nil
	}
	return err
}
