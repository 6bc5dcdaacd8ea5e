package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Newsletter delivery statuses, one per recipient.
const (
	DeliveryPending    = "pending"
	DeliverySent       = "sent"
	DeliveryFailed     = "failed"
	DeliverySuppressed = "suppressed" // on the suppression list: not sent
	DeliverySkipped    = "skipped"    // unsubscribed before their turn came
)

// DeliveryStatuses lists the statuses in the order the author sees them.
var DeliveryStatuses = []string{DeliverySent, DeliveryPending, DeliveryFailed, DeliverySuppressed, DeliverySkipped}

// NewsletterSend is the sending of one report to its subscribers.
type NewsletterSend struct {
	ID         int64
	ReportID   int64
	Recipients int
	CreatedAt  time.Time
}

// CreateNewsletterSend starts the newsletter of a report and chooses its
// recipients: every confirmed subscriber who follows the whole site, the
// report's body or its author, once each, in one statement. Those on the
// suppression list are recorded as suppressed. created is false when the
// report's newsletter already exists (it is sent once).
func (tx *Tx) CreateNewsletterSend(ctx context.Context, reportID, bodyID, authorID int64, now time.Time) (send NewsletterSend, created bool, err error) {
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO newsletter_sends (report_id, recipients, created_at) VALUES (?, 0, ?) ON CONFLICT (report_id) DO NOTHING RETURNING id`,
		reportID, jobTime(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		send, err = tx.newsletterSendOf(ctx, reportID)
		return send, false, err
	}
	if err != nil {
		return send, false, err
	}
	r, err := tx.Exec(ctx, `INSERT INTO newsletter_deliveries (send_id, subscriber_id, status)
SELECT ?, s.id, CASE WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.email = s.email) THEN 'suppressed' ELSE 'pending' END
FROM subscribers s
WHERE s.status = 'confirmed' AND EXISTS (SELECT 1 FROM subscriptions u WHERE u.subscriber_id = s.id
  AND (u.scope = 'site' OR (u.scope = 'body' AND u.target_id = ?) OR (u.scope = 'person' AND u.target_id = ?)))
ORDER BY s.id`, id, bodyID, authorID)
	if err != nil {
		return send, false, err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return send, false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE newsletter_sends SET recipients = ? WHERE id = ?`, n, id); err != nil {
		return send, false, err
	}
	return NewsletterSend{ID: id, ReportID: reportID, Recipients: int(n), CreatedAt: jobTime(now)}, true, nil
}

func (tx *Tx) newsletterSendOf(ctx context.Context, reportID int64) (NewsletterSend, error) {
	var s NewsletterSend
	err := tx.QueryRow(ctx, `SELECT id, report_id, recipients, created_at FROM newsletter_sends WHERE report_id = ?`, reportID).Scan(&s.ID, &s.ReportID, &s.Recipients, &s.CreatedAt)
	return s, one(err)
}

// NewsletterSendOf reads the newsletter of a report, if it was sent.
func (db *DB) NewsletterSendOf(ctx context.Context, reportID int64) (NewsletterSend, error) {
	var s NewsletterSend
	err := db.QueryRow(ctx, `SELECT id, report_id, recipients, created_at FROM newsletter_sends WHERE report_id = ?`, reportID).Scan(&s.ID, &s.ReportID, &s.Recipients, &s.CreatedAt)
	return s, one(err)
}

// NewsletterSendByID reads a newsletter.
func (db *DB) NewsletterSendByID(ctx context.Context, id int64) (NewsletterSend, error) {
	var s NewsletterSend
	err := db.QueryRow(ctx, `SELECT id, report_id, recipients, created_at FROM newsletter_sends WHERE id = ?`, id).Scan(&s.ID, &s.ReportID, &s.Recipients, &s.CreatedAt)
	return s, one(err)
}

