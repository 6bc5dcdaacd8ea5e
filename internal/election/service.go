package election

import (
	"context"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// Mailer queues e-mail in the caller's transaction (mail.Service does).
type Mailer interface {
	SendTx(ctx context.Context, tx *store.Tx, msg mail.Message) (int64, error)
}

// Scheduler queues jobs in the caller's transaction (jobs.Queue does).
type Scheduler interface {
	ScheduleTx(ctx context.Context, tx *store.Tx, at time.Time, kind string, payload any, opts ...jobs.Option) (jobs.Enqueued, error)
}

// HandlerRegistry takes the job handlers (jobs.Runner does).
type HandlerRegistry interface {
	Handle(kind string, fn jobs.HandlerFunc)
}

// Config sets up a Service.
type Config struct {
	// BaseURL is the site's address for links in e-mail, e.g.
	// https://quorum.example.org (no trailing slash).
	BaseURL string
	// AllowDemoShares lets the returning officer choose KeepSharesForDemo at
	// key set-up, so that a demonstration election closes and counts by
	// itself. Only the demo command sets it: with it, the server keeps
	// every share and so could read any ballot. Never in production.
	AllowDemoShares bool
	// CloseWorkers is how many envelopes are opened at once at the close
	// (default: every CPU).
	CloseWorkers int
	// Now tells the time (default time.Now); tests move it by hand.
	Now func() time.Time
	// Logger gets what happened, never rankings, trackers, shares,
	// passphrases, tokens or who voted.
	Logger *slog.Logger
}

// Service holds the rules of elections.
type Service struct {
	db     *store.DB
	mail   Mailer
	jobs   Scheduler
	cfg    Config
	log    *slog.Logger
	leaves leafCache
	papers paperCache
	casts  castQueue
	// sealing holds a token per ballot being sealed (see seal).
	sealing chan struct{}
}

// New returns the service. mailer and scheduler are usually a
// *mail.Service and a *jobs.Queue on the same database.
func New(db *store.DB, mailer Mailer, scheduler Scheduler, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.CloseWorkers <= 0 {
		cfg.CloseWorkers = runtime.GOMAXPROCS(0)
	}
	return &Service{db: db, mail: mailer, jobs: scheduler, cfg: cfg, log: cfg.Logger, sealing: make(chan struct{}, max(1, min(runtime.NumCPU(), runtime.GOMAXPROCS(0))))}
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// requireOfficer checks the returning officer's role.
func requireOfficer(p *auth.Principal) error {
	return p.Require(auth.RunElections, auth.Target{})
}

// requireScrutineer checks the scrutineer's role.
func requireScrutineer(p *auth.Principal) error {
	return p.Require(auth.ScrutiniseVoting, auth.Target{})
}

// isOfficial reports whether p is the returning officer or a scrutineer,
// who see an election's workings before its result is public.
func isOfficial(p *auth.Principal) bool {
	return p.Can(auth.RunElections, auth.Target{}) || p.Can(auth.ScrutiniseVoting, auth.Target{})
}

// MayView reports whether p may know of an election at the given stage:
// an election in draft is the returning officer's and scrutineers' alone,
// on its pages, in lists, on hustings and wherever else it is named.
func MayView(p *auth.Principal, status string) bool {
	return status != store.ElectionDraft || isOfficial(p)
}

func requireOfficial(p *auth.Principal) error {
	if !p.SignedIn() {
		return auth.ErrSignInNeeded
	}
	if !isOfficial(p) {
		return auth.ErrForbidden
	}
	return nil
}

func actorID(p *auth.Principal) int64 {
	if p == nil {
		return 0
	}
	return p.PersonID
}

// audit records an action on an election in the audit log, inside the
// transaction that made it. Callers pass counts, ids and settings only.
func audit(ctx context.Context, tx *store.Tx, actor int64, action string, electionID int64, old, new string) error {
	return tx.Audit(ctx, store.AuditEntry{ActorID: actor, Action: action, TargetType: "election", TargetID: strconv.FormatInt(electionID, 10), Old: old, New: new})
}

// leafCache keeps the Merkle leaves of recently viewed counted elections,
// which never change, so that looking up a tracker does not read every
// ballot each time.
type leafCache struct {
	mu      sync.Mutex
	entries map[int64][][32]byte
	order   []int64
}

const leafCacheSize = 4

func (c *leafCache) get(id int64) ([][32]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.entries[id]
	return l, ok
}

func (c *leafCache) put(id int64, leaves [][32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[int64][][32]byte{}
	}
	if _, ok := c.entries[id]; !ok {
		c.order = append(c.order, id)
		if len(c.order) > leafCacheSize {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.entries[id] = leaves
}
