package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/org"
)

// electionWords are the election errors whose message is written for the
// person who caused them; they are shown as they are.
var electionWords = []error{
	election.ErrAlreadyVoted, election.ErrClosed, election.ErrNotOpen, election.ErrNotEligible,
	election.ErrWrongStage, election.ErrVoterHasVoted, election.ErrNotTrustee, election.ErrShareCollected,
	election.ErrShareSubmitted, election.ErrWrongShare, election.ErrWrongPassphrase, election.ErrKeyNotReady,
	election.ErrNotEnoughShares, election.ErrLinkInvalid, election.ErrAllowanceUsed, election.ErrNotPublished,
}

// electionMessage gives such an error's message with its detail (which
// stage, whose share is missing), from the sentinel's words on: anything
// a wrapper put before them is for the log. A detail too long for the
// one-time message of a redirect is left out.
func electionMessage(err error) (string, bool) {
	for _, e := range electionWords {
		if errors.Is(err, e) {
			msg := e.Error()
			if full := err.Error(); len(full) <= maxElectionMessage {
				if i := strings.Index(full, msg); i >= 0 {
					msg = full[i:]
				}
			}
			return strings.ToUpper(msg[:1]) + msg[1:] + ".", true
		}
	}
	return "", false
}

// maxElectionMessage keeps a message within what a redirect's one-time
// message carries (takeFlash).
const maxElectionMessage = 250

// electionFail answers an election action that failed: a plain-words
// refusal goes back to the page it came from as a message; anything else
// takes the usual way.
func (s *Server) electionFail(w http.ResponseWriter, r *http.Request, err error, back string) {
	if msg, ok := electionMessage(err); ok {
		if errors.Is(err, election.ErrNotTrustee) {
			// Not a matter of the election's stage: the share actions are the trustees' alone.
			s.render(w, r, http.StatusForbidden, "error", &page{Title: "You cannot do that", Data: map[string]any{"Text": msg}})
			return
		}
		if r.Method == http.MethodPost && back != "" {
			s.redirect(w, r, back, msg)
			return
		}
		s.render(w, r, http.StatusConflict, "error", &page{Title: "Not possible now", Data: map[string]any{"Text": msg}})
		return
	}
	s.fail(w, r, err)
}

// electionView loads the election named by {slug} as the viewer may see it.
func (s *Server) electionView(w http.ResponseWriter, r *http.Request) (election.View, bool) {
	v, err := s.Elections.GetBySlug(r.Context(), principalOf(r), r.PathValue("slug"))
	if err != nil {
		s.electionFail(w, r, err, "")
		return v, false
	}
	return v, true
}

func electionPath(v election.View) string { return "/elections/" + v.Election.Slug }

// parseLocalTime reads a datetime-local field in the organisation's time zone.
func (s *Server) parseLocalTime(fe org.FieldErrors, field, value string) time.Time {
	value = strings.TrimSpace(value)
	if value == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", value, s.Location)
	if err != nil {
		fe[field] = "Enter a date and time, e.g. 2026-05-01 09:00"
	}
	return t
}

// inputTime formats a time for a datetime-local field in the given zone.
func inputTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04")
}

// electionPost loads the election of a POST and parses its form.
func (s *Server) electionPost(w http.ResponseWriter, r *http.Request) (election.View, bool) {
	v, ok := s.electionView(w, r)
	if !ok {
		return v, false
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return v, false
	}
	return v, true
}

// electionOfficerPost is electionPost for the returning officer's actions:
// the permission is checked first, so that others are refused (403)
// rather than told the election does not exist.
func (s *Server) electionOfficerPost(w http.ResponseWriter, r *http.Request) (election.View, bool) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return election.View{}, false
	}
	return s.electionPost(w, r)
}
