package web

import (
	"errors"
	"net/http"
	"net/url"

	"quorum/internal/nomination"
	"quorum/internal/org"
	"quorum/internal/store"
)

// candidateView loads the signed-in person's declaration in the period,
// their nominations and their standing.
func (s *Server) renderCandidate(w http.ResponseWriter, r *http.Request, status int, per store.NominationPeriod, form url.Values, fe org.FieldErrors) {
	ctx := r.Context()
	p := principalOf(r)
	c, err := s.Nominations.CandidateOf(ctx, p, per.ID)
	declared := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	var mine []nominationRow
	var standing *nomination.Standing
	var statusText, explain string
	if declared {
		ns, err := s.Nominations.Nominations(ctx, per.ID, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var own []store.Nomination
		for _, n := range ns {
			if n.CandidateID == c.ID {
				own = append(own, n)
			}
		}
		mine = s.nominationRows(per, own)
		t, err := s.Nominations.Tally(ctx, per.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range t.Standings {
			if t.Standings[i].Candidate.ID == c.ID {
				standing = &t.Standings[i]
				statusText, explain = standing.Status(t.AtClose), standing.Outcome.Explain()
			}
		}
	}
	if form == nil {
		form = url.Values{"statement": {c.Statement}}
	}
	open := per.Status == store.PeriodOpen && s.Now().Before(per.ClosesAt)
	s.render(w, r, status, "nomination_candidate", &page{Title: "Your candidacy: " + per.Title, Form: form, Errors: fe, Data: map[string]any{
		"Per": per, "Path": nominationPath(per), "Deadline": nomination.FormatDeadline(per), "Declared": declared, "C": c,
		"Mine": mine, "Standing": standing, "Status": statusText, "Explain": explain, "Open": open,
	}})
}

// nominationCandidate is the candidate's page: declare, write a statement,
// answer each nomination, see the tally.
func (s *Server) nominationCandidate(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationPeriod(w, r)
	if !ok {
		return
	}
	if !principalOf(r).SignedIn() {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderCandidate(w, r, http.StatusOK, per, nil, nil)
}

// nominationDeclare records that the signed-in person stands, with their statement.
func (s *Server) nominationDeclare(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationPost(w, r)
	if !ok {
		return
	}
	path := nominationPath(per) + "/candidate"
	_, err := s.Nominations.Declare(r.Context(), principalOf(r), per.ID, r.PostForm.Get("statement"))
	if fe, ok := nomination.AsFieldErrors(err); ok {
		s.renderCandidate(w, r, http.StatusUnprocessableEntity, per, r.PostForm, fe)
		return
	}
	if err != nil {
		s.failBack(w, r, err, path)
		return
	}
	s.redirect(w, r, path, "Your candidacy and statement are saved.")
}

// nominationStandDown records that the candidate no longer stands.
func (s *Server) nominationStandDown(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationPost(w, r)
	if !ok {
		return
	}
	path := nominationPath(per) + "/candidate"
	if err := s.Nominations.StandDown(r.Context(), principalOf(r), per.ID); err != nil {
		s.failBack(w, r, err, path)
		return
	}
	s.redirect(w, r, path, "You are no longer standing. You can stand again until the deadline.")
}

// nominationAnswer records the candidate's consent to a nomination, or their refusal.
func (s *Server) nominationAnswer(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationPost(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	path := nominationPath(per) + "/candidate"
	var consent bool
	switch r.PostForm.Get("answer") {
	case "consent":
		consent = true
	case "refuse":
	default:
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	if err := s.Nominations.Answer(r.Context(), principalOf(r), id, consent); err != nil {
		s.failBack(w, r, err, path)
		return
	}
	msg := "You consented to the nomination."
	if !consent {
		msg = "You refused the nomination."
	}
	s.redirect(w, r, path, msg)
}
