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
	say    string // the message ID of its words, when they are shown
}{
	{auth.ErrSignInNeeded, http.StatusUnauthorized, ""},
	{auth.ErrForbidden, http.StatusForbidden, ""},
	{auth.ErrTooManyTries, http.StatusTooManyRequests, ""},
	{store.ErrNotFound, http.StatusNotFound, ""},

	{report.ErrRateLimited, http.StatusTooManyRequests, ""},
	{report.ErrClosed, http.StatusForbidden, ""},
	{report.ErrNotPublished, http.StatusForbidden, ""},

	// The share actions are the trustees' alone, whatever the stage.
	{election.ErrNotTrustee, http.StatusForbidden, "Error.Election.NotTrustee"},
	{election.ErrAlreadyVoted, http.StatusConflict, "Error.Election.AlreadyVoted"},
	{election.ErrClosed, http.StatusConflict, "Error.Election.Closed"},
	{election.ErrNotOpen, http.StatusConflict, "Error.Election.NotOpen"},
	{election.ErrNotEligible, http.StatusConflict, "Error.Election.NotEligible"},
	{election.ErrWrongStage, http.StatusConflict, "Error.Election.WrongStage"},
	{election.ErrVoterHasVoted, http.StatusConflict, "Error.Election.VoterHasVoted"},
	{election.ErrShareCollected, http.StatusConflict, "Error.Election.ShareCollected"},
	{election.ErrShareSubmitted, http.StatusConflict, "Error.Election.ShareSubmitted"},
	{election.ErrWrongShare, http.StatusConflict, "Error.Election.WrongShare"},
	{election.ErrWrongPassphrase, http.StatusConflict, "Error.Election.WrongPassphrase"},
	{election.ErrKeyNotReady, http.StatusConflict, "Error.Election.KeyNotReady"},
	{election.ErrNotEnoughShares, http.StatusConflict, "Error.Election.NotEnoughShares"},
	{election.ErrLinkInvalid, http.StatusConflict, "Error.Election.LinkInvalid"},
	{election.ErrAllowanceUsed, http.StatusConflict, "Error.Election.AllowanceUsed"},
	{election.ErrNotPublished, http.StatusConflict, "Error.Election.NotPublished"},

	// Someone who may not nominate, or is not the candidate, at all.
	{nomination.ErrNotNominator, http.StatusForbidden, "Error.Nomination.NotNominator"},
	{nomination.ErrNotCandidate, http.StatusForbidden, "Error.Nomination.NotCandidate"},
	{nomination.ErrClosed, http.StatusConflict, "Error.Nomination.Closed"},
	{nomination.ErrNotOpen, http.StatusConflict, "Error.Nomination.NotOpen"},
	{nomination.ErrChanged, http.StatusConflict, "Error.Nomination.Changed"},
	{nomination.ErrNoBallotOfficer, http.StatusConflict, "Error.Nomination.NoBallotOfficer"},
}

// maxErrorMessage keeps a message within what a redirect's one-time
// message carries (takeFlash).
const maxErrorMessage = 250

// errorAnswer finds how err is answered: its status, and the words to
// show when they are for the person (with their detail: which stage,
// whose share is missing), none otherwise.
func errorAnswer(err error) (status int, msg errorWords, known bool) {
	for _, a := range errorAnswers {
		if !errors.Is(err, a.err) {
			continue
		}
		if a.say == "" {
			return a.status, errorWords{}, true
		}
		// After the sentinel's words comes their detail; anything a
		// wrapper put before them is for the log. A detail too long for
		// a redirect's message is left out.
		words := errorWords{ID: a.say}
		if full := err.Error(); len(full) <= maxErrorMessage {
			if i := strings.Index(full, a.err.Error()); i >= 0 {
				words.Detail = full[i+len(a.err.Error()):]
			}
		}
		return a.status, words, true
	}
	return http.StatusInternalServerError, errorWords{}, false
}

// errorWords are a refusal's words: the sentinel's message, translated,
// and its detail, which stays as the domain wrote it.
type errorWords struct{ ID, Detail string }

func (e errorWords) in(tr *translator) string {
	if e.ID == "" {
		return ""
	}
	return tr.T(e.ID) + e.Detail + "."
}

// fail answers a request that failed with err.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) { s.failBack(w, r, err, "") }

// failBack answers a request that failed with err. A form's refusal in
// plain words because of how things stand (409) goes back to the page
// back, when given, as a message; other refusals show their words on the
// error page; a visitor asked to sign in by a GET of a page is sent to the
// sign-in (the JSON API answers 401).
func (s *Server) failBack(w http.ResponseWriter, r *http.Request, err error, back string) {
	status, words, known := errorAnswer(err)
	tr := s.tr(r)
	msg := words.in(tr)
	switch {
	case !known:
		s.Log.Error("request failed", "route", r.Pattern, "err", err)
		s.renderError(w, r, status)
	case status == http.StatusUnauthorized && r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/"):
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	case msg == "":
		s.renderError(w, r, status)
	case status == http.StatusConflict && r.Method == http.MethodPost && back != "":
		s.redirect(w, r, back, msg)
	case strings.HasPrefix(r.URL.Path, "/api/"):
		writeJSON(w, status, map[string]string{"error": msg})
	default:
		title := tr.T("Error.NotNow.Title")
		if status == http.StatusForbidden {
			title = tr.T("Error.Forbidden.Title")
		}
		s.render(w, r, status, "error", &page{Title: title, Data: map[string]any{"Text": msg}})
	}
}
