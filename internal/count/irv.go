package count

// countIRV runs instant-runoff: each round the continuing candidate with
// the fewest votes is excluded and their ballots pass to the next
// continuing preference, until one candidate holds a majority of the votes
// still in play. Ballots with no continuing preference are counted as
// exhausted in every round.
func (c *counter) countIRV() {
	res := c.res
	p := newPiles(c.e, 1)
	p.firstPreferences()
	c.recordRound(p, StageFirst, -1)
	for {
		hopefuls := p.hopefuls()
		stage := &res.Stages[len(res.Stages)-1]
		if len(hopefuls) == 0 {
			break
		}
		var inPlay int64
		for _, h := range hopefuls {
			inPlay += p.tally[h]
		}
		// A majority is unique, so finding it needs no tie-break.
		top := hopefuls[0]
		for _, h := range hopefuls[1:] {
			if p.tally[h] > p.tally[top] {
				top = h
			}
		}
		if (2*p.tally[top] > inPlay || len(hopefuls) == 1) && c.guard.canElect(top) {
			p.status[top] = elected
			c.guard.elect(top)
			res.Elected = append(res.Elected, top)
			stage.Elected = append(stage.Elected, top)
			break
		}
		kind := StageQuotaRule
		x := c.ineligible(p.tally, hopefuls)
		if x < 0 {
			kind = StageExclusion
			x = c.lowestExcludable(p.tally, hopefuls)
		}
		c.guard.exclude(x)
		p.exclude(x)
		c.recordRound(p, kind, x).Excluded = []int{x}
	}
}

// recordRound records an IRV round; its quota is the majority of the votes
// still in play.
func (c *counter) recordRound(p *piles, kind StageKind, subject int) *Stage {
	s := c.recordPiles(p, kind, subject, 0)
	var inPlay int64
	for _, t := range p.tally {
		inPlay += t
	}
	s.Quota = Fixed(inPlay/2 + 1)
	return s
}
