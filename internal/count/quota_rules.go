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
	// state, kept by the methods through elect/exclude
	elected  []bool
	out      []bool // excluded or withdrawn
	nElected int
}

func newQuotaGuard(e *Election, seats int, rules []QuotaRule) (*quotaGuard, error) {
	if len(rules) > maxQuotaRules {
		return nil, fmt.Errorf("%d quota rules (at most %d): %w", len(rules), maxQuotaRules, ErrInvalidOptions)
	}
	g := &quotaGuard{
		seats:   seats,
		mask:    make([]uint32, len(e.Candidates)),
		elected: make([]bool, len(e.Candidates)),
		out:     make([]bool, len(e.Candidates)),
	}
	for i, c := range e.Candidates {
		g.out[i] = c.Withdrawn
	}
	for r, rule := range rules {
		if rule.Min < 0 || rule.Attribute == "" {
			return nil, fmt.Errorf("quota rule %v: %w", rule, ErrInvalidOptions)
		}
		standing := 0
		for i, c := range e.Candidates {
			if c.Attributes[rule.Attribute] == rule.Value {
				g.mask[i] |= 1 << r
				if !c.Withdrawn {
					standing++
				}
			}
		}
		// A rule cannot ask for more winners than stand or than there are
		// seats: the minimum falls to what is possible (docs/counting.md).
		rule.Min = min(rule.Min, standing, seats)
		g.rules = append(g.rules, rule)
	}
	if !g.feasible() {
		return nil, fmt.Errorf("%d seats cannot meet %v: %w", seats, rules, ErrQuotaImpossible)
	}
	return g, nil
}

func (g *quotaGuard) active() bool { return len(g.rules) > 0 }

// canElect reports whether electing c keeps the rules achievable.
func (g *quotaGuard) canElect(c int) bool {
	if !g.active() {
		return true
	}
	g.elected[c] = true
	g.nElected++
	ok := g.feasible()
	g.elected[c] = false
	g.nElected--
	return ok
}

// canExclude reports whether excluding c keeps the rules achievable.
func (g *quotaGuard) canExclude(c int) bool {
	if !g.active() {
		return true
	}
	g.out[c] = true
	ok := g.feasible()
	g.out[c] = false
	return ok
}

func (g *quotaGuard) elect(c int)   { g.elected[c] = true; g.nElected++ }
func (g *quotaGuard) exclude(c int) { g.out[c] = true }

// feasible searches, over the types of continuing candidate (which rules
// each counts for), for numbers to elect that meet every unmet minimum
// within the seats left. With one attribute the types are disjoint and the
// search is a sum; with several it stays exact.
func (g *quotaGuard) feasible() bool {
	if !g.active() {
		return true
	}
	need := make([]int, len(g.rules))
	for r, rule := range g.rules {
		have := 0
		for c, e := range g.elected {
			if e && g.mask[c]&(1<<r) != 0 {
				have++
			}
		}
		need[r] = max(0, rule.Min-have)
	}
	avail := make(map[uint32]int)
	for c := range g.mask {
		if !g.elected[c] && !g.out[c] && g.mask[c] != 0 {
			avail[g.mask[c]]++
		}
	}
	types := make([]uint32, 0, len(avail))
	counts := make([]int, 0, len(avail))
	for t, n := range avail {
		types = append(types, t)
		counts = append(counts, n)
	}
	return searchQuota(types, counts, need, g.seats-g.nElected)
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
