package web

import (
	"net/http"

	"quorum/internal/store"
)

// sectionView is a section with its seats, for display.
type sectionView struct {
	store.Section
	Seats []store.SeatHolding
	Women int
}

// bodySeats groups a body's seats under their sections.
func (s *Server) bodySeats(r *http.Request, bodyID int64) ([]sectionView, error) {
	ctx := r.Context()
	sections, err := s.DB.SectionsOf(ctx, bodyID)
	if err != nil {
		return nil, err
	}
	seats, err := s.DB.SeatsOfBody(ctx, bodyID, s.Now())
	if err != nil {
		return nil, err
	}
	views := make([]sectionView, len(sections))
	index := map[int64]int{}
	for i, sec := range sections {
		views[i] = sectionView{Section: sec}
		index[sec.ID] = i
	}
	for _, st := range seats {
		if i, ok := index[st.SectionID]; ok {
			views[i].Seats = append(views[i].Seats, st)
		}
	}
	return views, nil
}

// bodyShow lists a body's members by section, with vacancies.
func (s *Server) bodyShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := s.DB.BodyBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sections, err := s.bodySeats(r, b.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.DB.Bodies(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var subs []store.Body
	for _, x := range all {
		if x.ParentID == b.ID {
			subs = append(subs, x)
		}
	}
	meetings, err := s.DB.MeetingsOf(ctx, b.ID, 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	seats, vacant := 0, 0
	for _, sec := range sections {
		for _, st := range sec.Seats {
			seats++
			if st.Vacant() {
				vacant++
			}
		}
	}
	s.render(w, r, http.StatusOK, "body", &page{Title: b.Name, Data: map[string]any{
		"Body": b, "Sections": sections, "Subs": subs, "Meetings": meetings, "SeatCount": seats, "Vacant": vacant,
	}})
}

// bodyFromPath finds the body named by the {slug} in the path, answering
// the request itself (404) when there is none.
func (s *Server) bodyFromPath(w http.ResponseWriter, r *http.Request) (store.Body, bool) {
	b, err := s.DB.BodyBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return b, false
	}
	return b, true
}
