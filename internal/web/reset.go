package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/org"
)

func itoa(n int) string { return thousands(n) }

func (s *Server) resetRequestForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "reset_request", &page{Title: "Reset your password"})
}

// resetRequestSubmit answers the same whether or not the address has an
// account, so the form cannot be used to find out who is a member.
func (s *Server) resetRequestSubmit(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	form := url.Values{"email": {email}}
	if email == "" || !strings.Contains(email, "@") {
		s.render(w, r, http.StatusUnprocessableEntity, "reset_request", &page{Title: "Reset your password", Form: form, Errors: org.FieldErrors{"email": "Enter the e-mail address you sign in with"}})
		return
	}
	if err := s.Auth.RequestReset(r.Context(), email, clientAddr(r)); err != nil {
		if errors.Is(err, auth.ErrTooManyTries) {
			s.render(w, r, http.StatusTooManyRequests, "reset_request", &page{Title: "Reset your password", Form: form, Errors: org.FieldErrors{"email": err.Error()}})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/signin", "If that address has an account, a reset link is on its way. It works for one hour.")
}

func (s *Server) resetConfirmForm(w http.ResponseWriter, r *http.Request) {
	// The token stays in the path; the page keeps it out of the Referer header (Referrer-Policy: same-origin) and out of logs (routes are logged, not URLs).
	s.render(w, r, http.StatusOK, "reset_confirm", &page{Title: "Choose a new password", Data: r.PathValue("token")})
}

func (s *Server) resetConfirmSubmit(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	token := r.PathValue("token")
	pw, again := r.PostForm.Get("password"), r.PostForm.Get("password_again")
	fe := org.FieldErrors{}
	if pw != again {
		fe["password_again"] = "The two passwords are not the same"
	}
	if err := auth.CheckPassword(pw); err != nil {
		fe["password"] = "Use at least 10 characters; a few unrelated words work well"
	}
	if len(fe) == 0 {
		err := s.Auth.ResetPassword(r.Context(), token, pw)
		switch {
		case err == nil:
			s.redirect(w, r, "/signin", "Your password is changed. Sign in with the new one.")
			return
		case errors.Is(err, auth.ErrBadResetLink):
			fe["password"] = err.Error()
		default:
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, "reset_confirm", &page{Title: "Choose a new password", Data: token, Errors: fe})
}
