package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

// The report form works without JavaScript: every button submits the
// whole form, and "op" says what to do: save, preview, add a section, or
// move or remove section i (up:i, down:i, remove:i). Only save writes.

// sectionRow is one section as the form shows it.
type sectionRow struct {
	Index   int
	Kind    string
	Heading string
	Body    string
	First   bool
	Last    bool
}

// meetingGroup is the meetings of one body, for the meeting list.
type meetingGroup struct {
	Body     store.Body
	Meetings []store.MeetingRecord
}

func reportInput(r *http.Request) report.ReportInput {
	in := report.ReportInput{
		Title: r.PostForm.Get("title"), Slug: r.PostForm.Get("slug"), Summary: r.PostForm.Get("summary"), Intro: r.PostForm.Get("intro"),
		BodyID: formInt64(r, "body"), MeetingID: formInt64(r, "meeting"), Tags: r.PostForm.Get("tags"),
		CommentsOpen: formBool(r, "comments_open"), SendNewsletter: formBool(r, "send_newsletter"),
	}
	kinds, heads, bodies := r.PostForm["section_kind"], r.PostForm["section_heading"], r.PostForm["section_body"]
	for i, k := range kinds {
		sec := report.Section{Kind: k}
		if i < len(heads) {
			sec.Heading = heads[i]
		}
		if i < len(bodies) {
			sec.Body = bodies[i]
		}
		in.Sections = append(in.Sections, sec)
	}
	return in
}

// inputForm is the form values of the simple fields of a report.
func inputForm(in report.ReportInput) url.Values {
	f := url.Values{"title": {in.Title}, "slug": {in.Slug}, "summary": {in.Summary}, "intro": {in.Intro}, "tags": {in.Tags},
		"body": {strconv.FormatInt(in.BodyID, 10)}, "meeting": {strconv.FormatInt(in.MeetingID, 10)}}
	if in.CommentsOpen {
		f.Set("comments_open", "on")
	}
	if in.SendNewsletter {
		f.Set("send_newsletter", "on")
	}
	return f
}

// applyOp carries out a button other than save; it reports whether it did.
func applyOp(op string, in *report.ReportInput, newKind string) bool {
	verb, arg, _ := strings.Cut(op, ":")
	i, err := strconv.Atoi(arg)
	n := len(in.Sections)
	switch verb {
	case "add":
		if report.SectionHeading(newKind) == "" {
			newKind = "other"
		}
		in.Sections = append(in.Sections, report.Section{Kind: newKind, Heading: report.SectionHeading(newKind)})
	case "up":
		if err == nil && i > 0 && i < n {
			in.Sections[i-1], in.Sections[i] = in.Sections[i], in.Sections[i-1]
		}
	case "down":
		if err == nil && i >= 0 && i < n-1 {
			in.Sections[i], in.Sections[i+1] = in.Sections[i+1], in.Sections[i]
		}
	case "remove":
		if err == nil && i >= 0 && i < n {
			in.Sections = append(in.Sections[:i], in.Sections[i+1:]...)
		}
	case "preview":
	default:
		return false
	}
	return true
}

