package web

import (
	"net/http"
	"net/url"
	"time"

	"quorum/internal/election"
)

type apiMilestone struct {
	Key  string     `json:"key"`
	At   *time.Time `json:"at,omitempty"`
	Done bool       `json:"done"`
}

// apiHustings is one hustings of an election.
type apiHustings struct {
	Title     string    `json:"title"`
	Start     time.Time `json:"start"`
	URL       string    `json:"url"`
	Cancelled bool      `json:"cancelled"`
}

type apiElectionSummary struct {
	ID     int64  `json:"id"`
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Seats  int    `json:"seats"`
	Method string `json:"method"`
}

// apiElections lists the elections the caller may see, paged.
func (s *Server) apiElections(w http.ResponseWriter, r *http.Request) {
	f := election.ListFilter{Show: r.URL.Query().Get("show"), Page: pageFrom(r, 50)}
	list, total, err := s.Elections.List(r.Context(), principalOf(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiElectionSummary, len(list))
	for i, e := range list {
		out[i] = apiElectionSummary{ID: e.ID, Slug: e.Slug, Title: e.Title, Status: e.Status, Seats: e.Seats, Method: e.Method}
	}
	writeJSON(w, http.StatusOK, map[string]any{"elections": out, "total": total, "page": f.Page.Number, "page_size": f.Page.Limit()})
}

// apiElection gives one election's timetable, turnout and, once declared, result.
func (s *Server) apiElection(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	v, err := s.Elections.Get(r.Context(), principalOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := v.Election
	out := map[string]any{
		"id": e.ID, "slug": e.Slug, "title": e.Title, "status": e.Status, "seats": e.Seats, "method": e.Method,
		"quotas": e.Quotas,
	}
	var tl []apiMilestone
	for _, m := range v.Timeline {
		at := m.At
		ms := apiMilestone{Key: m.Key, Done: m.Done}
		if !at.IsZero() {
			ms.At = &at
		}
		tl = append(tl, ms)
	}
	out["timetable"] = tl
	var cands []string
	for _, c := range v.Candidates {
		cands = append(cands, c.Name)
	}
	out["candidates"] = cands
	hustings, err := s.hustingsOf(r.Context(), e.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hs := []apiHustings{}
	for _, h := range hustings {
		hs = append(hs, apiHustings{Title: h.Title, Start: h.StartsAt, URL: s.absURL("/events/" + url.PathEscape(h.Slug)), Cancelled: h.Cancelled})
	}
	out["hustings"] = hs
	if v.Turnout != nil {
		out["turnout"] = map[string]int{"electorate": v.Turnout.Electorate, "voted": v.Turnout.Voted}
	}
	if v.Result != nil && !v.Result.DeclaredAt.IsZero() {
		out["result"] = map[string]any{
			"elected": v.Result.Elected, "ballots": v.Result.Ballots, "seed": v.Result.Seed, "merkle_root": v.Result.MerkleRoot, "declared_at": v.Result.DeclaredAt,
		}
	}
	writeJSON(w, http.StatusOK, out)
}
