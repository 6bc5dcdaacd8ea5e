package web

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/nomination"
	"quorum/internal/store"
)

func TestErrorAnswers(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{store.ErrNotFound, http.StatusNotFound, ""},
		{fmt.Errorf("load: %w", auth.ErrForbidden), http.StatusForbidden, ""},
		{fmt.Errorf("cast: %w", election.ErrAlreadyVoted), http.StatusConflict, "You have already voted in this election."},
		// The detail after the sentinel's words is kept; a wrapper's prefix is not.
		{fmt.Errorf("links: %w: set the closing time first", election.ErrWrongStage), http.StatusConflict,
			"This is not possible at this stage of the election: set the closing time first."},
		{election.ErrNotTrustee, http.StatusForbidden, "You are not a trustee of this election's key."},
		{fmt.Errorf("%w: this nomination was withdrawn", nomination.ErrChanged), http.StatusConflict,
			"Another officer of this body has just changed its nominations; look at them again before you submit: this nomination was withdrawn."},
		{errors.New("disk on fire"), http.StatusInternalServerError, ""},
	} {
		status, words, _ := errorAnswer(tc.err)
		msg := words.in(english(t))
		if status != tc.status {
			t.Errorf("%v: status %d, want %d", tc.err, status, tc.status)
		}
		if tc.msg != "" && msg != tc.msg {
			t.Errorf("%v: says %q, want %q", tc.err, msg, tc.msg)
		}
		if tc.status == http.StatusInternalServerError && msg != "" {
			t.Errorf("an unknown error's words are shown: %q", msg)
		}
	}
}

// TestAPIAsksToSignInWithJSON: the JSON API answers a request that needs a
// session with 401 and JSON, never a redirect to the sign-in page.
func TestAPIAsksToSignInWithJSON(t *testing.T) {
	s, err := New(Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/api/v1/units/riverside": http.StatusUnauthorized, "/units/riverside": http.StatusSeeOther} {
		rec := httptest.NewRecorder()
		s.fail(rec, httptest.NewRequest("GET", path, nil), fmt.Errorf("unit: %w", auth.ErrSignInNeeded))
		if rec.Code != want {
			t.Errorf("%s: status %d, want %d", path, rec.Code, want)
		}
		if want == http.StatusUnauthorized && (!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || !strings.Contains(rec.Body.String(), `"error"`)) {
			t.Errorf("%s: %q %s", path, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
}
