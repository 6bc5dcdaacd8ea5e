package report

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// Follow is one thing to follow: the whole site, a body or a representative.
type Follow struct {
	Scope    string
	TargetID int64
}

// String is the compact form used in links and forms: "site", "body:3",
// "person:12".
func (f Follow) String() string {
	if f.Scope == store.ScopeSite {
		return store.ScopeSite
	}
	return f.Scope + ":" + strconv.FormatInt(f.TargetID, 10)
}

// ParseFollow reads the compact form.
func ParseFollow(s string) (Follow, bool) {
	if s == store.ScopeSite {
		return Follow{Scope: store.ScopeSite}, true
	}
	scope, id, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || (scope != store.ScopeBody && scope != store.ScopePerson) {
		return Follow{}, false
	}
	return Follow{Scope: scope, TargetID: n}, true
}

// checkFollow makes sure the body or person exists and names it.
func (s *Service) checkFollow(ctx context.Context, f Follow) (string, error) {
	switch f.Scope {
	case store.ScopeSite:
		return "everything on " + s.cfg.SiteName, nil
	case store.ScopeBody:
		b, err := s.DB.BodyByID(ctx, f.TargetID)
		if err != nil {
			return "", err
		}
		return "reports on " + b.Name, nil
	case store.ScopePerson:
		p, err := s.DB.PersonByID(ctx, f.TargetID)
		if err != nil {
			return "", err
		}
		return "reports by " + p.Name, nil
	}
	return "", store.ErrNotFound
}

// normaliseEmail checks an address and returns it in lower case.
func normaliseEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", false
	}
	return s, true
}

// SubscribeInput is what a sign-up form submits.
type SubscribeInput struct {
	Email  string
	Follow Follow
	Trap   string // honeypot
	Client string // network address, for rate limits only
}

// Subscribe signs an address up to follow something, with double opt-in:
// nothing is sent to the address but a confirmation link until it is
// followed. The answer is the same whether or not the address was known,
// so the form tells no one who subscribes.
func (s *Service) Subscribe(ctx context.Context, in SubscribeInput) error {
	email, ok := normaliseEmail(in.Email)
	if !ok {
		return FieldErrors{"email": "Enter an e-mail address, like name@example.org"}
	}
	what, err := s.checkFollow(ctx, in.Follow)
	if errors.Is(err, store.ErrNotFound) {
		return FieldErrors{"follow": "Choose what to follow"}
	}
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.Trap) != "" {
		return nil // a robot
	}
	// Many people may share one network address (a stall at conference
	// on its Wi-Fi); one e-mail address needs few links.
	for _, l := range []struct {
		key   string
		limit int
	}{{"subscribe-ip:" + in.Client, 30}, {"subscribe-email:" + email, 5}} {
		ok, err := s.DB.Hit(ctx, l.key, l.limit, time.Hour, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return ErrRateLimited
		}
	}
	now := s.now()
	return s.inTx(ctx, func(tx *store.Tx) error {
		sub, err := tx.SubscriberByEmail(ctx, email)
		switch {
		case errors.Is(err, store.ErrNotFound):
			token, terr := newToken()
			if terr != nil {
				return terr
			}
			sub = store.Subscriber{Email: email, Token: token, Status: store.SubscriberPending, Consent: "sign-up form", CreatedAt: now}
			if sub.ID, err = tx.CreateSubscriber(ctx, sub); err != nil {
				return err
			}
		case err != nil:
			return err
		case sub.Status == store.SubscriberUnsubscribed:
			if err := tx.SetSubscriberStatus(ctx, sub.ID, store.SubscriberPending, "sign-up form", now); err != nil {
				return err
			}
			sub.Status = store.SubscriberPending
		}
		if sub.Status == store.SubscriberConfirmed {
			// Following one more thing needs the address's owner to say so.
			link := fmt.Sprintf("%s/subscriptions/%s/confirm?follow=%s", s.cfg.BaseURL, sub.Token, in.Follow)
			_, err := s.Mail.SendTx(ctx, tx, mail.Message{To: email, Subject: "Confirm: follow " + what,
				Text: fmt.Sprintf("Someone, probably you, asked for %s to be sent to this address by %s.\n\nTo confirm, open this link:\n%s\n\nIf it was not you, do nothing: nothing changes.\n\nManage what you receive: %s/subscriptions/%s\n",
					what, s.cfg.SiteName, link, s.cfg.BaseURL, sub.Token)})
			return err
		}
		if err := tx.AddSubscription(ctx, sub.ID, in.Follow.Scope, in.Follow.TargetID, now); err != nil {
			return err
		}
		link := fmt.Sprintf("%s/subscriptions/%s/confirm", s.cfg.BaseURL, sub.Token)
		_, err = s.Mail.SendTx(ctx, tx, mail.Message{To: email, Subject: "Confirm your subscription to " + s.cfg.SiteName,
			Text: fmt.Sprintf("Someone, probably you, asked for %s to be sent to this address by %s.\n\nTo confirm, open this link:\n%s\n\nUntil you do, nothing else will be sent. If it was not you, do nothing.\n",
				what, s.cfg.SiteName, link)})
		return err
	})
}

