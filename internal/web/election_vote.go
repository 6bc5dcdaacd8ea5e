package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/store"
)

// ballotPaper is what the ballot, review and receipt pages show.
type ballotPaper struct {
	Election   store.Election
	Candidates []store.Candidate
	Action     string // where the paper is posted
	Numbers    map[int64]string
	Ranking    []store.Candidate // in order, on the review page
	Problem    string
	VoterName  string // on a ballot link
	Changing   bool
}

// numbersFrom reads the numbered boxes: rank-<candidate id> = number.
func numbersFrom(r *http.Request, tr *translator, cands []store.Candidate) (map[int64]int, map[int64]string, string) {
	numbers := map[int64]int{}
	raw := map[int64]string{}
	for _, c := range cands {
		v := strings.TrimSpace(r.PostForm.Get("rank-" + strconv.FormatInt(c.ID, 10)))
		raw[c.ID] = v
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > len(cands) {
			return nil, raw, tr.T("Ballot.Problem.Range", "Max", len(cands), "Given", strconv.Quote(v))
		}
		numbers[c.ID] = n
	}
	return numbers, raw, ""
}

// readBallot turns the form into a checked ranking, or says what is wrong.
func readBallot(r *http.Request, tr *translator, cands []store.Candidate) ([]int64, map[int64]string, string) {
	numbers, raw, problem := numbersFrom(r, tr, cands)
	if problem != "" {
		return nil, raw, problem
	}
	ranking, err := election.RankingFromNumbers(numbers)
	if err == nil {
		err = election.ValidateRanking(ranking, cands)
	}
	if err != nil {
		var ib *election.InvalidBallotError
		if errors.As(err, &ib) {
			return nil, raw, ballotProblem(tr, ib)
		}
		return nil, raw, tr.T("Ballot.Problem.Unknown")
	}
	return ranking, raw, ""
}

func inOrder(ranking []int64, cands []store.Candidate) []store.Candidate {
	byID := map[int64]store.Candidate{}
	for _, c := range cands {
		byID[c.ID] = c
	}
	out := make([]store.Candidate, 0, len(ranking))
	for _, id := range ranking {
		out = append(out, byID[id])
	}
	return out
}

// castable lists the candidates on the paper (withdrawn ones are marked).
func castable(cands []store.Candidate) []store.Candidate {
	out := append([]store.Candidate(nil), cands...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	return out
}

// voteForm shows the ballot paper to a signed-in voter.
func (s *Server) voteForm(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	if !principalOf(r).SignedIn() {
		http.Redirect(w, r, "/signin?next="+electionPath(v)+"/vote", http.StatusSeeOther)
		return
	}
	if !v.You.CanVote && !v.You.CanChange {
		s.failBack(w, r, s.whyNot(r, v), "")
		return
	}
	s.render(w, r, http.StatusOK, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", v.Election.Title), Data: ballotPaper{
		Election: v.Election, Candidates: castable(v.Candidates), Action: electionPath(v) + "/vote", Changing: v.You.Voted,
	}})
}

// whyNot explains why the viewer cannot vote.
func (s *Server) whyNot(r *http.Request, v election.View) error {
	el, err := s.Elections.Eligibility(r.Context(), v.Election.ID, principalOf(r).PersonID)
	if err != nil {
		return err
	}
	if el.Reason != nil {
		return el.Reason
	}
	return election.ErrNotEligible
}

// voteReview checks the paper and asks the voter to confirm it.
func (s *Server) voteReview(w http.ResponseWriter, r *http.Request) {
	e, allCands, ok := s.ballotOfPath(w, r)
	if !ok {
		return
	}
	// Someone who may not vote is told now, not after checking a ballot
	// that the cast would refuse.
	if el, err := s.Elections.Eligibility(r.Context(), e.ID, principalOf(r).PersonID); err != nil || el.Reason != nil {
		if err == nil {
			err = el.Reason
		}
		s.fail(w, r, err)
		return
	}
	cands := castable(allCands)
	ranking, raw, problem := readBallot(r, s.tr(r), cands)
	paper := ballotPaper{Election: e, Candidates: cands, Action: "/elections/" + e.Slug + "/vote", Numbers: raw, Problem: problem}
	if problem != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", e.Title), Data: paper})
		return
	}
	paper.Ranking = inOrder(ranking, cands)
	s.render(w, r, http.StatusOK, "election_review", &page{Title: s.tr(r).T("Review.Title"), Data: paper})
}

// voteCast casts the confirmed paper and shows the tracker once.
func (s *Server) voteCast(w http.ResponseWriter, r *http.Request) {
	e, allCands, ok := s.ballotOfPath(w, r)
	if !ok {
		return
	}
	cands := castable(allCands)
	ranking, raw, problem := readBallot(r, s.tr(r), cands)
	if problem != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", e.Title), Data: ballotPaper{
			Election: e, Candidates: cands, Action: "/elections/" + e.Slug + "/vote", Numbers: raw, Problem: problem}})
		return
	}
	receipt, err := s.Elections.Cast(r.Context(), principalOf(r), e.ID, ranking)
	if err != nil {
		s.castFailed(w, r, e, cands, raw, "/elections/"+e.Slug+"/vote", err)
		return
	}
	s.render(w, r, http.StatusOK, "election_receipt", &page{Title: s.tr(r).T("Receipt.Voted"), Data: map[string]any{
		"Election": e, "Tracker": receipt.Tracker.String(), "Changed": receipt.Changed, "Path": "/elections/" + e.Slug,
	}})
}

