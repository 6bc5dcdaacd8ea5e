package election

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/store"
)

// Listing filters.
const (
	ListAll      = ""
	ListUpcoming = "upcoming" // being set up or roll taken
	ListOpen     = "open"
	ListPast     = "past" // closed, counted or declared
)

// ListFilter narrows the list of elections.
type ListFilter struct {
	Show      string // ListAll, ListUpcoming, ListOpen or ListPast
	BodyID    int64
	SectionID int64
	Page      store.Page
}

// Summary is one row of a list of elections.
type Summary struct {
	ID          int64
	Title       string
	Slug        string
	Status      string
	StatusLabel string
	Seats       int
	Method      string
	BallotOpen  time.Time
	BallotClose time.Time
	Declare     time.Time
}

// List lists elections, most recent ballot first. Elections still being
// set up are listed for the returning officer and scrutineers only.
func (s *Service) List(ctx context.Context, p *auth.Principal, f ListFilter) ([]Summary, int, error) {
	var statuses []string
	switch f.Show {
	case ListUpcoming:
		statuses = []string{store.ElectionDraft, store.ElectionFrozen}
	case ListOpen:
		statuses = []string{store.ElectionOpen}
	case ListPast:
		statuses = []string{store.ElectionClosed, store.ElectionCounted, store.ElectionDeclared}
	default:
		statuses = store.ElectionStatuses
	}
	if !isOfficial(p) {
		var public []string
		for _, st := range statuses {
			if st != store.ElectionDraft {
				public = append(public, st)
			}
		}
		statuses = public
	}
	es, total, err := s.db.Elections(ctx, store.ElectionFilter{Statuses: statuses, BodyID: f.BodyID, SectionID: f.SectionID, Page: f.Page})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Summary, len(es))
	for i, e := range es {
		out[i] = Summary{ID: e.ID, Title: e.Title, Slug: e.Slug, Status: e.Status, StatusLabel: StatusLabel(e.Status), Seats: e.Seats, Method: e.Method,
			BallotOpen: e.BallotOpen, BallotClose: e.BallotClose, Declare: e.Declare}
	}
	return out, total, nil
}

// View is everything an election's page shows, filled as far as the viewer
// may see.
type View struct {
	Election       store.Election // PublicKey left out; see KeyFingerprint
	StatusLabel    string
	Timeline       []Milestone
	Rules          []string // the electorate rules in words
	Candidates     []store.Candidate
	Turnout        *Turnout // once voting has opened
	KeyFingerprint string   // once the key is set up
	Trustees       []store.Trustee
	Shares         ShareProgress
	Result         *ResultView // declared, or counted for officials
	SignOffs       []store.SignOff
	You            Viewer
	// DemoShares warns that the server keeps the trustees' shares of this
	// demonstration election, so it can close and count by itself.
	DemoShares bool
}

// Viewer is the viewer's own standing in the election.
type Viewer struct {
	OnRoll       bool
	Voted        bool
	CanVote      bool
	CanChange    bool             // voted, and the election allows a change
	Trustee      *store.Trustee   // the viewer's key share, if a trustee
	Candidate    *store.Candidate // the viewer's candidacy, if standing
	IsOfficer    bool
	IsScrutineer bool
}

// ResultView is a stored result.
type ResultView struct {
	Elected    []string
	Seed       string
	MerkleRoot string
	Ballots    int
	Rejected   int
	CountJSON  string // count.WriteJSON: every stage, tie and figure
	CountText  string // the result sheet
	ChartSVG   string // self-contained, accessible SVG chart
	CountedAt  time.Time
	DeclaredAt time.Time
}

// Get returns the view of an election by id.
func (s *Service) Get(ctx context.Context, p *auth.Principal, electionID int64) (View, error) {
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, p, e)
}

// GetBySlug returns the view of an election by the slug of its pages.
func (s *Service) GetBySlug(ctx context.Context, p *auth.Principal, slug string) (View, error) {
	e, err := s.db.ElectionBySlug(ctx, slug)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, p, e)
}

