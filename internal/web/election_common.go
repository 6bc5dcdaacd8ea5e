package web

import (
	"net/http"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/org"
)

// electionView loads the election named by {slug} as the viewer may see it.
func (s *Server) electionView(w http.ResponseWriter, r *http.Request) (election.View, bool) {
	v, err := s.Elections.GetBySlug(r.Context(), principalOf(r), r.PathValue("slug"))
	if err != nil {
		s.failBack(w, r, err, "")
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
