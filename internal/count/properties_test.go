package count

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// randomElection builds a reproducible election with partial rankings.
func randomElection(rng *rand.Rand, candidates, seats, ballots int) *Election {
	cands := make([]Candidate, candidates)
	for i := range cands {
		cands[i] = Candidate{Name: string(rune('A' + i)), Attributes: map[string]string{"gender": []string{"woman", "man"}[i%2]}}
	}
	e, _ := NewElection("random", seats, cands)
	for range ballots {
		perm := rng.Perm(candidates)
		_ = e.Ballots.Add(perm[:rng.IntN(candidates+1)], int64(1+rng.IntN(3)))
	}
	return e
}

// shuffled returns the same ballots added in another order.
func shuffled(rng *rand.Rand, e *Election) *Election {
	out, _ := NewElection(e.Title, e.Seats, e.Candidates)
	order := rng.Perm(e.Ballots.Len())
	for _, g := range order {
		_ = out.Ballots.Add(e.Ballots.Ranking(g), e.Ballots.Weight(g))
	}
	return out
}

func TestCountProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		cands := 2 + rng.IntN(8)
		seats := 1 + rng.IntN(min(4, cands-1))
		e := randomElection(rng, cands, seats, 1+rng.IntN(200))
		for _, m := range Methods() {
			s := seats
			if m == FPTP || m == IRV {
				s = 1
			}
			opt := Options{Method: m, Seats: s, Seed: uint64(trial)}
			res, err := Count(e, opt)
			if err != nil {
				t.Fatalf("trial %d %s: %v", trial, m, err)
			}
			checkConservation(t, res)
			if len(res.Elected) != s {
				t.Errorf("trial %d %s: elected %d, want %d", trial, m, len(res.Elected), s)
			}
			again, _ := Count(e, opt)
			if !reflect.DeepEqual(res, again) {
				t.Errorf("trial %d %s: same seed, different result", trial, m)
			}
			other, _ := Count(shuffled(rng, e), opt)
			if !slices.Equal(res.Elected, other.Elected) || len(res.Stages) != len(other.Stages) {
				t.Errorf("trial %d %s: shuffling the ballots changed the result", trial, m)
			}
			for i := range res.Stages {
				if !slices.Equal(res.Stages[i].Tallies, other.Stages[i].Tallies) {
					t.Errorf("trial %d %s stage %d: shuffling changed the tallies", trial, m, i+1)
				}
			}
			// The quota rule, when it can be met, is met.
			rule := QuotaRule{Attribute: "gender", Value: "woman", Min: (s + 1) / 2}
			ruled, err := Count(e, Options{Method: m, Seats: s, Seed: 1, Rules: []QuotaRule{rule}})
			if err != nil {
				t.Fatalf("trial %d %s with rule: %v", trial, m, err)
			}
			women := 0
			for _, c := range ruled.Elected {
				if e.Candidates[c].Attributes["gender"] == "woman" {
					women++
				}
			}
			if want := min(rule.Min, (cands+1)/2); women < want || len(ruled.Elected) != s {
				t.Errorf("trial %d %s: %d women of %d elected, want at least %d", trial, m, women, len(ruled.Elected), want)
			}
			checkConservation(t, ruled)
		}
	}
}

