package web

import (
	"net/http"
	"net/url"
	"strconv"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

func bodyInput(r *http.Request) org.BodyInput {
	return org.BodyInput{Name: r.PostForm.Get("name"), Slug: r.PostForm.Get("slug"), Description: r.PostForm.Get("description"), ParentID: formInt64(r, "parent")}
}

func (s *Server) renderBodyNew(w http.ResponseWriter, r *http.Request, status int, form url.Values, fe org.FieldErrors) {
	bodies, err := s.DB.Bodies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "body_new", &page{Title: "Add a body", Form: form, Errors: fe, Data: map[string]any{"Bodies": bodies}})
}

func (s *Server) bodyNewForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderBodyNew(w, r, http.StatusOK, url.Values{}, nil)
}

func (s *Server) bodyCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	b, err := s.Org.CreateBody(r.Context(), principalOf(r), bodyInput(r))
	if fe, ok := org.AsFieldErrors(err); ok {
		s.renderBodyNew(w, r, http.StatusUnprocessableEntity, r.PostForm, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/bodies/"+b.Slug+"/edit", b.Name+" is added. Now add its sections.")
}

// bodyEditPage shows the body's details, its sections and its seats, each
// with its own small form.
func (s *Server) bodyEditPage(w http.ResponseWriter, r *http.Request, status int, b store.Body, form url.Values, fe org.FieldErrors, formID string) {
	p := principalOf(r)
	if err := p.Require(auth.EditBody, auth.Target{BodyID: b.ID}); err != nil {
		s.fail(w, r, err)
		return
	}
	sections, err := s.bodySeats(r, b.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if form == nil {
		form = url.Values{"name": {b.Name}, "slug": {b.Slug}, "description": {b.Description}, "parent": {strconv.FormatInt(b.ParentID, 10)}}
	}
	s.render(w, r, status, "body_edit", &page{Title: "Edit " + b.Name, Form: form, Errors: fe, Data: map[string]any{
		"Body": b, "Sections": sections, "FormID": formID, "Today": s.Now().Format("2006-01-02"),
	}})
}

func (s *Server) bodyEditForm(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bodyFromPath(w, r)
	if !ok {
		return
	}
	s.bodyEditPage(w, r, http.StatusOK, b, nil, nil, "")
}

func (s *Server) bodyUpdate(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bodyFromPath(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	in := bodyInput(r)
	if !principalOf(r).Can(auth.ManageOrg, auth.Target{}) {
		in.ParentID = b.ParentID
	}
	nb, err := s.Org.UpdateBody(r.Context(), principalOf(r), b.ID, in)
	if fe, ok := org.AsFieldErrors(err); ok {
		s.bodyEditPage(w, r, http.StatusUnprocessableEntity, b, r.PostForm, fe, "body")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/bodies/"+nb.Slug+"/edit", "Your changes are saved.")
}

func sectionInput(r *http.Request, fe org.FieldErrors) org.SectionInput {
	return org.SectionInput{
		Name: r.PostForm.Get("name"), Seats: intField(r, fe, "seats", "the number of seats"), MinWomen: formInt(r, "min_women"),
		WhoMayStand: r.PostForm.Get("who_may_stand"), WhoElects: r.PostForm.Get("who_elects"), Position: formInt(r, "position"),
	}
}

func (s *Server) sectionCreate(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bodyFromPath(w, r)
	if !ok {
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	fe := org.FieldErrors{}
	in := sectionInput(r, fe)
	if len(fe) == 0 {
		_, err := s.Org.CreateSection(r.Context(), principalOf(r), b.ID, in)
		if f, ok := org.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.bodyEditPage(w, r, http.StatusUnprocessableEntity, b, r.PostForm, fe, "new-section")
		return
	}
	s.redirect(w, r, "/bodies/"+b.Slug+"/edit", "The section "+in.Name+" is added.")
}

func (s *Server) sectionUpdate(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bodyFromPath(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	fe := org.FieldErrors{}
	in := sectionInput(r, fe)
	if len(fe) == 0 {
		_, err := s.Org.UpdateSection(r.Context(), principalOf(r), id, in)
		if f, ok := org.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.bodyEditPage(w, r, http.StatusUnprocessableEntity, b, r.PostForm, fe, "section-"+strconv.FormatInt(id, 10))
		return
	}
	s.redirect(w, r, "/bodies/"+b.Slug+"/edit", "The section is saved.")
}
