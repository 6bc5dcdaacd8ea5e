package web

import (
	"net/http"
	"strconv"

	"quorum/internal/markup"
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
	s.render(w, r, http.StatusOK, "election_show", &page{Title: v.Election.Title, Data: map[string]any{
		"V": v, "Description": markup.Render(v.Election.Description), "Statements": statements, "Path": electionPath(v),
	}})
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