func (s *Service) view(ctx context.Context, p *auth.Principal, e store.Election) (View, error) {
	official := isOfficial(p)
	if !MayView(p, e.Status) {
		return View{}, ErrNotFound
	}
	v := View{Election: e, StatusLabel: StatusLabel(e.Status), Timeline: Timeline(e, s.now()), DemoShares: e.KeepSharesForDemo}
	v.Election.PublicKey = nil
	if len(e.PublicKey) > 0 {
		v.KeyFingerprint = ballot.Fingerprint(e.PublicKey)
	}
	for _, r := range e.Rules {
		v.Rules = append(v.Rules, DescribeRule(r))
	}
	var err error
	if v.Candidates, err = s.db.CandidatesOf(ctx, e.ID); err != nil {
		return v, err
	}
	v.You.IsOfficer = p.Can(auth.RunElections, auth.Target{})
	v.You.IsScrutineer = p.Can(auth.ScrutiniseVoting, auth.Target{})
	if stageIndex(e.Status) >= stageIndex(store.ElectionOpen) {
		t, err := s.turnout(ctx, p, e)
		if err != nil {
			return v, err
		}
		v.Turnout = &t
	}
	if v.Shares, v.Trustees, err = s.ShareStatus(ctx, e.ID); err != nil {
		return v, err
	}
	if p.SignedIn() {
		for i, t := range v.Trustees {
			if t.PersonID == p.PersonID {
				v.You.Trustee = &v.Trustees[i]
			}
		}
		for i, c := range v.Candidates {
			if c.PersonID == p.PersonID {
				v.You.Candidate = &v.Candidates[i]
			}
		}
		entry, err := s.db.RollEntry(ctx, e.ID, p.PersonID)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return v, err
		default:
			v.You.OnRoll, v.You.Voted = true, entry.Voted
			open := votingOpen(e, s.now()) == nil
			v.You.CanVote = open && !entry.Voted
			v.You.CanChange = open && entry.Voted && e.AllowVoteChange
		}
	}
	if !official && v.You.Trustee == nil {
		v.Trustees = nil // who holds the key is for officials and trustees
	}
	if e.Status == store.ElectionDeclared || (e.Status == store.ElectionCounted && official) {
		r, err := s.db.ResultOf(ctx, e.ID)
		if err != nil {
			return v, err
		}
		rv := resultView(r)
		v.Result = &rv
		if v.SignOffs, err = s.db.SignOffsOf(ctx, e.ID); err != nil {
			return v, err
		}
	}
	return v, nil
}

func resultView(r store.ElectionResult) ResultView {
	var head struct {
		Elected []string `json:"elected"`
	}
	_ = json.Unmarshal([]byte(r.CountJSON), &head) // written by count.WriteJSON; a failure leaves the list empty
	return ResultView{Elected: head.Elected, Seed: r.Seed, MerkleRoot: r.MerkleRoot, Ballots: r.Ballots, Rejected: r.Rejected,
		CountJSON: r.CountJSON, CountText: r.CountText, ChartSVG: r.ChartSVG, CountedAt: r.CountedAt, DeclaredAt: r.DeclaredAt}
}

// Result returns a stored result, public once declared.
func (s *Service) Result(ctx context.Context, p *auth.Principal, electionID int64) (ResultView, error) {
	_, r, err := s.published(ctx, p, electionID)
	if err != nil {
		return ResultView{}, err
	}
	return resultView(r), nil
}

// Eligibility is whether a person may vote in an election now.
type Eligibility struct {
	OnRoll  bool
	Voted   bool
	CanVote bool
	Reason  error // why not, when CanVote is false: ErrNotEligible, ErrAlreadyVoted, ErrNotOpen, ErrClosed
}

// Eligibility checks a person's right to vote now.
func (s *Service) Eligibility(ctx context.Context, electionID, personID int64) (Eligibility, error) {
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return Eligibility{}, err
	}
	var el Eligibility
	entry, err := s.db.RollEntry(ctx, electionID, personID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		el.Reason = ErrNotEligible
		return el, nil
	case err != nil:
		return el, err
	}
	el.OnRoll, el.Voted = true, entry.Voted
	switch err := votingOpen(e, s.now()); {
	case err != nil:
		el.Reason = err
	case entry.Voted && !e.AllowVoteChange:
		el.Reason = ErrAlreadyVoted
	default:
		el.CanVote = true
	}
	return el, nil
}
