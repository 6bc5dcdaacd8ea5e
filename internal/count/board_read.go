package count

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Board is what a Quorum bulletin board download (ballots.json) says about
// its count, besides the ballots themselves (docs/counting.md, "Quorum
// bulletin board (JSON)"). A field the file leaves out is zero and its Has
// flag is false, so the caller can tell "not in the file" from "none".
type Board struct {
	// Election holds the title, the seats (0 when the file gives none),
	// the candidates in the order of the ballot paper, with their
	// attributes and withdrawn state, and the ballots.
	Election *Election
	Method   Method // "" when the file names none
	Seed     uint64
	HasSeed  bool
	Rules    []QuotaRule
	HasRules bool
	// MerkleRoot is the published root as the file gives it (hex), "" when
	// absent. The reader does not check it: the caller hashes the ballots
	// it is handed one by one.
	MerkleRoot string
	Ballots    int // ballots read
}

// BoardBallot is called with each ballot of a board in file order: its
// tracker as written and the candidates' names, most preferred first.
type BoardBallot func(tracker string, ranking []string) error

// ReadBoard reads a bulletin board download: a JSON object with the
// counting rules ("election", "method", "seats", "seed", "quota_rules"),
// the "candidates" and the "ballots", each {"tracker", "ranking"}. Other
// members (the Merkle root's leaf format, the election's id) are skipped.
// It streams the ballots, merging identical rankings as they arrive, so a
// board of half a million ballots is never held as a whole; the candidates
// must come before the ballots, as Quorum writes them. each, if not nil,
// sees every ballot. Errors say which ballot or member is wrong.
func ReadBoard(r io.Reader, each BoardBallot) (*Board, error) {
	dec := json.NewDecoder(r)
	b := &Board{}
	declared := -1 // ballot_count, when given
	var title string
	seats := 0
	var candidates []Candidate
	seen := map[string]bool{}
	if err := expectDelim(dec, '{', "the file to be a JSON object"); err != nil {
		return nil, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, boardSyntax(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("%q is given twice: %w", key, ErrSyntax)
		}
		seen[key] = true
		switch key {
		case "election":
			err = decodeMember(dec, key, &title)
		case "method":
			var m string
			if err = decodeMember(dec, key, &m); err == nil && m != "" {
				if b.Method, err = ParseMethod(m); err != nil {
					err = fmt.Errorf("method: %w", err)
				}
			}
		case "seats":
			if err = decodeMember(dec, key, &seats); err == nil && seats < 1 {
				err = fmt.Errorf("seats must be at least 1, not %d: %w", seats, ErrSyntax)
			}
		case "seed":
			b.Seed, err = decodeSeed(dec)
			b.HasSeed = err == nil
		case "quota_rules":
			if err = decodeMember(dec, key, &b.Rules); err == nil {
				b.HasRules = true
				for i, q := range b.Rules {
					if strings.TrimSpace(q.Attribute) == "" || strings.TrimSpace(q.Value) == "" || q.Min < 0 {
						err = fmt.Errorf("quota rule %d (%v): the attribute and value must not be empty and the minimum not negative: %w", i+1, q, ErrSyntax)
						break
					}
				}
			}
		case "candidates":
			candidates, err = decodeCandidates(dec)
		case "ballot_count":
			if err = decodeMember(dec, key, &declared); err == nil && declared < 0 {
				err = fmt.Errorf("ballot_count must not be negative: %w", ErrSyntax)
			}
		case "merkle_root":
			err = decodeMember(dec, key, &b.MerkleRoot)
		case "ballots":
			if b.Election == nil {
				if !seen["candidates"] {
					return nil, fmt.Errorf("the candidates must come before the ballots: %w", ErrSyntax)
				}
				if b.Election, err = NewElection(title, seats, candidates); err != nil {
					return nil, err
				}
			}
			b.Ballots, err = readBoardBallots(dec, b.Election, each)
		default:
			var skip json.RawMessage
			if err = dec.Decode(&skip); err != nil {
				err = boardSyntax(err)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if err := expectDelim(dec, '}', "the end of the object"); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("something follows the end of the object: %w", ErrSyntax)
	}
	if !seen["candidates"] {
		return nil, fmt.Errorf("the file lists no candidates: %w", ErrSyntax)
	}
	if b.Election == nil { // no ballots member: an empty ballot box
		var err error
		if b.Election, err = NewElection(title, seats, candidates); err != nil {
			return nil, err
		}
	}
	// Members after the ballots still belong to the election.
	b.Election.Title, b.Election.Seats = title, seats
	if declared >= 0 && declared != b.Ballots {
		return nil, fmt.Errorf("the file says it holds %d ballots but lists %d: %w", declared, b.Ballots, ErrSyntax)
	}
	return b, nil
}

func boardSyntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("byte %d: %v: %w", se.Offset, se, ErrSyntax)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("the file ends too soon: %w", ErrSyntax)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("byte %d: expected %s, found a JSON %s: %w", te.Offset, te.Type, te.Value, ErrSyntax)
	}
	return fmt.Errorf("%v: %w", err, ErrSyntax)
}

