package web

import (
	"context"
	"sync"
	"time"

	"quorum/internal/report"
)

// The years and representatives the search form offers are read from
// every document indexed, a few milliseconds per 10,000 documents, which
// each search would otherwise pay. Each node keeps them for a minute and
// reads them again at once when it changes a report or a meeting itself.
// A choice missing from a list not yet read again still works: the
// filters are checked against the database, not against the list.

const searchChoicesTTL = time.Minute

type searchChoicesCache struct {
	mu      sync.Mutex
	choices report.SearchChoices
	gen     int64
	expires time.Time
}

func (s *Server) searchChoices(ctx context.Context) (report.SearchChoices, error) {
	c := s.searchChoiceCache
	gen, now := s.Reports.Generation(), time.Now()
	c.mu.Lock()
	if c.gen == gen && now.Before(c.expires) {
		choices := c.choices
		c.mu.Unlock()
		return choices, nil
	}
	c.mu.Unlock()
	choices, err := s.Reports.SearchChoices(ctx)
	if err != nil {
		return report.SearchChoices{}, err
	}
	c.mu.Lock()
	c.choices, c.gen, c.expires = choices, gen, now.Add(searchChoicesTTL)
	c.mu.Unlock()
	return choices, nil
}
