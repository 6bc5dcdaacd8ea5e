package web

import "net/http"

// electionRoutes are the pages of elections and secret ballots.
func (s *Server) electionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /elections", s.electionsList)
	mux.HandleFunc("GET /elections/{slug}", s.electionShow)
	mux.HandleFunc("GET /elections/{slug}/candidates/{id}/photo", s.candidatePhoto)
	mux.HandleFunc("GET /elections/{slug}/result", s.electionResult)
	mux.HandleFunc("GET /elections/{slug}/board", s.electionBoard)
	mux.HandleFunc("GET /elections/{slug}/ballots.blt", s.electionDownload)
	mux.HandleFunc("GET /elections/{slug}/ballots.json", s.electionDownload)
	mux.HandleFunc("GET /elections/{slug}/candidates.csv", s.electionDownload)

	mux.HandleFunc("GET /api/v1/elections", s.apiElections)
	mux.HandleFunc("GET /api/v1/elections/{id}", s.apiElection)

	// Voting: signed in, or through a one-time ballot link.
	mux.HandleFunc("GET /elections/{slug}/vote", s.voteForm)
	mux.HandleFunc("POST /elections/{slug}/vote", s.voteReview)
	mux.HandleFunc("POST /elections/{slug}/vote/confirm", s.voteCast)
	mux.HandleFunc("POST /elections/{slug}/vote/change", s.voteChange)
	mux.HandleFunc("GET /ballot/{token}", s.linkBallot)
	mux.HandleFunc("POST /ballot/{token}", s.linkReview)
	mux.HandleFunc("POST /ballot/{token}/confirm", s.linkCast)
	mux.HandleFunc("POST /ballot/{token}/change", s.linkChange)

	// The returning officer.
	mux.HandleFunc("GET /admin/elections/new", s.electionNewForm)
	mux.HandleFunc("POST /admin/elections", s.electionCreate)
	mux.HandleFunc("GET /elections/{slug}/edit", s.electionEditForm)
	mux.HandleFunc("POST /elections/{slug}/edit", s.electionUpdate)
	mux.HandleFunc("GET /elections/{slug}/manage", s.electionManage)
	mux.HandleFunc("POST /elections/{slug}/actions/{action}", s.electionAction)
	mux.HandleFunc("POST /elections/{slug}/rules", s.electionRules)
	mux.HandleFunc("POST /elections/{slug}/candidates/{action}", s.electionCandidate)
	mux.HandleFunc("POST /elections/{slug}/key", s.electionKey)
	mux.HandleFunc("POST /elections/{slug}/mailings/review", s.electionMailingReview)
	mux.HandleFunc("GET /elections/{slug}/roll", s.electionRoll)
	mux.HandleFunc("POST /elections/{slug}/roll/{action}", s.electionRollChange)

	// Trustees, the scrutineer and candidates.
	mux.HandleFunc("GET /elections/{slug}/trustee", s.electionTrustee)
	mux.HandleFunc("POST /elections/{slug}/trustee/file", s.electionShareFile)
	mux.HandleFunc("POST /elections/{slug}/trustee/seal", s.electionShareSeal)
	mux.HandleFunc("POST /elections/{slug}/trustee/submit", s.electionShareSubmit)
	mux.HandleFunc("GET /elections/{slug}/scrutiny", s.electionScrutiny)
	mux.HandleFunc("POST /elections/{slug}/scrutiny", s.electionSignOff)
	mux.HandleFunc("GET /elections/{slug}/mailings", s.electionMailings)
	mux.HandleFunc("POST /elections/{slug}/mailings", s.electionMailingSubmit)
}
