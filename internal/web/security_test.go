package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		for _, path := range []string{"/", "/signin", "/no/such/page", "/static/quorum.css"} {
			rec := s.do("anonymous", "GET", path, nil)
			h := rec.Header()
			csp := h.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("%s: CSP %q", path, csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s: missing nosniff or frame options", path)
			}
		}
	})
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		form := url.Values{"type": {"branch"}, "name": {"Forged branch"}}
		req := httptest.NewRequest("POST", "/admin/units", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		req.AddCookie(&http.Cookie{Name: "quorum_session", Value: s.sessions["admin"]})
		rec := httptest.NewRecorder()
		s.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("cross-site POST: %d, want 403", rec.Code)
		}
		if _, err := db.UnitBySlug(req.Context(), "forged-branch"); err == nil {
			t.Fatal("the forged unit was created")
		}
		// The same form from the site itself works.
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Del("Origin")
		req2 := httptest.NewRequest("POST", "/admin/units", strings.NewReader(form.Encode()))
		req2.Header = req.Header
		rec = httptest.NewRecorder()
		s.srv.ServeHTTP(rec, req2)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("same-origin POST: %d", rec.Code)
		}
	})
}

func TestFriendlyErrorPages(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		rec := s.do("member", "GET", "/units/no-such-unit", nil)
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), "Page not found") {
			t.Fatalf("404 page: %d %.200s", rec.Code, rec.Body.String())
		}
		rec = s.do("member", "GET", "/admin", nil)
		if rec.Code != 403 || !strings.Contains(rec.Body.String(), "You cannot do that") {
			t.Fatalf("403 page: %d", rec.Code)
		}
		rec = s.do("anonymous", "GET", "/api/v1/units/nowhere", nil)
		if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("API 404: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		// A closed database gives the 500 page with no SQL or Go detail.
		db.Close()
		rec = s.do("anonymous", "GET", "/bodies/executive", nil)
		body := rec.Body.String()
		if rec.Code != 500 || !strings.Contains(body, "Something went wrong") || strings.Contains(body, "sql") || strings.Contains(body, "database is closed") {
			t.Fatalf("500 page: %d %.300s", rec.Code, body)
		}
		if rec := s.do("anonymous", "GET", "/healthz", nil); rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("healthz with the database down: %d", rec.Code)
		}
	})
}

func TestHealthAndMetrics(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		if rec := s.do("anonymous", "GET", "/healthz", nil); rec.Code != 200 || rec.Body.String() != "ok" {
			t.Fatalf("healthz: %d %q", rec.Code, rec.Body.String())
		}
		s.do("anonymous", "GET", "/units", nil)
		rec := s.do("anonymous", "GET", "/metrics", nil)
		if !strings.Contains(rec.Body.String(), `quorum_http_requests_total{route="GET /units",status="200"} 1`) {
			t.Fatalf("metrics lack the request count:\n%.2000s", rec.Body.String())
		}
	})
}

func TestFormErrorsAreShownNextToFields(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		rec := s.do("admin", "POST", "/admin/units", url.Values{"type": {"castle"}, "name": {""}, "slug": {"Bad Slug"}})
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", rec.Code)
		}
		for _, want := range []string{`class="error-summary"`, `href="#f-name"`, `id="e-name"`, `aria-invalid="true"`, "Enter a name", "Use lowercase letters"} {
			if !strings.Contains(body, want) {
				t.Errorf("the form page lacks %q", want)
			}
		}
		n, _, _ := db.Units(context.Background(), store.UnitFilter{})
		if len(n) != 2 {
			t.Fatalf("%d units after a refused form, want the fixture's 2", len(n))
		}
	})
}

// TestSignInWithSecondFactorOverHTTP walks the pages a person uses.
func TestSignInWithSecondFactorOverHTTP(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		rec := s.do("anonymous", "POST", "/signin", url.Values{"email": {"admin@example.org"}, "password": {"wrong password"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "do not match an account") {
			t.Fatalf("wrong password: %d", rec.Code)
		}
		rec = s.do("anonymous", "POST", "/signin", url.Values{"email": {"admin@example.org"}, "password": {fixturePassword}, "next": {"https://evil.example/"}})
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/signin/code?next=%2Faccount") {
			t.Fatalf("sign-in: %d to %q (the next address must stay on the site)", rec.Code, rec.Header().Get("Location"))
		}
		var token string
		for _, c := range rec.Result().Cookies() {
			if c.Name == "quorum_session" {
				token = c.Value
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Fatalf("session cookie flags: %+v", c)
				}
			}
		}
		s.sessions["fresh"] = token
		if rec := s.do("fresh", "GET", "/admin", nil); rec.Code != http.StatusForbidden {
			t.Fatalf("admin page before the code: %d", rec.Code)
		}
		code, _ := totp.GenerateCode("JBSWY3DPEHPK3PXP", s.now())
		rec = s.do("fresh", "POST", "/signin/code", url.Values{"code": {code}, "next": {"/admin"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin" {
			t.Fatalf("code: %d to %q", rec.Code, rec.Header().Get("Location"))
		}
		if rec := s.do("fresh", "GET", "/admin", nil); rec.Code != http.StatusOK {
			t.Fatalf("admin page after the code: %d", rec.Code)
		}
		s.do("fresh", "POST", "/signout", url.Values{})
		if rec := s.do("fresh", "GET", "/account", nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("account after sign-out: %d", rec.Code)
		}
		// Nothing secret reached the log: no tokens, passwords or addresses.
		log := s.log.String()
		for _, secret := range []string{token, fixturePassword, "admin@example.org", code} {
			if strings.Contains(log, secret) {
				t.Fatalf("the log holds %q", secret)
			}
		}
	})
}

func TestPasswordResetOverHTTP(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		for _, addr := range []string{"member@example.org", "nobody@example.org"} {
			rec := s.do("anonymous", "POST", "/reset", url.Values{"email": {addr}})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("reset request for %s: %d", addr, rec.Code)
			}
		}
		if len(s.mail.msg) != 1 {
			t.Fatalf("%d messages, want 1 (none for an unknown address)", len(s.mail.msg))
		}
		i := strings.Index(s.mail.msg[0], "/reset/")
		link := strings.Fields(s.mail.msg[0][i:])[0]
		if rec := s.do("anonymous", "GET", link, nil); rec.Code != 200 {
			t.Fatalf("reset page: %d", rec.Code)
		}
		rec := s.do("anonymous", "POST", link, url.Values{"password": {"new long passphrase"}, "password_again": {"different passphrase"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("mismatched passwords: %d", rec.Code)
		}
		rec = s.do("anonymous", "POST", link, url.Values{"password": {"new long passphrase"}, "password_again": {"new long passphrase"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("reset: %d", rec.Code)
		}
		rec = s.do("anonymous", "POST", "/signin", url.Values{"email": {"member@example.org"}, "password": {"new long passphrase"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("sign in with the new password: %d", rec.Code)
		}
		if strings.Contains(s.log.String(), strings.TrimPrefix(link, "/reset/")) {
			t.Fatal("the reset token reached the log")
		}
	})
}
