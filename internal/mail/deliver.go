package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"quorum/internal/jobs"
	"quorum/internal/store"
)

// sendPayload is the mail.send job's payload: only the outbox id, so that
// no address or text sits in the jobs table or its admin page.
type sendPayload struct {
	OutboxID int64 `json:"outbox_id"`
}

// deliver is the mail.send job handler.
func (s *Service) deliver(ctx context.Context, raw json.RawMessage) error {
	var p sendPayload
	if err := json.Unmarshal(raw, &p); err != nil || p.OutboxID == 0 {
		return jobs.Permanent(fmt.Errorf("mail.send payload: want {\"outbox_id\": N}"))
	}
	o, err := s.db.OutboxByID(ctx, p.OutboxID)
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	log := s.log.With("outbox_id", o.ID)
	if o.Status != store.OutboxPending {
		// Sent by an earlier attempt whose job outcome was lost, or failed.
		return nil
	}
	if s.sender == nil {
		// The message was queued by a node with an smtp-url; this one has
		// none, so it keeps the message like any other.
		log.Warn("e-mail kept in the outbox: no smtp-url is configured on this node")
		return s.db.MarkOutboxKept(ctx, o.ID)
	}
	msg, err := compose(o)
	if err != nil {
		text := describe(err)
		if merr := s.db.MarkOutboxAttemptFailed(ctx, o.ID, text, true); merr != nil {
			return merr
		}
		return jobs.Permanent(errors.New(text))
	}
	if err := s.sender.send(ctx, msg); err != nil {
		return s.recordFailure(ctx, o.ID, err)
	}
	if err := s.db.MarkOutboxSent(ctx, o.ID, s.clock()); err != nil {
		return fmt.Errorf("e-mail sent but not recorded: %w", err)
	}
	log.Info("e-mail sent")
	return nil
}

// recordFailure notes a failed attempt on the outbox row and tells the job
// queue whether to try again.
func (s *Service) recordFailure(ctx context.Context, id int64, sendErr error) error {
	info, _ := jobs.InfoFrom(ctx)
	permanent := refusedForGood(sendErr)
	text := describe(sendErr)
	if err := s.db.MarkOutboxAttemptFailed(ctx, id, text, permanent || info.LastAttempt()); err != nil {
		return fmt.Errorf("%s; and recording it failed: %w", text, err)
	}
	// The queue logs the error with the job; it holds no address.
	if permanent {
		return jobs.Permanent(errors.New(text))
	}
	return errors.New(text)
}
