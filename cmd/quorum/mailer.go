package main

import (
	"context"
	"log/slog"

	"quorum/internal/config"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// plainMailer lets services that send one plain-text message (password
// resets, receipts) use the mail service without knowing its types.
type plainMailer struct{ svc *mail.Service }

func (m plainMailer) Send(ctx context.Context, to, subject, body string) error {
	_, err := m.svc.Send(ctx, mail.Message{To: to, Subject: subject, Text: body})
	return err
}

// newMailer builds the mail service and lets the runner deliver its messages.
func newMailer(cfg config.Config, db *store.DB, queue *jobs.Queue, runner *jobs.Runner, log *slog.Logger) (plainMailer, error) {
	svc, err := mail.NewService(db, queue, mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, Logger: log})
	if err != nil {
		return plainMailer{}, err
	}
	svc.Register(runner)
	return plainMailer{svc: svc}, nil
}
