package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"quorum/internal/report"
	"quorum/internal/store"
)

// reportView is what the report page's template receives.
type reportView struct {
	report.ReportPage
	Body      any // template.HTML of the report
	Comments  []commentView
	Published string
	ReplyTo   int64
	Follows   []followOption
	Scheduled bool
	Year      int
}

// commentView is a comment with its text as safe HTML.
type commentView struct {
	report.CommentNode
	Text    any
	Replies []commentView
}

func commentViews(nodes []report.CommentNode) []commentView {
	out := make([]commentView, len(nodes))
	for i, n := range nodes {
		out[i] = commentView{CommentNode: n, Text: safeHTML(n.HTML), Replies: commentViews(n.Replies)}
	}
	return out
}

// followOption is one thing the subscription form offers to follow.
type followOption struct {
	Value, Label string
}

// reportFollows offers the report's author, its body and the whole site.
func (s *Server) reportFollows(tr *translator, r store.Report) []followOption {
	var out []followOption
	if r.AuthorName != "" {
		out = append(out, followOption{report.Follow{Scope: store.ScopePerson, TargetID: r.AuthorID}.String(), tr.T("Follow.Person", "Name", r.AuthorName)})
	}
	if r.BodyID != 0 {
		out = append(out, followOption{report.Follow{Scope: store.ScopeBody, TargetID: r.BodyID}.String(), tr.T("Follow.Body", "Body", r.BodyName)})
	}
	return append(out, followOption{store.ScopeSite, tr.T("Follow.Site", "Site", s.SiteName)})
}

// reportShow is a report's public page: the report with its table of
// contents, its comments and the forms to comment and subscribe.
func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) {
	s.cachedReports(w, r, func(w http.ResponseWriter) { s.reportShowFresh(w, r) })
}

func (s *Server) reportShowFresh(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	pg, err := s.Reports.ReportPage(r.Context(), p, r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) {
		if target, rerr := s.DB.RedirectTarget(r.Context(), r.URL.Path); rerr == nil {
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReport(w, r, http.StatusOK, pg, nil, nil)
}

// renderReport renders the report page, with the comment form's values
// and errors when a comment was refused.
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, pg report.ReportPage, form url.Values, fe map[string]string) {
	rep := pg.Report
	tr := s.tr(r)
	v := reportView{ReportPage: pg, Body: safeHTML(rep.HTML), Comments: commentViews(pg.Comments), Follows: s.reportFollows(tr, rep),
		Scheduled: rep.Status == store.ReportScheduled}
	if !rep.PublishAt.IsZero() {
		v.Published = rep.PublishAt.Format("2 January 2006")
		v.Year = rep.PublishAt.Year()
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("reply"), 10, 64); err == nil {
		v.ReplyTo = id
	}
	head := headInfo{Canonical: pg.URL, Description: rep.Summary, Type: "article", Title: rep.Title, Image: pg.CoverURL,
		Author: rep.AuthorName, FeedURL: "/people/" + url.PathEscape(rep.AuthorSlug) + "/feed.atom", FeedTitle: tr.T("Follow.Person", "Name", rep.AuthorName)}
	if rep.Published() {
		head.Published, head.Modified = rep.PublishAt, rep.UpdatedAt
	}
	for _, t := range pg.Tags {
		head.Tags = append(head.Tags, t.Name)
	}
	p := &page{Title: rep.Title, Data: v, Form: form}
	if fe != nil {
		p.Errors = fe
	}
	s.renderReports(w, r, status, "report_show", p, head)
}

// reportPrint is the report alone, without the site around it, for
// printing or copying into another site.
func (s *Server) reportPrint(w http.ResponseWriter, r *http.Request) {
	pg, err := s.Reports.ReportPage(r.Context(), principalOf(r), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, ok := s.pages.byName["report_print"]
	if !ok {
		s.renderError(w, r, http.StatusInternalServerError)
		return
	}
	var published string
	if !pg.Report.PublishAt.IsZero() {
		published = pg.Report.PublishAt.Format("2 January 2006")
	}
	cw := &captureWriter{header: http.Header{}}
	err = t.ExecuteTemplate(cw, "report_print_document", map[string]any{"R": pg.Report, "TOC": pg.TOC, "Body": safeHTML(pg.Report.HTML),
		"URL": pg.URL, "Published": published, "Site": s.SiteName, "Cover": pg.CoverURL})
	if err != nil {
		s.Log.Error("render", "template", "report_print", "err", err)
		s.renderError(w, r, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(cw.buf.Bytes())
}

// reportImage serves a stored image (covers).
func (s *Server) reportImage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	im, err := s.Reports.Image(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := `"` + im.SHA256 + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", im.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(im.Size, 10))
	w.Header().Set("Last-Modified", im.CreatedAt.UTC().Format(http.TimeFormat))
	_, _ = w.Write(im.Content)
}
