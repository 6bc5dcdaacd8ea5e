package count

import "slices"

// scottishScale: rule 48(3) computes transfer values to five decimal places.
const scottishScale = 100_000

// countScottish follows the Scottish Local Government Elections Order 2007,
// Schedule 1, rules 45 to 52 (docs/counting.md quotes each step).
func (c *counter) countScottish() {
	res := c.res
	res.Decimals = 5
	p := newPiles(c.e, scottishScale)
	// Rule 46: valid papers / (seats + 1), fractions ignored, plus one.
	quota := (res.Valid/int64(c.seats+1) + 1) * scottishScale
	res.Quota = Fixed(quota)
	p.firstPreferences() // rule 45
	c.recordPiles(p, StageFirst, -1, 0)
	surplusDone := make([]bool, len(p.tally))

	for {
		c.electReached(p, quota) // rule 47
		seatsLeft := c.seats - len(res.Elected)
		if seatsLeft == 0 {
			break
		}
		hopefuls := p.hopefuls()
		if len(hopefuls) <= seatsLeft { // rule 52: no further transfer
			c.electAll(p, hopefuls)
			break
		}
		if x := c.ineligible(p.tally, hopefuls); x >= 0 {
			c.guard.exclude(x)
			p.exclude(x)
			c.recordPiles(p, StageQuotaRule, x, 0).Excluded = []int{x}
			continue
		}
		// Rules 48 and 49: the largest surplus first.
		var withSurplus []int
		for _, e := range res.Elected {
			if !surplusDone[e] && p.tally[e] > quota {
				withSurplus = append(withSurplus, e)
			}
		}
		if len(withSurplus) > 0 {
			s := c.ties.orderByTally(len(res.Stages)+1, "surplus order", withSurplus, p.tallies(), c.history(), false)[0]
			surplusDone[s] = true
			total := p.tally[s]
			surplus := total - quota
			// Each paper's value becomes surplus × its value ÷ the
			// candidate's total, truncated at five places (rule 48(3)).
			moved, lost := p.passOn(s, func(v int64) int64 { return mulDivFloor(surplus, v, total) })
			p.tally[s] = quota
			p.exhausted += lost
			p.fractions += surplus - moved - lost
			c.recordPiles(p, StageSurplus, s, Fixed(mulDivFloor(surplus, scottishScale, total)))
			continue
		}
		// Rules 50 and 51: exclude the lowest.
		x := c.lowestExcludable(p.tally, hopefuls)
		c.guard.exclude(x)
		p.exclude(x)
		c.recordPiles(p, StageExclusion, x, 0).Excluded = []int{x}
	}
}

// recordPiles appends a stage with the piles' current totals.
func (c *counter) recordPiles(p *piles, kind StageKind, subject int, tv Fixed) *Stage {
	c.res.Stages = append(c.res.Stages, Stage{
		Number:        len(c.res.Stages) + 1,
		Kind:          kind,
		Subject:       subject,
		Tallies:       p.tallies(),
		Exhausted:     Fixed(p.exhausted),
		Fractions:     Fixed(p.fractions),
		Quota:         c.res.Quota,
		TransferValue: tv,
	})
	return &c.res.Stages[len(c.res.Stages)-1]
}

// electReached deems elected every hopeful at or above the quota, highest
// first; one whose election would break a quota rule is left for the
// quota-rule exclusion instead.
func (c *counter) electReached(p *piles, quota int64) {
	var reached []int
	for _, h := range p.hopefuls() {
		if p.tally[h] >= quota {
			reached = append(reached, h)
		}
	}
	if len(reached) == 0 {
		return
	}
	stage := &c.res.Stages[len(c.res.Stages)-1]
	for _, h := range c.ties.orderByTally(stage.Number, "election order", reached, p.tallies(), c.history(), false) {
		if len(c.res.Elected) == c.seats || !c.guard.canElect(h) {
			continue
		}
		p.status[h] = elected
		c.guard.elect(h)
		c.res.Elected = append(c.res.Elected, h)
		stage.Elected = append(stage.Elected, h)
	}
}

// electAll fills the last seats with the remaining hopefuls, highest first.
func (c *counter) electAll(p *piles, hopefuls []int) {
	stage := &c.res.Stages[len(c.res.Stages)-1]
	for _, h := range c.ties.orderByTally(stage.Number, "election order", hopefuls, p.tallies(), c.history(), false) {
		p.status[h] = elected
		c.guard.elect(h)
		c.res.Elected = append(c.res.Elected, h)
		stage.Elected = append(stage.Elected, h)
	}
}

// ineligible returns the lowest hopeful who can no longer be elected
// without breaking a quota rule, or -1.
func (c *counter) ineligible(tally []int64, hopefuls []int) int {
	if !c.guard.active() {
		return -1
	}
	var out []int
	for _, h := range hopefuls {
		if !c.guard.canElect(h) {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		return -1
	}
	return c.pickLowest(tally, out, "quota-rule exclusion")
}

// lowestExcludable returns the hopeful with the fewest votes whose
// exclusion keeps the quota rules achievable.
func (c *counter) lowestExcludable(tally []int64, hopefuls []int) int {
	cands := slices.DeleteFunc(slices.Clone(hopefuls), func(h int) bool { return !c.guard.canExclude(h) })
	if len(cands) == 0 {
		cands = hopefuls // cannot happen while the guard holds; never stall
	}
	return c.pickLowest(tally, cands, "exclusion")
}

func (c *counter) pickLowest(tally []int64, cands []int, purpose string) int {
	low := tally[cands[0]]
	for _, h := range cands[1:] {
		low = min(low, tally[h])
	}
	var tied []int
	for _, h := range cands {
		if tally[h] == low {
			tied = append(tied, h)
		}
	}
	return c.ties.pick(len(c.res.Stages)+1, purpose, tied, c.history(), true)
}
