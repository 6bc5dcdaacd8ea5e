package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"quorum/internal/markup"
	"quorum/internal/store"
)

// electionShow is an election's public page: timeline, candidates, who may
// vote, turnout and, once declared, the result; and the viewer's own part.
func (s *Server) electionShow(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	statements := map[int64]any{}
	for _, c := range v.Candidates {
		statements[c.ID] = markup.Render(c.Statement)
	}
	hustings, err := s.hustingsOf(r.Context(), v.Election.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "election_show", &page{Title: v.Election.Title, Data: map[string]any{
		"V": v, "Description": markup.Render(v.Election.Description), "Statements": statements, "Path": electionPath(v),
		"Hustings": hustingsRows(hustings, s.Now()),
	}})
}

// hustingsOf lists an election's hustings; none when the events pages are off.
func (s *Server) hustingsOf(ctx context.Context, electionID int64) ([]store.Event, error) {
	if s.Reports == nil {
		return nil, nil
	}
	return s.Reports.HustingsOf(ctx, electionID)
}

// hustingsRow is one hustings on its election's page.
type hustingsRow struct {
	store.Event
	Over bool
}

// hustingsRows puts the hustings to come first, then those over, each in
// date order.
func hustingsRows(es []store.Event, now time.Time) []hustingsRow {
	var next, over []hustingsRow
	for _, e := range es {
		row := hustingsRow{Event: e, Over: !e.EndsAt.After(now)}
		if row.Over {
			over = append(over, row)
		} else {
			next = append(next, row)
		}
	}
	return append(next, over...)
}

// candidatePhoto serves a candidate's photo.
func (s *Server) candidatePhoto(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	img, ctype, err := s.Elections.CandidatePhoto(r.Context(), v.Election.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(img)))
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(img)
}
