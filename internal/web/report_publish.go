package web

import (
	"net/http"
	"strings"
	"time"

	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

// reportBySlugOr404 reads the report named in the path.
func (s *Server) reportFromPath(w http.ResponseWriter, r *http.Request) (store.Report, bool) {
	rep, err := s.DB.ReportBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return rep, false
	}
	return rep, true
}

// reportPublish makes a report public now; its newsletter goes out.
func (s *Server) reportPublish(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.reportFromPath(w, r)
	if !ok {
		return
	}
	rep, err := s.Reports.Publish(r.Context(), principalOf(r), rep.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Published."
	if rep.SendNewsletter {
		msg = "Published. The report is on its way to subscribers; see how it goes on the newsletter page."
	}
	s.redirect(w, r, reportsURL(rep.Slug), msg)
}

// reportSchedule sets a report to be published at a time.
func (s *Server) reportSchedule(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	rep, ok := s.reportFromPath(w, r)
	if !ok {
		return
	}
	p := principalOf(r)
	at, perr := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(r.PostForm.Get("publish_at")), s.zone())
	var err error
	if perr != nil {
		err = org.FieldErrors{"publish_at": "Enter the date and time to publish, e.g. 2026-05-01 09:00"}
	} else {
		rep, err = s.Reports.Schedule(r.Context(), p, rep.ID, at)
	}
	if fe, ok := fieldErrors(err); ok {
		full, in, err := s.Reports.ReportForEdit(r.Context(), p, rep.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderReportForm(w, r, http.StatusUnprocessableEntity, &full, in, fe, nil, "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportsURL(rep.Slug)+"/edit", "Scheduled: it will be published on "+rep.PublishAt.In(s.zone()).Format("2 January 2006 at 15:04 MST")+".")
}

// reportUnpublish takes a report back to draft.
func (s *Server) reportUnpublish(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.reportFromPath(w, r)
	if !ok {
		return
	}
	rep, err := s.Reports.Unpublish(r.Context(), principalOf(r), rep.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportsURL(rep.Slug)+"/edit", "The report is a draft again; only you and administrators can see it.")
}

// reportCover uploads a cover image.
func (s *Server) reportCover(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.reportFromPath(w, r)
	if !ok {
		return
	}
	p := principalOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, report.MaxImageBytes+1<<20)
	var fe org.FieldErrors
	var err error
	if perr := r.ParseMultipartForm(8 << 20); perr != nil {
		fe = org.FieldErrors{"cover": "The image could not be read; it must be " + report.ImageTypesText}
	} else {
		content, _, rerr := readUpload(r, "cover", report.MaxImageBytes)
		if rerr != nil {
			fe = org.FieldErrors{"cover": "The image could not be read"}
		} else {
			_, err = s.Reports.SetCover(r.Context(), p, rep.ID, content, r.FormValue("alt"))
			fe, _ = fieldErrors(err)
		}
	}
	if fe != nil {
		full, in, ferr := s.Reports.ReportForEdit(r.Context(), p, rep.ID)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.renderReportForm(w, r, http.StatusUnprocessableEntity, &full, in, fe, nil, "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportsURL(rep.Slug)+"/edit", "The cover image is saved.")
}

// reportCoverRemove takes the cover image away.
func (s *Server) reportCoverRemove(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.reportFromPath(w, r)
	if !ok {
		return
	}
	if err := s.Reports.RemoveCover(r.Context(), principalOf(r), rep.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportsURL(rep.Slug)+"/edit", "The cover image is removed.")
}

// reportNewsletter shows the author how the report's newsletter went.
func (s *Server) reportNewsletter(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.reportFromPath(w, r)
	if !ok {
		return
	}
	st, err := s.Reports.Newsletter(r.Context(), principalOf(r), rep.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		Status, Label string
		Count         int
	}
	labels := map[string]string{store.DeliverySent: "Sent", store.DeliveryPending: "Waiting to be sent", store.DeliveryFailed: "Failed",
		store.DeliverySuppressed: "Not sent: address suppressed", store.DeliverySkipped: "Not sent: unsubscribed meanwhile", report.DeliveryKept: "Kept in the outbox (no mail server)",
		report.DeliveryComplaint: "Delivered, then reported as spam (unsubscribed)"}
	var rows []row
	for _, k := range append(append([]string{}, store.DeliveryStatuses...), report.DeliveryKept, report.DeliveryComplaint) {
		if n := st.Counts[k]; n > 0 || k == store.DeliverySent || k == store.DeliveryPending || k == store.DeliveryFailed {
			rows = append(rows, row{k, labels[k], n})
		}
	}
	s.renderReports(w, r, http.StatusOK, "report_newsletter", &page{Title: "Newsletter: " + rep.Title, Data: map[string]any{
		"Report": rep, "Status": st, "Rows": rows,
	}}, headInfo{})
}
