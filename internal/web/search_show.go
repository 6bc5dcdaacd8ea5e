package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

// searchResult is a hit with its snippet as safe HTML.
type searchResult struct {
	report.SearchResult
	Snippet any
}

// searchOption is one choice of a filter's select.
type searchOption struct {
	Value, Label string
	Selected     bool
}

// searchGroup is the representatives who report on one body.
type searchGroup struct {
	Label   string
	Options []searchOption
}

// searchFilter is a filter in force, with the address of the same search
// without it.
type searchFilter struct {
	Name, Value, Remove string
	Unknown             bool
}

// searchPage is what the search page shows.
type searchPage struct {
	Q        string
	NoWords  bool // searched with no words to find
	Searched bool
	Results  []searchResult
	Total    int
	More     bool
	Cap      int
	Pager    *pager
	Bodies   []searchOption
	People   []searchGroup
	Years    []searchOption
	Filters  []searchFilter
}

// searchShow is the site search: /search?q=…&body=…&person=…&year=…
// (body and person by slug). A filter that names nothing is an error, not
// a filter left out: the visitor would take the results for what they
// asked.
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	pg := pageOf(r, 20)
	sq := store.SearchQuery{Text: q.Get("q"), Page: pg}
	data := &searchPage{Q: sq.Text, Cap: store.SearchCountCap}
	fe := org.FieldErrors{}
	tr := s.tr(r)
	bodies, err := s.DB.Bodies(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bodyNames := map[int64]string{}
	var body store.Body
	for _, b := range bodies {
		bodyNames[b.ID] = b.Name
		if v := q.Get("body"); v != "" && (v == b.Slug || body.ID == 0 && v == idstr(b.ID)) {
			body = b // by id too: addresses from before bodies were chosen by slug
		}
	}
	if v := q.Get("body"); v != "" {
		f := searchFilter{Name: tr.T("Search.Body"), Value: body.Name, Remove: searchWithout(r, "body")}
		if body.ID == 0 {
			f.Value, f.Unknown = excerptText(v, 60), true
			fe["body"] = tr.T("Search.UnknownBody", "Value", f.Value)
		}
		data.Filters = append(data.Filters, f)
	}
	var person store.Person
	if v := q.Get("person"); v != "" {
		person, err = s.Reports.SearchRepresentative(ctx, v)
		f := searchFilter{Name: tr.T("Search.Person"), Value: person.Name, Remove: searchWithout(r, "person")}
		if errors.Is(err, store.ErrNotFound) {
			f.Value, f.Unknown = excerptText(v, 60), true
			fe["person"] = tr.T("Search.UnknownPerson", "Value", f.Value)
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		data.Filters = append(data.Filters, f)
	}
	if v := q.Get("year"); v != "" {
		f := searchFilter{Name: tr.T("Search.Year"), Remove: searchWithout(r, "year")}
		if sq.Year, err = strconv.Atoi(v); err != nil || sq.Year < 1 || sq.Year > 9999 {
			sq.Year, f.Value, f.Unknown = 0, excerptText(v, 60), true
			fe["year"] = tr.T("Search.NotAYear", "Value", f.Value)
		} else {
			f.Value = strconv.Itoa(sq.Year)
		}
		data.Filters = append(data.Filters, f)
	}
	sq.BodyID, sq.PersonID = body.ID, person.ID
	choices, err := s.searchChoices(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data.Bodies = make([]searchOption, len(bodies))
	for i, b := range bodies {
		data.Bodies[i] = searchOption{Value: b.Slug, Label: b.Name, Selected: b.ID == body.ID}
	}
	data.People = searchPeople(choices.Authors, bodies, bodyNames, person, tr.T("Search.Other"))
	data.Years = searchYears(choices.Years, sq.Year)
	status := http.StatusOK
	if len(fe) > 0 {
		status = http.StatusBadRequest
	} else if data.Searched = q.Has("q"); data.Searched {
		hits, total, err := s.Reports.Search(ctx, sq)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data.Results = make([]searchResult, len(hits))
		for i, h := range hits {
			data.Results[i] = searchResult{SearchResult: h, Snippet: safeHTML(h.SnippetHTML)}
		}
		data.Total, data.More, data.Pager = total, total > store.SearchCountCap, newPager(r, pg, total)
		data.NoWords = strings.TrimSpace(sq.Text) == ""
	}
	title := tr.T("Search.Title")
	if sq.Text != "" {
		title = tr.T("Search.TitleFor", "Q", sq.Text)
	}
	s.renderReports(w, r, status, "search", &page{Title: title, Errors: fe, Data: data}, headInfo{})
}

// searchPeople groups the representatives with published reports by the
// bodies they report on, in the order of the bodies. The one chosen is
// selected once, and offered on its own if the list does not hold them
// (a representative with no reports yet). Those on no body are under other.
func searchPeople(authors []store.SearchAuthor, bodies []store.Body, bodyNames map[int64]string, chosen store.Person, other string) []searchGroup {
	byBody := map[int64][]searchOption{}
	found := false
	for _, a := range authors {
		if _, ok := bodyNames[a.BodyID]; !ok {
			a.BodyID = 0
		}
		o := searchOption{Value: a.Slug, Label: a.Name, Selected: a.PersonID == chosen.ID && !found}
		found = found || o.Selected
		byBody[a.BodyID] = append(byBody[a.BodyID], o)
	}
	var groups []searchGroup
	if chosen.ID != 0 && !found {
		groups = append(groups, searchGroup{Options: []searchOption{{Value: chosen.Slug, Label: chosen.Name, Selected: true}}})
	}
	for _, b := range bodies {
		if opts := byBody[b.ID]; len(opts) > 0 {
			groups = append(groups, searchGroup{Label: b.Name, Options: opts})
		}
	}
	if opts := byBody[0]; len(opts) > 0 {
		groups = append(groups, searchGroup{Label: other, Options: opts})
	}
	return groups
}

// searchYears offers the years that have documents, newest first, and the
// year chosen even if it has none.
func searchYears(years []int, chosen int) []searchOption {
	if chosen != 0 && !slices.Contains(years, chosen) {
		years = append(slices.Clone(years), chosen)
		slices.SortFunc(years, func(a, b int) int { return b - a })
	}
	out := make([]searchOption, len(years))
	for i, y := range years {
		out[i] = searchOption{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == chosen}
	}
	return out
}

// searchWithout is the address of the same search without a filter,
// from its first page.
func searchWithout(r *http.Request, name string) string {
	q := r.URL.Query()
	q.Del(name)
	q.Del("page")
	for k, v := range q {
		if strings.Join(v, "") == "" && k != "q" {
			q.Del(k)
		}
	}
	if len(q) == 0 {
		return "/search"
	}
	return "/search?" + q.Encode()
}