func expectDelim(dec *json.Decoder, want json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return boardSyntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %s: %w", what, ErrSyntax)
	}
	return nil
}

func decodeMember(dec *json.Decoder, key string, v any) error {
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", key, boardSyntax(err))
	}
	return nil
}

// decodeSeed reads the seed as Quorum writes it, a string of digits (a
// JSON number would lose precision beyond 2^53 in many readers), or as a
// whole number.
func decodeSeed(dec *json.Decoder) (uint64, error) {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return 0, fmt.Errorf("seed: %w", boardSyntax(err))
	}
	text := string(raw)
	if strings.HasPrefix(text, `"`) {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, fmt.Errorf("seed: %w", boardSyntax(err))
		}
	}
	seed, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("seed: expected a whole number from 0 to %d, found %s: %w", uint64(1<<64-1), raw, ErrSyntax)
	}
	return seed, nil
}

func decodeCandidates(dec *json.Decoder) ([]Candidate, error) {
	var list []struct {
		Name       string            `json:"name"`
		Withdrawn  bool              `json:"withdrawn"`
		Attributes map[string]string `json:"attributes"`
	}
	if err := decodeMember(dec, "candidates", &list); err != nil {
		return nil, err
	}
	if len(list) > MaxCandidates {
		return nil, fmt.Errorf("%d candidates (at most %d): %w", len(list), MaxCandidates, ErrTooLarge)
	}
	out := make([]Candidate, len(list))
	for i, c := range list {
		if strings.TrimSpace(c.Name) == "" {
			return nil, fmt.Errorf("candidate %d has no name: %w", i+1, ErrSyntax)
		}
		out[i] = Candidate{Name: c.Name, Withdrawn: c.Withdrawn, Attributes: c.Attributes}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the file lists no candidates: %w", ErrSyntax)
	}
	return out, nil
}

// readBoardBallots streams the ballots array into e.
func readBoardBallots(dec *json.Decoder, e *Election, each BoardBallot) (int, error) {
	if err := expectDelim(dec, '[', "ballots to be a JSON array"); err != nil {
		return 0, err
	}
	index := make(map[string]int, len(e.Candidates))
	for i, c := range e.Candidates {
		index[c.Name] = i
	}
	var ranking []int
	n := 0
	for dec.More() {
		n++
		var bb struct {
			Tracker string   `json:"tracker"`
			Ranking []string `json:"ranking"`
		}
		if err := dec.Decode(&bb); err != nil {
			return n, fmt.Errorf("ballot %d: %w", n, boardSyntax(err))
		}
		ranking = ranking[:0]
		for _, name := range bb.Ranking {
			i, ok := index[name]
			if !ok {
				return n, fmt.Errorf("ballot %d: %q is not a candidate: %w", n, name, ErrUnknownCandidate)
			}
			ranking = append(ranking, i)
		}
		if err := e.Ballots.Add(ranking, 1); err != nil {
			return n, fmt.Errorf("ballot %d: %w", n, err)
		}
		if each != nil {
			if err := each(bb.Tracker, bb.Ranking); err != nil {
				return n, fmt.Errorf("ballot %d: %w", n, err)
			}
		}
	}
	if err := expectDelim(dec, ']', "the end of the ballots"); err != nil {
		return n, err
	}
	return n, nil
}
