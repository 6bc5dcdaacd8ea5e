package web

import (
	"net/http"

	"quorum/internal/auth"
	"quorum/internal/election"
)

// electionsList lists elections: open first, then upcoming and past.
func (s *Server) electionsList(w http.ResponseWriter, r *http.Request) {
	show := r.URL.Query().Get("show")
	switch show {
	case election.ListAll, election.ListUpcoming, election.ListOpen, election.ListPast:
	default:
		show = election.ListAll
	}
	f := election.ListFilter{Show: show, Page: pageFrom(r, 30)}
	p := principalOf(r)
	list, total, err := s.Elections.List(r.Context(), p, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "election_list", &page{Title: s.tr(r).T("Elections.Title"), Data: map[string]any{
		"Elections": list, "Show": show, "Pager": newPager(r, f.Page, total), "CanCreate": p.Can(auth.RunElections, auth.Target{}),
	}})
}
