package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	"quorum/internal/jobs"
	"quorum/internal/store"
)

// SendKind is the job kind that delivers one outbox message.
const SendKind = "mail.send"

// DefaultMaxAttempts spreads retries over about three hours with the
// default backoff, long enough to ride out a mail server's restart or
// maintenance window.
const DefaultMaxAttempts = 10

// Config sets up a Service.
type Config struct {
	// SMTPURL is the outgoing server (smtp://USER:PASS@HOST:PORT or
	// smtps://…). Empty: messages are kept in the outbox for the admin
	// page and never sent.
	SMTPURL string
	// From is the sender, e.g. "Quorum <quorum@example.org>".
	From string
	// TLSConfig, if set, is used to reach the SMTP server, e.g. to trust a
	// private certificate authority.
	TLSConfig *tls.Config
	// MaxAttempts bounds delivery attempts (DefaultMaxAttempts).
	MaxAttempts int
	// Clock tells the time (time.Now).
	Clock jobs.Clock
	// Logger gets delivery outcomes, never addresses or bodies.
	Logger *slog.Logger
}

// Service queues and delivers e-mail.
type Service struct {
	db          *store.DB
	queue       *jobs.Queue
	from        *netmail.Address
	sender      *smtpSender // nil: keep messages in the outbox
	maxAttempts int
	clock       jobs.Clock
	log         *slog.Logger
}

// NewService checks the configuration and returns the service. Call
// Register to let a jobs.Runner deliver its messages.
func NewService(db *store.DB, queue *jobs.Queue, cfg Config) (*Service, error) {
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail-from %q: not an e-mail address: %w", cfg.From, err)
	}
	s := &Service{db: db, queue: queue, from: from, maxAttempts: cfg.MaxAttempts, clock: cfg.Clock, log: cfg.Logger}
	if s.maxAttempts <= 0 {
		s.maxAttempts = DefaultMaxAttempts
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if cfg.SMTPURL != "" {
		server, err := parseSMTPURL(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		s.sender = newSMTPSender(server, cfg.TLSConfig)
	}
	return s, nil
}

// Delivers reports whether messages are sent, rather than only kept in the
// outbox (for a notice on the admin page).
func (s *Service) Delivers() bool { return s.sender != nil }

// Register makes the runner deliver queued messages.
func (s *Service) Register(r *jobs.Runner) { r.Handle(SendKind, s.deliver) }

// Send queues a message and returns its outbox id.
func (s *Service) Send(ctx context.Context, msg Message) (int64, error) {
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = s.SendTx(ctx, tx, msg)
		return err
	})
	return id, err
}

// SendTx queues a message inside the caller's transaction: the message is
// sent if and only if the caller's change commits ("a reset link is
// issued" and "its e-mail is queued" happen together or not at all).
func (s *Service) SendTx(ctx context.Context, tx *store.Tx, msg Message) (int64, error) {
	if err := msg.validate(); err != nil {
		return 0, err
	}
	msgID, err := s.newMessageID()
	if err != nil {
		return 0, err
	}
	status := store.OutboxPending
	if s.sender == nil {
		status = store.OutboxKept
	}
	id, err := tx.InsertOutbox(ctx, store.OutboxMessage{
		From:      s.from.String(),
		To:        msg.To,
		Subject:   msg.Subject,
		Text:      msg.Text,
		HTML:      msg.HTML,
		Headers:   msg.Headers,
		MessageID: msgID,
		Status:    status,
		CreatedAt: s.clock(),
	})
	if err != nil {
		return 0, fmt.Errorf("queue e-mail: %w", err)
	}
	if s.sender == nil {
		s.log.Info("e-mail kept in the outbox: no smtp-url is configured", "outbox_id", id)
		return id, nil
	}
	if _, err := s.queue.EnqueueTx(ctx, tx, SendKind, sendPayload{OutboxID: id}, jobs.MaxAttempts(s.maxAttempts)); err != nil {
		return 0, fmt.Errorf("queue e-mail delivery: %w", err)
	}
	return id, nil
}

// newMessageID makes a Message-ID under the sender's domain, as RFC 5322
// recommends, with 128 random bits so it is unique everywhere.
func (s *Service) newMessageID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("message id: %w", err)
	}
	domain := "localhost"
	if _, d, ok := strings.Cut(s.from.Address, "@"); ok && d != "" {
		domain = d
	}
	id := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return id + "@" + domain, nil
}
