package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Subscriber statuses.
const (
	SubscriberPending      = "pending" // waiting for the confirmation link
	SubscriberConfirmed    = "confirmed"
	SubscriberUnsubscribed = "unsubscribed"
)

// Subscription scopes: what a subscriber follows.
const (
	ScopeSite   = "site"   // every report
	ScopeBody   = "body"   // reports on one body
	ScopePerson = "person" // one representative's reports
)

// Subscriber is an e-mail address that receives reports.
type Subscriber struct {
	ID             int64
	Email          string
	Token          string
	Status         string
	Consent        string
	CreatedAt      time.Time
	ConfirmedAt    time.Time
	UnsubscribedAt time.Time
}

const subscriberColumns = `id, email, token, status, consent, created_at, confirmed_at, unsubscribed_at`

func scanSubscriber(s interface{ Scan(...any) error }) (Subscriber, error) {
	var x Subscriber
	var conf, unsub sql.NullTime
	err := s.Scan(&x.ID, &x.Email, &x.Token, &x.Status, &x.Consent, &x.CreatedAt, &conf, &unsub)
	x.CreatedAt = x.CreatedAt.UTC()
	if conf.Valid {
		x.ConfirmedAt = conf.Time.UTC()
	}
	if unsub.Valid {
		x.UnsubscribedAt = unsub.Time.UTC()
	}
	return x, err
}

// SubscriberByToken finds a subscriber by the secret in their links.
func (db *DB) SubscriberByToken(ctx context.Context, token string) (Subscriber, error) {
	s, err := scanSubscriber(db.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE token = ?`, token))
	return s, one(err)
}

// SubscriberByToken finds a subscriber by token inside a transaction.
func (tx *Tx) SubscriberByToken(ctx context.Context, token string) (Subscriber, error) {
	s, err := scanSubscriber(tx.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE token = ?`+tx.forUpdate(), token))
	return s, one(err)
}

