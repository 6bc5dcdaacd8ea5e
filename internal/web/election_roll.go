package web

import (
	"errors"
	"net/http"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

// electionRoll shows the roll by unit and lets the returning officer add or
// remove a voter, with a reason that goes to the audit log.
func (s *Server) electionRoll(w http.ResponseWriter, r *http.Request) {
	s.electionRollPage(w, r, http.StatusOK, nil)
}

func (s *Server) electionRollPage(w http.ResponseWriter, r *http.Request, status int, fe org.FieldErrors) {
	p := principalOf(r)
	if err := p.Require(auth.RunElections, auth.Target{}); err != nil && !p.Can(auth.ScrutiniseVoting, auth.Target{}) {
		s.fail(w, r, err)
		return
	}
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	size, err := s.Elections.RollSize(ctx, p, v.Election.ID)
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	pg := pageFrom(r, 50)
	people, total, err := s.Elections.Roll(ctx, p, v.Election.ID, q, pg)
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	s.render(w, r, status, "election_roll", &page{Title: "Roll of voters: " + v.Election.Title, Form: r.PostForm, Errors: fe, Data: map[string]any{
		"V": v, "Path": electionPath(v), "Size": size, "People": people, "Query": q, "Pager": newPager(r, pg, total),
		"CanChange": p.Can(auth.RunElections, auth.Target{}),
	}})
}

// electionRollChange adds or removes one voter.
func (s *Server) electionRollChange(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionOfficerPost(w, r)
	if !ok {
		return
	}
	action := r.PathValue("action")
	if action != "add" && action != "remove" {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	p := principalOf(r)
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	fe := org.FieldErrors{}
	if reason == "" {
		fe["reason"] = "Give the reason; it is kept in the audit log"
	}
	person, err := s.findPerson(r, r.PostForm.Get("person"))
	if errors.Is(err, store.ErrNotFound) {
		fe["person"] = "No one has that e-mail or profile address"
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(fe) == 0 {
		if action == "add" {
			var unitID int64
			if slug := strings.TrimSpace(r.PostForm.Get("unit")); slug != "" {
				u, uerr := s.DB.UnitBySlug(r.Context(), slug)
				if uerr != nil {
					fe["unit"] = "Enter the web address of an existing unit, or leave it blank"
				}
				unitID = u.ID
			}
			if len(fe) == 0 {
				err = s.Elections.AddVoter(r.Context(), p, v.Election.ID, person.ID, unitID, reason)
			}
		} else {
			err = s.Elections.RemoveVoter(r.Context(), p, v.Election.ID, person.ID, reason)
		}
		if f, ok := org.AsFieldErrors(err); ok {
			fe = f
		} else if action == "remove" && errors.Is(err, store.ErrNotFound) {
			fe["person"] = "This person is not on the roll"
		} else if err != nil {
			s.failBack(w, r, err, electionPath(v)+"/roll")
			return
		}
	}
	if len(fe) > 0 {
		s.electionRollPage(w, r, http.StatusUnprocessableEntity, fe)
		return
	}
	msg := person.Name + " is added to the roll."
	if action == "remove" {
		msg = person.Name + " is taken off the roll."
	}
	s.redirect(w, r, electionPath(v)+"/roll", msg)
}
