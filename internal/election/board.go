package election

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/count"
	"quorum/internal/csvcell"
	"quorum/internal/store"
)

// BoardBallot is one ballot as the bulletin board shows it.
type BoardBallot struct {
	Tracker string   `json:"tracker"`
	Ranking []string `json:"ranking"`
}

// BoardPage is one page of the bulletin board.
type BoardPage struct {
	Election   store.Election
	MerkleRoot string
	Total      int
	Ballots    []BoardBallot
	Downloads  Downloads
}

// published loads an election whose ballots p may see: everyone once the
// result is declared, the returning officer and scrutineers once counted.
func (s *Service) published(ctx context.Context, p *auth.Principal, electionID int64) (store.Election, store.ElectionResult, error) {
	e, err := s.db.ElectionByID(ctx, electionID)
	if err != nil {
		return e, store.ElectionResult{}, err
	}
	switch {
	case e.Status == store.ElectionDeclared:
	case e.Status == store.ElectionCounted && isOfficial(p):
	default:
		return e, store.ElectionResult{}, ErrNotPublished
	}
	r, err := s.db.ResultOf(ctx, electionID)
	return e, r, err
}

func boardBallot(b store.AnonBallot) BoardBallot {
	return BoardBallot{Tracker: toTracker(b.Tracker).String(), Ranking: b.Ranking}
}

// Board lists one page of ballots in tracker order with the Merkle root.
func (s *Service) Board(ctx context.Context, p *auth.Principal, electionID int64, page store.Page) (BoardPage, error) {
	e, r, err := s.published(ctx, p, electionID)
	if err != nil {
		return BoardPage{}, err
	}
	rows, total, err := s.db.BallotsPage(ctx, electionID, page)
	if err != nil {
		return BoardPage{}, err
	}
	bp := BoardPage{Election: e, MerkleRoot: r.MerkleRoot, Total: total, Downloads: BoardDownloads(e, r.Seed, r.MerkleRoot)}
	for _, b := range rows {
		bp.Ballots = append(bp.Ballots, boardBallot(b))
	}
	return bp, nil
}

// loadBallots reads every ballot in canonical (tracker) order.
func (s *Service) loadBallots(ctx context.Context, electionID int64) ([]store.AnonBallot, error) {
	var out []store.AnonBallot
	err := s.db.EachBallot(ctx, electionID, func(b store.AnonBallot) error {
		out = append(out, b)
		return nil
	})
	return out, err
}

// WriteBLT writes the ballots as a .blt file that `quorum count` (or any
// STV counter) recounts to the published result.
func (s *Service) WriteBLT(ctx context.Context, p *auth.Principal, electionID int64, w io.Writer) error {
	e, _, err := s.published(ctx, p, electionID)
	if err != nil {
		return err
	}
	candidates, err := s.db.CandidatesOf(ctx, electionID)
	if err != nil {
		return err
	}
	ce, err := countElection(e, candidates)
	if err != nil {
		return err
	}
	ballots, err := s.loadBallots(ctx, electionID)
	if err != nil {
		return err
	}
	if err := fillBallots(ce, ballots); err != nil {
		return err
	}
	return count.WriteBLT(w, ce)
}

// Downloads names the bulletin board's files as a browser saves them and
// gives the `quorum count` command lines that recount each to the
// published result.
type Downloads struct {
	BLT, JSON, Candidates string // file names
	// NeedsAttributes is true when the .blt's count needs the candidates'
	// attributes (--attr Candidates): the election has quota rules, which
	// a .blt file cannot carry.
	NeedsAttributes bool
	JSONArgs        []string // the arguments after "quorum count"
	BLTArgs         []string
}

