package web

import (
	"bytes"
	"net/http"
	"net/url"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/report"
	"quorum/internal/store"
)

// eventRow is an event in a listing (its time and kind are put in words
// by the template functions of the reader's language).
type eventRow struct {
	store.Event
	Full bool
	// ShowElection: the hustings' election may be named to this reader.
	ShowElection bool
}

func eventRows(p *auth.Principal, es []store.Event) []eventRow {
	out := make([]eventRow, len(es))
	for i, e := range es {
		out[i] = eventRow{Event: e, Full: e.Capacity > 0 && e.Booked >= e.Capacity,
			ShowElection: e.ElectionSlug != "" && election.MayView(p, e.ElectionStatus)}
	}
	return out
}

// eventList lists the events to come (?past=1: those gone too).
func (s *Server) eventList(w http.ResponseWriter, r *http.Request) {
	from := s.Now()
	past := r.URL.Query().Get("past") != ""
	if past {
		from = time.Time{}
	}
	es, err := s.Reports.Events(r.Context(), from, queryInt64(r, "body"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	s.renderReports(w, r, http.StatusOK, "event_list", &page{Title: s.tr(r).T("Events.Title"), Data: map[string]any{
		"Events": eventRows(p, es), "Past": past, "CanCreate": report.ManagesSomeEvents(p),
	}}, headInfo{Canonical: s.absURL("/events"), CalendarURL: "/events.ics"})
}

// eventShow is an event's page with its sign-up form.
func (s *Server) eventShow(w http.ResponseWriter, r *http.Request) {
	s.renderEvent(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderEvent(w http.ResponseWriter, r *http.Request, status int, form url.Values, fe map[string]string) {
	pg, err := s.Reports.EventPage(r.Context(), principalOf(r), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := pg.Event
	p := &page{Title: e.Title, Form: form, Errors: fe, Data: map[string]any{
		"E": pg, "Description": safeHTML(s.Reports.EventDescriptionHTML(e)),
		"Over": !e.EndsAt.After(s.Now()), "Places": max(0, e.Capacity-e.Booked),
	}}
	s.renderReports(w, r, status, "event_show", p, headInfo{Canonical: s.absURL("/events/" + url.PathEscape(e.Slug)), Title: e.Title,
		Description: eventWhen(s.langs.of(r).Code, e) + ". " + excerptText(e.Description, 200), CalendarURL: "/events/" + url.PathEscape(e.Slug) + "/calendar.ics"})
}

// eventICS is one event as a calendar file.
func (s *Server) eventICS(w http.ResponseWriter, r *http.Request) {
	e, err := s.DB.EventBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeICS(w, r, e.Slug+".ics", e.Title, []store.Event{e})
}

// eventCalendar is the calendar feed of events from a month ago on.
func (s *Server) eventCalendar(w http.ResponseWriter, r *http.Request) {
	es, err := s.Reports.Events(r.Context(), s.Now().AddDate(0, -1, 0), queryInt64(r, "body"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeICS(w, r, "events.ics", s.SiteName+" events", es)
}

func (s *Server) writeICS(w http.ResponseWriter, r *http.Request, filename, name string, es []store.Event) {
	var buf bytes.Buffer
	if err := s.Reports.WriteICS(&buf, name, es, s.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(buf.Bytes())
}
