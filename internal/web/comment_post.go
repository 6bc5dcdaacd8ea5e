package web

import (
	"errors"
	"fmt"
	"net/http"

	"quorum/internal/report"
	"quorum/internal/store"
)

// commentPost adds a comment to a report. Refused input shows the report
// again with the errors; a comment held for moderation says so.
func (s *Server) commentPost(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	p := principalOf(r)
	pg, err := s.Reports.ReportPage(ctx, p, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := report.CommentInput{
		ParentID: formInt64(r, "parent"), Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), URL: r.PostForm.Get("url"),
		Body: r.PostForm.Get("comment"), Notify: formBool(r, "notify"), Trap: r.PostForm.Get("website"), Client: clientKey(r),
	}
	res, err := s.Reports.PostComment(ctx, p, pg.Report.ID, in)
	if fe, ok := fieldErrors(err); ok {
		if fe["body"] != "" {
			fe["comment"] = fe["body"]
			delete(fe, "body")
		}
		s.renderReport(w, r, http.StatusUnprocessableEntity, pg, r.PostForm, s.tr(r).fields(fe))
		return
	}
	if errors.Is(err, report.ErrRateLimited) {
		s.renderReport(w, r, http.StatusTooManyRequests, pg, r.PostForm, map[string]string{"comment": s.tr(r).T("Comments.TooMany")})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if res.Status == store.CommentApproved {
		s.redirect(w, r, fmt.Sprintf("%s#comment-%d", reportsURL(pg.Report.Slug), res.ID), s.tr(r).T("Comments.Published"))
		return
	}
	s.redirect(w, r, reportsURL(pg.Report.Slug)+"#comments", s.tr(r).T("Comments.Held"))
}

// commentFlag reports a comment to the moderators.
func (s *Server) commentFlag(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	c, err := s.Reports.ReportOfComment(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Reports.FlagComment(r.Context(), principalOf(r), id, r.PostForm.Get("reason"), clientKey(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportsURL(c.ReportSlug)+"#comments", s.tr(r).T("Comments.Flagged"))
}
