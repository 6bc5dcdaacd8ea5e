package report

import (
	"context"
	"html"
	"strings"
	"unicode/utf8"

	"quorum/internal/store"
)

// SearchResult is one hit with its snippet as safe HTML (the words found
// in <mark>).
type SearchResult struct {
	store.SearchHit
	SnippetHTML string
}

// Search runs the site search. At most 200 characters of query are used.
func (s *Service) Search(ctx context.Context, q store.SearchQuery) ([]SearchResult, int, error) {
	// Control characters and broken UTF-8 mean nothing to a search and
	// PostgreSQL refuses NUL.
	q.Text = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == utf8.RuneError {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(q.Text, " ")))
	if len(q.Text) > 200 {
		q.Text = q.Text[:200]
		for !validCut(q.Text, len(q.Text)) && len(q.Text) > 0 {
			q.Text = q.Text[:len(q.Text)-1]
		}
	}
	if q.Text == "" {
		return nil, 0, nil
	}
	hits, total, err := s.DB.Search(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	out := make([]SearchResult, len(hits))
	for i, h := range hits {
		out[i] = SearchResult{SearchHit: h, SnippetHTML: markSnippet(h.Snippet)}
	}
	return out, total, nil
}

// markSnippet escapes a snippet, then turns the engine's marks into <mark>.
func markSnippet(s string) string {
	s = html.EscapeString(strings.Join(strings.Fields(s), " "))
	open := false
	var b strings.Builder
	for _, r := range s {
		switch string(r) {
		case store.MarkStart:
			if !open {
				b.WriteString("<mark>")
				open = true
			}
		case store.MarkEnd:
			if open {
				b.WriteString("</mark>")
				open = false
			}
		default:
			b.WriteRune(r)
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
