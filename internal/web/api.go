package web

import (
	"net/http"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/store"
)

type apiUnit struct {
	Slug   string `json:"slug"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Code   string `json:"code,omitempty"`
	Parent string `json:"parent,omitempty"`
}

func toAPIUnit(u store.Unit) apiUnit {
	return apiUnit{Slug: u.Slug, Name: u.Name, Type: u.Type, Code: u.Code, Parent: u.ParentSlug}
}

// apiMe describes the signed-in person and their roles.
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ViewOwnAccount, auth.Target{}); err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sign in first"})
		return
	}
	roles := []string{}
	for _, r := range p.Roles() {
		roles = append(roles, string(r))
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": p.PersonID, "name": p.Name, "roles": roles, "two_factor": p.TOTPEnabled})
}

// apiUnits lists units, paged, filterable by type and name.
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.UnitFilter{Type: q.Get("type"), Query: strings.TrimSpace(q.Get("q")), Page: pageFrom(r, 100)}
	units, total, err := s.DB.Units(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiUnit, len(units))
	for i, u := range units {
		out[i] = toAPIUnit(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": out, "total": total, "page": f.Page.Number, "page_size": f.Page.Limit()})
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) {
	u, err := s.DB.UnitBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	members, err := s.DB.ActiveMembers(r.Context(), u.ID, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit": toAPIUnit(u), "members": members})
}

// apiBody gives a body's sections and current seat holders (names only).
func (s *Server) apiBody(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bodyFromPath(w, r)
	if !ok {
		return
	}
	sections, err := s.bodySeats(r, b.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type seat struct {
		Label  string `json:"label"`
		Holder string `json:"holder,omitempty"`
		Vacant bool   `json:"vacant"`
	}
	type section struct {
		Name     string `json:"name"`
		Seats    []seat `json:"seats"`
		MinWomen int    `json:"min_women"`
	}
	out := []section{}
	for _, sec := range sections {
		x := section{Name: sec.Name, MinWomen: sec.MinWomen, Seats: []seat{}}
		for _, st := range sec.Seats {
			x.Seats = append(x.Seats, seat{Label: st.Label, Holder: st.PersonName, Vacant: st.Vacant()})
		}
		out = append(out, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"slug": b.Slug, "name": b.Name, "parent": b.ParentSlug, "sections": out})
}
