package web

import (
	"net/http"

	"quorum/internal/store"
)

// personShow is a person's public profile. It shows only what the person
// chose to show; without a public profile it does not exist for visitors.
func (s *Server) personShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := s.DB.PersonBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	viewer := principalOf(r)
	if !p.ShowProfile && viewer.PersonID != p.ID {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	terms, err := s.DB.TermsOf(ctx, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var offices []store.Office
	if p.ShowOffices {
		if offices, err = s.DB.OfficesOf(ctx, p.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "person", &page{Title: p.Name, Data: map[string]any{
		"Person": p, "Terms": terms, "Offices": offices, "Own": viewer.PersonID == p.ID,
	}})
}
