package web

import (
	"fmt"
	"strings"

	"quorum/internal/election"
)

// The election package says why a ballot is refused in English; the voter
// is told in their own language. Each reason is recognised by its words,
// with the numbers it carries read back out of them; a test drives every
// reason the election package gives through this table, so a reason
// reworded there fails it rather than reaching a voter in English.
var ballotReasons = []struct {
	format string   // the reason, as fmt.Sscanf reads it
	id     string   // the message
	args   []string // the placeholders the numbers in format fill
}{
	{"rank at least one candidate: write 1 next to your first choice", "Ballot.Problem.RankOneWrite", nil},
	{"rank at least one candidate", "Ballot.Problem.RankOne", nil},
	{"there are more choices than candidates", "Ballot.Problem.TooMany", nil},
	{"use the numbers 1, 2, 3… only", "Ballot.Problem.NumbersOnly", nil},
	{"is not a candidate in this election", "Ballot.Problem.NotCandidate", nil},
	{"is a candidate who has withdrawn", "Ballot.Problem.Withdrawn", nil},
	{"repeats choice %d: rank each candidate once", "Ballot.Problem.Repeats", []string{"First"}},
	{"is given to two candidates: give each number once", "Ballot.Problem.Twice", nil},
	{"is missing: number your choices 1, 2, 3… starting from 1 (the lowest number given is %d)", "Ballot.Problem.NotFromOne", []string{"Lowest"}},
	{"is missing: number your choices 1, 2, 3… without a gap (number %d follows %d)", "Ballot.Problem.Gap", []string{"Next", "Previous"}},
}

// ballotProblem puts a refused ballot's reason in a sentence in the
// reader's language; a choice is the number the voter wrote.
func ballotProblem(tr *translator, ib *election.InvalidBallotError) string {
	for _, br := range ballotReasons {
		nums := make([]any, len(br.args))
		for i := range nums {
			nums[i] = new(int)
		}
		if n, _ := fmt.Sscanf(ib.Reason, br.format, nums...); n != len(nums) {
			continue
		}
		kv := []any{"Choice", ib.Choice}
		for i, name := range br.args {
			nums[i] = *nums[i].(*int)
			kv = append(kv, name, nums[i])
		}
		if fmt.Sprintf(br.format, nums...) != ib.Reason {
			continue
		}
		return tr.T(br.id, kv...)
	}
	// A reason not in the table: the election package's words.
	msg := ib.Reason
	if ib.Choice > 0 {
		msg = fmt.Sprintf("choice %d %s", ib.Choice, ib.Reason)
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}
