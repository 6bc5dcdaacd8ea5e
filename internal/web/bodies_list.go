package web

import "net/http"

func (s *Server) bodiesList(w http.ResponseWriter, r *http.Request) {
	bodies, err := s.DB.Bodies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "bodies", &page{Title: "Governing bodies", Data: bodies})
}
