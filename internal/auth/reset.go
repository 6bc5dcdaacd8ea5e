package auth

import (
	"context"
	"errors"
	"fmt"

	"quorum/internal/store"
)

// RequestReset e-mails a one-hour reset link when the address has an
// account. It returns nil either way, so the form cannot be used to find
// out who has an account.
func (s *Service) RequestReset(ctx context.Context, email, client string) error {
	email = NormaliseEmail(email)
	if err := s.limit(ctx, "reset-ip", client, ResetLimit*4); err != nil {
		return err
	}
	if err := s.limit(ctx, "reset", email, ResetLimit); err != nil {
		return err
	}
	acct, err := s.DB.AccountByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, hash := NewToken()
	if err := s.DB.CreatePasswordReset(ctx, hash, acct.PersonID, s.now().Add(ResetLifetime)); err != nil {
		return err
	}
	body := fmt.Sprintf("Hello %s,\n\nSomeone (we hope you) asked to reset the password of your %s account.\n"+
		"Choose a new password here within the hour:\n\n%s/reset/%s\n\n"+
		"If it was not you, ignore this message: your password stays as it is.\n", acct.Name, s.issuer(), s.BaseURL, token)
	return s.Mail.Send(ctx, acct.Email, "Reset your password", body)
}

// ResetPassword sets a new password with a reset token, ends every session
// of the person (whoever had the old password is signed out) and consumes the token.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	if err := CheckPassword(newPassword); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		personID, err := tx.UsePasswordReset(ctx, HashToken(token), s.now())
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadResetLink
		}
		if err != nil {
			return err
		}
		if err := tx.SetPasswordHash(ctx, personID, hash); err != nil {
			return err
		}
		if err := tx.DeleteSessionsOf(ctx, personID); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{ActorID: personID, Action: "account.password-reset", TargetType: "person", TargetID: itoa(personID)})
	})
}
