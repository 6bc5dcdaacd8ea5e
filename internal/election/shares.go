package election

import (
	"context"
	"errors"
	"fmt"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/store"
)

// ShareProgress says how far the count's key is from being rebuilt.
type ShareProgress struct {
	Submitted int  // shares given so far
	Needed    int  // the threshold
	Counted   bool // this share completed the threshold and the election is counted
}

// SubmitShareFile gives the signed-in trustee's share file for the count.
func (s *Service) SubmitShareFile(ctx context.Context, p *auth.Principal, electionID int64, file []byte) (ShareProgress, error) {
	if !p.SignedIn() {
		return ShareProgress{}, auth.ErrSignInNeeded
	}
	e, t, _, err := s.trusteeForCount(ctx, p, electionID)
	if err != nil {
		return ShareProgress{}, err
	}
	share, fileElection, fingerprint, err := ballot.DecodeShareFile(file)
	if err != nil {
		return ShareProgress{}, fmt.Errorf("%w: the file is not a readable key share (was it changed or cut short?)", ErrWrongShare)
	}
	defer clear(share.Data)
	switch {
	case fileElection != electionID:
		return ShareProgress{}, fmt.Errorf("%w: this file holds a share for another election", ErrWrongShare)
	case fingerprint != ballot.Fingerprint(e.PublicKey):
		return ShareProgress{}, fmt.Errorf("%w: this file holds a share of an earlier key of this election", ErrWrongShare)
	}
	return s.submitShare(ctx, p, e, t, share)
}

// SubmitSharePassphrase opens the signed-in trustee's sealed share with
// their passphrase and gives it for the count.
func (s *Service) SubmitSharePassphrase(ctx context.Context, p *auth.Principal, electionID int64, passphrase string) (ShareProgress, error) {
	if !p.SignedIn() {
		return ShareProgress{}, auth.ErrSignInNeeded
	}
	e, t, sealed, err := s.trusteeForCount(ctx, p, electionID)
	if err != nil {
		return ShareProgress{}, err
	}
	if len(sealed) == 0 {
		return ShareProgress{}, fmt.Errorf("%w: your share was given to you as a file; upload the file", ErrWrongShare)
	}
	share, err := ballot.OpenShare(sealed, electionID, passphrase)
	switch {
	case errors.Is(err, ballot.ErrWrongPassphrase):
		return ShareProgress{}, ErrWrongPassphrase
	case err != nil:
		return ShareProgress{}, fmt.Errorf("%w: the sealed share is damaged", ErrWrongShare)
	}
	defer clear(share.Data)
	return s.submitShare(ctx, p, e, t, share)
}

// trusteeForCount checks that the caller is a trustee who has not given
// their share and that the election waits for shares; it returns their
// sealed share, if any.
func (s *Service) trusteeForCount(ctx context.Context, p *auth.Principal, electionID int64) (e store.Election, t store.Trustee, sealed []byte, err error) {
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err = tx.ElectionByID(ctx, electionID)
		if err != nil {
			return err
		}
		t, _, sealed, err = tx.LockTrustee(ctx, electionID, p.PersonID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotTrustee
		}
		return err
	})
	if err != nil {
		return e, t, nil, err
	}
	if e.Status != store.ElectionClosed {
		return e, t, nil, stageErr("shares are given after voting closes and before the count")
	}
	if t.Submitted {
		return e, t, nil, ErrShareSubmitted
	}
	return e, t, sealed, nil
}

// submitShare checks a share against the commitment recorded when the key
// was split, then keeps it, or, if it completes the threshold, rebuilds the
// key in memory and counts. At most threshold-1 shares are ever stored, so
// the database never holds enough to rebuild the key.
func (s *Service) submitShare(ctx context.Context, p *auth.Principal, e store.Election, t store.Trustee, share ballot.Share) (ShareProgress, error) {
	if int(share.Index) != t.ShareIndex || ballot.ShareDigest(e.ID, share) != t.ShareCheck {
		return ShareProgress{}, fmt.Errorf("%w: it is not the share issued to you", ErrWrongShare)
	}
	progress := ShareProgress{Needed: e.KeyThreshold}
	var complete []ballot.Share
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.LockElection(ctx, e.ID)
		if err != nil {
			return err
		}
		if cur.Status != store.ElectionClosed {
			return stageErr("the election is not waiting for shares")
		}
		mine, _, _, err := tx.LockTrustee(ctx, e.ID, p.PersonID)
		if err != nil {
			return err
		}
		if mine.Submitted {
			return ErrShareSubmitted
		}
		stored, err := tx.SubmittedShares(ctx, e.ID)
		if err != nil {
			return err
		}
		if len(stored)+1 < cur.KeyThreshold {
			if err := tx.SubmitShare(ctx, e.ID, p.PersonID, share.Data); err != nil {
				return err
			}
			progress.Submitted = len(stored) + 1
			return audit(ctx, tx, p.PersonID, "election.share_submit", e.ID, "", fmt.Sprintf("share=%d submitted=%d of %d", t.ShareIndex, progress.Submitted, cur.KeyThreshold))
		}
		// This share completes the threshold: it is never written; the key
		// is rebuilt from it and the stored ones in memory.
		for _, st := range stored[:cur.KeyThreshold-1] {
			complete = append(complete, ballot.Share{Index: byte(st.Index), Data: st.Data})
		}
		complete = append(complete, share)
		return nil
	})
	if err != nil || complete == nil {
		return progress, err
	}
	private, err := ballot.RecoverKey(complete, e.PublicKey)
	if err != nil {
		return progress, fmt.Errorf("%w: the shares given do not rebuild the election key", ErrWrongShare)
	}
	if err := s.tally(ctx, e, private, p.PersonID, p.PersonID); err != nil {
		return progress, err
	}
	progress.Submitted, progress.Counted = e.KeyThreshold, true
	return progress, nil
}

// countWithDemoShares counts a demonstration election with the shares the
// server kept.
func (s *Service) countWithDemoShares(ctx context.Context, electionID int64) error {
	var e store.Election
	var shares []ballot.Share
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		e, err = tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if e.Status != store.ElectionClosed || !e.KeepSharesForDemo {
			return stageErr("only a closed demonstration election counts itself")
		}
		kept, err := tx.DemoShares(ctx, electionID)
		if err != nil {
			return err
		}
		if len(kept) < e.KeyThreshold {
			return ErrNotEnoughShares
		}
		for _, k := range kept[:e.KeyThreshold] {
			shares = append(shares, ballot.Share{Index: byte(k.Index), Data: k.Data})
		}
		return nil
	})
	if err != nil {
		return err
	}
	private, err := ballot.RecoverKey(shares, e.PublicKey)
	if err != nil {
		return err
	}
	return s.tally(ctx, e, private, 0, 0)
}

// ShareStatus says how many trustees have given their shares and who.
func (s *Service) ShareStatus(ctx context.Context, electionID int64) (ShareProgress, []store.Trustee, error) {
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return ShareProgress{}, nil, err
	}
	ts, err := s.db.TrusteesOf(ctx, electionID)
	if err != nil {
		return ShareProgress{}, nil, err
	}
	pr := ShareProgress{Needed: e.KeyThreshold, Counted: stageIndex(e.Status) >= stageIndex(store.ElectionCounted)}
	for _, t := range ts {
		if t.Submitted {
			pr.Submitted++
		}
	}
	return pr, ts, nil
}
