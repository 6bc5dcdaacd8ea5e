package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/org"
)

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/account"
	}
	return next
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"next": {r.URL.Query().Get("next")}}
	s.render(w, r, http.StatusOK, "signin", &page{Title: s.tr(r).T("SignIn.Title"), Form: form})
}

func (s *Server) signinSubmit(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	fe := org.FieldErrors{}
	if strings.TrimSpace(email) == "" {
		fe["email"] = s.tr(r).T("SignIn.NoEmail")
	}
	if password == "" {
		fe["password"] = s.tr(r).T("SignIn.NoPassword")
	}
	form := url.Values{"email": {email}, "next": {r.PostForm.Get("next")}}
	if len(fe) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "signin", &page{Title: s.tr(r).T("SignIn.Title"), Form: form, Errors: fe})
		return
	}
	res, err := s.Auth.SignIn(r.Context(), email, password, clientAddr(r))
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		s.render(w, r, http.StatusUnprocessableEntity, "signin", &page{Title: s.tr(r).T("SignIn.Title"), Form: form, Errors: org.FieldErrors{"email": s.tr(r).T("SignIn.BadCredentials")}})
		return
	case errors.Is(err, auth.ErrTooManyTries):
		s.render(w, r, http.StatusTooManyRequests, "signin", &page{Title: s.tr(r).T("SignIn.Title"), Form: form, Errors: org.FieldErrors{"email": s.tr(r).T("SignIn.TooManyTries")}})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, res.Token)
	next := safeNext(r.PostForm.Get("next"))
	switch {
	case res.NeedsCode:
		s.redirect(w, r, "/signin/code?next="+url.QueryEscape(next), "")
	case res.MustSetUpTOTP:
		s.redirect(w, r, "/account/2fa", s.tr(r).T("SignIn.SetUpSecondFactor"))
	default:
		s.redirect(w, r, next, s.tr(r).T("SignIn.Done"))
	}
}

func (s *Server) signinCodeForm(w http.ResponseWriter, r *http.Request) {
	if !principalOf(r).SignedIn() {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin_code", &page{Title: "Enter your code", Form: url.Values{"next": {r.URL.Query().Get("next")}}, Data: s.demoData()})
}

func (s *Server) signinCodeSubmit(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || !principalOf(r).SignedIn() {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	code := strings.ReplaceAll(strings.TrimSpace(r.PostForm.Get("code")), " ", "")
	form := url.Values{"next": {r.PostForm.Get("next")}}
	if err := s.Auth.VerifySecondFactor(r.Context(), c.Value, code); err != nil {
		if errors.Is(err, auth.ErrBadCode) || errors.Is(err, auth.ErrTooManyTries) {
			s.render(w, r, http.StatusUnprocessableEntity, "signin_code", &page{Title: "Enter your code", Form: form, Errors: org.FieldErrors{"code": err.Error()}, Data: s.demoData()})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, safeNext(r.PostForm.Get("next")), "You are signed in.")
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Auth.SignOut(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	s.redirect(w, r, "/", s.tr(r).T("SignIn.SignedOut"))
}

func (s *Server) signoutEverywhere(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if !p.SignedIn() {
		s.fail(w, r, auth.ErrSignInNeeded)
		return
	}
	n, err := s.Auth.SignOutEverywhere(r.Context(), p.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	msg := "You are signed out on every device."
	if n > 1 {
		msg = "You are signed out on every device (" + itoa(int(n)) + " sessions ended)."
	}
	s.redirect(w, r, "/", msg)
}

// demoData offers the demo's current code to the code page.
func (s *Server) demoData() map[string]any {
	d := map[string]any{"DemoCode": ""}
	if s.DemoCode != nil {
		d["DemoCode"] = s.DemoCode(s.Now())
	}
	return d
}