// BoardDownloads gives the downloads of a counted election whose lot was
// drawn with seed and whose ballots lead to the Merkle root root (as
// recorded with the result). The JSON's command line names the root, so
// that the recount checks the file against the root the site publishes,
// not only against the one the file gives itself.
func BoardDownloads(e store.Election, seed, root string) Downloads {
	d := Downloads{BLT: e.Slug + "-ballots.blt", JSON: e.Slug + "-ballots.json", Candidates: e.Slug + "-candidates.csv",
		NeedsAttributes: len(e.Quotas) > 0}
	d.JSONArgs = []string{d.JSON}
	if root != "" {
		d.JSONArgs = []string{"--root", root, d.JSON}
	}
	d.BLTArgs = []string{"--method", e.Method, "--seats", fmt.Sprint(e.Seats), "--seed", seed}
	if d.NeedsAttributes {
		d.BLTArgs = append(d.BLTArgs, "--attr", d.Candidates)
		for _, q := range e.Quotas {
			d.BLTArgs = append(d.BLTArgs, "--quota", fmt.Sprintf("%s=%s:%d", q.Attribute, q.Value, q.Min))
		}
	}
	d.BLTArgs = append(d.BLTArgs, d.BLT)
	return d
}

// JSONCommand is the command line that recounts the JSON download.
func (d Downloads) JSONCommand() string { return commandLine(d.JSONArgs) }

// BLTCommand is the command line that recounts the .blt download.
func (d Downloads) BLTCommand() string { return commandLine(d.BLTArgs) }

// commandLine writes "quorum count" and args as a POSIX shell reads them.
func commandLine(args []string) string {
	var b strings.Builder
	b.WriteString("quorum count")
	for _, a := range args {
		b.WriteByte(' ')
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-") == "" {
			b.WriteString(a)
			continue
		}
		b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	return b.String()
}

