package report

import (
	"context"
	"html"
	"strings"
	"unicode"
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
	terms := store.SearchTerms(q.Text)
	out := make([]SearchResult, len(hits))
	for i, h := range hits {
		out[i] = SearchResult{SearchHit: h, SnippetHTML: snippet(h.Content, terms, 30)}
		out[i].Content = ""
	}
	return out, total, nil
}

// snippet cuts about n words of text around the first word that matches
// a term, escaped, with the matching words in <mark>.
func snippet(text string, terms []string, n int) string {
	words := strings.Fields(text)
	matches := func(w string) bool {
		lw := strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
		return store.SearchTermMatches(lw, terms)
	}
	first := 0
	for i, w := range words {
		if matches(w) {
			first = i
			break
		}
	}
	start := max(0, first-n/3)
	end := min(len(words), start+n)
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte(' ')
		}
		if matches(words[i]) {
			b.WriteString("<mark>" + html.EscapeString(words[i]) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(words[i]))
		}
	}
	if end < len(words) {
		b.WriteString(" …")
	}
	return b.String()
}

// SearchChoices is what the search form offers to filter by: the years
// that have documents and who has published reports (once per body they
// report on), by name.
type SearchChoices struct {
	Years   []int
	Authors []store.SearchAuthor
}

// SearchChoices reads the years and authors of the documents indexed.
func (s *Service) SearchChoices(ctx context.Context) (SearchChoices, error) {
	years, err := s.DB.SearchYears(ctx)
	if err != nil {
		return SearchChoices{}, err
	}
	authors, err := s.DB.SearchAuthors(ctx)
	if err != nil {
		return SearchChoices{}, err
	}
	return SearchChoices{Years: years, Authors: authors}, nil
}

// SearchRepresentative finds the person a search is narrowed to: someone
// with a representative's page, who holds or held a seat or has published
// reports. Anyone else is store.ErrNotFound, so that the search does not
// tell who has an account.
func (s *Service) SearchRepresentative(ctx context.Context, slug string) (store.Person, error) {
	p, err := s.DB.PersonBySlug(ctx, slug)
	if err != nil {
		return store.Person{}, err
	}
	terms, err := s.DB.TermsOf(ctx, p.ID)
	if err != nil || len(terms) > 0 {
		return p, err
	}
	published, err := s.DB.HasPublishedReports(ctx, p.ID)
	if err != nil || published {
		return p, err
	}
	return store.Person{}, store.ErrNotFound
}
