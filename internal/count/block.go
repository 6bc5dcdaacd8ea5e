package count

import "slices"

// countBlock counts first past the post (one seat) and block vote (N
// seats): each ballot gives one vote to each of its first N preferences
// among the candidates who stand, and the N with most votes win. Lower
// preferences are ignored, as on a paper where the voter marks N crosses.
func (c *counter) countBlock() {
	res := c.res
	n := len(c.e.Candidates)
	tally := make([]int64, n)
	var blank int64
	for g := range c.e.Ballots.Len() {
		w := c.e.Ballots.weights[g]
		marked := 0
		for _, cand := range c.e.Ballots.ranking16(g) {
			cand &^= sameRank // a cross is a cross: equal marks each count
			if marked == c.seats {
				break
			}
			if c.e.Candidates[cand].Withdrawn {
				continue
			}
			tally[cand] += w
			marked++
		}
		if marked == 0 {
			blank += w
		}
	}
	stage := Stage{Number: 1, Kind: StageFirst, Subject: -1, Tallies: make([]Fixed, n), Exhausted: Fixed(blank)}
	var standing []int
	for i := range tally {
		stage.Tallies[i] = Fixed(tally[i])
		if !c.e.Candidates[i].Withdrawn {
			standing = append(standing, i)
		}
	}
	res.Stages = append(res.Stages, stage)
	s := &res.Stages[0]
	// Take the highest remaining candidate one at a time, so only ties that
	// decide a seat (or its order) are drawn and recorded.
	for len(res.Elected) < c.seats && len(standing) > 0 {
		best := s.Tallies[standing[0]]
		for _, cand := range standing[1:] {
			best = max(best, s.Tallies[cand])
		}
		var tied []int
		for _, cand := range standing {
			if s.Tallies[cand] == best {
				tied = append(tied, cand)
			}
		}
		cand := c.ties.pick(1, "seat", tied, nil, false)
		standing = slices.DeleteFunc(standing, func(x int) bool { return x == cand })
		if !c.guard.canElect(cand) {
			c.guard.exclude(cand)
			s.PassedOver = append(s.PassedOver, cand)
			continue
		}
		c.guard.elect(cand)
		res.Elected = append(res.Elected, cand)
		s.Elected = append(s.Elected, cand)
	}
}