// Confirm follows a confirmation link: the subscriber is confirmed, and
// follows what the link names, if anything.
func (s *Service) Confirm(ctx context.Context, token string, follow string) (store.Subscriber, error) {
	var sub store.Subscriber
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if sub, err = tx.SubscriberByToken(ctx, token); err != nil {
			return err
		}
		now := s.now()
		if sub.Status != store.SubscriberConfirmed {
			consent := "confirmed by link on " + now.UTC().Format(time.DateOnly)
			if err := tx.SetSubscriberStatus(ctx, sub.ID, store.SubscriberConfirmed, consent, now); err != nil {
				return err
			}
			sub.Status, sub.ConfirmedAt = store.SubscriberConfirmed, now
		}
		if f, ok := ParseFollow(follow); ok {
			if _, err := s.checkFollow(ctx, f); err == nil {
				return tx.AddSubscription(ctx, sub.ID, f.Scope, f.TargetID, now)
			}
		}
		return nil
	})
	return sub, err
}

// Preferences is what a subscriber's preferences page shows.
type Preferences struct {
	Subscriber store.Subscriber
	Follows    []store.Subscription
}

// Preferences reads a subscriber's choices by the token of their links.
func (s *Service) Preferences(ctx context.Context, token string) (Preferences, error) {
	sub, err := s.DB.SubscriberByToken(ctx, token)
	if err != nil {
		return Preferences{}, err
	}
	follows, err := s.DB.SubscriptionsOf(ctx, sub.ID)
	return Preferences{Subscriber: sub, Follows: follows}, err
}

// Unfollow stops a subscriber following one thing.
func (s *Service) Unfollow(ctx context.Context, token string, f Follow) error {
	return s.inTx(ctx, func(tx *store.Tx) error {
		sub, err := tx.SubscriberByToken(ctx, token)
		if err != nil {
			return err
		}
		return tx.RemoveSubscription(ctx, sub.ID, f.Scope, f.TargetID)
	})
}

// Unsubscribe stops everything to the subscriber at once: the one-click
// unsubscribe of RFC 8058 and the button on the preferences page.
func (s *Service) Unsubscribe(ctx context.Context, token string) (store.Subscriber, error) {
	var sub store.Subscriber
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		if sub, err = tx.SubscriberByToken(ctx, token); err != nil {
			return err
		}
		if sub.Status == store.SubscriberUnsubscribed {
			return nil
		}
		sub.Status = store.SubscriberUnsubscribed
		return tx.SetSubscriberStatus(ctx, sub.ID, store.SubscriberUnsubscribed, "", s.now())
	})
	return sub, err
}

// ImportResult says what a subscriber import did.
type ImportResult struct {
	Added, Confirmed, AskedToConfirm, AlreadyThere int
}

// ImportSubscribers reads a CSV file of addresses (a column named email;
// other columns are ignored) and makes each follow f. Without consent the
// new addresses are sent a confirmation link like any sign-up; with it
// (consent given elsewhere, described in consentNote, which is recorded
// with each address and in the audit log) they are confirmed at once. A
// file with any bad row changes nothing.
func (s *Service) ImportSubscribers(ctx context.Context, p *auth.Principal, r io.Reader, f Follow, consent bool, consentNote string) (ImportResult, error) {
	var res ImportResult
	if err := p.Require(auth.ManageSubscribers, auth.Target{}); err != nil {
		return res, err
	}
	consentNote = strings.TrimSpace(consentNote)
	if consent && consentNote == "" {
		return res, FieldErrors{"consent_note": "Say how and when these people agreed to receive reports"}
	}
	if _, err := s.checkFollow(ctx, f); err != nil {
		return res, FieldErrors{"follow": "Choose what they follow"}
	}
	emails, err := readSubscriberCSV(r)
	if err != nil {
		return res, err
	}
	now := s.now()
	err = s.inTx(ctx, func(tx *store.Tx) error {
		for _, email := range emails {
			sub, err := tx.SubscriberByEmail(ctx, email)
			switch {
			case errors.Is(err, store.ErrNotFound):
				token, err := newToken()
				if err != nil {
					return err
				}
				sub = store.Subscriber{Email: email, Token: token, Status: store.SubscriberPending, Consent: "imported; asked to confirm", CreatedAt: now}
				if consent {
					sub.Status, sub.Consent, sub.ConfirmedAt = store.SubscriberConfirmed, "imported: "+consentNote, now
				}
				if sub.ID, err = tx.CreateSubscriber(ctx, sub); err != nil {
					return err
				}
				res.Added++
			case err != nil:
				return err
			default:
				res.AlreadyThere++
				if sub.Status == store.SubscriberUnsubscribed {
					// Someone who unsubscribed is never subscribed again by an import.
					continue
				}
			}
			if err := tx.AddSubscription(ctx, sub.ID, f.Scope, f.TargetID, now); err != nil {
				return err
			}
			if sub.Status == store.SubscriberConfirmed {
				res.Confirmed++
				continue
			}
			res.AskedToConfirm++
			link := fmt.Sprintf("%s/subscriptions/%s/confirm", s.cfg.BaseURL, sub.Token)
			if _, err := s.Mail.SendTx(ctx, tx, mail.Message{To: email, Subject: "Please confirm: reports from " + s.cfg.SiteName,
				Text: fmt.Sprintf("Your address was added to the list of people who receive reports from %s.\n\nTo start receiving them, confirm with this link:\n%s\n\nIf you do nothing, you will not be sent anything else.\n", s.cfg.SiteName, link)}); err != nil {
				return err
			}
		}
		return audit(ctx, tx, p, "subscribers.import", "subscriptions", 0, "",
			fmt.Sprintf("follow=%s added=%d confirmed=%d asked=%d existing=%d consent=%q", f, res.Added, res.Confirmed, res.AskedToConfirm, res.AlreadyThere, consentNote))
	})
	return res, err
}

