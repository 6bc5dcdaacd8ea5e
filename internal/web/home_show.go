package web

import (
	"errors"
	"net/http"

	"quorum/internal/org"
	"quorum/internal/store"
)

// homeShow is the organisation's front page: its bodies, its units and its
// membership over the last three years.
func (s *Server) homeShow(w http.ResponseWriter, r *http.Request) {
	if s.redirectOldQuery(w, r) { // an imported blog's /?p=123
		return
	}
	ctx := r.Context()
	o, err := s.DB.Organisation(ctx)
	if errors.Is(err, store.ErrNotFound) {
		o = store.Organisation{Name: s.SiteName}
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	bodies, err := s.DB.Bodies(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.DB.UnitTypeCounts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Now()
	history, err := s.DB.MembershipHistory(ctx, 0, now.AddDate(-3, 0, 0), now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr := s.tr(r)
	var typeCounts []struct {
		Key, Label string
		Count      int
	}
	for _, t := range org.UnitTypes {
		if n := counts[t.Key]; n > 0 {
			typeCounts = append(typeCounts, struct {
				Key, Label string
				Count      int
			}{t.Key, tr.label(unitTypeMessages, t.Key, t.Label), n})
		}
	}
	members := 0
	if len(history) > 0 {
		members = history[len(history)-1].Members
	}
	s.render(w, r, http.StatusOK, "home", &page{Title: o.Name, Data: map[string]any{
		"Org":        o,
		"Bodies":     bodies,
		"UnitTypes":  typeCounts,
		"Members":    members,
		"Chart":      membershipChart(tr.T("Home.ChartTitle", "Org", o.Name), history, s.chartWords(r)),
		"HasHistory": len(history) > 1,
	}})
}