// PendingDeliveryIDs lists the ids of a newsletter's deliveries still to
// make, in order, to cut them into batches.
func (tx *Tx) PendingDeliveryIDs(ctx context.Context, sendID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM newsletter_deliveries WHERE send_id = ? AND status = 'pending' ORDER BY id`, sendID)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// Delivery is one recipient's copy of a newsletter, with what sending it needs.
type Delivery struct {
	ID               int64
	SubscriberID     int64
	Email            string
	Token            string
	SubscriberStatus string
	Suppressed       bool
	Attempts         int
}

// PendingDeliveries lists the deliveries of a batch (ids from..to) still
// to make, with each recipient's address and whether they may still be
// mailed.
func (db *DB) PendingDeliveries(ctx context.Context, sendID, from, to int64) ([]Delivery, error) {
	rows, err := db.Query(ctx, `SELECT d.id, d.subscriber_id, s.email, s.token, s.status,
  CASE WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.email = s.email) THEN 1 ELSE 0 END, d.attempts
FROM newsletter_deliveries d JOIN subscribers s ON s.id = d.subscriber_id
WHERE d.send_id = ? AND d.id >= ? AND d.id <= ? AND d.status = 'pending' ORDER BY d.id`, sendID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var sup int
		if err := rows.Scan(&d.ID, &d.SubscriberID, &d.Email, &d.Token, &d.SubscriberStatus, &sup, &d.Attempts); err != nil {
			return nil, err
		}
		d.Suppressed = sup != 0
		out = append(out, d)
	}
	return out, rows.Err()
}

// FinishDelivery records the outcome of a delivery that was pending: sent,
// failed (for good), suppressed or skipped. A delivery already finished is
// left alone, so a repeated batch never counts twice.
func (db *DB) FinishDelivery(ctx context.Context, id int64, status, errText string, at time.Time) error {
	_, err := db.Exec(ctx, finishDeliverySQL, finishDeliveryArgs(id, status, errText, at)...)
	return err
}

// FinishDelivery records a delivery's outcome inside a transaction.
func (tx *Tx) FinishDelivery(ctx context.Context, id int64, status, errText string, at time.Time) error {
	_, err := tx.Exec(ctx, finishDeliverySQL, finishDeliveryArgs(id, status, errText, at)...)
	return err
}

const finishDeliverySQL = `UPDATE newsletter_deliveries SET status = ?, error = ?, attempts = attempts + 1, sent_at = ? WHERE id = ? AND status = 'pending'`

func finishDeliveryArgs(id int64, status, errText string, at time.Time) []any {
	if len(errText) > 500 {
		errText = errText[:500]
	}
	var sentAt any
	if status == DeliverySent {
		sentAt = jobTime(at)
	}
	return []any{status, errText, sentAt, id}
}

// RetryDelivery notes a failed attempt of a delivery that stays pending.
func (db *DB) RetryDelivery(ctx context.Context, id int64, errText string) error {
	if len(errText) > 500 {
		errText = errText[:500]
	}
	_, err := db.Exec(ctx, `UPDATE newsletter_deliveries SET error = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'`, errText, id)
	return err
}

// DeliveryCounts counts a newsletter's deliveries by status.
func (db *DB) DeliveryCounts(ctx context.Context, sendID int64) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT status, COUNT(*) FROM newsletter_deliveries WHERE send_id = ? GROUP BY status`, sendID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// FailedDeliveries lists a newsletter's failed deliveries with the reason.
func (db *DB) FailedDeliveries(ctx context.Context, sendID int64, limit int) ([]Delivery, []string, error) {
	rows, err := db.Query(ctx, `SELECT d.id, d.subscriber_id, s.email, d.error FROM newsletter_deliveries d JOIN subscribers s ON s.id = d.subscriber_id
WHERE d.send_id = ? AND d.status = 'failed' ORDER BY d.id LIMIT ?`, sendID, limit)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []Delivery
	var errs []string
	for rows.Next() {
		var d Delivery
		var e string
		if err := rows.Scan(&d.ID, &d.SubscriberID, &d.Email, &e); err != nil {
			return nil, nil, err
		}
		out = append(out, d)
		errs = append(errs, e)
	}
	return out, errs, rows.Err()
}
