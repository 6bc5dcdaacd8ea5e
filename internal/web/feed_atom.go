package web

import (
	"bytes"
	"net/http"
	"net/url"

	"quorum/internal/report"
)

// writeFeed serves an Atom feed, built whole before anything is sent.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, scope report.FeedScope) {
	var buf bytes.Buffer
	if err := s.Reports.WriteFeed(r.Context(), &buf, scope); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(buf.Bytes())
}

// feedSite is the feed of every report.
func (s *Server) feedSite(w http.ResponseWriter, r *http.Request) {
	s.writeFeed(w, r, report.FeedScope{Title: s.SiteName + ": reports", Path: "/feed.atom", PagePath: "/reports"})
}

// feedBody is the feed of a body's reports.
func (s *Server) feedBody(w http.ResponseWriter, r *http.Request) {
	b, err := s.DB.BodyBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slug := url.PathEscape(b.Slug)
	s.writeFeed(w, r, report.FeedScope{Title: "Reports on " + b.Name, Path: "/bodies/" + slug + "/feed.atom", PagePath: "/bodies/" + slug + "/reports", BodyID: b.ID})
}

// feedPerson is the feed of a representative's reports.
func (s *Server) feedPerson(w http.ResponseWriter, r *http.Request) {
	p, err := s.DB.PersonBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slug := url.PathEscape(p.Slug)
	s.writeFeed(w, r, report.FeedScope{Title: "Reports by " + p.Name, Path: "/people/" + slug + "/feed.atom", PagePath: "/people/" + slug + "/reports", AuthorID: p.ID})
}
