// Package report is meetings and report-back: the meetings of bodies with
// their agendas, attendance, minutes and papers; the reports that elected
// representatives write after each meeting; comments on them; e-mail
// subscriptions and the newsletters that carry each report to its readers;
// Atom feeds; full-text search; events with sign-ups; and the import of a
// representative's old WordPress blog. It decides who may do what (through
// auth.Principal) and records every privileged change in the audit log.
package report

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/org"
	"quorum/internal/store"
)

// Sentinel errors; the web layer maps them to what a visitor sees.
var (
	// ErrRateLimited: too many comments or sign-ups from one place.
	ErrRateLimited = errors.New("too many attempts; please wait a few minutes")
	// ErrClosed: comments are closed on this report.
	ErrClosed = errors.New("comments are closed")
	// ErrNotPublished: the report is not public (yet).
	ErrNotPublished = errors.New("this report is not published")
)

// FieldErrors are form errors, one message per field (shared with org so
// that every form in Quorum shows errors the same way).
type FieldErrors = org.FieldErrors

func orNil(fe FieldErrors) error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// Mailer queues one e-mail inside the caller's transaction (mail.Service).
type Mailer interface {
	SendTx(ctx context.Context, tx *store.Tx, msg mail.Message) (int64, error)
}

// Config sets up the service.
type Config struct {
	SiteName string
	BaseURL  string // public address, for links in e-mails and feeds
	// MailFrom is the sender of newsletters, e.g. "Quorum <news@example.org>".
	MailFrom string
	// SMTPURL is the server newsletters go through (the same setting as
	// other mail). Empty: newsletters are kept in the admin outbox.
	SMTPURL   string
	TLSConfig *tls.Config
	// CommentsPerWindow limits the comments accepted from one network
	// address or e-mail address in ten minutes (default 5).
	CommentsPerWindow int
	// NewsletterBatch is how many recipients one job sends to over one
	// SMTP connection (default 200).
	NewsletterBatch int
	Now             func() time.Time
	Log             *slog.Logger
}

// Service holds the rules of meetings and report-back.
type Service struct {
	DB    *store.DB
	Queue *jobs.Queue
	Mail  Mailer
	cfg   Config
	html  *renderer
	smtp  *newsletterSMTP // nil: newsletters are kept in the outbox
	// gen counts the changes this process made to what report pages
	// show, so that a page cache knows when its copies are stale.
	gen atomic.Int64
}

// Generation changes whenever this process changes a report, its
// comments or its cover. Other processes' changes are not counted: a cache
// must also expire its copies by time.
func (s *Service) Generation() int64 { return s.gen.Load() }

// changed records a change to what report pages show.
func (s *Service) changed() { s.gen.Add(1) }

// SettingsChanged tells the service that the organisation's settings
// changed (whether visitors may comment, say), which report pages show.
func (s *Service) SettingsChanged() { s.changed() }

// NewService checks the configuration, makes sure the search index exists
// and returns the service. Register its jobs with Register.
func NewService(ctx context.Context, db *store.DB, queue *jobs.Queue, mailer Mailer, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.SiteName == "" {
		cfg.SiteName = "Quorum"
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.CommentsPerWindow <= 0 {
		cfg.CommentsPerWindow = 5
	}
	if cfg.NewsletterBatch <= 0 {
		cfg.NewsletterBatch = 200
	}
	if cfg.MailFrom == "" {
		cfg.MailFrom = "Quorum <quorum@localhost>"
	}
	s := &Service{DB: db, Queue: queue, Mail: mailer, cfg: cfg, html: newRenderer()}
	if cfg.SMTPURL != "" {
		sender, err := newNewsletterSMTP(cfg.SMTPURL, cfg.MailFrom, cfg.TLSConfig)
		if err != nil {
			return nil, err
		}
		s.smtp = sender
	}
	if err := db.EnsureSearchIndex(ctx); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return s, nil
}

// Register makes the runner run the service's jobs.
func (s *Service) Register(r *jobs.Runner) {
	r.Handle(PublishKind, s.publishScheduled)
	r.Handle(NewsletterStartKind, s.newsletterStart)
	r.Handle(NewsletterBatchKind, s.newsletterBatch)
	r.Handle(EventReminderKind, s.eventReminders)
	r.Handle(CommentReplyKind, s.commentReplyNotice)
}

func (s *Service) now() time.Time { return s.cfg.Now() }

// SiteName is the name shown in feeds and e-mails.
func (s *Service) SiteName() string { return s.cfg.SiteName }

// BaseURL is the public address of the site.
func (s *Service) BaseURL() string { return s.cfg.BaseURL }

// PublicComments reports whether visitors who are not signed in may
// comment: the organisation's setting, which an administrator changes on
// the organisation's page (off until the organisation is set up).
func (s *Service) PublicComments(ctx context.Context) (bool, error) {
	o, err := s.DB.Organisation(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return o.PublicComments, err
}

// newToken returns 128 random bits as lower-case base32: the secret of a
// link sent by e-mail.
func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// audit records a privileged change in the transaction that made it.
func audit(ctx context.Context, tx *store.Tx, p *auth.Principal, action, targetType string, id int64, old, new string) error {
	var actor int64
	if p != nil {
		actor = p.PersonID
	}
	return tx.Audit(ctx, store.AuditEntry{ActorID: actor, Action: action, TargetType: targetType, TargetID: idText(id), Old: old, New: new})
}

// seatHolder tells whether p holds a seat on the body today.
func (s *Service) seatHolder(ctx context.Context, p *auth.Principal, bodyID int64) (bool, error) {
	if !p.SignedIn() || bodyID == 0 {
		return false, nil
	}
	return s.DB.HoldsSeatOn(ctx, p.PersonID, bodyID, s.now())
}

// Slugify makes a web-address slug from a title.
func Slugify(title string) string {
	s := org.Slugify(title)
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	return s
}

// inTx runs a write in a transaction and, when it commits, counts a change.
func (s *Service) inTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	if err := s.DB.InTx(ctx, fn); err != nil {
		return err
	}
	s.changed()
	return nil
}
