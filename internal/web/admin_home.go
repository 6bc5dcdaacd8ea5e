package web

import (
	"net/http"

	"quorum/internal/auth"
)

// adminHome links every administrative task the person may do.
func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.DB.UnitTypeCounts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units := 0
	for _, n := range counts {
		units += n
	}
	members, err := s.DB.ActiveMembers(r.Context(), 0, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin", &page{Title: "Administration", Data: map[string]any{"Units": units, "Members": members}})
}
