package election

import (
	"fmt"
	"sort"

	"quorum/internal/store"
)

// ValidateRanking checks a ranking (candidate ids, first preference first)
// against the ballot paper: at least one choice, every choice a standing
// candidate of this election, none twice. The error is an
// *InvalidBallotError that names the position of the bad choice only.
func ValidateRanking(ranking []int64, candidates []store.Candidate) error {
	if len(ranking) == 0 {
		return &InvalidBallotError{Reason: "rank at least one candidate"}
	}
	if len(ranking) > len(candidates) {
		return &InvalidBallotError{Reason: "there are more choices than candidates"}
	}
	standing := make(map[int64]bool, len(candidates))
	for _, c := range candidates {
		standing[c.ID] = !c.Withdrawn
	}
	seen := make(map[int64]int, len(ranking))
	for i, id := range ranking {
		ok, known := standing[id]
		switch {
		case !known:
			return &InvalidBallotError{Choice: i + 1, Reason: "is not a candidate in this election"}
		case !ok:
			return &InvalidBallotError{Choice: i + 1, Reason: "is a candidate who has withdrawn"}
		}
		if first, dup := seen[id]; dup {
			return &InvalidBallotError{Choice: i + 1, Reason: fmt.Sprintf("repeats choice %d: rank each candidate once", first)}
		}
		seen[id] = i + 1
	}
	return nil
}

// RankingFromNumbers turns the numbered boxes of a ballot paper (candidate
// id → the number the voter wrote, 0 or absent for none) into a ranking.
// The numbers must run 1, 2, 3… with no gap and no number used twice. It
// does not check the candidates; ValidateRanking does, at the cast.
func RankingFromNumbers(numbers map[int64]int) ([]int64, error) {
	type mark struct {
		id  int64
		num int
	}
	var marks []mark
	for id, n := range numbers {
		if n == 0 {
			continue
		}
		if n < 0 {
			return nil, &InvalidBallotError{Reason: "use the numbers 1, 2, 3… only"}
		}
		marks = append(marks, mark{id, n})
	}
	if len(marks) == 0 {
		return nil, &InvalidBallotError{Reason: "rank at least one candidate: write 1 next to your first choice"}
	}
	sort.Slice(marks, func(i, j int) bool {
		if marks[i].num != marks[j].num {
			return marks[i].num < marks[j].num
		}
		return marks[i].id < marks[j].id
	})
	out := make([]int64, len(marks))
	for i, m := range marks {
		switch {
		case m.num == i: // equal to the previous number
			return nil, &InvalidBallotError{Choice: m.num, Reason: "is given to two candidates: give each number once"}
		case m.num != i+1 && i == 0:
			return nil, &InvalidBallotError{Choice: 1, Reason: fmt.Sprintf("is missing: number your choices 1, 2, 3… starting from 1 (the lowest number given is %d)", m.num)}
		case m.num != i+1:
			return nil, &InvalidBallotError{Choice: i + 1, Reason: fmt.Sprintf("is missing: number your choices 1, 2, 3… without a gap (number %d follows %d)", m.num, i)}
		}
		out[i] = m.id
	}
	return out, nil
}