// readSubscriberCSV reads and checks every address; errors name the rows.
func readSubscriberCSV(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, FieldErrors{"file": "The file is empty or not CSV"}
	}
	col := -1
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "email") {
			col = i
		}
	}
	if col < 0 {
		return nil, FieldErrors{"file": "The first row must name a column “email”"}
	}
	var out []string
	var bad []string
	seen := map[string]bool{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, FieldErrors{"file": fmt.Sprintf("Row %d cannot be read as CSV", row)}
		}
		if col >= len(rec) || strings.TrimSpace(rec[col]) == "" {
			continue
		}
		email, ok := normaliseEmail(rec[col])
		if !ok {
			if len(bad) < 10 {
				bad = append(bad, fmt.Sprintf("row %d", row))
			}
			continue
		}
		if !seen[email] {
			seen[email] = true
			out = append(out, email)
		}
	}
	if len(bad) > 0 {
		return nil, FieldErrors{"file": "These rows do not hold an e-mail address: " + strings.Join(bad, ", ") + ". Nothing was imported."}
	}
	if len(out) > 200_000 {
		return nil, FieldErrors{"file": "Import at most 200,000 addresses at a time"}
	}
	return out, nil
}

// Suppress adds an address to the suppression list by hand (a complaint
// reported by the mail provider, a request to stop all mail).
func (s *Service) Suppress(ctx context.Context, p *auth.Principal, email, reason, detail string) error {
	if err := p.Require(auth.ManageSubscribers, auth.Target{}); err != nil {
		return err
	}
	email, ok := normaliseEmail(email)
	if !ok {
		return FieldErrors{"email": "Enter an e-mail address"}
	}
	switch reason {
	case store.SuppressBounce, store.SuppressComplaint, store.SuppressManual:
	default:
		return FieldErrors{"reason": "Choose bounce, complaint or by hand"}
	}
	return s.inTx(ctx, func(tx *store.Tx) error {
		if err := tx.Suppress(ctx, store.Suppression{Email: email, Reason: reason, Detail: strings.TrimSpace(detail), CreatedAt: s.now()}); err != nil {
			return err
		}
		return audit(ctx, tx, p, "subscribers.suppress", "email", 0, "", reason)
	})
}

// Unsuppress takes an address off the suppression list.
func (s *Service) Unsuppress(ctx context.Context, p *auth.Principal, email string) error {
	if err := p.Require(auth.ManageSubscribers, auth.Target{}); err != nil {
		return err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	return s.inTx(ctx, func(tx *store.Tx) error {
		if err := tx.Unsuppress(ctx, email); err != nil {
			return err
		}
		return audit(ctx, tx, p, "subscribers.unsuppress", "email", 0, "suppressed", "")
	})
}

// SubscribersOverview is the administrators' page of subscribers.
type SubscribersOverview struct {
	Counts       map[string]int
	Suppressions []store.Suppression
	Suppressed   int
}

// Subscribers reads the counts and the suppression list for administrators.
func (s *Service) Subscribers(ctx context.Context, p *auth.Principal, page store.Page) (SubscribersOverview, error) {
	var o SubscribersOverview
	if err := p.Require(auth.ManageSubscribers, auth.Target{}); err != nil {
		return o, err
	}
	var err error
	if o.Counts, err = s.DB.SubscriberCounts(ctx); err != nil {
		return o, err
	}
	o.Suppressions, o.Suppressed, err = s.DB.Suppressions(ctx, page)
	return o, err
}
