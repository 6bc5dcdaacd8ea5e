package election

import (
	"context"
	"sync"
	"time"

	"quorum/internal/ballot"
	"quorum/internal/store"
)

// paperTTL is how long a node reuses an election's settings and candidates
// for casting. Casting reads them for every ballot, and they hardly change
// while voting is open; what must be exact (the status, the closing time,
// whether votes may change) is read again inside each cast's transaction.
// A withdrawal made on another node reaches this one within paperTTL; the
// count passes over withdrawn candidates in any case.
const paperTTL = 2 * time.Second

type cachedPaper struct {
	election   store.Election
	candidates []store.Candidate
	sealer     *ballot.Sealer // nil until the key is set up
	loaded     time.Time
}

type paperCache struct {
	mu     sync.Mutex
	papers map[int64]cachedPaper
}

// ballotPaper returns an election, its candidates and a sealer for its
// key (parsing the key costs more than sealing), from the cache when
// fresh. Callers must not modify what it returns.
func (s *Service) ballotPaper(ctx context.Context, electionID int64) (cachedPaper, error) {
	s.papers.mu.Lock()
	p, ok := s.papers.papers[electionID]
	s.papers.mu.Unlock()
	if ok && time.Since(p.loaded) < paperTTL {
		return p, nil
	}
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return p, err
	}
	cs, err := s.db.CandidatesOf(ctx, electionID)
	if err != nil {
		return p, err
	}
	p = cachedPaper{election: e, candidates: cs, loaded: time.Now()}
	if len(e.PublicKey) > 0 {
		if p.sealer, err = ballot.NewSealer(e.PublicKey); err != nil {
			return p, err
		}
	}
	s.papers.mu.Lock()
	defer s.papers.mu.Unlock()
	if s.papers.papers == nil {
		s.papers.papers = map[int64]cachedPaper{}
	}
	for id, old := range s.papers.papers { // keep the map small
		if time.Since(old.loaded) >= paperTTL {
			delete(s.papers.papers, id)
		}
	}
	s.papers.papers[electionID] = p
	return p, nil
}

// forgetPaper drops an election from the cache after this node changed it.
func (s *Service) forgetPaper(electionID int64) {
	s.papers.mu.Lock()
	defer s.papers.mu.Unlock()
	delete(s.papers.papers, electionID)
}
