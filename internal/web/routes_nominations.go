package web

import "net/http"

// nominationRoutes are the pages of nomination periods: the public page
// and its CSV, the officers' nominate form, the candidate's page and the
// returning officer's set-up, close and hand-over.
func (s *Server) nominationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /nominations", s.nominationList)
	mux.HandleFunc("GET /nominations/{slug}", s.nominationShow)
	mux.HandleFunc("GET /nominations/{slug}/nominations.csv", s.nominationCSV)

	// Officers of nominating bodies, and individual nominators.
	mux.HandleFunc("GET /nominations/{slug}/nominate", s.nominateForm)
	mux.HandleFunc("POST /nominations/{slug}/nominate", s.nominateSubmit)

	// Candidates.
	mux.HandleFunc("GET /nominations/{slug}/candidate", s.nominationCandidate)
	mux.HandleFunc("POST /nominations/{slug}/candidate", s.nominationDeclare)
	mux.HandleFunc("POST /nominations/{slug}/candidate/stand-down", s.nominationStandDown)
	mux.HandleFunc("POST /nominations/{slug}/answer/{id}", s.nominationAnswer)

	// The returning officer.
	mux.HandleFunc("GET /admin/nominations/rules", s.nominationRules)
	mux.HandleFunc("POST /admin/nominations/rules", s.nominationRuleAdd)
	mux.HandleFunc("GET /admin/nominations/new", s.nominationNewForm)
	mux.HandleFunc("POST /admin/nominations", s.nominationCreate)
	mux.HandleFunc("POST /nominations/{slug}/close", s.nominationClose)
	mux.HandleFunc("POST /nominations/{slug}/handover", s.nominationHandOver)
}
