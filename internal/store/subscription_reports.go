package store

import "context"

// The statements that apply a bounce or a complaint that came back after
// sending. Each says whether it changed anything, so that the same report
// applied twice is recognised and audited once.

// SuppressNew adds an address to the suppression list and reports
// whether it was not on it already.
func (tx *Tx) SuppressNew(ctx context.Context, s Suppression) (bool, error) {
	r, err := tx.Exec(ctx, `INSERT INTO suppressions (email, reason, detail, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
		s.Email, s.Reason, clip(s.Detail, 500), jobTime(s.CreatedAt))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// ReportedDelivery is the delivery a report names, with the address it
// went to, to check the report against.
type ReportedDelivery struct {
	ID           int64
	SendID       int64
	SubscriberID int64
	Email        string
	Status       string
}

// DeliveryForReport reads a delivery and its recipient's address, locked
// for the update that follows.
func (tx *Tx) DeliveryForReport(ctx context.Context, id int64) (ReportedDelivery, error) {
	var d ReportedDelivery
	err := tx.QueryRow(ctx, `SELECT d.id, d.send_id, d.subscriber_id, s.email, d.status
FROM newsletter_deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.id = ?`+tx.forUpdate(), id).
		Scan(&d.ID, &d.SendID, &d.SubscriberID, &d.Email, &d.Status)
	return d, one(err)
}

// MarkDeliveryReported records what a later report said of a delivery
// that was sent (or was being sent when the process stopped): failed
// after a bounce, or a complaint. It reports whether the status changed;
// a delivery already marked is left alone.
func (tx *Tx) MarkDeliveryReported(ctx context.Context, id int64, status, errText string) (bool, error) {
	r, err := tx.Exec(ctx, `UPDATE newsletter_deliveries SET status = ?, error = ? WHERE id = ? AND status IN ('sent', 'pending')`,
		status, clip(errText, 500), id)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, err
}

// clip cuts s to at most n bytes, never inside a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
