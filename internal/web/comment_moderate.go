package web

import (
	"net/http"
	"net/url"

	"quorum/internal/store"
)

// commentModeration lists the comments the person may moderate: held ones
// by default, or those of another status (?status=).
func (s *Server) commentModeration(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	flagged := r.URL.Query().Get("flagged") != ""
	pg := pageOf(r, 50)
	comments, total, err := s.Reports.ModerationQueue(r.Context(), principalOf(r), status, flagged, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if status == "" {
		status = store.CommentPending
	}
	type tab struct {
		Status, Label string
		Current       bool
	}
	var tabs []tab
	for _, t := range []tab{{store.CommentPending, "Held for moderation", false}, {store.CommentApproved, "Published", false}, {store.CommentHidden, "Hidden", false}, {store.CommentSpam, "Spam", false}} {
		t.Current = t.Status == status
		tabs = append(tabs, t)
	}
	s.renderReports(w, r, http.StatusOK, "comment_moderation", &page{Title: "Comments", Data: map[string]any{
		"Comments": comments, "Pager": newPager(r, pg, total), "Status": status, "Tabs": tabs, "Back": r.URL.RequestURI(),
	}}, headInfo{})
}

// commentModerate approves, hides, marks as spam or deletes a comment.
func (s *Server) commentModerate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	action := r.PostForm.Get("action")
	c, err := s.Reports.Moderate(r.Context(), principalOf(r), id, action)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := r.PostForm.Get("back")
	if u, err := url.Parse(back); err != nil || back == "" || u.IsAbs() || u.Host != "" || len(back) > 300 || back[0] != '/' || (len(back) > 1 && back[1] == '/') {
		back = "/moderation"
	}
	msgs := map[string]string{"approve": "The comment is published.", "hide": "The comment is hidden.", "spam": "The comment is marked as spam.", "delete": "The comment is deleted."}
	_ = c
	s.redirect(w, r, back, msgs[action])
}