// renderReportForm shows the form to write or edit a report.
func (s *Server) renderReportForm(w http.ResponseWriter, r *http.Request, status int, rep *store.Report, in report.ReportInput, fe org.FieldErrors, preview *report.Rendered, focus string) {
	ctx := r.Context()
	p := principalOf(r)
	bodies, err := s.Reports.BodiesFor(ctx, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rep != nil && !containsBody(bodies, rep.BodyID) {
		// An administrator editing, or a representative whose seat ended:
		// the report's own body stays choosable.
		if b, err := s.DB.BodyByID(ctx, rep.BodyID); err == nil {
			bodies = append(bodies, b)
		}
	}
	var groups []meetingGroup
	for _, b := range bodies {
		ms, _, err := s.Reports.MeetingsOfBody(ctx, b.ID, store.Page{Size: 24})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(ms) > 0 {
			groups = append(groups, meetingGroup{Body: b, Meetings: ms})
		}
	}
	rows := make([]sectionRow, len(in.Sections))
	for i, sec := range in.Sections {
		rows[i] = sectionRow{Index: i, Kind: sec.Kind, Heading: sec.Heading, Body: sec.Body, First: i == 0, Last: i == len(in.Sections)-1}
	}
	data := map[string]any{"Report": rep, "Bodies": bodies, "Meetings": groups, "Sections": rows, "Kinds": report.SectionKinds, "Focus": focus,
		"Action": "/reports/new", "CoverHint": report.ImageTypesText}
	title := "Write a report"
	if rep != nil {
		title = "Edit: " + rep.Title
		data["Action"] = reportsURL(rep.Slug) + "/edit"
		data["Scheduled"] = rep.Status == store.ReportScheduled
		if !rep.PublishAt.IsZero() {
			data["PublishAt"] = rep.PublishAt.In(s.zone()).Format("2006-01-02T15:04")
			data["PublishAtText"] = rep.PublishAt.In(s.zone()).Format("2 January 2006 at 15:04 MST")
		}
		if rep.CoverImageID != 0 {
			data["Cover"] = "/images/" + strconv.FormatInt(rep.CoverImageID, 10)
		}
	}
	if preview != nil {
		data["Preview"] = safeHTML(preview.HTML)
		data["PreviewTOC"] = preview.TOC
		data["PreviewTitle"] = in.Title
	}
	s.renderReports(w, r, status, "report_form", &page{Title: title, Form: inputForm(in), Errors: fe, Data: data}, headInfo{})
}

func containsBody(bs []store.Body, id int64) bool {
	for _, b := range bs {
		if b.ID == id {
			return true
		}
	}
	return false
}

// reportNewForm starts a report: on the body chosen (?body=), or the only
// one the person sits on.
func (s *Server) reportNewForm(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	bodies, err := s.Reports.BodiesFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(bodies) == 0 {
		s.fail(w, r, auth.ErrForbidden)
		return
	}
	in := report.ReportInput{CommentsOpen: true, SendNewsletter: true, BodyID: queryInt64(r, "body"), MeetingID: queryInt64(r, "meeting")}
	if in.BodyID == 0 && len(bodies) == 1 {
		in.BodyID = bodies[0].ID
	}
	for _, k := range report.SectionKinds[:4] {
		in.Sections = append(in.Sections, report.Section{Kind: k.Key, Heading: k.Heading})
	}
	s.renderReportForm(w, r, http.StatusOK, nil, in, nil, nil, "")
}

// reportCreate saves a new draft (or carries out a form button).
func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	p := principalOf(r)
	if !p.SignedIn() {
		s.fail(w, r, auth.ErrSignInNeeded)
		return
	}
	in := reportInput(r)
	op := r.PostForm.Get("op")
	if applyOp(op, &in, r.PostForm.Get("new_section_kind")) {
		var prev *report.Rendered
		if op == "preview" {
			x := s.Reports.Preview(in)
			prev = &x
		}
		s.renderReportForm(w, r, http.StatusOK, nil, in, nil, prev, op)
		return
	}
	rep, err := s.Reports.CreateReport(r.Context(), p, in)
	if fe, ok := fieldErrors(err); ok {
		s.renderReportForm(w, r, http.StatusUnprocessableEntity, nil, in, fe, nil, "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportsURL(rep.Slug)+"/edit", "Your draft is saved. Only you and administrators can see it until you publish it.")
}

// reportEditForm shows a report's form to its author or an administrator.
func (s *Server) reportEditForm(w http.ResponseWriter, r *http.Request) {
	rep, err := s.DB.ReportBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, in, err := s.Reports.ReportForEdit(r.Context(), principalOf(r), rep.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReportForm(w, r, http.StatusOK, &rep, in, nil, nil, "")
}

// reportUpdate saves changes to a report (or carries out a form button).
func (s *Server) reportUpdate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	p := principalOf(r)
	rep, err := s.DB.ReportBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := p.Require(auth.EditReport, auth.Target{BodyID: rep.BodyID, AuthorID: rep.AuthorID}); err != nil {
		s.fail(w, r, err)
		return
	}
	in := reportInput(r)
	op := r.PostForm.Get("op")
	if applyOp(op, &in, r.PostForm.Get("new_section_kind")) {
		var prev *report.Rendered
		if op == "preview" {
			x := s.Reports.Preview(in)
			prev = &x
		}
		s.renderReportForm(w, r, http.StatusOK, &rep, in, nil, prev, op)
		return
	}
	updated, err := s.Reports.UpdateReport(ctx, p, rep.ID, in)
	if fe, ok := fieldErrors(err); ok {
		s.renderReportForm(w, r, http.StatusUnprocessableEntity, &rep, in, fe, nil, "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Your changes are saved."
	if updated.Published() {
		msg = "Your changes are saved and published."
	}
	s.redirect(w, r, reportsURL(updated.Slug)+"/edit", msg)
}
