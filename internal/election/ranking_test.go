package election_test

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"quorum/internal/election"
	"quorum/internal/store"
)

var paper = []store.Candidate{{ID: 11}, {ID: 12}, {ID: 13, Withdrawn: true}, {ID: 14}}

func TestValidateRanking(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ranking []int64
		choice  int // -1: valid
	}{
		{"one choice", []int64{12}, -1},
		{"every standing candidate", []int64{14, 11, 12}, -1},
		{"empty", nil, 0},
		{"unknown", []int64{11, 99}, 2},
		{"twice", []int64{11, 12, 11}, 3},
		{"withdrawn", []int64{13}, 1},
		{"longer than the paper", []int64{11, 12, 14, 11, 12}, 0},
	} {
		err := election.ValidateRanking(tc.ranking, paper)
		var ib *election.InvalidBallotError
		switch {
		case tc.choice < 0 && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.choice >= 0 && (!errors.As(err, &ib) || ib.Choice != tc.choice || !errors.Is(err, election.ErrInvalidBallot)):
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestRankingFromNumbers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		numbers map[int64]int
		want    []int64
		bad     bool
		says    string // in the reason given
	}{
		{"in order", map[int64]int{11: 2, 12: 1, 14: 0}, []int64{12, 11}, false, ""},
		{"none", map[int64]int{11: 0}, nil, true, ""},
		{"gap", map[int64]int{11: 1, 12: 3}, nil, true, "number 3 follows 1"},
		{"starts at 2", map[int64]int{11: 2}, nil, true, "starting from 1 (the lowest number given is 2)"},
		{"number twice", map[int64]int{11: 1, 12: 1}, nil, true, "two candidates"},
		{"negative", map[int64]int{11: -1}, nil, true, ""},
	} {
		got, err := election.RankingFromNumbers(tc.numbers)
		if tc.bad != (err != nil) || (!tc.bad && !equal(got, tc.want)) {
			t.Errorf("%s: %v %v", tc.name, got, err)
		}
		if tc.says != "" && (err == nil || !strings.Contains(err.Error(), tc.says)) {
			t.Errorf("%s: the reason %q does not say %q", tc.name, err, tc.says)
		}
		if tc.bad && !errors.Is(err, election.ErrInvalidBallot) {
			t.Errorf("%s: error %v is not ErrInvalidBallot", tc.name, err)
		}
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzValidateRanking: whatever the ranking, an accepted one names only
// standing candidates, each once, and is not empty; a refused one says why
// by position, never by candidate.
func FuzzValidateRanking(f *testing.F) {
	f.Add([]byte{11, 12})
	f.Add([]byte{11, 11})
	f.Add([]byte{13})
	f.Add([]byte{})
	f.Add([]byte{200, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ranking []int64
		for len(raw) > 0 {
			if len(raw) >= 8 && raw[0] >= 128 {
				ranking = append(ranking, int64(binary.BigEndian.Uint64(raw[:8])))
				raw = raw[8:]
				continue
			}
			ranking = append(ranking, int64(raw[0]%20))
			raw = raw[1:]
		}
		err := election.ValidateRanking(ranking, paper)
		if err != nil {
			var ib *election.InvalidBallotError
			if !errors.As(err, &ib) || ib.Choice < 0 || ib.Choice > len(ranking) {
				t.Fatalf("error %v for %v", err, ranking)
			}
			return
		}
		if len(ranking) == 0 {
			t.Fatal("an empty ranking was accepted")
		}
		seen := map[int64]bool{}
		for _, id := range ranking {
			if seen[id] || (id != 11 && id != 12 && id != 14) {
				t.Fatalf("accepted %v", ranking)
			}
			seen[id] = true
		}
	})
}

// FuzzRankingFromNumbers: an accepted set of numbers gives the candidates
// in the order of their numbers 1..n, with every numbered candidate once.
func FuzzRankingFromNumbers(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Add([]byte{1, 1})
	f.Add([]byte{0, 2})
	f.Fuzz(func(t *testing.T, raw []byte) {
		numbers := map[int64]int{}
		for i, b := range raw {
			numbers[int64(100+i)] = int(int8(b))
		}
		got, err := election.RankingFromNumbers(numbers)
		if err != nil {
			if !errors.Is(err, election.ErrInvalidBallot) {
				t.Fatalf("error %v is not ErrInvalidBallot", err)
			}
			return
		}
		marked := 0
		for _, n := range numbers {
			if n != 0 {
				marked++
			}
		}
		if len(got) != marked || marked == 0 {
			t.Fatalf("%d choices from %d marks", len(got), marked)
		}
		for i, id := range got {
			if numbers[id] != i+1 {
				t.Fatalf("choice %d is candidate %d numbered %d", i+1, id, numbers[id])
			}
		}
	})
}
