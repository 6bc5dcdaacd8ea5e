package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/org"
)

// maxShareFile bounds an uploaded share file (they are a few hundred bytes).
const maxShareFile = 64 << 10

// electionTrustee is a trustee's page: take their share of the key once,
// and give it back for the count.
func (s *Server) electionTrustee(w http.ResponseWriter, r *http.Request) {
	s.electionTrusteePage(w, r, http.StatusOK, nil)
}

func (s *Server) electionTrusteePage(w http.ResponseWriter, r *http.Request, status int, fe org.FieldErrors) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	if !principalOf(r).SignedIn() {
		s.fail(w, r, auth.ErrSignInNeeded)
		return
	}
	if v.You.Trustee == nil {
		s.failBack(w, r, election.ErrNotTrustee, "")
		return
	}
	s.render(w, r, status, "election_trustee", &page{Title: "Your share of the key: " + v.Election.Title, Errors: fe, Data: map[string]any{
		"V": v, "T": v.You.Trustee, "Path": electionPath(v),
	}})
}

// electionShareFile hands the trustee their share as a file, once.
func (s *Server) electionShareFile(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionPost(w, r)
	if !ok {
		return
	}
	file, name, err := s.Elections.CollectShareFile(r.Context(), principalOf(r), v.Election.ID)
	if err != nil {
		s.failBack(w, r, err, electionPath(v)+"/trustee")
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(file)
}

// electionShareSeal seals the trustee's share with their passphrase.
func (s *Server) electionShareSeal(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionPost(w, r)
	if !ok {
		return
	}
	pass, again := r.PostForm.Get("passphrase"), r.PostForm.Get("passphrase_again")
	if pass != again {
		s.electionTrusteePage(w, r, http.StatusUnprocessableEntity, org.FieldErrors{"passphrase_again": "The two passphrases are not the same"})
		return
	}
	err := s.Elections.SealShare(r.Context(), principalOf(r), v.Election.ID, pass)
	if fe, ok := org.AsFieldErrors(err); ok {
		s.electionTrusteePage(w, r, http.StatusUnprocessableEntity, fe)
		return
	}
	if err != nil {
		s.failBack(w, r, err, electionPath(v)+"/trustee")
		return
	}
	s.redirect(w, r, electionPath(v)+"/trustee", "Your share is sealed with your passphrase. Keep the passphrase safe: the count needs it.")
}

// electionShareSubmit takes the trustee's share for the count, from the
// file or the passphrase.
func (s *Server) electionShareSubmit(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxShareFile+1<<20)
	p, ctx := principalOf(r), r.Context()
	if !s.shareAttemptAllowed(w, r, v) {
		return
	}
	var progress election.ShareProgress
	var err error
	if perr := r.ParseMultipartForm(1 << 20); perr == nil && r.MultipartForm != nil && len(r.MultipartForm.File["share"]) > 0 {
		f, _, ferr := r.FormFile("share")
		if ferr != nil {
			s.electionTrusteePage(w, r, http.StatusUnprocessableEntity, org.FieldErrors{"share": "The file could not be read"})
			return
		}
		defer f.Close()
		data, _ := io.ReadAll(io.LimitReader(f, maxShareFile))
		progress, err = s.Elections.SubmitShareFile(ctx, p, v.Election.ID, data)
	} else if perr != nil && !errors.Is(perr, http.ErrNotMultipart) {
		s.electionTrusteePage(w, r, http.StatusUnprocessableEntity, org.FieldErrors{"share": "The file could not be read"})
		return
	} else {
		progress, err = s.Elections.SubmitSharePassphrase(ctx, p, v.Election.ID, r.FormValue("passphrase"))
	}
	switch {
	case errors.Is(err, election.ErrWrongPassphrase):
		s.electionTrusteePage(w, r, http.StatusUnprocessableEntity, org.FieldErrors{"passphrase": "That passphrase does not open your share"})
		return
	case errors.Is(err, election.ErrWrongShare):
		s.electionTrusteePage(w, r, http.StatusUnprocessableEntity, org.FieldErrors{"share": "That file is not the share issued to you for this election"})
		return
	case err != nil:
		if fe, ok := org.AsFieldErrors(err); ok {
			s.electionTrusteePage(w, r, http.StatusUnprocessableEntity, fe)
			return
		}
		s.failBack(w, r, err, electionPath(v)+"/trustee")
		return
	}
	msg := fmt.Sprintf("Thank you: %d of the %d shares needed have been given.", progress.Submitted, progress.Needed)
	if progress.Counted {
		msg = "Thank you: yours was the last share needed. The ballots are opened and counted; the scrutineer can now check the count."
	}
	s.redirect(w, r, electionPath(v), msg)
}

// shareAttemptAllowed limits how often a trustee may try a share or a
// passphrase: each try costs the server a slow key derivation, and a
// guessed passphrase must not be cheap.
func (s *Server) shareAttemptAllowed(w http.ResponseWriter, r *http.Request, v election.View) bool {
	key := fmt.Sprintf("share:%d:%d", v.Election.ID, principalOf(r).PersonID)
	ok, err := s.DB.Hit(r.Context(), key, 10, 15*time.Minute, s.Now())
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	if !ok {
		s.renderError(w, r, http.StatusTooManyRequests)
		return false
	}
	return true
}
