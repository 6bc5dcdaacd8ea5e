package web

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// meetingShow is a meeting's page: its agenda, attendance and reports for
// everyone; minutes, papers and the link to join for the body's members.
func (s *Server) meetingShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	pg, err := s.Reports.MeetingPage(r.Context(), principalOf(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := map[int64]string{}
	for _, a := range pg.Attendance {
		status[a.PersonID] = a.Status
	}
	type holderRow struct {
		store.SeatHolding
		Status string
	}
	var holders []holderRow
	seen := map[int64]bool{}
	for _, h := range pg.Holders {
		if !seen[h.PersonID] {
			seen[h.PersonID] = true
			holders = append(holders, holderRow{h, status[h.PersonID]})
		}
	}
	holder, _ := s.DB.HoldsSeatOn(r.Context(), principalOf(r).PersonID, pg.Meeting.BodyID, s.Now())
	s.renderReports(w, r, http.StatusOK, "meeting_show", &page{Title: pg.Meeting.Title, Data: map[string]any{
		"M": pg, "Minutes": safeHTML(pg.MinutesHTML), "Holders": holders, "PaperHint": paperHint(),
		"CanReport": principalOf(r).Can(auth.WriteReport, auth.Target{BodyID: pg.Meeting.BodyID, SeatHolder: holder}),
	}}, headInfo{Canonical: s.absURL("/meetings/" + strconv.FormatInt(id, 10)), Title: pg.Meeting.Title, Description: pg.Meeting.Summary})
}

// meetingList lists a body's meetings.
func (s *Server) meetingList(w http.ResponseWriter, r *http.Request) {
	b, err := s.DB.BodyBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := pageOf(r, 30)
	ms, total, err := s.Reports.MeetingsOfBody(r.Context(), b.ID, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReports(w, r, http.StatusOK, "meeting_list", &page{Title: s.tr(r).T("Meetings.Title", "Body", b.Name), Data: map[string]any{
		"Body": b, "Meetings": ms, "Pager": newPager(r, pg, total), "CanManage": principalOf(r).Can(auth.EditBody, auth.Target{BodyID: b.ID}),
	}}, headInfo{})
}

// meetingPaperGet downloads a paper, for the body's members only.
func (s *Server) meetingPaperGet(w http.ResponseWriter, r *http.Request) {
	id, ok1 := pathID(r, "id")
	pid, ok2 := pathID(r, "paper")
	if !ok1 || !ok2 {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	paper, err := s.Reports.Paper(r.Context(), principalOf(r), id, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", paper.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(paper.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": paper.Filename}))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(paper.Content)
}

func meetingURL(id int64) string { return fmt.Sprintf("/meetings/%d", id) }
