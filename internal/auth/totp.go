package auth

import (
	"context"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"quorum/internal/store"
)

// TOTPSetup is a new, not yet confirmed second factor.
type TOTPSetup struct {
	Secret string // base32, for manual entry
	URL    string // otpauth:// URL for a QR code or a link
}

// BeginTOTP makes a new secret for the person. It is stored only once they
// prove their app has it (ConfirmTOTP).
func (s *Service) BeginTOTP(ctx context.Context, personID int64) (TOTPSetup, error) {
	acct, err := s.DB.AccountByPerson(ctx, personID)
	if err != nil {
		return TOTPSetup{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.issuer(), AccountName: acct.Email})
	if err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

func (s *Service) issuer() string {
	if s.Issuer == "" {
		return "Quorum"
	}
	return s.Issuer
}

// ValidCode checks a six-digit code against a secret, allowing one step of clock drift.
func ValidCode(secret, code string, at time.Time) bool {
	ok, err := totp.ValidateCustom(code, secret, at.UTC(), totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return err == nil && ok
}

// ConfirmTOTP turns two-factor on once the person enters a code from the new
// secret, and marks the current session as having passed it.
func (s *Service) ConfirmTOTP(ctx context.Context, personID int64, sessionToken, secret, code string) error {
	if err := s.limit(ctx, "totp", sessionToken, SignInLimit); err != nil {
		return err
	}
	if !ValidCode(secret, code, s.now()) {
		return ErrBadCode
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetTOTP(ctx, personID, secret, true); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: personID, Action: "account.2fa-on", TargetType: "person", TargetID: itoa(personID)})
	})
	if err != nil {
		return err
	}
	return s.DB.MarkSecondFactor(ctx, HashToken(sessionToken))
}

// VerifySecondFactor checks the code of a person who signed in with a
// password and has two-factor on.
func (s *Service) VerifySecondFactor(ctx context.Context, sessionToken, code string) error {
	if err := s.limit(ctx, "totp", sessionToken, SignInLimit); err != nil {
		return err
	}
	sess, err := s.DB.SessionByHash(ctx, HashToken(sessionToken), s.now())
	if err != nil {
		return ErrBadCode
	}
	acct, err := s.DB.AccountByPerson(ctx, sess.PersonID)
	if err != nil {
		return err
	}
	if !acct.TOTPEnabled || !ValidCode(acct.TOTPSecret, code, s.now()) {
		return ErrBadCode
	}
	return s.DB.MarkSecondFactor(ctx, sess.TokenHash)
}
