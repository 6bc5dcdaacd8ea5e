package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
	"net/http"
	"strings"

	"github.com/pquerna/otp"

	"quorum/internal/auth"
	"quorum/internal/org"
)

// totpSetupForm shows a new secret as a QR code and as text.
func (s *Server) totpSetupForm(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ViewOwnAccount, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	setup, err := s.Auth.BeginTOTP(r.Context(), p.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderTOTP(w, r, http.StatusOK, setup.Secret, setup.URL, nil)
}

func (s *Server) renderTOTP(w http.ResponseWriter, r *http.Request, status int, secret, keyURL string, fe org.FieldErrors) {
	qr := ""
	if key, err := otp.NewKeyFromURL(keyURL); err == nil {
		if img, err := key.Image(200, 200); err == nil {
			var buf bytes.Buffer
			if png.Encode(&buf, img) == nil {
				qr = "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
			}
		}
	}
	s.render(w, r, status, "totp_setup", &page{Title: "Set up two-factor sign-in", Errors: fe, Data: map[string]any{
		"Secret": secret, "URL": keyURL, "QR": qrURL(qr),
	}})
}

// totpSetupSubmit turns two-factor on when the code matches the new secret.
func (s *Server) totpSetupSubmit(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	c, cerr := r.Cookie(sessionCookie)
	if err := p.Require(auth.ViewOwnAccount, auth.Target{}); err != nil || cerr != nil {
		s.fail(w, r, auth.ErrSignInNeeded)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	secret, keyURL := r.PostForm.Get("secret"), r.PostForm.Get("url")
	code := strings.ReplaceAll(strings.TrimSpace(r.PostForm.Get("code")), " ", "")
	err := s.Auth.ConfirmTOTP(r.Context(), p.PersonID, c.Value, secret, code)
	if errors.Is(err, auth.ErrBadCode) || errors.Is(err, auth.ErrTooManyTries) {
		s.renderTOTP(w, r, http.StatusUnprocessableEntity, secret, keyURL, org.FieldErrors{"code": err.Error()})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "Two-factor sign-in is on. You will be asked for a code each time you sign in.")
}
