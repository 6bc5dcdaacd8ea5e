package web

import (
	"net/http"

	"quorum/internal/report"
	"quorum/internal/store"
)

// searchResult is a hit with its snippet as safe HTML.
type searchResult struct {
	report.SearchResult
	Snippet any
}

// searchShow is the site search: /search?q=…&body=…&person=…&year=…
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	pg := pageOf(r, 20)
	sq := store.SearchQuery{Text: q.Get("q"), BodyID: queryInt64(r, "body"), Year: queryInt(r, "year"), Page: pg}
	var person store.Person
	if slug := q.Get("person"); slug != "" {
		var err error
		if person, err = s.DB.PersonBySlug(ctx, slug); err == nil {
			sq.PersonID = person.ID
		}
	}
	hits, total, err := s.Reports.Search(ctx, sq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	results := make([]searchResult, len(hits))
	for i, h := range hits {
		results[i] = searchResult{SearchResult: h, Snippet: safeHTML(h.SnippetHTML)}
	}
	bodies, err := s.DB.Bodies(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "Search"
	if sq.Text != "" {
		title = "Search: " + sq.Text
	}
	s.renderReports(w, r, http.StatusOK, "search", &page{Title: title, Data: map[string]any{
		"Q": sq.Text, "Results": results, "Total": total, "Pager": newPager(r, pg, total), "Bodies": bodies, "Body": sq.BodyID,
		"Person": person, "Year": sq.Year, "Years": yearsAgo(s.Now(), 15), "Searched": q.Has("q"),
		"More": total > store.SearchCountCap, "Cap": store.SearchCountCap,
	}}, headInfo{})
}
