package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

// peopleList lets administrators find a person by name or e-mail.
func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	pg := pageFrom(r, 50)
	people, total, err := s.DB.People(r.Context(), q, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "people", &page{Title: "People", Data: map[string]any{"People": people, "Query": q, "Pager": newPager(r, pg, total)}})
}

func (s *Server) personNewForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "person_new", &page{Title: "Add a person", Form: url.Values{"show_offices": {"on"}}, Data: map[string]any{"Genders": org.Genders}})
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	p, err := s.Org.CreatePerson(r.Context(), principalOf(r), personInput(r))
	if fe, ok := org.AsFieldErrors(err); ok {
		s.render(w, r, http.StatusUnprocessableEntity, "person_new", &page{Title: "Add a person", Form: r.PostForm, Errors: fe, Data: map[string]any{"Genders": org.Genders}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/people/"+strconv.FormatInt(p.ID, 10), p.Name+" is added.")
}

// personAdminPage shows one person to an administrator: details, account, roles.
func (s *Server) personAdminPage(w http.ResponseWriter, r *http.Request, status int, id int64, form url.Values, fe org.FieldErrors, formID string) {
	if err := principalOf(r).Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	person, err := s.DB.PersonByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	grants, err := s.DB.GrantsOf(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, aerr := s.DB.AccountByPerson(ctx, id)
	if aerr != nil && !errors.Is(aerr, store.ErrNotFound) {
		s.fail(w, r, aerr)
		return
	}
	ms, err := s.DB.MembershipsOf(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bodies, err := s.DB.Bodies(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	offices, err := s.DB.OfficesOf(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if form == nil {
		form = personForm(person)
	}
	s.render(w, r, status, "person_admin", &page{Title: person.Name, Form: form, Errors: fe, Data: map[string]any{
		"Person": person, "Grants": grants, "HasAccount": aerr == nil, "Memberships": ms, "Genders": org.Genders,
		"Roles": auth.GrantableRoles, "Bodies": bodies, "FormID": formID, "Offices": offices,
		"OfficeKinds": org.PublicOffices, "MemberTypes": org.MembershipTypes(), "Today": s.Now().Format("2006-01-02"),
	}})
}

func (s *Server) personEditForm(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	s.personAdminPage(w, r, http.StatusOK, id, nil, nil, "")
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok || !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	p := principalOf(r)
	if err := p.Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	_, err := s.Org.UpdatePerson(r.Context(), p, id, personInput(r))
	if fe, ok := org.AsFieldErrors(err); ok {
		s.personAdminPage(w, r, http.StatusUnprocessableEntity, id, r.PostForm, fe, "person")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10), "Your changes are saved.")
}

// grantFromForm reads a role and its scope (a unit by slug, or a body).
func (s *Server) grantFromForm(r *http.Request, personID int64) (store.Grant, org.FieldErrors) {
	g := store.Grant{PersonID: personID, Role: r.PostForm.Get("role"), Title: strings.TrimSpace(r.PostForm.Get("title")), BodyID: formInt64(r, "body")}
	fe := org.FieldErrors{}
	role := auth.Role(g.Role)
	if !role.Valid() {
		fe["role"] = "Choose a role"
		return g, fe
	}
	if role.Scope() != "body" {
		g.BodyID = 0
	}
	if role.Scope() == "unit" {
		slug := strings.TrimSpace(r.PostForm.Get("unit"))
		if u, err := s.DB.UnitBySlug(r.Context(), strings.TrimPrefix(slug, "/units/")); err == nil {
			g.UnitID = u.ID
		} else {
			fe["unit"] = "Enter the web address of an existing unit, e.g. north-ward"
		}
	}
	if role.Scope() == "body" && g.BodyID == 0 {
		fe["body"] = "Choose the body"
	}
	return g, fe
}

func (s *Server) roleGrant(w http.ResponseWriter, r *http.Request) {
	s.roleChange(w, r, true)
}

func (s *Server) roleRevoke(w http.ResponseWriter, r *http.Request) {
	s.roleChange(w, r, false)
}

func (s *Server) roleChange(w http.ResponseWriter, r *http.Request, grant bool) {
	id, ok := pathID(r, "id")
	if !ok || !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	p := principalOf(r)
	if err := p.Require(auth.ManageRoles, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	var g store.Grant
	var fe org.FieldErrors
	if grant {
		g, fe = s.grantFromForm(r, id)
	} else {
		g = store.Grant{PersonID: id, Role: r.PostForm.Get("role"), UnitID: formInt64(r, "unit_id"), BodyID: formInt64(r, "body")}
		fe = org.FieldErrors{}
	}
	if len(fe) == 0 {
		var err error
		if grant {
			err = s.Auth.GrantRole(r.Context(), p.PersonID, g)
		} else {
			err = s.Auth.RevokeRole(r.Context(), p.PersonID, g)
		}
		switch {
		case err == nil:
		case errors.Is(err, store.ErrConflict):
			fe["role"] = "The person already holds this role"
		case errors.Is(err, auth.ErrScopeNeeded), errors.Is(err, auth.ErrNoSuchRole):
			fe["role"] = err.Error()
		default:
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.personAdminPage(w, r, http.StatusUnprocessableEntity, id, r.PostForm, fe, "role")
		return
	}
	msg := "The role is given."
	if !grant {
		msg = "The role is taken away."
	}
	s.redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10), msg)
}

// auditList shows the audit log, newest first, filterable by action.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ViewAudit, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.AuditFilter{Action: strings.TrimSpace(r.URL.Query().Get("action")), Page: pageFrom(r, 50)}
	entries, total, err := s.DB.AuditLog(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", &page{Title: "Audit log", Data: map[string]any{"Entries": entries, "Filter": f, "Pager": newPager(r, f.Page, total)}})
}
