// Package web serves Quorum's HTML pages and JSON API. Handlers parse the
// request, call a domain service and render the answer; they hold no rules
// and no SQL.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/nomination"
	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

// Deps are what the web layer needs, wired in cmd/quorum.
type Deps struct {
	DB        *store.DB
	Auth      *auth.Service
	Org       *org.Service
	Jobs      *jobs.Queue
	Reports   *report.Service // meetings and report-back; nil turns its pages off
	Elections *election.Service
	// Nominations runs nomination periods (routes_nominations.go).
	Nominations *nomination.Service
	// Location is the time zone dates and times are shown and entered in.
	Location      *time.Location
	Log           *slog.Logger
	SiteName      string
	BaseURL       string
	SecureCookies bool
	Demo          bool // the demo shows kept e-mail in full and a banner
	// DemoCode, set only by the demo, gives the current second-factor code
	// of the demo's fixed key so visitors need no authenticator app.
	DemoCode func(time.Time) string
	Now      func() time.Time
}

// Server is the HTTP side of Quorum.
type Server struct {
	Deps
	pages   *templates // English
	langs   *languages
	metrics *metrics
	handler http.Handler
	// ballots and badLinks limit casting and guessing ballot links, in
	// memory (see vote_limit.go).
	ballots, badLinks *attemptLimiter
	// reportPages and searchChoiceCache keep, on this node only, what
	// visitors read most (see report_cache.go and search_choices.go).
	reportPages       *pageCache
	searchChoiceCache *searchChoicesCache
}

// New parses every template (a broken template fails the start, not a
// visitor) and builds the router.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	langs, err := loadLanguages(d.Location)
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, pages: langs.list[0].pages, langs: langs, metrics: newMetrics(),
		ballots: newAttemptLimiter(ballotAttempts, ballotWindow), badLinks: newAttemptLimiter(badLinkAttempts, badLinkWindow),
		reportPages: newPageCache(), searchChoiceCache: &searchChoicesCache{}}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// principalKey carries the request's principal in its context.
type principalKey struct{}

func principalOf(r *http.Request) *auth.Principal {
	if p, ok := r.Context().Value(principalKey{}).(*auth.Principal); ok {
		return p
	}
	return &auth.Principal{}
}

func withPrincipal(ctx context.Context, p *auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}
