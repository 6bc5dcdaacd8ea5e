package count

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes the result as JSON (docs/counting.md, "JSON format").
// Vote figures are JSON numbers written with exactly the count's decimal
// places (1407.36294 for Scottish STV, 9 places for Meek, whole numbers
// otherwise), so no reader has to trust a binary float: the text is exact.
// Tallies are objects keyed by candidate name, in candidate order.
func WriteJSON(w io.Writer, r *Result) error {
	out, err := json.MarshalIndent(r.toJSON(), "", "  ")
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	out = append(out, '\n')
	_, err = w.Write(out)
	return err
}

// jsonNumber is an exact decimal written as a bare JSON number.
type jsonNumber string

func (n jsonNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// jsonTallies is a name → number object that keeps candidate order.
type jsonTallies struct {
	names  []string
	values []jsonNumber
}

func (t jsonTallies) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range t.names {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(name)
		b.Write(key)
		b.WriteByte(':')
		b.WriteString(string(t.values[i]))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type jsonResult struct {
	Method    Method      `json:"method"`
	Title     string      `json:"title"`
	Seats     int         `json:"seats"`
	Ballots   int64       `json:"ballots"`
	Valid     int64       `json:"valid"`
	Decimals  int         `json:"decimals"`
	Quota     *jsonNumber `json:"quota"`
	Seed      uint64      `json:"seed"`
	Withdrawn []string    `json:"withdrawn"`
	Rules     []QuotaRule `json:"quota_rules"`
	Elected   []string    `json:"elected"`
	Rounds    []jsonRound `json:"rounds"`
	Ties      []jsonTie   `json:"ties"`
}

type jsonRound struct {
	Round         int          `json:"round"`
	Action        StageKind    `json:"action"`
	Subject       *string      `json:"subject"`
	Tallies       jsonTallies  `json:"tallies"`
	Transfers     jsonTallies  `json:"transfers"`
	Elected       []string     `json:"elected"`
	Excluded      []string     `json:"excluded"`
	PassedOver    []string     `json:"passed_over,omitempty"`
	Exhausted     jsonNumber   `json:"exhausted"`
	Fractions     jsonNumber   `json:"fractions_lost"`
	Quota         jsonNumber   `json:"quota"`
	TransferValue *jsonNumber  `json:"transfer_value,omitempty"`
	KeepValues    *jsonTallies `json:"keep_values,omitempty"`
	Iterations    int          `json:"iterations,omitempty"`
}

type jsonTie struct {
	Round      int      `json:"round"`
	Purpose    string   `json:"purpose"`
	Candidates []string `json:"candidates"`
	Chosen     string   `json:"chosen"`
	How        string   `json:"how"`
	Draw       string   `json:"draw,omitempty"`
}

func (r *Result) num(v Fixed) jsonNumber { return jsonNumber(FormatFixed(v, r.Decimals)) }

func (r *Result) names(cands []int) []string {
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = r.Candidates[c]
	}
	return out
}

func (r *Result) tallies(values []Fixed, decimals int) jsonTallies {
	t := jsonTallies{names: r.Candidates, values: make([]jsonNumber, len(values))}
	for i, v := range values {
		t.values[i] = jsonNumber(FormatFixed(v, decimals))
	}
	return t
}

func (r *Result) toJSON() jsonResult {
	j := jsonResult{
		Method: r.Method, Title: r.Title, Seats: r.Seats, Ballots: r.Ballots, Valid: r.Valid,
		Decimals: r.Decimals, Seed: r.Seed, Withdrawn: r.names(r.Withdrawn),
		Rules: r.Rules, Elected: r.ElectedNames(), Rounds: []jsonRound{}, Ties: []jsonTie{},
	}
	if j.Rules == nil {
		j.Rules = []QuotaRule{}
	}
	if r.Method == ScottishSTV || r.Method == MeekSTV {
		q := r.num(r.Quota)
		j.Quota = &q
	}
	for i, s := range r.Stages {
		jr := jsonRound{
			Round: s.Number, Action: s.Kind,
			Tallies:    r.tallies(s.Tallies, r.Decimals),
			Transfers:  r.tallies(r.Transfers(i), r.Decimals),
			Elected:    r.names(s.Elected),
			Excluded:   r.names(s.Excluded),
			PassedOver: r.names(s.PassedOver),
			Exhausted:  r.num(s.Exhausted),
			Fractions:  r.num(s.Fractions),
			Quota:      r.num(s.Quota),
			Iterations: s.Iterations,
		}
		if s.Subject >= 0 {
			jr.Subject = &r.Candidates[s.Subject]
		}
		if s.Kind == StageSurplus {
			tv := r.num(s.TransferValue)
			jr.TransferValue = &tv
		}
		if s.KeepValues != nil {
			kv := r.tallies(s.KeepValues, r.Decimals)
			jr.KeepValues = &kv
		}
		j.Rounds = append(j.Rounds, jr)
	}
	for _, t := range r.Ties {
		jt := jsonTie{Round: t.Stage, Purpose: t.Purpose, Candidates: r.names(t.Candidates), Chosen: r.Candidates[t.Chosen], How: t.How}
		if t.How == "lot" {
			jt.Draw = fmt.Sprintf("%#016x", t.Draw)
		}
		j.Ties = append(j.Ties, jt)
	}
	return j
}

// Transfers returns each candidate's change at stage i (stage 1: the
// first preferences themselves).
func (r *Result) Transfers(i int) []Fixed {
	out := make([]Fixed, len(r.Candidates))
	for c, v := range r.Stages[i].Tallies {
		out[c] = v
		if i > 0 {
			out[c] -= r.Stages[i-1].Tallies[c]
		}
	}
	return out
}
