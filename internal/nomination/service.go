// Package nomination runs nomination periods: the returning officer opens a
// period for a position or a section with its rules; officers of nominating
// bodies (and individual nominators such as MPs) nominate; candidates
// declare, consent and write a statement; threshold rules, kept as data with
// effective dates, decide who qualifies; the close hands the qualified,
// consenting candidates to the linked election's ballot.
package nomination

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/org"
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

// Ballots is the part of the elections service the close hands candidates
// to (election.Service).
type Ballots interface {
	AddCandidate(ctx context.Context, p *auth.Principal, electionID int64, in election.CandidateInput) (store.Candidate, error)
	Candidates(ctx context.Context, electionID int64) ([]store.Candidate, error)
}

// Config sets up a Service.
type Config struct {
	BaseURL string // for links in e-mail, no trailing slash
	Now     func() time.Time
	Logger  *slog.Logger
}

// Service holds the rules of nominations.
type Service struct {
	db      *store.DB
	mail    Mailer
	jobs    Scheduler
	ballots Ballots
	cfg     Config
	log     *slog.Logger
}

// New returns the service.
func New(db *store.DB, mailer Mailer, scheduler Scheduler, ballots Ballots, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{db: db, mail: mailer, jobs: scheduler, ballots: ballots, cfg: cfg, log: cfg.Logger}
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

// Sentinel errors, in plain words.
var (
	ErrNotFound = store.ErrNotFound
	// ErrClosed refuses a change after the deadline or the close.
	ErrClosed = errors.New("nominations for this period have closed")
	// ErrNotOpen refuses a nomination before the period opens.
	ErrNotOpen = errors.New("nominations for this period have not opened yet")
	// ErrNotNominator refuses someone who may not nominate in the period.
	ErrNotNominator = errors.New("you may not nominate in this period")
	// ErrChanged refuses a nomination made on an out-of-date form: another
	// officer of the same body changed its nominations meanwhile.
	ErrChanged = errors.New("another officer of this body has just changed its nominations; look at them again before you submit")
	// ErrNotCandidate refuses consent or a statement from someone else.
	ErrNotCandidate = errors.New("only the candidate can do this")
	// ErrNoBallotOfficer leaves the hand-over to the ballot to the returning
	// officer when nobody with that role is known to do it.
	ErrNoBallotOfficer = errors.New("the returning officer must hand the candidates to the ballot")
)

// FieldErrors is the organisation pages' type, so one page helper shows both.
type FieldErrors = org.FieldErrors

// AsFieldErrors extracts field errors from err.
func AsFieldErrors(err error) (FieldErrors, bool) { return org.AsFieldErrors(err) }

func fieldErrs(fe FieldErrors) error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func requireOfficer(p *auth.Principal) error { return p.Require(auth.RunElections, auth.Target{}) }

func audit(ctx context.Context, tx *store.Tx, actor int64, action string, periodID int64, old, new string) error {
	return tx.Audit(ctx, store.AuditEntry{ActorID: actor, Action: action, TargetType: "nomination_period", TargetID: strconv.FormatInt(periodID, 10), Old: old, New: new})
}

func unitNominator(unitID int64) string     { return fmt.Sprintf("unit:%d", unitID) }
func personNominator(personID int64) string { return fmt.Sprintf("person:%d", personID) }
