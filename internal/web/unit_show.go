package web

import (
	"net/http"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// unitShow is a unit's public page: where it sits, its sub-units and its
// membership over time (the count, never the names).
func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := s.DB.UnitBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	subs, total, err := s.DB.Units(ctx, store.UnitFilter{ParentID: u.ID, Page: pageFrom(r, 100)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.Now()
	history, err := s.DB.MembershipHistory(ctx, u.ID, now.AddDate(-3, 0, 0), now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members := 0
	if len(history) > 0 {
		members = history[len(history)-1].Members
	}
	p := principalOf(r)
	s.render(w, r, http.StatusOK, "unit", &page{Title: u.Name, Data: map[string]any{
		"Unit": u, "Subs": subs, "SubPager": newPager(r, pageFrom(r, 100), total), "Members": members,
		"Chart":   membershipChart("Members of "+u.Name+" by month", history, nil),
		"CanEdit": p.Can(auth.EditUnit, auth.Target{UnitID: u.ID}),
	}})
}
