package count

import (
	"fmt"
	"slices"
)

// tieBreaker settles ties the way the Scottish rules do (rules 49(2) and
// 51(2)): look back to the most recent earlier stage at which the tied
// candidates had unequal totals; if they were equal at every stage, decide
// by lot. The lot is a SplitMix64 generator seeded with the count's seed,
// so anyone can replay it; every tie is recorded in the result.
type tieBreaker struct {
	state uint64
	rank  map[int]int // candidate -> position in a tie order given in the file
	res   *Result
}

func newTieBreaker(seed uint64, order []int, res *Result) *tieBreaker {
	t := &tieBreaker{state: seed, res: res}
	if len(order) > 0 {
		t.rank = make(map[int]int, len(order))
		for i, c := range order {
			if _, dup := t.rank[c]; !dup {
				t.rank[c] = i
			}
		}
	}
	return t
}

// next is SplitMix64 (Steele, Lea and Flood, 2014): small, well studied and
// easy to re-implement, which matters more here than speed.
func (t *tieBreaker) next() uint64 {
	t.state += 0x9e3779b97f4a7c15
	z := t.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// uniform returns a draw and an unbiased index in [0, n): draws below
// 2^64 mod n are rejected so every index is equally likely.
func (t *tieBreaker) uniform(n int) (uint64, int) {
	un := uint64(n)
	threshold := -un % un
	for {
		x := t.next()
		if x >= threshold {
			return x, int(x % un)
		}
	}
}

// pick chooses one candidate from tied (equal current totals). With lowest
// it picks the one to lose (exclusion), otherwise the one to go first
// (surplus order, order of election). history holds the tallies of the
// stages so far, oldest first.
func (t *tieBreaker) pick(stage int, purpose string, tied []int, history [][]Fixed, lowest bool) int {
	if len(tied) == 1 {
		return tied[0]
	}
	cands := slices.Clone(tied)
	slices.Sort(cands)
	tie := Tie{Stage: stage, Purpose: purpose, Candidates: slices.Clone(cands)}
	if lowest && len(history) > 0 && allZero(history[len(history)-1], cands) {
		// A continuing candidate's total never falls, so candidates with
		// nothing now had nothing at every earlier stage: skip the look-back,
		// which would otherwise cost stages × candidates for every such tie.
		history = nil
	}
	for s := len(history) - 1; s >= 0 && len(cands) > 1; s-- {
		tallies := history[s]
		best := tallies[cands[0]]
		for _, c := range cands[1:] {
			if (lowest && tallies[c] < best) || (!lowest && tallies[c] > best) {
				best = tallies[c]
			}
		}
		narrowed := cands[:0:0]
		for _, c := range cands {
			if tallies[c] == best {
				narrowed = append(narrowed, c)
			}
		}
		if len(narrowed) < len(cands) {
			cands = narrowed
			if len(cands) == 1 {
				tie.Chosen = cands[0]
				tie.How = fmt.Sprintf("stage %d", s+1)
				t.res.Ties = append(t.res.Ties, tie)
				return tie.Chosen
			}
		}
	}
	if t.rank != nil {
		if c, ok := t.byOrder(cands, lowest); ok {
			tie.Chosen = c
			tie.How = "tie order"
			t.res.Ties = append(t.res.Ties, tie)
			return c
		}
	}
	draw, i := t.uniform(len(cands))
	tie.Chosen, tie.How, tie.Draw = cands[i], "lot", draw
	t.res.Ties = append(t.res.Ties, tie)
	return tie.Chosen
}

// byOrder applies a tie order from the file: earlier means favoured. It
// settles the tie only if every tied candidate is in the order.
func (t *tieBreaker) byOrder(cands []int, lowest bool) (int, bool) {
	chosen, chosenRank := -1, 0
	for _, c := range cands {
		r, ok := t.rank[c]
		if !ok {
			return 0, false
		}
		if chosen < 0 || (lowest && r > chosenRank) || (!lowest && r < chosenRank) {
			chosen, chosenRank = c, r
		}
	}
	return chosen, true
}

// orderByTally sorts cands by tally, highest first (or lowest first), with
// equal tallies put in order by pick, one tie at a time.
func (t *tieBreaker) orderByTally(stage int, purpose string, cands []int, tallies []Fixed, history [][]Fixed, lowestFirst bool) []int {
	rest := slices.Clone(cands)
	out := make([]int, 0, len(cands))
	for len(rest) > 0 {
		best := tallies[rest[0]]
		for _, c := range rest[1:] {
			if (lowestFirst && tallies[c] < best) || (!lowestFirst && tallies[c] > best) {
				best = tallies[c]
			}
		}
		var tied []int
		for _, c := range rest {
			if tallies[c] == best {
				tied = append(tied, c)
			}
		}
		c := t.pick(stage, purpose, tied, history, lowestFirst)
		out = append(out, c)
		rest = slices.DeleteFunc(rest, func(x int) bool { return x == c })
	}
	return out
}

func allZero(tallies []Fixed, cands []int) bool {
	for _, c := range cands {
		if tallies[c] != 0 {
			return false
		}
	}
	return true
}
