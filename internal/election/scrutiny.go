package election

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/count"
	"quorum/internal/store"
)

// Recount is the outcome of counting the stored ballots again.
type Recount struct {
	// Agrees is true when the recount's full result (every stage, tie and
	// figure) is identical to the stored one.
	Agrees bool
	// RootAgrees is true when the Merkle root of the stored ballots is the
	// published one.
	RootAgrees bool
	Result     *count.Result
	CountJSON  string
	MerkleRoot string
}

// Recount counts the stored ballots again with the recorded seed and
// compares the result and the Merkle root with those stored. The returning
// officer and scrutineers may, once the election is counted.
func (s *Service) Recount(ctx context.Context, p *auth.Principal, electionID int64) (Recount, error) {
	if err := requireOfficial(p); err != nil {
		return Recount{}, err
	}
	rc, err := s.recount(ctx, p, electionID)
	if err != nil {
		return rc, err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		return audit(ctx, tx, p.PersonID, "election.recount", electionID, "", fmt.Sprintf("agrees=%t root_agrees=%t", rc.Agrees, rc.RootAgrees))
	})
	return rc, err
}

func (s *Service) recount(ctx context.Context, p *auth.Principal, electionID int64) (Recount, error) {
	e, r, err := s.published(ctx, p, electionID)
	if err != nil {
		return Recount{}, err
	}
	candidates, err := s.db.CandidatesOf(ctx, electionID)
	if err != nil {
		return Recount{}, err
	}
	ballots, err := s.loadBallots(ctx, electionID)
	if err != nil {
		return Recount{}, err
	}
	seed, err := strconv.ParseUint(r.Seed, 10, 64)
	if err != nil {
		return Recount{}, fmt.Errorf("the recorded seed is malformed: %w", err)
	}
	res, err := countBallots(e, candidates, ballots, seed)
	if err != nil {
		return Recount{}, err
	}
	var j strings.Builder
	if err := count.WriteJSON(&j, res); err != nil {
		return Recount{}, err
	}
	leaves := merkleLeaves(ballots)
	root := ballot.MerkleRoot(leaves)
	rootHex := hex.EncodeToString(root[:])
	return Recount{Agrees: j.String() == r.CountJSON, RootAgrees: rootHex == r.MerkleRoot, Result: res, CountJSON: j.String(), MerkleRoot: rootHex}, nil
}

// SignOff records the scrutineer's sign-off of a counted election after a
// recount; the recount's agreement is recorded with it.
func (s *Service) SignOff(ctx context.Context, p *auth.Principal, electionID int64, note string) (store.SignOff, error) {
	if err := requireScrutineer(p); err != nil {
		return store.SignOff{}, err
	}
	note = strings.TrimSpace(note)
	if len(note) > 5000 {
		return store.SignOff{}, FieldErrors{"note": "Use at most 5,000 characters"}
	}
	rc, err := s.recount(ctx, p, electionID)
	if err != nil {
		return store.SignOff{}, err
	}
	so := store.SignOff{ElectionID: electionID, PersonID: p.PersonID, Name: p.Name, RecountAgrees: rc.Agrees && rc.RootAgrees, MerkleRoot: rc.MerkleRoot, Note: note, SignedAt: s.now()}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		id, err := tx.AddSignOff(ctx, so)
		if err != nil {
			return err
		}
		so.ID = id
		return audit(ctx, tx, p.PersonID, "election.signoff", electionID, "", fmt.Sprintf("recount_agrees=%t merkle_root=%s note=%q", so.RecountAgrees, so.MerkleRoot, note))
	})
	return so, err
}

// SignOffs lists an election's sign-offs.
func (s *Service) SignOffs(ctx context.Context, electionID int64) ([]store.SignOff, error) {
	return s.db.SignOffsOf(ctx, electionID)
}
