package election

import (
	"context"
	"errors"
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
	slugs  map[string]int64 // slugs never change once an election exists
}

// BallotPaper returns the election with the slug and its candidates as a
// voter's ballot paper shows them, from the same short-lived cache that
// casting uses: the ballot pages are loaded once per voter and the status
// they show is checked again when the ballot is cast. Callers must not
// modify what it returns.
func (s *Service) BallotPaper(ctx context.Context, slug string) (store.Election, []store.Candidate, error) {
	s.papers.mu.Lock()
	id, ok := s.papers.slugs[slug]
	s.papers.mu.Unlock()
	if !ok {
		e, err := s.db.ElectionBySlug(ctx, slug)
		if err != nil {
			return store.Election{}, nil, err
		}
		id = e.ID
		s.papers.mu.Lock()
		if s.papers.slugs == nil || len(s.papers.slugs) > 10000 {
			s.papers.slugs = map[string]int64{}
		}
		s.papers.slugs[slug] = id
		s.papers.mu.Unlock()
	}
	p, err := s.ballotPaper(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) { // a draft deleted since
			s.papers.mu.Lock()
			delete(s.papers.slugs, slug)
			s.papers.mu.Unlock()
		}
		return store.Election{}, nil, err
	}
	return p.election, p.candidates, nil
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
