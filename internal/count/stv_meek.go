package count

// Meek's method (Hill, Wichmann and Woodall, 1987) in exact fixed point.
const (
	// meekScale: votes, keep values and the quota are kept to nine decimal
	// places, as in the New Zealand rules for Meek STV.
	meekScale = 1_000_000_000
	// meekTolerance: keep values are iterated until the elected candidates'
	// surpluses add up to no more than 0.00001 of a vote.
	meekTolerance = 10_000
	// meekMaxIterations bounds one round of iteration; rounding can stall
	// convergence, and the count must always end.
	meekMaxIterations = 1000
)

// meek holds the state of a Meek count.
type meek struct {
	c         *counter
	keep      []int64 // keep value per candidate; 0 once excluded or withdrawn
	st        []status
	votes     []int64
	exhausted int64
	quota     int64
}

// countMeek: every ballot passes through its preferences in order; each
// elected or hopeful candidate keeps the fraction given by their keep
// value of what reaches them and passes the rest on; excluded candidates
// keep nothing. Elected candidates' keep values are lowered until each
// holds just the quota, and the quota itself falls as votes exhaust.
func (c *counter) countMeek() {
	res := c.res
	res.Decimals = 9
	res.MeekTolerance = meekTolerance
	n := len(c.e.Candidates)
	m := &meek{c: c, keep: make([]int64, n), st: make([]status, n), votes: make([]int64, n)}
	for i, cand := range c.e.Candidates {
		if cand.Withdrawn {
			m.st[i] = excluded
		} else {
			m.keep[i] = meekScale
		}
	}
	m.distribute()
	m.record(StageFirst, -1, 0)
	for {
		m.electReached()
		seatsLeft := c.seats - len(res.Elected)
		if seatsLeft == 0 {
			break
		}
		hopefuls := m.hopefuls()
		if len(hopefuls) <= seatsLeft {
			m.electAll(hopefuls)
			break
		}
		if x := c.ineligible(m.votes, hopefuls); x >= 0 {
			m.exclude(x)
			m.record(StageQuotaRule, x, 0).Excluded = []int{x}
			continue
		}
		if iterations := m.converge(); iterations > 0 {
			m.record(StageIteration, -1, iterations)
			if m.anyReached() {
				continue
			}
		}
		x := c.lowestExcludable(m.votes, hopefuls)
		m.exclude(x)
		m.record(StageExclusion, x, 0).Excluded = []int{x}
	}
	res.Quota = Fixed(m.quota)
}

// distribute sends every ballot through its preferences with the current
// keep values. Each share is rounded up to the ninth place and what is left
// carries on, so nothing is lost: votes + exhausted = ballots exactly.
func (m *meek) distribute() {
	clear(m.votes)
	m.exhausted = 0
	b := m.c.e.Ballots
	for g := range b.Len() {
		w := b.weights[g]
		rest := int64(meekScale)
		r := b.ranking16(g)
		for i := 0; i < len(r); i++ {
			cand := r[i]
			if cand&sameRank != 0 {
				// Equal marks: one candidate still in the count takes the
				// rank; several leave the rest of the vote undistributed.
				end := rankGroup(r, i)
				found, n := uint16(0), 0
				for _, mk := range r[i : end+1] {
					if mk &^= sameRank; m.keep[mk] != 0 {
						found, n = mk, n+1
					}
				}
				i = end
				if n != 1 {
					if n > 1 {
						break
					}
					continue
				}
				cand = found
			}
			k := m.keep[cand]
			if k == 0 {
				continue
			}
			share := rest
			if k != meekScale {
				share = mulDivCeil(rest, k, meekScale)
			}
			m.votes[cand] += w * share
			rest -= share
			if rest == 0 {
				break
			}
		}
		m.exhausted += w * rest
	}
	// Quota: votes held by candidates / (seats + 1), truncated to the
	// ninth place, plus 0.000000001 so that no more than seats can reach it.
	m.quota = (m.c.res.Ballots*meekScale-m.exhausted)/int64(m.c.seats+1) + 1
}

// converge lowers elected candidates' keep values towards quota/votes until
// their surpluses add up to at most meekTolerance, a hopeful reaches the
// quota, or the surplus stops falling. It returns the iterations run.
func (m *meek) converge() int {
	prev := int64(-1)
	for it := 0; it < meekMaxIterations; it++ {
		var surplus int64
		for c, s := range m.st {
			if s == elected && m.votes[c] > m.quota {
				surplus += m.votes[c] - m.quota
			}
		}
		if surplus <= meekTolerance || (prev >= 0 && surplus >= prev) {
			return it
		}
		prev = surplus
		for c, s := range m.st {
			if s == elected && m.votes[c] > 0 {
				m.keep[c] = min(meekScale, mulDivCeil(m.keep[c], m.quota, m.votes[c]))
			}
		}
		m.distribute()
		if m.anyReached() {
			return it + 1
		}
	}
	return meekMaxIterations
}

func (m *meek) anyReached() bool {
	for c, s := range m.st {
		if s == hopeful && m.votes[c] >= m.quota {
			return true
		}
	}
	return false
}

func (m *meek) hopefuls() []int {
	var out []int
	for c, s := range m.st {
		if s == hopeful {
			out = append(out, c)
		}
	}
	return out
}

func (m *meek) electReached() {
	var reached []int
	for _, h := range m.hopefuls() {
		if m.votes[h] >= m.quota {
			reached = append(reached, h)
		}
	}
	if len(reached) > 0 {
		m.electInOrder(reached, false)
	}
}

func (m *meek) electAll(hopefuls []int) { m.electInOrder(hopefuls, true) }

func (m *meek) electInOrder(cands []int, all bool) {
	c := m.c
	stage := &c.res.Stages[len(c.res.Stages)-1]
	for _, h := range c.ties.orderByTally(stage.Number, "election order", cands, m.tallies(), c.history(), false) {
		if len(c.res.Elected) == c.seats || (!all && !c.guard.canElect(h)) {
			continue
		}
		m.st[h] = elected
		c.guard.elect(h)
		c.res.Elected = append(c.res.Elected, h)
		stage.Elected = append(stage.Elected, h)
	}
}

func (m *meek) exclude(x int) {
	m.c.guard.exclude(x)
	m.st[x] = excluded
	m.keep[x] = 0
	m.distribute()
}

func (m *meek) tallies() []Fixed {
	out := make([]Fixed, len(m.votes))
	for i, v := range m.votes {
		out[i] = Fixed(v)
	}
	return out
}

func (m *meek) record(kind StageKind, subject, iterations int) *Stage {
	keep := make([]Fixed, len(m.keep))
	for i, k := range m.keep {
		keep[i] = Fixed(k)
	}
	m.c.res.Stages = append(m.c.res.Stages, Stage{
		Number:     len(m.c.res.Stages) + 1,
		Kind:       kind,
		Subject:    subject,
		Tallies:    m.tallies(),
		Exhausted:  Fixed(m.exhausted),
		Quota:      Fixed(m.quota),
		KeepValues: keep,
		Iterations: iterations,
	})
	return &m.c.res.Stages[len(m.c.res.Stages)-1]
}
