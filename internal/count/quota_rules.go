package count

import (
	"fmt"
	"strconv"
	"strings"
)

// QuotaRule requires at least Min of those elected to have
// Attributes[Attribute] == Value, e.g. {Attribute: "gender", Value: "woman", Min: 5}.
type QuotaRule struct {
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
	Min       int    `json:"min"`
}

func (q QuotaRule) String() string { return fmt.Sprintf("%s=%s:%d", q.Attribute, q.Value, q.Min) }

// ParseQuotaRule reads the command-line form ATTRIBUTE=VALUE:MIN.
func ParseQuotaRule(s string) (QuotaRule, error) {
	attr, rest, ok := strings.Cut(s, "=")
	if !ok {
		return QuotaRule{}, fmt.Errorf("quota %q: expected ATTRIBUTE=VALUE:MIN: %w", s, ErrInvalidOptions)
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return QuotaRule{}, fmt.Errorf("quota %q: expected ATTRIBUTE=VALUE:MIN: %w", s, ErrInvalidOptions)
	}
	n, err := strconv.Atoi(rest[i+1:])
	if err != nil || n < 0 {
		return QuotaRule{}, fmt.Errorf("quota %q: MIN must be a whole number: %w", s, ErrInvalidOptions)
	}
	q := QuotaRule{Attribute: strings.TrimSpace(attr), Value: strings.TrimSpace(rest[:i]), Min: n}
	if q.Attribute == "" || q.Value == "" {
		return QuotaRule{}, fmt.Errorf("quota %q: attribute and value must not be empty: %w", s, ErrInvalidOptions)
	}
	return q, nil
}

// maxQuotaRules bounds the exact feasibility search (2^rules candidate types).
const maxQuotaRules = 8

// quotaGuard answers the one question every method asks before electing or
// excluding: can the rules still be met afterwards? A state is feasible when
// some choice of continuing candidates for the seats left brings every rule
// up to its minimum. The count starts feasible and the guard keeps it so:
// a candidate whose election would make it infeasible is passed over
// (excluded), and a candidate whose exclusion would is protected.
type quotaGuard struct {
	rules []QuotaRule
	mask  []uint32 // per candidate: bit r set when the candidate counts for rule r
	seats int
	// The state, kept up to date by elect and exclude so that each check
	// costs a search over candidate types, not a pass over every candidate.
	nElected int
	settled  []bool         // elected, excluded, passed over or withdrawn
	have     []int          // per rule: winners so far who count for it
	avail    map[uint32]int // continuing candidates per non-empty type
}

func newQuotaGuard(e *Election, seats int, rules []QuotaRule) (*quotaGuard, error) {
	if len(rules) > maxQuotaRules {
		return nil, fmt.Errorf("%d quota rules (at most %d): %w", len(rules), maxQuotaRules, ErrInvalidOptions)
	}
	g := &quotaGuard{seats: seats, mask: make([]uint32, len(e.Candidates)), settled: make([]bool, len(e.Candidates))}
	for _, rule := range rules {
		if rule.Min < 0 || rule.Attribute == "" {
			return nil, fmt.Errorf("quota rule %v: %w", rule, ErrInvalidOptions)
		}
		bit := uint32(1) << len(g.rules)
		standing := 0
		for i, c := range e.Candidates {
			if c.Attributes[rule.Attribute] == rule.Value && !c.Withdrawn {
				g.mask[i] |= bit
				standing++
			}
		}
		// A rule cannot ask for more winners than stand or than there are
		// seats: the minimum falls to what is possible (docs/counting.md).
		rule.Min = min(rule.Min, standing, seats)
		if rule.Min == 0 {
			for i := range g.mask {
				g.mask[i] &^= bit
			}
			continue // nothing to enforce
		}
		g.rules = append(g.rules, rule)
	}
	g.have = make([]int, len(g.rules))
	g.avail = map[uint32]int{}
	for i, c := range e.Candidates {
		g.settled[i] = c.Withdrawn
		if !c.Withdrawn && g.mask[i] != 0 {
			g.avail[g.mask[i]]++
		}
	}
	if !g.feasible(0, 0, 0) {
		return nil, fmt.Errorf("%d seats cannot meet %v: %w", seats, rules, ErrQuotaImpossible)
	}
	return g, nil
}

func (g *quotaGuard) active() bool { return len(g.rules) > 0 }

// canElect reports whether electing c keeps the rules achievable.
func (g *quotaGuard) canElect(c int) bool {
	return !g.active() || g.feasible(g.mask[c], g.mask[c], 1)
}

// canExclude reports whether excluding c keeps the rules achievable.
func (g *quotaGuard) canExclude(c int) bool {
	return !g.active() || g.feasible(0, g.mask[c], 0)
}

func (g *quotaGuard) elect(c int) {
	g.nElected++
	for r := range g.rules {
		if g.mask[c]&(1<<r) != 0 {
			g.have[r]++
		}
	}
	g.settle(c)
}

func (g *quotaGuard) exclude(c int) { g.settle(c) }

func (g *quotaGuard) settle(c int) {
	if !g.settled[c] && g.mask[c] != 0 {
		g.avail[g.mask[c]]--
	}
	g.settled[c] = true
}

// feasible searches, over the types of continuing candidate (which rules
// each counts for), for numbers to elect that meet every unmet minimum
// within the seats left. It can first suppose one more winner of type
// won, one continuing candidate of type gone fewer, and extra seats used.
// With one attribute the types are disjoint and the search is a sum; with
// several it stays exact.
func (g *quotaGuard) feasible(won, gone uint32, used int) bool {
	if !g.active() {
		return true
	}
	need := make([]int, len(g.rules))
	for r, rule := range g.rules {
		have := g.have[r]
		if won&(1<<r) != 0 {
			have++
		}
		need[r] = max(0, rule.Min-have)
	}
	types := make([]uint32, 0, len(g.avail))
	counts := make([]int, 0, len(g.avail))
	for t, n := range g.avail {
		if t == gone && gone != 0 {
			n--
		}
		if n > 0 {
			types = append(types, t)
			counts = append(counts, n)
		}
	}
	return searchQuota(types, counts, need, g.seats-g.nElected-used)
}

func searchQuota(types []uint32, counts []int, need []int, seatsLeft int) bool {
	total := 0
	for _, n := range need {
		if n > total {
			total = n
		}
	}
	if total == 0 {
		return true
	}
	if seatsLeft <= 0 || len(types) == 0 {
		return false
	}
	t := types[0]
	for x := min(counts[0], seatsLeft); x >= 0; x-- {
		next := make([]int, len(need))
		for r := range need {
			next[r] = need[r]
			if t&(1<<r) != 0 {
				next[r] = max(0, need[r]-x)
			}
		}
		if searchQuota(types[1:], counts[1:], next, seatsLeft-x) {
			return true
		}
	}
	return false
}