// CandidatesCSV is the candidates' attributes as `quorum count --attr`
// reads them: a header "name,ATTRIBUTE,..." (the attributes the quota
// rules name, in byte order) and a row per candidate in the order of the
// ballot paper. A cell a spreadsheet would run as a formula is written
// after an apostrophe, which `quorum count` removes. ErrNotFound when the
// election has no quota rule.
func (s *Service) CandidatesCSV(ctx context.Context, p *auth.Principal, electionID int64) ([]byte, error) {
	e, _, err := s.published(ctx, p, electionID)
	if err != nil {
		return nil, err
	}
	candidates, err := s.db.CandidatesOf(ctx, electionID)
	if err != nil {
		return nil, err
	}
	columns := quotaAttributes(e.Quotas)
	if len(columns) == 0 {
		return nil, ErrNotFound
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	row := append([]string{"name"}, columns...)
	for i := range row {
		row[i] = csvcell.Escape(row[i])
	}
	cw.Write(row)
	for _, c := range candidates {
		row = append(row[:0], csvcell.Escape(c.Name))
		for _, a := range columns {
			row = append(row, csvcell.Escape(c.Attributes[a]))
		}
		cw.Write(row)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// quotaAttributes are the candidates' attributes the quota rules name, in
// byte order: all a recount needs, and all that is published. Others a
// candidate has (which may be sensitive, such as ethnicity) stay private.
func quotaAttributes(quotas []Quota) []string {
	var names []string
	for _, q := range quotas {
		names = append(names, q.Attribute)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// boardJSONHeader is the head of the JSON download; the ballots follow.
type boardJSONHeader struct {
	Election   string           `json:"election"`
	ID         int64            `json:"id"`
	Method     string           `json:"method"`
	Seats      int              `json:"seats"`
	Seed       string           `json:"seed"`
	Quotas     []Quota          `json:"quota_rules"`
	Candidates []boardCandidate `json:"candidates"`
	MerkleRoot string           `json:"merkle_root"`
	LeafFormat string           `json:"leaf_format"`
	Ballots    int              `json:"ballot_count"`
}

type boardCandidate struct {
	Name       string            `json:"name"`
	Withdrawn  bool              `json:"withdrawn"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// WriteBallotsJSON writes the bulletin board as JSON: the election's
// counting rules, the candidates, the Merkle root and every ballot in tree
// order, so anyone can check the root and recount.
func (s *Service) WriteBallotsJSON(ctx context.Context, p *auth.Principal, electionID int64, w io.Writer) error {
	e, r, err := s.published(ctx, p, electionID)
	if err != nil {
		return err
	}
	candidates, err := s.db.CandidatesOf(ctx, electionID)
	if err != nil {
		return err
	}
	h := boardJSONHeader{Election: e.Title, ID: e.ID, Method: e.Method, Seats: e.Seats, Seed: r.Seed, Quotas: e.Quotas,
		MerkleRoot: r.MerkleRoot, Ballots: r.Ballots,
		LeafFormat: "RFC 9162 tree over SHA-256(0x00 || 0x01 || tracker(16) || u32 n || (u32 len || name)*), ballots in tracker order"}
	if h.Quotas == nil {
		h.Quotas = []Quota{}
	}
	named := quotaAttributes(e.Quotas)
	for _, c := range candidates {
		bc := boardCandidate{Name: c.Name, Withdrawn: c.Withdrawn}
		for _, a := range named {
			if v, ok := c.Attributes[a]; ok {
				if bc.Attributes == nil {
					bc.Attributes = map[string]string{}
				}
				bc.Attributes[a] = v
			}
		}
		h.Candidates = append(h.Candidates, bc)
	}
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	// Stream the ballots: half a million of them need not sit in memory.
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"ballots":[`)
	first := true
	err = s.db.EachBallot(ctx, electionID, func(b store.AnonBallot) error {
		line, err := json.Marshal(boardBallot(b))
		if err != nil {
			return err
		}
		if !first {
			bw.WriteByte(',')
		}
		first = false
		bw.WriteString("\n")
		_, err = bw.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// TrackerCheck is the answer to "is my ballot included?".
type TrackerCheck struct {
	Found    bool
	Ballot   BoardBallot
	Index    int      // position in tracker order
	Size     int      // number of ballots
	Proof    []string // hex audit path, leaf upwards (RFC 9162)
	Root     string   // hex Merkle root
	Verified bool     // the proof leads from the ballot to the published root
}

// FindTracker looks a tracker up on the bulletin board and proves the
// ballot's inclusion under the published Merkle root.
func (s *Service) FindTracker(ctx context.Context, p *auth.Principal, electionID int64, trackerText string) (TrackerCheck, error) {
	_, r, err := s.published(ctx, p, electionID)
	if err != nil {
		return TrackerCheck{}, err
	}
	tracker, err := ballot.ParseTracker(trackerText)
	if err != nil {
		return TrackerCheck{}, FieldErrors{"tracker": "This is not a tracker code: check it character by character"}
	}
	check := TrackerCheck{Root: r.MerkleRoot}
	b, index, err := s.db.BallotByTracker(ctx, electionID, tracker[:])
	if errors.Is(err, store.ErrNotFound) {
		return check, nil
	}
	if err != nil {
		return check, err
	}
	leaves, err := s.leavesOf(ctx, electionID)
	if err != nil {
		return check, err
	}
	proof, err := ballot.InclusionProof(leaves, index)
	if err != nil {
		return check, err
	}
	rootBytes, err := hex.DecodeString(r.MerkleRoot)
	if err != nil || len(rootBytes) != 32 {
		return check, errors.New("the stored Merkle root is malformed")
	}
	var root [32]byte
	copy(root[:], rootBytes)
	check.Found, check.Ballot, check.Index, check.Size = true, boardBallot(b), index, len(leaves)
	for _, h := range proof {
		check.Proof = append(check.Proof, hex.EncodeToString(h[:]))
	}
	check.Verified = ballot.VerifyInclusion(ballot.LeafHash(tracker, b.Ranking), index, len(leaves), proof, root)
	return check, nil
}

// leavesOf returns the Merkle leaves of a counted election, from the cache
// or the ballots.
func (s *Service) leavesOf(ctx context.Context, electionID int64) ([][32]byte, error) {
	if l, ok := s.leaves.get(electionID); ok {
		return l, nil
	}
	ballots, err := s.loadBallots(ctx, electionID)
	if err != nil {
		return nil, err
	}
	l := merkleLeaves(ballots)
	s.leaves.put(electionID, l)
	return l, nil
}
