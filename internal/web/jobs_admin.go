package web

import (
	"errors"
	"net/http"
	"strconv"

	"quorum/internal/auth"
	"quorum/internal/store"
)

var jobStatuses = []string{"queued", "running", "done", "dead", "cancelled"}

// jobsList shows background jobs with their status, newest first.
func (s *Server) jobsList(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ManageJobs, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.JobFilter{Status: q.Get("status"), Kind: q.Get("kind"), Page: pageFrom(r, 50)}
	list, total, err := s.Jobs.List(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.Jobs.Counts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "jobs", &page{Title: "Background jobs", Data: map[string]any{
		"Jobs": list, "Counts": counts, "Statuses": jobStatuses, "Filter": f, "Pager": newPager(r, f.Page, total),
	}})
}

// jobAction retries a dead job or cancels a waiting one, and audits it.
func (s *Server) jobAction(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ManageJobs, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	action := r.PathValue("action")
	var err error
	switch action {
	case "retry":
		err = s.Jobs.Retry(r.Context(), id)
	case "cancel":
		err = s.Jobs.Cancel(r.Context(), id)
	default:
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		s.redirect(w, r, "/admin/jobs", "That job cannot be changed now: it may have run or changed status already.")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.audit(r, store.AuditEntry{ActorID: p.PersonID, Action: "job." + action, TargetType: "job", TargetID: strconv.FormatInt(id, 10)}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/jobs", "Job "+strconv.FormatInt(id, 10)+": "+action+" done.")
}

// audit records an action that a domain service did not record itself.
func (s *Server) audit(r *http.Request, e store.AuditEntry) error {
	return s.DB.InTx(r.Context(), func(tx *store.Tx) error { return tx.Audit(r.Context(), e) })
}

// outboxList shows e-mail sent and waiting. Bodies are shown only in the
// demo: a live outbox holds reset links that would let an administrator
// take over someone's account.
func (s *Server) outboxList(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ViewOutbox, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.OutboxFilter{Status: r.URL.Query().Get("status"), Page: pageFrom(r, 50)}
	msgs, total, err := s.DB.Outbox(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "outbox", &page{Title: "Outbox", Data: map[string]any{"Messages": msgs, "ShowBodies": s.Demo, "Filter": f, "Pager": newPager(r, f.Page, total)}})
}
