package web

import (
	"net/http"
	"time"

	"quorum/internal/report"
	"quorum/internal/store"
)

// The JSON API of reports, with the same rules as the pages: published
// reports for everyone, drafts only for those who may edit them.

type apiReportSummary struct {
	Slug      string    `json:"slug"`
	Title     string    `json:"title"`
	Summary   string    `json:"summary"`
	Author    string    `json:"author"`
	AuthorURL string    `json:"author_url"`
	Body      string    `json:"body,omitempty"`
	Published time.Time `json:"published"`
	URL       string    `json:"url"`
}

func (s *Server) apiSummary(r store.Report) apiReportSummary {
	return apiReportSummary{Slug: r.Slug, Title: r.Title, Summary: r.Summary, Author: r.AuthorName, AuthorURL: s.absURL("/people/" + r.AuthorSlug + "/reports"),
		Body: r.BodySlug, Published: r.PublishAt, URL: s.absURL(reportsURL(r.Slug))}
}

// apiReports lists published reports, newest first: ?body=SLUG,
// ?person=SLUG, ?page=N.
func (s *Server) apiReports(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := store.ReportFilter{Page: pageOf(r, 50)}
	if slug := r.URL.Query().Get("body"); slug != "" {
		b, err := s.DB.BodyBySlug(ctx, slug)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.BodyID = b.ID
	}
	if slug := r.URL.Query().Get("person"); slug != "" {
		p, err := s.DB.PersonBySlug(ctx, slug)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.AuthorID = p.ID
	}
	reports, total, err := s.DB.Reports(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiReportSummary, len(reports))
	for i, rep := range reports {
		out[i] = s.apiSummary(rep)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "page": f.Page.Number, "reports": out})
}

// apiReport is one report with its HTML, table of contents, tags and
// shown comments.
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	pg, err := s.Reports.ReportPage(r.Context(), principalOf(r), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type apiComment struct {
		ID      int64     `json:"id"`
		Parent  int64     `json:"parent,omitempty"`
		Author  string    `json:"author"`
		Text    string    `json:"text"`
		Written time.Time `json:"written"`
	}
	var comments []apiComment
	var walk func([]report.CommentNode)
	walk = func(ns []report.CommentNode) {
		for _, n := range ns {
			comments = append(comments, apiComment{ID: n.ID, Parent: n.ParentID, Author: n.AuthorName, Text: n.Body, Written: n.CreatedAt})
			walk(n.Replies)
		}
	}
	walk(pg.Comments)
	var tags []string
	for _, t := range pg.Tags {
		tags = append(tags, t.Name)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"report": s.apiSummary(pg.Report), "status": pg.Report.Status, "html": pg.Report.HTML, "contents": pg.TOC,
		"tags": tags, "comments": comments, "comments_open": pg.Report.CommentsOpen,
	})
}
