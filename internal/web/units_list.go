package web

import (
	"net/http"
	"strings"

	"quorum/internal/org"
	"quorum/internal/store"
)

// unitsList lists units with a type filter, a name search and pages.
func (s *Server) unitsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.UnitFilter{Type: q.Get("type"), Query: strings.TrimSpace(q.Get("q")), Page: pageFrom(r, 50)}
	units, total, err := s.DB.Units(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "units", &page{Title: "Units", Data: map[string]any{
		"Units": units, "Filter": f, "Types": org.UnitTypes, "Pager": newPager(r, f.Page, total),
	}})
}
