package web

import (
	"net/http"
	"net/url"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

func personForm(p store.Person) url.Values {
	f := url.Values{"name": {p.Name}, "email": {p.Email}, "gender": {p.Gender}, "bio": {p.Bio}}
	if p.ShowProfile {
		f.Set("show_profile", "on")
	}
	if p.ShowEmail {
		f.Set("show_email", "on")
	}
	if p.ShowOffices {
		f.Set("show_offices", "on")
	}
	return f
}

func personInput(r *http.Request) org.PersonInput {
	return org.PersonInput{
		Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Gender: r.PostForm.Get("gender"), Bio: r.PostForm.Get("bio"),
		ShowProfile: formBool(r, "show_profile"), ShowEmail: formBool(r, "show_email"), ShowOffices: formBool(r, "show_offices"),
	}
}

func (s *Server) accountData(r *http.Request, p *auth.Principal) (map[string]any, error) {
	ctx := r.Context()
	person, err := s.DB.PersonByID(ctx, p.PersonID)
	if err != nil {
		return nil, err
	}
	ms, err := s.DB.MembershipsOf(ctx, p.PersonID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Person": person, "Memberships": ms, "Roles": p.Roles(), "Grants": p.Grants, "Genders": org.Genders}, nil
}

// accountShow is a person's own page: roles, memberships, profile settings.
func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ViewOwnAccount, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := s.accountData(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account", &page{Title: "Your account", Form: personForm(data["Person"].(store.Person)), Data: data})
}

// accountUpdate saves the person's own profile and what it shows.
func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ViewOwnAccount, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	_, err := s.Org.UpdatePerson(r.Context(), p, p.PersonID, personInput(r))
	if fe, ok := org.AsFieldErrors(err); ok {
		data, derr := s.accountData(r, p)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "account", &page{Title: "Your account", Form: r.PostForm, Errors: fe, Data: data})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "Your profile is saved.")
}