func (s *Server) castFailed(w http.ResponseWriter, r *http.Request, e store.Election, cands []store.Candidate, raw map[int64]string, action string, err error) {
	var ib *election.InvalidBallotError
	if errors.As(err, &ib) {
		s.render(w, r, http.StatusUnprocessableEntity, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", e.Title), Data: ballotPaper{
			Election: e, Candidates: cands, Action: action, Numbers: raw, Problem: ballotProblem(s.tr(r), ib)}})
		return
	}
	s.failBack(w, r, err, "")
}

// linkBallot opens the ballot paper from a one-time ballot link.
func (s *Server) linkBallot(w http.ResponseWriter, r *http.Request) {
	lb, ok := s.resolveLink(w, r)
	if !ok {
		return
	}
	if lb.Voted && !lb.Election.AllowVoteChange {
		s.failBack(w, r, election.ErrAlreadyVoted, "")
		return
	}
	s.render(w, r, http.StatusOK, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", lb.Election.Title), Data: ballotPaper{
		Election: lb.Election, Candidates: castable(lb.Candidates), Action: "/ballot/" + r.PathValue("token"), VoterName: lb.VoterName, Changing: lb.Voted,
	}})
}

// linkReview and linkCast are the review and cast steps of a ballot link.
func (s *Server) linkReview(w http.ResponseWriter, r *http.Request) {
	lb, ok := s.linkPost(w, r)
	if !ok {
		return
	}
	cands := castable(lb.Candidates)
	ranking, raw, problem := readBallot(r, s.tr(r), cands)
	paper := ballotPaper{Election: lb.Election, Candidates: cands, Action: "/ballot/" + r.PathValue("token"), Numbers: raw, Problem: problem, VoterName: lb.VoterName}
	if problem != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", lb.Election.Title), Data: paper})
		return
	}
	paper.Ranking = inOrder(ranking, cands)
	s.render(w, r, http.StatusOK, "election_review", &page{Title: s.tr(r).T("Review.Title"), Data: paper})
}

func (s *Server) linkCast(w http.ResponseWriter, r *http.Request) {
	lb, ok := s.linkPost(w, r)
	if !ok {
		return
	}
	cands := castable(lb.Candidates)
	action := "/ballot/" + r.PathValue("token")
	ranking, raw, problem := readBallot(r, s.tr(r), cands)
	if problem != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", lb.Election.Title), Data: ballotPaper{
			Election: lb.Election, Candidates: cands, Action: action, Numbers: raw, Problem: problem, VoterName: lb.VoterName}})
		return
	}
	receipt, err := s.Elections.CastWithLink(r.Context(), r.PathValue("token"), ranking)
	if err != nil {
		s.castFailed(w, r, lb.Election, cands, raw, action, err)
		return
	}
	s.render(w, r, http.StatusOK, "election_receipt", &page{Title: s.tr(r).T("Receipt.Voted"), Data: map[string]any{
		"Election": lb.Election, "Tracker": receipt.Tracker.String(), "Changed": receipt.Changed, "Path": "/elections/" + lb.Election.Slug,
	}})
}

func (s *Server) linkPost(w http.ResponseWriter, r *http.Request) (election.LinkBallot, bool) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return election.LinkBallot{}, false
	}
	lb, ok := s.resolveLink(w, r)
	if !ok || !s.ballotAttemptAllowed(w, r, linkKey(r.PathValue("token"))) {
		return lb, false
	}
	return lb, true
}

// voteChange goes back from the review to the paper, keeping the numbers.
func (s *Server) voteChange(w http.ResponseWriter, r *http.Request) {
	e, allCands, ok := s.ballotOfPath(w, r)
	if !ok {
		return
	}
	cands := castable(allCands)
	_, raw, _ := numbersFrom(r, s.tr(r), cands)
	s.render(w, r, http.StatusOK, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", e.Title), Data: ballotPaper{
		Election: e, Candidates: cands, Action: "/elections/" + e.Slug + "/vote", Numbers: raw}})
}

func (s *Server) linkChange(w http.ResponseWriter, r *http.Request) {
	lb, ok := s.linkPost(w, r)
	if !ok {
		return
	}
	cands := castable(lb.Candidates)
	_, raw, _ := numbersFrom(r, s.tr(r), cands)
	s.render(w, r, http.StatusOK, "election_ballot", &page{Title: s.tr(r).T("Ballot.Title", "Election", lb.Election.Title), Data: ballotPaper{
		Election: lb.Election, Candidates: cands, Action: "/ballot/" + r.PathValue("token"), Numbers: raw, VoterName: lb.VoterName}})
}

// ballotOfPath loads what a cast needs, and no more: the election named in
// the path and its candidates. Voting is the busiest moment of an
// election, so the full page view (turnout, trustees, result) is not built.
func (s *Server) ballotOfPath(w http.ResponseWriter, r *http.Request) (store.Election, []store.Candidate, bool) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return store.Election{}, nil, false
	}
	if !principalOf(r).SignedIn() {
		s.fail(w, r, auth.ErrSignInNeeded)
		return store.Election{}, nil, false
	}
	if !s.ballotAttemptAllowed(w, r, voterKey(principalOf(r).PersonID)) {
		return store.Election{}, nil, false
	}
	e, cands, err := s.Elections.BallotPaper(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return e, nil, false
	}
	switch e.Status {
	case store.ElectionOpen:
	case store.ElectionDraft, store.ElectionFrozen:
		if !election.MayView(principalOf(r), e.Status) {
			s.renderError(w, r, http.StatusNotFound) // a draft is hidden from all but the officials, as on its page
			return e, nil, false
		}
		s.failBack(w, r, election.ErrNotOpen, "")
		return e, nil, false
	default:
		s.failBack(w, r, election.ErrClosed, "")
		return e, nil, false
	}
	return e, cands, true
}
