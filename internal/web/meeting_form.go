package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

func paperHint() string { return report.PaperTypesText }

func meetingInput(r *http.Request) report.MeetingInput {
	in := report.MeetingInput{
		Title: r.PostForm.Get("title"), HeldOn: r.PostForm.Get("held_on"), StartTime: r.PostForm.Get("start_time"), Place: r.PostForm.Get("place"),
		Online: formBool(r, "online"), JoinURL: r.PostForm.Get("join_url"), Summary: r.PostForm.Get("summary"), Minutes: r.PostForm.Get("minutes"),
	}
	titles, details := r.PostForm["agenda_title"], r.PostForm["agenda_detail"]
	for i, t := range titles {
		item := store.AgendaItem{Title: t}
		if i < len(details) {
			item.Detail = details[i]
		}
		in.Agenda = append(in.Agenda, item)
	}
	return in
}

// agendaRows gives the agenda items with three empty rows to add more.
func agendaRows(items []store.AgendaItem) []store.AgendaItem {
	out := append([]store.AgendaItem{}, items...)
	for range 3 {
		out = append(out, store.AgendaItem{})
	}
	for i := range out {
		out[i].Position = i
	}
	return out
}

func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, b store.Body, m *store.MeetingRecord, in report.MeetingInput, fe org.FieldErrors) {
	form := url.Values{"title": {in.Title}, "held_on": {in.HeldOn}, "start_time": {in.StartTime}, "place": {in.Place}, "join_url": {in.JoinURL},
		"summary": {in.Summary}, "minutes": {in.Minutes}}
	if in.Online {
		form.Set("online", "on")
	}
	action := "/bodies/" + url.PathEscape(b.Slug) + "/meetings"
	title := "Add a meeting of " + b.Name
	if m != nil {
		action = meetingURL(m.ID) + "/edit"
		title = "Edit: " + m.Title
	}
	s.renderReports(w, r, status, "meeting_form", &page{Title: title, Form: form, Errors: fe, Data: map[string]any{
		"Body": b, "Meeting": m, "Agenda": agendaRows(in.Agenda), "Action": action,
	}}, headInfo{})
}

// meetingNewForm is the form to record a meeting of a body.
func (s *Server) meetingNewForm(w http.ResponseWriter, r *http.Request) {
	b, err := s.DB.BodyBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := principalOf(r).Require(auth.EditBody, auth.Target{BodyID: b.ID}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMeetingForm(w, r, http.StatusOK, b, nil, report.MeetingInput{HeldOn: s.Now().In(s.zone()).Format(time.DateOnly)}, nil)
}

// meetingCreate records a meeting.
func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	b, err := s.DB.BodyBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := meetingInput(r)
	m, err := s.Reports.CreateMeeting(r.Context(), principalOf(r), b.ID, in)
	if fe, ok := fieldErrors(err); ok {
		s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, b, nil, in, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, meetingURL(m.ID), "The meeting is recorded.")
}

// meetingEditForm is the form to change a meeting, its agenda and minutes.
func (s *Server) meetingEditForm(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	pg, err := s.Reports.MeetingPage(r.Context(), principalOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !pg.CanManage {
		s.fail(w, r, principalOf(r).Require(auth.EditBody, auth.Target{BodyID: pg.Meeting.BodyID}))
		return
	}
	m := pg.Meeting
	b, err := s.DB.BodyByID(r.Context(), m.BodyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := report.MeetingInput{Title: m.Title, HeldOn: m.HeldOn.Format(time.DateOnly), StartTime: m.StartTime, Place: m.Place, Online: m.Online,
		JoinURL: m.JoinURL, Summary: m.Summary, Minutes: m.Minutes, Agenda: pg.Agenda}
	s.renderMeetingForm(w, r, http.StatusOK, b, &m, in, nil)
}

// meetingUpdate saves a meeting's changes.
func (s *Server) meetingUpdate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	in := meetingInput(r)
	m, err := s.Reports.UpdateMeeting(r.Context(), principalOf(r), id, in)
	if fe, ok := fieldErrors(err); ok {
		old, err := s.DB.MeetingByID(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		b, err := s.DB.BodyByID(r.Context(), old.BodyID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, b, &old, in, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, meetingURL(m.ID), "The meeting is saved.")
}

// meetingAttendance records who came: one select per seat holder, named
// attend_PERSONID.
func (s *Server) meetingAttendance(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	statuses := map[int64]string{}
	for key, vals := range r.PostForm {
		if len(key) > 7 && key[:7] == "attend_" {
			if pid, err := strconv.ParseInt(key[7:], 10, 64); err == nil && len(vals) == 1 {
				statuses[pid] = vals[0]
			}
		}
	}
	err := s.Reports.SetAttendance(r.Context(), principalOf(r), id, statuses)
	if _, ok := fieldErrors(err); ok {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, meetingURL(id)+"#attendance", "Attendance is recorded.")
}

// meetingPaperAdd uploads a paper.
func (s *Server) meetingPaperAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	p := principalOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, report.MaxPaperBytes+1<<20)
	var content []byte
	var name string
	var err error
	if perr := r.ParseMultipartForm(8 << 20); perr != nil {
		err = org.FieldErrors{"file": "The file could not be read; it must be " + report.PaperTypesText}
	} else if content, name, err = readUpload(r, "file", report.MaxPaperBytes); err == nil {
		_, err = s.Reports.AddPaper(r.Context(), p, id, r.FormValue("paper_title"), name, content)
	}
	if fe, ok := fieldErrors(err); ok {
		msg := fe["file"]
		if msg == "" {
			msg = fe["title"]
		}
		s.redirect(w, r, meetingURL(id)+"#papers", "The paper was not added: "+msg)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, meetingURL(id)+"#papers", "The paper is added.")
}

// meetingPaperDelete removes a paper.
func (s *Server) meetingPaperDelete(w http.ResponseWriter, r *http.Request) {
	id, ok1 := pathID(r, "id")
	pid, ok2 := pathID(r, "paper")
	if !ok1 || !ok2 {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if err := s.Reports.DeletePaper(r.Context(), principalOf(r), id, pid); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, meetingURL(id)+"#papers", "The paper is removed.")
}
