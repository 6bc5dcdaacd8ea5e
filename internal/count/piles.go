package count

// status of a candidate during a count.
type status uint8

const (
	hopeful status = iota
	elected
	excluded // excluded, passed over or withdrawn
)

// piles is the ballot-paper state shared by Scottish STV and IRV: which
// candidate holds each group of identical papers, at what value, and each
// candidate's total. Every paper of a group moves together (same ranking,
// same path), so a group is one entry however many voters it stands for.
type piles struct {
	b         *Ballots
	scale     int64
	pos       []uint16 // index in the group's ranking of the candidate holding it
	value     []int64  // value of each paper of the group, in units of 1/scale
	pile      [][]int32
	tally     []int64
	status    []status
	exhausted int64
	fractions int64
}

func newPiles(e *Election, scale int64) *piles {
	n := len(e.Candidates)
	p := &piles{
		b:      e.Ballots,
		scale:  scale,
		pos:    make([]uint16, e.Ballots.Len()),
		value:  make([]int64, e.Ballots.Len()),
		pile:   make([][]int32, n),
		tally:  make([]int64, n),
		status: make([]status, n),
	}
	for i, c := range e.Candidates {
		if c.Withdrawn {
			p.status[i] = excluded
		}
	}
	return p
}

// next returns the first hopeful candidate at or after position from in
// group g's ranking, and the position to continue from; -1 when the paper
// is exhausted. Candidates marked equal count as one preference: if just
// one of them is still hopeful the paper goes to that one, if none it
// passes on, and if several the paper is non-transferable, since it does
// not say which of them comes next.
func (p *piles) next(g int, from int) (int, int) {
	r := p.b.ranking16(g)
	for i := from; i < len(r); i++ {
		c := r[i]
		if c&sameRank == 0 {
			if p.status[c] == hopeful {
				return int(c), i
			}
			continue
		}
		end := rankGroup(r, i)
		found, n := -1, 0
		for _, m := range r[i : end+1] {
			if m &^= sameRank; p.status[m] == hopeful {
				found, n = int(m), n+1
			}
		}
		if n > 1 {
			return -1, -1
		}
		if n == 1 {
			return found, end
		}
		i = end
	}
	return -1, -1
}

// firstPreferences deals every paper to its first hopeful preference at full value.
func (p *piles) firstPreferences() {
	for g := range p.b.Len() {
		w := p.b.weights[g]
		c, at := p.next(g, 0)
		if c < 0 {
			p.exhausted += w * p.scale
			continue
		}
		p.pos[g], p.value[g] = uint16(at), p.scale
		p.pile[c] = append(p.pile[c], int32(g))
		p.tally[c] += w * p.scale
	}
}

// passOn moves every paper of candidate from to its next hopeful preference,
// each paper worth newValue(its current value). It returns the value that
// arrived somewhere and the value that became non-transferable.
func (p *piles) passOn(from int, newValue func(int64) int64) (moved, lost int64) {
	for _, g32 := range p.pile[from] {
		g := int(g32)
		w := p.b.weights[g]
		v := newValue(p.value[g])
		c, at := p.next(g, int(p.pos[g])+1)
		if c < 0 || v == 0 {
			lost += w * v
			continue
		}
		p.pos[g], p.value[g] = uint16(at), v
		p.pile[c] = append(p.pile[c], g32)
		p.tally[c] += w * v
		moved += w * v
	}
	p.pile[from] = nil
	return moved, lost
}

// exclude passes an excluded candidate's papers on at their current values.
func (p *piles) exclude(c int) {
	p.status[c] = excluded
	_, lost := p.passOn(c, func(v int64) int64 { return v })
	p.exhausted += lost
	p.tally[c] = 0
}

// hopefuls lists the candidates still in the count.
func (p *piles) hopefuls() []int {
	var out []int
	for c, s := range p.status {
		if s == hopeful {
			out = append(out, c)
		}
	}
	return out
}

func (p *piles) tallies() []Fixed {
	out := make([]Fixed, len(p.tally))
	for i, t := range p.tally {
		out[i] = Fixed(t)
	}
	return out
}
