package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/nomination"
	"quorum/internal/report"
	"quorum/internal/store"
)

// The domains' sentinel errors are mapped to HTTP here, and only here:
// the status each one means, and whether its words are written for the
// person who caused it. Such words are shown (a refusal because of the
// election's stage, say); otherwise the person sees the status's own
// plain words, and an error not listed is logged and answered 500.
var errorAnswers = []struct {
	err    error
	status int
	say    bool
}{
	{auth.ErrSignInNeeded, http.StatusUnauthorized, false},
	{auth.ErrForbidden, http.StatusForbidden, false},
	{auth.ErrTooManyTries, http.StatusTooManyRequests, false},
	{store.ErrNotFound, http.StatusNotFound, false},

	{report.ErrRateLimited, http.StatusTooManyRequests, false},
	{report.ErrClosed, http.StatusForbidden, false},
	{report.ErrNotPublished, http.StatusForbidden, false},

	// The share actions are the trustees' alone, whatever the stage.
	{election.ErrNotTrustee, http.StatusForbidden, true},
	{election.ErrAlreadyVoted, http.StatusConflict, true},
	{election.ErrClosed, http.StatusConflict, true},
	{election.ErrNotOpen, http.StatusConflict, true},
	{election.ErrNotEligible, http.StatusConflict, true},
	{election.ErrWrongStage, http.StatusConflict, true},
	{election.ErrVoterHasVoted, http.StatusConflict, true},
	{election.ErrShareCollected, http.StatusConflict, true},
	{election.ErrShareSubmitted, http.StatusConflict, true},
	{election.ErrWrongShare, http.StatusConflict, true},
	{election.ErrWrongPassphrase, http.StatusConflict, true},
	{election.ErrKeyNotReady, http.StatusConflict, true},
	{election.ErrNotEnoughShares, http.StatusConflict, true},
	{election.ErrLinkInvalid, http.StatusConflict, true},
	{election.ErrAllowanceUsed, http.StatusConflict, true},
	{election.ErrNotPublished, http.StatusConflict, true},

	// Someone who may not nominate, or is not the candidate, at all.
	{nomination.ErrNotNominator, http.StatusForbidden, true},
	{nomination.ErrNotCandidate, http.StatusForbidden, true},
	{nomination.ErrClosed, http.StatusConflict, true},
	{nomination.ErrNotOpen, http.StatusConflict, true},
	{nomination.ErrChanged, http.StatusConflict, true},
	{nomination.ErrNoBallotOfficer, http.StatusConflict, true},
}

// maxErrorMessage keeps a message within what a redirect's one-time
// message carries (takeFlash).
const maxErrorMessage = 250

// errorAnswer finds how err is answered: its status, and the message to
// show when its words are for the person (with their detail: which stage,
// whose share is missing), "" otherwise.
func errorAnswer(err error) (status int, msg string, known bool) {
	for _, a := range errorAnswers {
		if !errors.Is(err, a.err) {
			continue
		}
		if !a.say {
			return a.status, "", true
		}
		// From the sentinel's words on: anything a wrapper put before
		// them is for the log. A detail too long for a redirect's
		// message is left out.
		msg := a.err.Error()
		if full := err.Error(); len(full) <= maxErrorMessage {
			if i := strings.Index(full, msg); i >= 0 {
				msg = full[i:]
			}
		}
		return a.status, strings.ToUpper(msg[:1]) + msg[1:] + ".", true
	}
	return http.StatusInternalServerError, "", false
}

// fail answers a request that failed with err.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) { s.failBack(w, r, err, "") }

// failBack answers a request that failed with err. A form's refusal in
// plain words because of how things stand (409) goes back to the page
// back, when given, as a message; other refusals show their words on the
// error page; a visitor asked to sign in by a GET is sent to the sign-in.
func (s *Server) failBack(w http.ResponseWriter, r *http.Request, err error, back string) {
	status, msg, known := errorAnswer(err)
	switch {
	case !known:
		s.Log.Error("request failed", "route", r.Pattern, "err", err)
		s.renderError(w, r, status)
	case status == http.StatusUnauthorized && r.Method == http.MethodGet:
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	case msg == "":
		s.renderError(w, r, status)
	case status == http.StatusConflict && r.Method == http.MethodPost && back != "":
		s.redirect(w, r, back, msg)
	case strings.HasPrefix(r.URL.Path, "/api/"):
		writeJSON(w, status, map[string]string{"error": msg})
	default:
		title := "Not possible now"
		if status == http.StatusForbidden {
			title = "You cannot do that"
		}
		s.render(w, r, status, "error", &page{Title: title, Data: map[string]any{"Text": msg}})
	}
}