// SubscriberByEmail finds a subscriber by address (stored in lower case).
func (tx *Tx) SubscriberByEmail(ctx context.Context, email string) (Subscriber, error) {
	s, err := scanSubscriber(tx.QueryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE email = ?`+tx.forUpdate(), email))
	return s, one(err)
}

// CreateSubscriber inserts a subscriber.
func (tx *Tx) CreateSubscriber(ctx context.Context, s Subscriber) (int64, error) {
	return tx.Insert(ctx, `INSERT INTO subscribers (email, token, status, consent, created_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.Email, s.Token, s.Status, s.Consent, jobTime(s.CreatedAt), optTime(s.ConfirmedAt))
}

// SetSubscriberStatus moves a subscriber to a status, stamping the time.
func (tx *Tx) SetSubscriberStatus(ctx context.Context, id int64, status, consent string, at time.Time) error {
	switch status {
	case SubscriberConfirmed:
		return affectOne(tx.Exec(ctx, `UPDATE subscribers SET status = ?, consent = CASE WHEN ? = '' THEN consent ELSE ? END, confirmed_at = ?, unsubscribed_at = NULL WHERE id = ?`,
			status, consent, consent, jobTime(at), id))
	case SubscriberUnsubscribed:
		return affectOne(tx.Exec(ctx, `UPDATE subscribers SET status = ?, unsubscribed_at = ? WHERE id = ?`, status, jobTime(at), id))
	default:
		return affectOne(tx.Exec(ctx, `UPDATE subscribers SET status = ?, consent = CASE WHEN ? = '' THEN consent ELSE ? END WHERE id = ?`, status, consent, consent, id))
	}
}

// Subscription is one thing a subscriber follows, with its name for display.
type Subscription struct {
	SubscriberID int64
	Scope        string
	TargetID     int64
	TargetName   string
	TargetSlug   string
}

// AddSubscription makes a subscriber follow something; following it
// already changes nothing.
func (tx *Tx) AddSubscription(ctx context.Context, subscriberID int64, scope string, targetID int64, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO subscriptions (subscriber_id, scope, target_id, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (subscriber_id, scope, target_id) DO NOTHING`, subscriberID, scope, targetID, jobTime(at))
	return err
}

// RemoveSubscription stops a subscriber following something.
func (tx *Tx) RemoveSubscription(ctx context.Context, subscriberID int64, scope string, targetID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM subscriptions WHERE subscriber_id = ? AND scope = ? AND target_id = ?`, subscriberID, scope, targetID)
	return err
}

// SubscriptionsOf lists what a subscriber follows.
func (db *DB) SubscriptionsOf(ctx context.Context, subscriberID int64) ([]Subscription, error) {
	rows, err := db.Query(ctx, `SELECT u.subscriber_id, u.scope, u.target_id, COALESCE(b.name, p.name, ''), COALESCE(b.slug, p.slug, '')
FROM subscriptions u
LEFT JOIN bodies b ON u.scope = 'body' AND b.id = u.target_id
LEFT JOIN people p ON u.scope = 'person' AND p.id = u.target_id
WHERE u.subscriber_id = ? ORDER BY u.scope DESC, u.target_id`, subscriberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var s Subscription
		if err := rows.Scan(&s.SubscriberID, &s.Scope, &s.TargetID, &s.TargetName, &s.TargetSlug); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SubscriberCounts counts subscribers by status.
func (db *DB) SubscriberCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.Query(ctx, `SELECT status, COUNT(*) FROM subscribers GROUP BY status`)
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

// Suppression reasons.
const (
	SuppressBounce    = "bounce"
	SuppressComplaint = "complaint"
	SuppressManual    = "manual"
)

// Suppression is an address that is never mailed again.
type Suppression struct {
	Email     string
	Reason    string
	Detail    string
	CreatedAt time.Time
}

// Suppress adds an address to the suppression list (once).
func (tx *Tx) Suppress(ctx context.Context, s Suppression) error {
	_, err := tx.Exec(ctx, `INSERT INTO suppressions (email, reason, detail, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
		s.Email, s.Reason, s.Detail, jobTime(s.CreatedAt))
	return err
}

// Unsuppress takes an address off the suppression list.
func (tx *Tx) Unsuppress(ctx context.Context, email string) error {
	return affectOne(tx.Exec(ctx, `DELETE FROM suppressions WHERE email = ?`, email))
}

// IsSuppressed reports whether an address is on the suppression list.
func (db *DB) IsSuppressed(ctx context.Context, email string) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM suppressions WHERE email = ?`, email).Scan(&n)
	return n > 0, err
}

// Suppressions lists the suppression list, newest first, with the total.
func (db *DB) Suppressions(ctx context.Context, page Page) ([]Suppression, int, error) {
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM suppressions`).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.Query(ctx, `SELECT email, reason, detail, created_at FROM suppressions ORDER BY created_at DESC, email LIMIT ? OFFSET ?`, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Suppression
	for rows.Next() {
		var s Suppression
		if err := rows.Scan(&s.Email, &s.Reason, &s.Detail, &s.CreatedAt); err != nil {
			return nil, 0, err
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// NewSubscriberRow is one subscriber of a bulk load (an import, the demo):
// the address, its token, status and consent, and what it follows.
type NewSubscriberRow struct {
	Email   string
	Token   string
	Status  string
	Consent string
	Follows []Subscription // SubscriberID is ignored
}

// BulkAddSubscribers inserts many new subscribers (none may exist yet)
// with their subscriptions, in batches.
func (tx *Tx) BulkAddSubscribers(ctx context.Context, subs []NewSubscriberRow, at time.Time) error {
	if len(subs) == 0 {
		return nil
	}
	var base int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM subscribers`).Scan(&base); err != nil {
		return err
	}
	now := jobTime(at)
	rows := make([][]any, 0, len(subs))
	var follows [][]any
	for i, s := range subs {
		id := base + int64(i) + 1
		var confirmed any
		if s.Status == SubscriberConfirmed {
			confirmed = now
		}
		rows = append(rows, []any{id, s.Email, s.Token, s.Status, s.Consent, now, confirmed})
		for _, f := range s.Follows {
			follows = append(follows, []any{id, f.Scope, f.TargetID, now})
		}
	}
	if err := tx.BulkInsert(ctx, "subscribers", []string{"id", "email", "token", "status", "consent", "created_at", "confirmed_at"}, rows); err != nil {
		return fmt.Errorf("add subscribers: %w", err)
	}
	if err := tx.BulkInsert(ctx, "subscriptions", []string{"subscriber_id", "scope", "target_id", "created_at"}, follows); err != nil {
		return fmt.Errorf("add subscriptions: %w", err)
	}
	return tx.SyncIDSequence(ctx, "subscribers")
}
