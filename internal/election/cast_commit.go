package election

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"quorum/internal/ballot"
	"quorum/internal/store"
)

// Casts are committed in groups. A cast's expensive work (checks, sealing)
// runs in its own request; what is left is a handful of small writes, and
// on both engines committing costs more than those writes: a flush of the
// write-ahead log, a round of locks. So casts that arrive while a commit is
// under way wait for it and are then written together in one transaction,
// each as if alone: the one that is refused is undone and the others carry
// on. Nobody is told their vote is recorded until the transaction holding
// it has committed, so a crash loses only casts that were never
// acknowledged, and a voter's two casts in one group see each other in
// order, as they would in two transactions.

// maxCastGroup bounds a group, so that one commit never holds many
// voters' answers for long.
const maxCastGroup = 128

// castWrite is one cast waiting to be committed.
type castWrite struct {
	electionID, personID int64
	envelope             []byte
	linkHash             string
	voter                store.CastVoter
	done                 chan castWritten // buffered: the writer never waits
}

type castWritten struct {
	outcome store.CastOutcome
	err     error
}

// castQueue holds the casts waiting for a writer.
type castQueue struct {
	mu      sync.Mutex
	pending []*castWrite
	writers int
}

// castWriters is how many groups may be written at once: SQLite has one
// writer connection; PostgreSQL commits several transactions in parallel.
func (s *Service) castWriters() int {
	if s.db.Engine == store.Postgres {
		return 4
	}
	return 1
}

// commitCast queues w for the next group and waits until the group's
// transaction has ended. It starts a writer when fewer than castWriters
// are at work; a writer stops when it finds nothing waiting.
func (s *Service) commitCast(w *castWrite) (store.CastOutcome, error) {
	s.casts.mu.Lock()
	s.casts.pending = append(s.casts.pending, w)
	start := s.casts.writers < s.castWriters()
	if start {
		s.casts.writers++
	}
	s.casts.mu.Unlock()
	if start {
		go s.writeCasts()
	}
	r := <-w.done
	return r.outcome, r.err
}

// writeCasts writes groups until nothing is waiting.
func (s *Service) writeCasts() {
	for {
		s.casts.mu.Lock()
		n := min(len(s.casts.pending), maxCastGroup)
		if n == 0 {
			s.casts.writers--
			s.casts.mu.Unlock()
			return
		}
		group := s.casts.pending[:n:n]
		s.casts.pending = append([]*castWrite(nil), s.casts.pending[n:]...)
		s.casts.mu.Unlock()
		s.writeCastGroup(group)
	}
}

// writeCastGroup writes a group of casts in one transaction and tells each
// caller its own outcome. When the transaction itself fails, every cast of
// the group is told so, and none of them is stored.
func (s *Service) writeCastGroup(group []*castWrite) {
	// The writes must finish even if a voter's request is abandoned
	// meanwhile: they belong to the whole group.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Groups written at once on PostgreSQL lock roll rows; taking them in
	// one order everywhere rules out deadlocks. The sort is stable, so a
	// voter's casts keep the order in which they came.
	group = slices.Clone(group)
	slices.SortStableFunc(group, func(a, b *castWrite) int {
		return cmp.Or(cmp.Compare(a.electionID, b.electionID), cmp.Compare(a.personID, b.personID))
	})
	results := make([]castWritten, len(group))
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		states := map[int64]store.CastState{}
		for i, w := range group {
			st, ok := states[w.electionID]
			if !ok {
				var err error
				if st, err = tx.CastState(ctx, w.electionID); err != nil {
					return err
				}
				states[w.electionID] = st
			}
			if err := votingOpen(store.Election{Status: st.Status, BallotClose: st.BallotClose}, s.now()); err != nil {
				results[i].err = err
				continue
			}
			results[i].outcome, results[i].err = s.writeCast(ctx, tx, st, w)
			if results[i].err != nil && !isRefusal(results[i].err) {
				return results[i].err
			}
		}
		return nil
	})
	for i, w := range group {
		if err != nil {
			results[i] = castWritten{err: err}
		}
		w.done <- results[i]
	}
}

// writeCast stores one cast in the group's transaction. A refusal leaves
// nothing of the cast behind: the roll's voted mark is set only together
// with a new envelope, and a cast through a ballot link, which writes
// before it can be refused, runs inside a savepoint.
func (s *Service) writeCast(ctx context.Context, tx *store.Tx, st store.CastState, w *castWrite) (store.CastOutcome, error) {
	var outcome store.CastOutcome
	write := func() error {
		var err error
		outcome, err = tx.StoreEnvelope(ctx, w.electionID, w.personID, w.envelope, st.AllowVoteChange)
		switch {
		case err != nil:
			return err
		case outcome == store.CastNotOnRoll:
			return ErrNotEligible
		case outcome == store.CastHadVoted:
			return ErrAlreadyVoted
		}
		if w.linkHash != "" {
			if err := tx.UseBallotLink(ctx, w.linkHash, w.electionID, w.personID, s.now()); errors.Is(err, store.ErrNotFound) {
				return ErrLinkInvalid
			} else if err != nil {
				return err
			}
		}
		return s.sendReceipt(ctx, tx, st, w.voter, outcome == store.CastReplaced)
	}
	if w.linkHash == "" {
		return outcome, write()
	}
	return outcome, tx.Savepoint(ctx, "ballot_link_cast", write)
}

// isRefusal says whether a cast's error is a refusal of that cast alone,
// which leaves the group's transaction sound.
func isRefusal(err error) bool {
	return errors.Is(err, ErrNotEligible) || errors.Is(err, ErrAlreadyVoted) || errors.Is(err, ErrLinkInvalid)
}

// seal seals a ballot with at most one sealing per processor at a time.
// Sealing is the heaviest step of a cast and needs no lock, so under load
// hundreds of casts would seal at once; the writer of the groups, which
// alone decides how many casts a second are stored, would then wait
// behind all of them for a processor at each of its many short system
// calls. Queued casts wait here without taking a processor.
func (s *Service) seal(ctx context.Context, sealer *ballot.Sealer, electionID int64, b ballot.Ballot, candidates int) ([]byte, error) {
	select {
	case s.sealing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.sealing }()
	return sealer.SealPadded(electionID, b, candidates)
}
