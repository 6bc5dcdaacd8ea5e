package count

import (
	"fmt"
	"slices"
)

// Method names a counting method.
type Method string

// The methods Count knows.
const (
	FPTP        Method = "fptp"
	Block       Method = "block"
	IRV         Method = "irv"
	ScottishSTV Method = "scottish-stv"
	MeekSTV     Method = "meek-stv"
)

// Methods lists every method, for help texts and validation.
func Methods() []Method { return []Method{FPTP, Block, IRV, ScottishSTV, MeekSTV} }

// ParseMethod checks a method name.
func ParseMethod(s string) (Method, error) {
	if slices.Contains(Methods(), Method(s)) {
		return Method(s), nil
	}
	return "", fmt.Errorf("%q: %w (known: fptp, block, irv, scottish-stv, meek-stv)", s, ErrUnknownMethod)
}

// DefaultMethod is Scottish STV for several seats and IRV for one.
func DefaultMethod(seats int) Method {
	if seats > 1 {
		return ScottishSTV
	}
	return IRV
}

// Options choose how to count. Zero values take the election's seats and
// the default method.
type Options struct {
	Method Method
	Seats  int
	Seed   uint64
	Rules  []QuotaRule
}

// Count counts the election. It is a pure function of its arguments: the
// same election, options and seed always give the same result.
func Count(e *Election, opt Options) (*Result, error) {
	seats := opt.Seats
	if seats == 0 {
		seats = e.Seats
	}
	if seats < 1 {
		return nil, fmt.Errorf("seats must be at least 1, got %d: %w", seats, ErrInvalidOptions)
	}
	method := opt.Method
	if method == "" {
		method = DefaultMethod(seats)
	}
	if _, err := ParseMethod(string(method)); err != nil {
		return nil, err
	}
	if (method == FPTP || method == IRV) && seats != 1 {
		return nil, fmt.Errorf("%s fills one seat, not %d: %w", method, seats, ErrInvalidOptions)
	}
	if e.Ballots == nil {
		e.Ballots = NewBallots(len(e.Candidates))
	}
	guard, err := newQuotaGuard(e, seats, opt.Rules)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Method:     method,
		Title:      e.Title,
		Seats:      seats,
		Candidates: make([]string, len(e.Candidates)),
		Ballots:    e.Ballots.Total(),
		Seed:       opt.Seed,
		Rules:      slices.Clone(opt.Rules),
	}
	for i, c := range e.Candidates {
		res.Candidates[i] = c.Name
		if c.Withdrawn {
			res.Withdrawn = append(res.Withdrawn, i)
		}
	}
	res.Valid = validBallots(e)
	c := &counter{e: e, res: res, seats: seats, guard: guard, ties: newTieBreaker(opt.Seed, e.TieOrder, res)}
	switch method {
	case FPTP, Block:
		c.countBlock()
	case IRV:
		c.countIRV()
	case ScottishSTV:
		c.countScottish()
	case MeekSTV:
		c.countMeek()
	}
	return res, nil
}

// counter carries what every method shares.
type counter struct {
	e     *Election
	res   *Result
	seats int
	guard *quotaGuard
	ties  *tieBreaker
}

// validBallots counts ballots with an unambiguous first preference for a
// candidate who stands: withdrawn candidates are passed over, and equal
// marks for two or more standing candidates at the top make it void.
func validBallots(e *Election) int64 {
	var n int64
	for g := range e.Ballots.Len() {
		r := e.Ballots.ranking16(g)
		for i := 0; i < len(r); i++ {
			end := rankGroup(r, i)
			standing := 0
			for _, c := range r[i : end+1] {
				if !e.Candidates[c&^sameRank].Withdrawn {
					standing++
				}
			}
			i = end
			if standing == 1 {
				n += e.Ballots.weights[g]
			}
			if standing > 0 {
				break
			}
		}
	}
	return n
}

// history returns the tallies of every stage so far, for tie-breaks that
// look back at earlier stages.
func (c *counter) history() [][]Fixed {
	h := make([][]Fixed, len(c.res.Stages))
	for i, s := range c.res.Stages {
		h[i] = s.Tallies
	}
	return h
}
