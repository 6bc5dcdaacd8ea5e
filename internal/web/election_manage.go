package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/org"
	"quorum/internal/store"
)

// electionManage is the returning officer's page for one election.
func (s *Server) electionManage(w http.ResponseWriter, r *http.Request) {
	s.electionManagePage(w, r, http.StatusOK, nil, nil, "")
}

func (s *Server) electionManagePage(w http.ResponseWriter, r *http.Request, status int, form url.Values, fe org.FieldErrors, formID string) {
	p := principalOf(r)
	if err := p.Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	id := v.Election.ID
	size, err := s.Elections.RollSize(ctx, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	preview := -1
	if v.Election.Status == store.ElectionDraft && len(v.Election.Rules) > 0 {
		if preview, err = s.Elections.PreviewElectorate(ctx, p, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	mailings, err := s.Elections.Mailings(ctx, p, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules, _ := json.MarshalIndent(v.Election.Rules, "", "  ")
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["rules"]; !ok {
		form.Set("rules", string(rules))
	}
	s.render(w, r, status, "election_manage", &page{Title: "Run: " + v.Election.Title, Form: form, Errors: fe, Data: map[string]any{
		"V": v, "Path": electionPath(v), "Roll": size, "Preview": preview, "Mailings": mailings, "FormID": formID,
		"Draft": v.Election.Status == store.ElectionDraft, "Today": s.Now().In(s.Location).Format("2006-01-02"),
	}})
}

// electionAction runs one of the returning officer's buttons.
func (s *Server) electionAction(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	v, ok := s.electionOfficerPost(w, r)
	if !ok {
		return
	}
	ctx, id, back := r.Context(), v.Election.ID, electionPath(v)+"/manage"
	var err error
	var msg string
	switch r.PathValue("action") {
	case "freeze":
		var n int64
		n, err = s.Elections.Freeze(ctx, p, id)
		msg = fmt.Sprintf("The roll of voters is taken: %s voters.", thousands(int(n)))
	case "open":
		err, msg = s.Elections.Open(ctx, p, id), "Voting is open."
	case "close":
		err, msg = s.Elections.Close(ctx, p, id), "Voting is closed. The trustees can now give their shares for the count."
	case "declare":
		err, msg = s.Elections.Declare(ctx, p, id), "The result is declared and the bulletin board is public."
	case "links":
		err, msg = s.Elections.SendBallotLinks(ctx, p, id), "Ballot links are being e-mailed to every voter who has not voted."
	default:
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	s.redirect(w, r, back, msg)
}

// electionRules saves who may vote.
func (s *Server) electionRules(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionOfficerPost(w, r)
	if !ok {
		return
	}
	rules, err := election.ParseRules(r.PostForm.Get("rules"))
	if err == nil {
		err = s.Elections.SetRules(r.Context(), principalOf(r), v.Election.ID, rules)
	}
	if fe, ok := org.AsFieldErrors(err); ok {
		s.electionManagePage(w, r, http.StatusUnprocessableEntity, r.PostForm, fe, "rules")
		return
	}
	if err != nil {
		s.failBack(w, r, err, electionPath(v)+"/manage")
		return
	}
	s.redirect(w, r, electionPath(v)+"/manage", "Who may vote is saved.")
}

// maxPhotoBytes bounds a candidate's photo.
const maxPhotoBytes = 2 << 20

// electionCandidate adds, edits, withdraws or deletes a candidate.
func (s *Server) electionCandidate(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPhotoBytes+1<<20)
	if err := r.ParseMultipartForm(4 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.electionManagePage(w, r, http.StatusUnprocessableEntity, r.PostForm, org.FieldErrors{"photo": "The photo is too large: at most 2 MB"}, "candidate")
		return
	}
	p, ctx, back := principalOf(r), r.Context(), electionPath(v)+"/manage"
	id, _ := strconv.ParseInt(r.PostForm.Get("candidate"), 10, 64)
	var err error
	var msg string
	formID := "candidate"
	if id != 0 {
		formID = "candidate-" + strconv.FormatInt(id, 10)
	}
	switch r.PathValue("action") {
	case "save":
		// The photo is checked before anything is saved, so that a refused
		// photo leaves no candidate half-added or half-edited behind.
		photo, problem := candidatePhotoOf(r)
		if problem != "" {
			s.electionManagePage(w, r, http.StatusUnprocessableEntity, r.PostForm, org.FieldErrors{"photo": problem}, formID)
			return
		}
		in := election.CandidateInput{Name: r.PostForm.Get("name"), Statement: r.PostForm.Get("statement"), Position: formInt(r, "position"), Attributes: map[string]string{}}
		if g := r.PostForm.Get("gender"); g != "" {
			in.Attributes["gender"] = g
		}
		if who := strings.TrimSpace(r.PostForm.Get("person")); who != "" {
			person, perr := s.findPerson(r, who)
			if perr != nil {
				s.electionManagePage(w, r, http.StatusUnprocessableEntity, r.PostForm, org.FieldErrors{"person": "No one has that e-mail or profile address"}, formID)
				return
			}
			in.PersonID = person.ID
		}
		var c store.Candidate
		if id == 0 {
			c, err = s.Elections.AddCandidate(ctx, p, v.Election.ID, in)
		} else {
			c, err = s.Elections.UpdateCandidate(ctx, p, v.Election.ID, id, in)
		}
		if err == nil && photo != nil {
			err = s.Elections.SetCandidatePhoto(ctx, p, v.Election.ID, c.ID, photo)
		}
		msg = "The candidate is saved."
	case "withdraw":
		err, msg = s.Elections.WithdrawCandidate(ctx, p, v.Election.ID, id, r.PostForm.Get("withdrawn") == "true"), "The candidate's withdrawal is recorded."
	case "delete":
		err, msg = s.Elections.DeleteCandidate(ctx, p, v.Election.ID, id), "The candidate is removed."
	default:
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if fe, ok := org.AsFieldErrors(err); ok {
		s.electionManagePage(w, r, http.StatusUnprocessableEntity, r.PostForm, fe, formID)
		return
	}
	if err != nil {
		s.failBack(w, r, err, back)
		return
	}
	s.redirect(w, r, back, msg)
}

// candidatePhotoTypes are the pictures the election takes as a
// candidate's photo (election.SetCandidatePhoto); the form's accept
// attribute lists the same.
var candidatePhotoTypes = []string{"image/jpeg", "image/png", "image/webp"}

// candidatePhotoOf reads the photo sent with the candidate form, if any,
// or says in words why it cannot be taken.
func candidatePhotoOf(r *http.Request) (img []byte, problem string) {
	if r.MultipartForm == nil {
		return nil, ""
	}
	f, _, err := r.FormFile("photo")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, ""
	}
	if err != nil {
		return nil, "The photo could not be read"
	}
	defer f.Close()
	img, err = io.ReadAll(io.LimitReader(f, maxPhotoBytes+1))
	switch {
	case err != nil || len(img) > maxPhotoBytes:
		return nil, "The photo is too large: at most 2 MB"
	case len(img) == 0:
		return nil, ""
	case !slices.Contains(candidatePhotoTypes, http.DetectContentType(img)):
		return nil, "Upload a JPEG, PNG or WebP image"
	}
	return img, ""
}

// electionKey sets up the election key and its trustees.
func (s *Server) electionKey(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionOfficerPost(w, r)
	if !ok {
		return
	}
	fe := org.FieldErrors{}
	in := election.KeyInput{Threshold: intField(r, fe, "threshold", "how many shares are needed"), KeepSharesForDemo: formBool(r, "demo_shares")}
	for i, line := range strings.Split(r.PostForm.Get("trustees"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		who, role, _ := strings.Cut(line, " ")
		person, err := s.findPerson(r, who)
		if err != nil {
			fe["trustees"] = fmt.Sprintf("Line %d: no one has the e-mail or profile address %q", i+1, who)
			break
		}
		t := election.TrusteeInput{PersonID: person.ID, Role: election.TrusteeOther}
		switch strings.TrimSpace(strings.ToLower(role)) {
		case "returning officer", "returning_officer", "ro":
			t.Role = election.TrusteeReturningOfficer
		case "scrutineer":
			t.Role = election.TrusteeScrutineer
		}
		in.Trustees = append(in.Trustees, t)
	}
	if len(fe) == 0 {
		err := s.Elections.SetUpKey(r.Context(), principalOf(r), v.Election.ID, in)
		if f, ok := org.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			s.failBack(w, r, err, electionPath(v)+"/manage")
			return
		}
	}
	if len(fe) > 0 {
		s.electionManagePage(w, r, http.StatusUnprocessableEntity, r.PostForm, fe, "key")
		return
	}
	s.redirect(w, r, electionPath(v)+"/manage", "The election key is made. Each trustee must now take their share from the election's page.")
}

// electionMailingReview approves or rejects a candidate's mailing.
func (s *Server) electionMailingReview(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionOfficerPost(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("mailing"), 10, 64)
	approve := r.PostForm.Get("decision") == "approve"
	err := s.Elections.ReviewMailing(r.Context(), principalOf(r), id, approve, r.PostForm.Get("note"))
	if fe, ok := org.AsFieldErrors(err); ok {
		s.electionManagePage(w, r, http.StatusUnprocessableEntity, r.PostForm, fe, "mailing-"+strconv.FormatInt(id, 10))
		return
	}
	if err != nil {
		s.failBack(w, r, err, electionPath(v)+"/manage")
		return
	}
	msg := "The mailing is rejected; the candidate can see your note."
	if approve {
		msg = "The mailing is approved and is being sent to the electorate."
	}
	s.redirect(w, r, electionPath(v)+"/manage", msg)
}
