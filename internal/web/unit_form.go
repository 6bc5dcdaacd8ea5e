package web

import (
	"net/http"
	"net/url"
	"strconv"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

func unitInput(r *http.Request) org.UnitInput {
	return org.UnitInput{Type: r.PostForm.Get("type"), Name: r.PostForm.Get("name"), Slug: r.PostForm.Get("slug"), Code: r.PostForm.Get("code"), ParentID: formInt64(r, "parent")}
}

func unitForm(u store.Unit) url.Values {
	return url.Values{"type": {u.Type}, "name": {u.Name}, "slug": {u.Slug}, "code": {u.Code}, "parent": {strconv.FormatInt(u.ParentID, 10)}}
}

// parentChoices are the units that may contain others (regions, nations).
func (s *Server) parentChoices(r *http.Request) ([]store.Unit, error) {
	var out []store.Unit
	for _, t := range []string{"nation", "region", "other"} {
		us, _, err := s.DB.Units(r.Context(), store.UnitFilter{Type: t, Page: store.Page{Size: 500}})
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
	}
	return out, nil
}

func (s *Server) renderUnitForm(w http.ResponseWriter, r *http.Request, status int, title, action string, form url.Values, fe org.FieldErrors, canMove bool) {
	parents, err := s.parentChoices(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "unit_form", &page{Title: title, Form: form, Errors: fe, Data: map[string]any{
		"Action": action, "Types": org.UnitTypes, "Parents": parents, "CanMove": canMove,
	}})
}

func (s *Server) unitNewForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUnitForm(w, r, http.StatusOK, "Add a unit", "/admin/units", url.Values{"type": {"branch"}}, nil, true)
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	u, err := s.Org.CreateUnit(r.Context(), principalOf(r), unitInput(r))
	if fe, ok := org.AsFieldErrors(err); ok {
		s.renderUnitForm(w, r, http.StatusUnprocessableEntity, "Add a unit", "/admin/units", r.PostForm, fe, true)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/units/"+u.Slug, u.Name+" is added.")
}

func (s *Server) unitEditForm(w http.ResponseWriter, r *http.Request) {
	u, err := s.DB.UnitBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	if err := p.Require(auth.EditUnit, auth.Target{UnitID: u.ID}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUnitForm(w, r, http.StatusOK, "Edit "+u.Name, "/units/"+u.Slug+"/edit", unitForm(u), nil, p.Can(auth.ManageOrg, auth.Target{}))
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	old, err := s.DB.UnitBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	p := principalOf(r)
	in := unitInput(r)
	if !p.Can(auth.ManageOrg, auth.Target{}) {
		// Officers' forms do not offer kind and parent; keep them as they are.
		in.Type, in.ParentID = old.Type, old.ParentID
	}
	u, err := s.Org.UpdateUnit(r.Context(), p, old.ID, in)
	if fe, ok := org.AsFieldErrors(err); ok {
		s.renderUnitForm(w, r, http.StatusUnprocessableEntity, "Edit "+old.Name, "/units/"+old.Slug+"/edit", r.PostForm, fe, p.Can(auth.ManageOrg, auth.Target{}))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/units/"+u.Slug, "Your changes are saved.")
}
