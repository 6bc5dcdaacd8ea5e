package web

import (
	"errors"
	"net/http"
	"strings"

	"quorum/internal/report"
	"quorum/internal/store"
)

// subscriptionCreate signs an address up (double opt-in). It always says
// the same thing, so the form tells nobody who is subscribed.
func (s *Server) subscriptionCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	f, ok := report.ParseFollow(r.PostForm.Get("follow"))
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || len(back) > 300 {
		back = "/reports"
	}
	if !ok {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	err := s.Reports.Subscribe(r.Context(), report.SubscribeInput{Email: r.PostForm.Get("email"), Follow: f, Trap: r.PostForm.Get("website"), Client: clientKey(r)})
	if fe, ok := fieldErrors(err); ok {
		s.renderReports(w, r, http.StatusUnprocessableEntity, "subscription_message", &page{Title: s.tr(r).T("Subscribe.Button"), Form: r.PostForm, Errors: s.tr(r).fields(fe), Data: map[string]any{
			"Form": true, "Follow": f.String(), "Back": back,
		}}, headInfo{})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReports(w, r, http.StatusOK, "subscription_message", &page{Title: s.tr(r).T("Sub.CheckTitle"), Data: map[string]any{
		"Heading": s.tr(r).T("Sub.CheckTitle"),
		"Text":    s.tr(r).T("Sub.CheckText"),
		"Back":    back,
	}}, headInfo{})
}

// subscriptionConfirmForm shows a button to confirm. Confirming on the
// GET itself would let a mail scanner that opens links confirm for you.
func (s *Server) subscriptionConfirmForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	pref, err := s.Reports.Preferences(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReports(w, r, http.StatusOK, "subscription_confirm", &page{Title: s.tr(r).T("Sub.ConfirmTitle"), Data: map[string]any{
		"Token": token, "Follow": r.URL.Query().Get("follow"), "Email": pref.Subscriber.Email,
	}}, headInfo{})
}

// subscriptionConfirm confirms and shows the preferences.
func (s *Server) subscriptionConfirm(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	token := r.PathValue("token")
	if _, err := s.Reports.Confirm(r.Context(), token, r.PostForm.Get("follow")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/subscriptions/"+token, s.tr(r).T("Sub.Confirmed"))
}

// subscriptionPrefs is a subscriber's page: what they follow, and how to stop.
func (s *Server) subscriptionPrefs(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	pref, err := s.Reports.Preferences(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		Value, Label string
	}
	var rows []row
	tr := s.tr(r)
	for _, f := range pref.Follows {
		label := tr.T("Follow.Site", "Site", s.SiteName)
		switch f.Scope {
		case store.ScopeBody:
			label = tr.T("Follow.Body", "Body", f.TargetName)
		case store.ScopePerson:
			label = tr.T("Follow.Person", "Name", f.TargetName)
		}
		rows = append(rows, row{report.Follow{Scope: f.Scope, TargetID: f.TargetID}.String(), label})
	}
	s.renderReports(w, r, http.StatusOK, "subscription_prefs", &page{Title: tr.T("Sub.PrefsTitle"), Data: map[string]any{
		"Token": token, "Sub": pref.Subscriber, "Follows": rows,
		"Confirmed": pref.Subscriber.Status == store.SubscriberConfirmed, "Unsubscribed": pref.Subscriber.Status == store.SubscriberUnsubscribed,
	}}, headInfo{})
}

// subscriptionPrefsUpdate stops following one thing.
func (s *Server) subscriptionPrefsUpdate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	token := r.PathValue("token")
	f, ok := report.ParseFollow(r.PostForm.Get("unfollow"))
	if !ok {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	if err := s.Reports.Unfollow(r.Context(), token, f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/subscriptions/"+token, s.tr(r).T("Sub.Unfollowed"))
}

// subscriptionUnsubscribeForm is where the unsubscribe link of an e-mail
// leads in a browser: one button, no sign-in.
func (s *Server) subscriptionUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	pref, err := s.Reports.Preferences(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReports(w, r, http.StatusOK, "subscription_unsubscribe", &page{Title: s.tr(r).T("Sub.Unsubscribe"), Data: map[string]any{
		"Token": token, "Email": pref.Subscriber.Email, "Done": pref.Subscriber.Status == store.SubscriberUnsubscribed,
	}}, headInfo{})
}

// subscriptionUnsubscribe stops all mail to the subscriber. It is both the
// button of the page above and RFC 8058's one-click unsubscribe: the mail
// client POSTs "List-Unsubscribe=One-Click" to the address in the
// List-Unsubscribe header, without cookies, and needs only a 2xx answer.
func (s *Server) subscriptionUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	token := r.PathValue("token")
	_, err := s.Reports.Unsubscribe(r.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostForm.Get("List-Unsubscribe") == "One-Click" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("Unsubscribed.\n"))
		return
	}
	s.renderReports(w, r, http.StatusOK, "subscription_unsubscribe", &page{Title: s.tr(r).T("Sub.UnsubscribedTitle"), Data: map[string]any{
		"Token": token, "Done": true,
	}}, headInfo{})
}
