package web

import (
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/org"
)

// electionResult shows the count stage by stage with its chart.
func (s *Server) electionResult(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	res, err := s.Elections.Result(r.Context(), principalOf(r), v.Election.ID)
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	s.render(w, r, http.StatusOK, "election_result", &page{Title: s.tr(r).T("Result.Title", "Election", v.Election.Title), Data: map[string]any{
		"V": v, "R": res, "Path": electionPath(v), "Files": election.BoardDownloads(v.Election, res.Seed, res.MerkleRoot),
		"Chart": template.HTML(res.ChartSVG), // drawn by the count library from numbers and escaped names
	}})
}

// electionBoard is the public bulletin board: every ballot with its
// tracker, the Merkle root, downloads and the tracker check.
func (s *Server) electionBoard(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	p := principalOf(r)
	pg := pageFrom(r, 100)
	board, err := s.Elections.Board(r.Context(), p, v.Election.ID, pg)
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	data := map[string]any{"V": v, "B": board, "Path": electionPath(v), "Pager": newPager(r, pg, board.Total)}
	status := http.StatusOK
	if t := strings.TrimSpace(r.URL.Query().Get("tracker")); t != "" {
		check, err := s.Elections.FindTracker(r.Context(), p, v.Election.ID, t)
		if fe, ok := org.AsFieldErrors(err); ok {
			s.render(w, r, http.StatusUnprocessableEntity, "election_board", &page{Title: s.tr(r).T("Board.Title", "Election", v.Election.Title), Errors: s.tr(r).fields(fe), Data: data})
			return
		}
		if err != nil {
			s.failBack(w, r, err, "")
			return
		}
		data["Check"] = check
		data["Asked"] = t
	}
	s.render(w, r, status, "election_board", &page{Title: s.tr(r).T("Board.Title", "Election", v.Election.Title), Data: data})
}

// electionDownload serves the ballots as .blt or JSON, and the candidates'
// attributes as CSV, for anyone to recount.
func (s *Server) electionDownload(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	p := principalOf(r)
	// Check first that the board may be read, so an error is a page, not half a file.
	board, err := s.Elections.Board(r.Context(), p, v.Election.ID, pageFrom(r, 1))
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	files := board.Downloads
	switch path.Base(r.URL.Path) {
	case "ballots.blt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", files.BLT))
		err = s.Elections.WriteBLT(r.Context(), p, v.Election.ID, w)
	case "ballots.json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", files.JSON))
		err = s.Elections.WriteBallotsJSON(r.Context(), p, v.Election.ID, w)
	case "candidates.csv":
		data, err := s.Elections.CandidatesCSV(r.Context(), p, v.Election.ID)
		if err != nil {
			s.failBack(w, r, err, "")
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", files.Candidates))
		w.Write(data)
		return
	default:
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.Log.Error("ballot download", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// electionScrutiny is the scrutineer's page: recount and sign off.
func (s *Server) electionScrutiny(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ScrutiniseVoting, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	data := map[string]any{"V": v, "Path": electionPath(v)}
	if r.URL.Query().Get("recount") != "" {
		rc, err := s.Elections.Recount(r.Context(), p, v.Election.ID)
		if err != nil {
			s.failBack(w, r, err, "")
			return
		}
		data["Recount"] = rc
	}
	s.render(w, r, http.StatusOK, "election_scrutiny", &page{Title: "Scrutiny: " + v.Election.Title, Data: data})
}

// electionSignOff records the scrutineer's sign-off.
func (s *Server) electionSignOff(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionPost(w, r)
	if !ok {
		return
	}
	so, err := s.Elections.SignOff(r.Context(), principalOf(r), v.Election.ID, r.PostForm.Get("note"))
	if err != nil {
		s.failBack(w, r, err, electionPath(v)+"/scrutiny")
		return
	}
	msg := "Your sign-off is recorded: the recount agrees with the declared count."
	if !so.RecountAgrees {
		msg = "Your sign-off is recorded with the finding that the recount does NOT agree."
	}
	s.redirect(w, r, electionPath(v)+"/scrutiny", msg)
}

// electionMailings lets a candidate write to the electorate through Quorum.
func (s *Server) electionMailings(w http.ResponseWriter, r *http.Request) {
	s.electionMailingsPage(w, r, http.StatusOK, nil)
}

func (s *Server) electionMailingsPage(w http.ResponseWriter, r *http.Request, status int, fe org.FieldErrors) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	p := principalOf(r)
	if !p.SignedIn() {
		s.fail(w, r, auth.ErrSignInNeeded)
		return
	}
	mailings, err := s.Elections.Mailings(r.Context(), p, v.Election.ID)
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	left, err := s.Elections.MailingAllowance(r.Context(), p, v.Election.ID)
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	s.render(w, r, status, "election_mailings", &page{Title: "Your mailings: " + v.Election.Title, Form: r.PostForm, Errors: fe, Data: map[string]any{
		"V": v, "Path": electionPath(v), "Mailings": mailings, "Left": left,
	}})
}

func (s *Server) electionMailingSubmit(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionPost(w, r)
	if !ok {
		return
	}
	_, err := s.Elections.SubmitMailing(r.Context(), principalOf(r), v.Election.ID, electionMailingInput(r))
	if fe, ok := org.AsFieldErrors(err); ok {
		s.electionMailingsPage(w, r, http.StatusUnprocessableEntity, fe)
		return
	}
	if err != nil {
		s.failBack(w, r, err, electionPath(v)+"/mailings")
		return
	}
	s.redirect(w, r, electionPath(v)+"/mailings", "Your mailing is with the returning officer for approval.")
}

func electionMailingInput(r *http.Request) election.MailingInput {
	return election.MailingInput{Subject: r.PostForm.Get("subject"), Body: r.PostForm.Get("body")}
}
