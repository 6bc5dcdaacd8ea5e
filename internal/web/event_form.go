package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

func eventInput(r *http.Request) report.EventInput {
	capacity, _ := strconv.Atoi(r.PostForm.Get("capacity"))
	if r.PostForm.Get("capacity") == "" {
		capacity = 0
	}
	return report.EventInput{
		Title: r.PostForm.Get("title"), Slug: r.PostForm.Get("slug"), Kind: r.PostForm.Get("kind"), BodyID: formInt64(r, "body"),
		Description: r.PostForm.Get("description"), Place: r.PostForm.Get("place"), OnlineURL: r.PostForm.Get("online_url"),
		Date: r.PostForm.Get("date"), Start: r.PostForm.Get("start"), End: r.PostForm.Get("end"), Capacity: capacity, Cancelled: formBool(r, "cancelled"),
		ElectionID: electionChoice(r),
	}
}

// electionChoice reads the election chosen for an event: 0 for none, -1
// for anything that is not an election's id, which the form refuses.
func electionChoice(r *http.Request) int64 {
	v := strings.TrimSpace(r.PostForm.Get("election"))
	if v == "" || v == "0" {
		return 0
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return id
	}
	return -1
}

func (s *Server) renderEventForm(w http.ResponseWriter, r *http.Request, status int, e *store.Event, in report.EventInput, fe org.FieldErrors) {
	bodies, err := s.DB.Bodies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	var current int64
	if e != nil {
		current = e.ElectionID
	}
	elections, err := s.Reports.EventElectionChoices(r.Context(), p, current)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var allowed []store.Body
	for _, b := range bodies {
		if p.Can(auth.ManageEvents, auth.Target{BodyID: b.ID}) {
			allowed = append(allowed, b)
		}
	}
	form := url.Values{"title": {in.Title}, "slug": {in.Slug}, "kind": {in.Kind}, "body": {strconv.FormatInt(in.BodyID, 10)},
		"description": {in.Description}, "place": {in.Place}, "online_url": {in.OnlineURL}, "date": {in.Date}, "start": {in.Start}, "end": {in.End},
		"capacity": {strconv.Itoa(in.Capacity)}, "election": {strconv.FormatInt(in.ElectionID, 10)}}
	if in.Cancelled {
		form.Set("cancelled", "on")
	}
	action, title := "/events", "Add an event"
	if e != nil {
		action, title = "/events/"+url.PathEscape(e.Slug)+"/edit", "Edit: "+e.Title
	}
	s.renderReports(w, r, status, "event_form", &page{Title: title, Form: form, Errors: fe, Data: map[string]any{
		"Event": e, "Bodies": allowed, "AnyBody": p.Can(auth.ManageEvents, auth.Target{}), "Kinds": report.EventKinds, "Action": action,
		"Elections": elections,
	}}, headInfo{})
}

// eventNewForm is the form to add an event.
func (s *Server) eventNewForm(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if !report.ManagesSomeEvents(p) {
		s.fail(w, r, p.Require(auth.ManageEvents, auth.Target{}))
		return
	}
	s.renderEventForm(w, r, http.StatusOK, nil, report.EventInput{Kind: "hustings", BodyID: queryInt64(r, "body")}, nil)
}

// eventCreate adds an event.
func (s *Server) eventCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	in := eventInput(r)
	e, err := s.Reports.CreateEvent(r.Context(), principalOf(r), in)
	if fe, ok := fieldErrors(err); ok {
		s.renderEventForm(w, r, http.StatusUnprocessableEntity, nil, in, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/events/"+url.PathEscape(e.Slug), "The event is published.")
}

// eventEditForm is the form to change an event.
func (s *Server) eventEditForm(w http.ResponseWriter, r *http.Request) {
	e, in, err := s.Reports.EventForEdit(r.Context(), principalOf(r), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderEventForm(w, r, http.StatusOK, &e, in, nil)
}

// eventUpdate saves an event's changes.
func (s *Server) eventUpdate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	old, _, err := s.Reports.EventForEdit(r.Context(), principalOf(r), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := eventInput(r)
	e, err := s.Reports.UpdateEvent(r.Context(), principalOf(r), old.ID, in)
	if fe, ok := fieldErrors(err); ok {
		s.renderEventForm(w, r, http.StatusUnprocessableEntity, &old, in, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/events/"+url.PathEscape(e.Slug), "The event is saved.")
}

// eventSignup books a place (or a place in the queue).
func (s *Server) eventSignup(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	e, err := s.DB.EventBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Reports.SignUp(r.Context(), principalOf(r), e.ID, report.SignupInput{
		Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Trap: r.PostForm.Get("website"), Client: clientKey(r)})
	if fe, ok := fieldErrors(err); ok {
		s.renderEvent(w, r, http.StatusUnprocessableEntity, r.PostForm, s.tr(r).fields(fe))
		return
	}
	if errors.Is(err, report.ErrRateLimited) {
		s.renderEvent(w, r, http.StatusTooManyRequests, r.PostForm, map[string]string{"email": s.tr(r).T("Event.TooMany")})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := s.tr(r).T("Event.Booked")
	if res.Status == store.SignupWaiting {
		msg = s.tr(r).T("Event.Waiting")
	}
	s.redirect(w, r, "/events/"+url.PathEscape(e.Slug), msg)
}

// eventSignupShow is where the link to give up a place leads.
func (s *Server) eventSignupShow(w http.ResponseWriter, r *http.Request) {
	e, err := s.DB.EventBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sg, err := s.DB.SignupByToken(r.Context(), r.PathValue("token"))
	if err != nil || sg.EventID != e.ID {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	s.renderReports(w, r, http.StatusOK, "event_signup", &page{Title: s.tr(r).T("Signup.Title", "Event", e.Title), Data: map[string]any{
		"E": e, "S": sg, "Token": r.PathValue("token"),
	}}, headInfo{})
}

// eventSignupCancel gives up a place.
func (s *Server) eventSignupCancel(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	e, err := s.DB.EventBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sg, err := s.Reports.CancelSignup(r.Context(), r.PathValue("token"))
	if err != nil || sg.EventID != e.ID {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	s.redirect(w, r, "/events/"+url.PathEscape(e.Slug), s.tr(r).T("Signup.GivenUp"))
}
