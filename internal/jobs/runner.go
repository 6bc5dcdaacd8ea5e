package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// HandlerFunc does the work of one kind of job. It gets the payload as
// enqueued; InfoFrom(ctx) tells which job and attempt it is. Returning an
// error retries the job later; wrap it with Permanent when retrying cannot
// help. The context ends at the job timeout.
type HandlerFunc func(ctx context.Context, payload json.RawMessage) error

// Config tunes a Runner. Zero values take the defaults.
type Config struct {
	// Workers is how many jobs this process runs at once; 0 runs none
	// (a node that only serves pages).
	Workers int
	// PollInterval is how often the queue is checked for jobs enqueued by
	// other nodes or coming due (default 1s). Jobs enqueued by this
	// process start at once.
	PollInterval time.Duration
	// JobTimeout ends a handler's context (default 5 minutes).
	JobTimeout time.Duration
	// StuckAfter is how long a job may stay running before it is presumed
	// lost with its node and is reclaimed (default and minimum: twice
	// JobTimeout, so that a live handler is never taken over).
	StuckAfter time.Duration
	// ReclaimEvery is how often stuck jobs are looked for (default 1 minute).
	ReclaimEvery time.Duration
	// Backoff is the wait before a failed job runs again (DefaultBackoff).
	Backoff Backoff
	// Logger receives failures; payloads are never logged since they may
	// hold personal data. Default slog.Default().
	Logger *slog.Logger
	// Name identifies this runner in the jobs it holds (default
	// host-pid-random).
	Name string
}

func (c Config) withDefaults() Config {
	if c.Workers < 0 {
		c.Workers = 0
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = 5 * time.Minute
	}
	if c.StuckAfter < 2*c.JobTimeout {
		c.StuckAfter = 2 * c.JobTimeout
	}
	if c.ReclaimEvery <= 0 {
		c.ReclaimEvery = time.Minute
	}
	if c.Backoff == nil {
		c.Backoff = DefaultBackoff
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Name == "" {
		c.Name = defaultRunnerName()
	}
	return c
}

// defaultRunnerName is unique per process, so that one node's claims are
// never mistaken for another's.
func defaultRunnerName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "node"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Runner takes jobs from the queue and runs their handlers.
type Runner struct {
	q   *Queue
	cfg Config
	log *slog.Logger

	mu       sync.RWMutex
	handlers map[string]HandlerFunc

	running atomic.Bool

	reclaimMu   sync.Mutex
	lastReclaim time.Time
}

// NewRunner returns a runner for the queue's database. Register handlers
// with Handle, then call Run.
func NewRunner(q *Queue, cfg Config) *Runner {
	cfg = cfg.withDefaults()
	return &Runner{q: q, cfg: cfg, log: cfg.Logger.With("runner", cfg.Name), handlers: map[string]HandlerFunc{}}
}

// Handle registers the handler of a kind. Registering a kind twice is a
// programming error and panics, as http.ServeMux does.
func (r *Runner) Handle(kind string, fn HandlerFunc) {
	if kind == "" || fn == nil {
		panic("jobs: Handle needs a kind and a function")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.handlers[kind]; dup {
		panic(fmt.Sprintf("jobs: handler for kind %q registered twice", kind))
	}
	r.handlers[kind] = fn
}

func (r *Runner) handler(kind string) HandlerFunc {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[kind]
}

// Run claims and runs jobs until ctx ends, then stops claiming and waits
// for the handlers still running (each bounded by JobTimeout) before it
// returns. Their results are recorded even though ctx has ended.
func (r *Runner) Run(ctx context.Context) error {
	if r.cfg.Workers == 0 {
		return nil
	}
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("jobs: Run called twice on one runner")
	}
	defer r.running.Store(false)

	var wg sync.WaitGroup
	defer wg.Wait()
	// Buffered to the number of workers so a finishing handler never
	// blocks, even once Run has stopped listening.
	finished := make(chan struct{}, r.cfg.Workers)
	poll := time.NewTicker(r.cfg.PollInterval)
	defer poll.Stop()

	busy := 0
	claimNow := true
	saturated := false // the last claim filled every free worker: more may wait
	for {
		if claimNow && busy < r.cfg.Workers && ctx.Err() == nil {
			r.reclaimIfDue(ctx, false)
			free := r.cfg.Workers - busy
			jobs, err := r.q.db.ClaimJobs(ctx, r.cfg.Name, free, r.q.clock())
			if err != nil && ctx.Err() == nil {
				r.log.Error("claiming jobs failed", "error", err)
			}
			for _, j := range jobs {
				busy++
				wg.Add(1)
				go func() {
					defer wg.Done()
					r.execute(ctx, j)
					finished <- struct{}{}
				}()
			}
			saturated = len(jobs) == free
		}
		claimNow = false
		select {
		case <-ctx.Done():
			return nil
		case <-r.q.wake:
			claimNow = true
		case <-poll.C:
			claimNow = true
		case <-finished:
			busy--
			claimNow = saturated
		}
	}
}

// RunDue runs, one after another, every job that is due now, including
// jobs it makes due by reclaiming them, and returns how many it ran. It is
// for tests and one-shot commands; a server uses Run.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	r.reclaimIfDue(ctx, true)
	batch := max(r.cfg.Workers, 1)
	n := 0
	for {
		jobs, err := r.q.db.ClaimJobs(ctx, r.cfg.Name, batch, r.q.clock())
		if err != nil {
			return n, err
		}
		if len(jobs) == 0 {
			return n, nil
		}
		for _, j := range jobs {
			r.execute(ctx, j)
			n++
		}
	}
}

// reclaimIfDue puts back jobs whose node died, at most every ReclaimEvery.
func (r *Runner) reclaimIfDue(ctx context.Context, force bool) {
	now := r.q.clock()
	r.reclaimMu.Lock()
	if !force && !r.lastReclaim.IsZero() && now.Sub(r.lastReclaim) < r.cfg.ReclaimEvery {
		r.reclaimMu.Unlock()
		return
	}
	r.lastReclaim = now
	r.reclaimMu.Unlock()
	n, err := r.q.db.ReclaimStuckJobs(ctx, now.Add(-r.cfg.StuckAfter), now)
	switch {
	case err != nil && ctx.Err() == nil:
		r.log.Error("reclaiming stuck jobs failed", "error", err)
	case n > 0:
		r.log.Warn("reclaimed jobs left running by a stopped worker", "count", n)
	}
}
