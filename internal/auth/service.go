package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"quorum/internal/store"
)

// Errors a person may see; they never say whether an account exists.
var (
	ErrBadCredentials = errors.New("that e-mail and password do not match an account")
	ErrBadCode        = errors.New("that code is not right; check your authenticator app's clock and try again")
	ErrBadResetLink   = errors.New("this reset link has expired or has already been used; ask for a new one")
	ErrTooManyTries   = errors.New("too many attempts; wait a few minutes and try again")
)

// Mailer sends one plain-text e-mail (through the outbox and job queue).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Service holds the rules of signing in and of roles.
type Service struct {
	DB      *store.DB
	Mail    Mailer
	BaseURL string
	Issuer  string // shown in authenticator apps
	Now     func() time.Time
}

// Session lifetimes and rate limits.
const (
	SessionLifetime  = 14 * 24 * time.Hour
	ResetLifetime    = time.Hour
	SignInLimit      = 10
	ResetLimit       = 5
	RateLimitWindow  = 15 * time.Minute
	sessionTokenSize = 32
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// NewToken returns a random URL-safe token and the hash stored in its place,
// so a database dump never holds a usable session or reset link.
func NewToken() (token, hash string) {
	b := make([]byte, sessionTokenSize)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken hashes a token for storage and lookup.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NormaliseEmail lowercases and trims an address, the form stored in people.email.
func NormaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// limit counts an attempt under a rate-limit key. Keys hold a hash of the
// e-mail, never the address itself.
func (s *Service) limit(ctx context.Context, kind, who string, max int) error {
	ok, err := s.DB.Hit(ctx, kind+":"+HashToken(who)[:32], max, RateLimitWindow, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return ErrTooManyTries
	}
	return nil
}

// SignInResult says what happens after a correct password.
type SignInResult struct {
	Token         string // the session cookie's value
	NeedsCode     bool   // the person has two-factor on: ask for the code next
	PersonID      int64
	MustSetUpTOTP bool // holds a privileged role but has no second factor yet
}

// SignIn checks an e-mail and password and opens a session. client is the
// caller's address, used only as a rate-limit key.
func (s *Service) SignIn(ctx context.Context, email, password, client string) (SignInResult, error) {
	email = NormaliseEmail(email)
	if err := s.limit(ctx, "signin-ip", client, SignInLimit*5); err != nil {
		return SignInResult{}, err
	}
	if err := s.limit(ctx, "signin", email, SignInLimit); err != nil {
		return SignInResult{}, err
	}
	acct, err := s.DB.AccountByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		VerifyPassword(dummyHash, password)
		return SignInResult{}, ErrBadCredentials
	}
	if err != nil {
		return SignInResult{}, err
	}
	if !VerifyPassword(acct.PasswordHash, password) {
		return SignInResult{}, ErrBadCredentials
	}
	token, hash := NewToken()
	now := s.now()
	if err := s.DB.CreateSession(ctx, store.Session{TokenHash: hash, PersonID: acct.PersonID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}); err != nil {
		return SignInResult{}, err
	}
	_ = s.DB.TouchLogin(ctx, acct.PersonID, now)
	res := SignInResult{Token: token, NeedsCode: acct.TOTPEnabled, PersonID: acct.PersonID}
	if !acct.TOTPEnabled {
		grants, err := s.DB.GrantsOf(ctx, acct.PersonID)
		if err != nil {
			return SignInResult{}, err
		}
		for _, g := range grants {
			if Role(g.Role).NeedsSecondFactor() {
				res.MustSetUpTOTP = true
			}
		}
	}
	return res, nil
}

// Principal loads the person behind a session token. An unknown or expired
// token gives the anonymous principal and no error.
func (s *Service) Principal(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return &Principal{}, nil
	}
	sess, err := s.DB.SessionSignerByHash(ctx, HashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return &Principal{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &Principal{
		PersonID:     sess.PersonID,
		Name:         sess.Name,
		Member:       sess.Member,
		SecondFactor: sess.SecondFactor && sess.TOTPEnabled,
		TOTPEnabled:  sess.TOTPEnabled,
		Grants:       sess.Grants,
	}, nil
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.DB.DeleteSession(ctx, HashToken(token))
}

// SignOutEverywhere ends every session of the person, on every device.
func (s *Service) SignOutEverywhere(ctx context.Context, personID int64) (int64, error) {
	n, err := s.DB.DeleteSessionsOf(ctx, personID)
	if err != nil {
		return 0, err
	}
	return n, s.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, store.AuditEntry{ActorID: personID, Action: "account.sign-out-everywhere", TargetType: "person", TargetID: fmt.Sprint(personID), New: fmt.Sprintf("%d sessions ended", n)})
	})
}