func TestLotIsSeededAndRecorded(t *testing.T) {
	e, _ := NewElection("tie", 1, []Candidate{{Name: "A"}, {Name: "B"}, {Name: "C"}})
	_ = e.Ballots.Add([]int{0}, 5)
	_ = e.Ballots.Add([]int{1}, 5)
	_ = e.Ballots.Add([]int{2}, 1)
	winners := map[int]bool{}
	for seed := range uint64(32) {
		res, err := Count(e, Options{Method: FPTP, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Ties) != 1 || res.Ties[0].How != "lot" || res.Ties[0].Chosen != res.Elected[0] {
			t.Fatalf("seed %d: ties %+v", seed, res.Ties)
		}
		winners[res.Elected[0]] = true
		again, _ := Count(e, Options{Method: FPTP, Seed: seed})
		if again.Elected[0] != res.Elected[0] {
			t.Fatalf("seed %d is not reproducible", seed)
		}
	}
	if !winners[0] || !winners[1] || winners[2] {
		t.Errorf("lot over 32 seeds chose %v; want both tied candidates and never C", winners)
	}
}

func TestIRVTieBrokenByEarlierStage(t *testing.T) {
	e := openElection(t, "testdata/irv_earlier_stage_tie.blt")
	res, err := Count(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Ties) != 1 || res.Ties[0].How != "stage 1" || res.Candidates[res.Ties[0].Chosen] != "C" {
		t.Errorf("ties %+v, want C excluded by stage 1 totals", res.Ties)
	}
}

func TestQuotaImpossible(t *testing.T) {
	e, _ := NewElection("x", 2, []Candidate{{Name: "A", Attributes: map[string]string{"g": "w"}}, {Name: "B"}, {Name: "C"}})
	_, err := Count(e, Options{Rules: []QuotaRule{{Attribute: "g", Value: "w", Min: 1}, {Attribute: "g", Value: "m", Min: 0}}})
	if err != nil {
		t.Fatalf("feasible rules refused: %v", err)
	}
	e.Candidates[1].Attributes = map[string]string{"r": "north"}
	e.Candidates[2].Attributes = map[string]string{"r": "south"}
	_, err = Count(e, Options{Rules: []QuotaRule{{"g", "w", 1}, {"r", "north", 1}, {"r", "south", 1}}})
	if err == nil {
		t.Error("three disjoint minimums of one over two seats should be impossible")
	}
}

func TestParseQuotaRule(t *testing.T) {
	tests := []struct {
		in   string
		want QuotaRule
		ok   bool
	}{
		{"gender=woman:5", QuotaRule{"gender", "woman", 5}, true},
		{"region=North East:1", QuotaRule{"region", "North East", 1}, true},
		{"gender=woman", QuotaRule{}, false},
		{"gender:5", QuotaRule{}, false},
		{"=woman:5", QuotaRule{}, false},
		{"gender=woman:-1", QuotaRule{}, false},
	}
	for _, tt := range tests {
		got, err := ParseQuotaRule(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseQuotaRule(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestBLTRoundTrip(t *testing.T) {
	for _, name := range []string{"testdata/variants.blt", "testdata/gender_stv.blt"} {
		e := openElection(t, name)
		var buf bytes.Buffer
		if err := WriteBLT(&buf, e); err != nil {
			t.Fatal(err)
		}
		back, err := ReadBLT(&buf)
		if err != nil {
			t.Fatalf("%s: reading what we wrote: %v", name, err)
		}
		a, _ := Count(e, Options{})
		b, _ := Count(back, Options{})
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: count changed after a write and read", name)
		}
	}
}

func TestReadBLTErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "line 1: expected the number of candidates"},
		{"no seats", "3", "expected the number of seats"},
		{"zero candidates", "0 1", "between 1 and"},
		{"too many seats", "2 3", "number of seats between 1 and 2"},
		{"bad candidate", "2 1\n1 3 0\n0\n\"a\"\n\"b\"\n", "line 2: expected a candidate number between 1 and 2, found 3"},
		{"twice", "2 1\n1 1 1 0\n0\n\"a\"\n\"b\"\n", "line 2: candidate 1 appears twice"},
		{"unterminated ballot", "2 1\n1 1 2", "found the end of the file"},
		{"no end", "2 1\n1 1 0\n", "the 0 that ends the ballots"},
		{"names missing", "2 1\n1 1 0\n0\n\"a\"\n", "expected 2 candidate names, found 1"},
		{"letters", "2 1\n1 x 0\n0\n", "line 2: expected a candidate number"},
		{"late withdrawn", "2 1\n1 1 0\n-2\n0\n", "line 3: withdrawn candidates"},
		{"bad withdrawn", "2 1\n-3\n0\n", "between -1 and -2"},
		{"comment", "2 1\n/* never closed", "line 2: comment opened"},
		{"quote", "1 1\n1 1 0\n0\n\"a\n", "closing"},
		{"duplicate names", "2 1\n0\n\"a\"\n\"a\"\n", "both named"},
		{"fraction", "2 1\n1.5 1 0\n", "expected a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadBLT(bytes.NewReader([]byte(tt.in)))
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.want)) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	in := "weight,1st,2nd,3rd\n3,Bob,Ann,\n2,Ann,,Cat\n1,Cat,Bob,Ann\n"
	e, err := ReadCSV(bytes.NewReader([]byte(in)), 1)
	if err != nil {
		t.Fatal(err)
	}
	if names := []string{e.Candidates[0].Name, e.Candidates[1].Name, e.Candidates[2].Name}; !slices.Equal(names, []string{"Ann", "Bob", "Cat"}) {
		t.Errorf("candidates %q", names)
	}
	res, _ := Count(e, Options{})
	if res.Ballots != 6 || res.ElectedNames()[0] != "Bob" {
		t.Errorf("ballots %d elected %q", res.Ballots, res.ElectedNames())
	}
	for _, bad := range []string{"", "a,b\nAnn,Ann\n", "weight,a\nx,Ann\n", "a\n\"unterminated\n"} {
		if _, err := ReadCSV(bytes.NewReader([]byte(bad)), 1); err == nil {
			t.Errorf("ReadCSV(%q) accepted bad input", bad)
		}
	}
}
