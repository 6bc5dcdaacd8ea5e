package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/report"
)

// maxSubscriberFile bounds an uploaded CSV of subscribers.
const maxSubscriberFile = 20 << 20

// subscriptionAdmin is the administrators' page of subscribers: counts,
// the import form and the suppression list.
func (s *Server) subscriptionAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderSubscriptionAdmin(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderSubscriptionAdmin(w http.ResponseWriter, r *http.Request, status int, form url.Values, fe org.FieldErrors) {
	p := principalOf(r)
	page := pageOf(r, 100)
	o, err := s.Reports.Subscribers(r.Context(), p, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bodies, err := s.DB.Bodies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReports(w, r, status, "subscription_admin", &pageData{Title: "Subscribers", Form: form, Errors: fe, Data: map[string]any{
		"O": o, "Pager": newPager(r, page, o.Suppressed), "Bodies": bodies,
	}}, headInfo{})
}

// subscriptionImport adds subscribers from a CSV file.
func (s *Server) subscriptionImport(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ManageSubscribers, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSubscriberFile+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.renderSubscriptionAdmin(w, r, http.StatusUnprocessableEntity, nil, org.FieldErrors{"file": "The file could not be read; it must be a CSV file of at most 20 MB"})
		return
	}
	content, _, err := readUpload(r, "file", maxSubscriberFile)
	if err != nil || len(content) == 0 || len(content) > maxSubscriberFile {
		s.renderSubscriptionAdmin(w, r, http.StatusUnprocessableEntity, r.PostForm, org.FieldErrors{"file": "Choose a CSV file with a column “email”, of at most 20 MB"})
		return
	}
	f, ok := report.ParseFollow(r.PostForm.Get("follow"))
	if !ok {
		s.renderSubscriptionAdmin(w, r, http.StatusUnprocessableEntity, r.PostForm, org.FieldErrors{"follow": "Choose what they follow"})
		return
	}
	res, err := s.Reports.ImportSubscribers(r.Context(), p, bytes.NewReader(content), f, r.PostForm.Get("consent") != "", r.PostForm.Get("consent_note"))
	if fe, ok := fieldErrors(err); ok {
		s.renderSubscriptionAdmin(w, r, http.StatusUnprocessableEntity, r.PostForm, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/subscribers", fmt.Sprintf("Imported: %d new addresses; %d confirmed; %d asked to confirm; %d already known.",
		res.Added, res.Confirmed, res.AskedToConfirm, res.AlreadyThere))
}

// subscriptionSuppress adds an address to the suppression list.
func (s *Server) subscriptionSuppress(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	err := s.Reports.Suppress(r.Context(), principalOf(r), r.PostForm.Get("email"), r.PostForm.Get("reason"), r.PostForm.Get("detail"))
	if fe, ok := fieldErrors(err); ok {
		s.renderSubscriptionAdmin(w, r, http.StatusUnprocessableEntity, r.PostForm, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/subscribers", "The address will not be mailed again.")
}

// subscriptionUnsuppress takes an address off the suppression list.
func (s *Server) subscriptionUnsuppress(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	if err := s.Reports.Unsuppress(r.Context(), principalOf(r), r.PostForm.Get("email")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/subscribers", "The address may be mailed again.")
}
