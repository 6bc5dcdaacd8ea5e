package web

import (
	"errors"
	"net/http"
	"net/url"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

func (s *Server) organisationForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ManageOrg, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.DB.Organisation(r.Context())
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	form := url.Values{"name": {o.Name}, "short_name": {o.ShortName}, "description": {o.Description}}
	if o.PublicComments {
		form.Set("public_comments", "on")
	}
	s.render(w, r, http.StatusOK, "organisation_form", &page{Title: "The organisation", Form: form})
}

func (s *Server) organisationSave(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	in := org.OrganisationInput{Name: r.PostForm.Get("name"), ShortName: r.PostForm.Get("short_name"), Description: r.PostForm.Get("description"),
		PublicComments: formBool(r, "public_comments")}
	err := s.Org.SaveOrganisation(r.Context(), principalOf(r), in)
	if fe, ok := org.AsFieldErrors(err); ok {
		s.render(w, r, http.StatusUnprocessableEntity, "organisation_form", &page{Title: "The organisation", Form: r.PostForm, Errors: fe})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.Reports != nil {
		s.Reports.SettingsChanged() // this node's kept report pages show the old settings
	}
	s.redirect(w, r, "/", "The organisation's details are saved.")
}
