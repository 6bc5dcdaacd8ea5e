package count

import (
	"fmt"
	"slices"
)

// Candidate is one person standing. Attributes carry what quota rules look
// at, e.g. {"gender": "woman"}.
type Candidate struct {
	Name       string
	Withdrawn  bool
	Attributes map[string]string
}

// Election is everything a count needs: who stands, how many seats, the
// ballots, and optionally a tie-break order drawn before the count.
type Election struct {
	Title      string
	Seats      int
	Candidates []Candidate
	Ballots    *Ballots
	// TieOrder, when not empty, replaces the seeded lot: candidate indices
	// from most to least favoured (the .blt [tie ...] option).
	TieOrder []int
}

// NewElection returns an election with an empty ballot box for the named
// candidates; the election module fills it with Ballots.Add.
func NewElection(title string, seats int, candidates []Candidate) (*Election, error) {
	if len(candidates) > MaxCandidates {
		return nil, fmt.Errorf("%d candidates (at most %d): %w", len(candidates), MaxCandidates, ErrTooLarge)
	}
	seen := make(map[string]bool, len(candidates))
	for _, c := range candidates {
		if seen[c.Name] {
			return nil, fmt.Errorf("two candidates are named %q: %w", c.Name, ErrInvalidOptions)
		}
		seen[c.Name] = true
	}
	return &Election{Title: title, Seats: seats, Candidates: candidates, Ballots: NewBallots(len(candidates))}, nil
}

// CandidateIndex returns the index of the candidate with that name, or -1.
func (e *Election) CandidateIndex(name string) int {
	for i, c := range e.Candidates {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Ballots holds the ballots as weighted groups: identical rankings are
// stored once with the number of voters who cast them, so a million ballots
// that share a few thousand rankings cost a few thousand entries. Rankings
// live in one arena of uint16 candidate indices; an open-addressing table
// finds an existing group without building a key per ballot.
type Ballots struct {
	candidates int
	prefs      []uint16
	ends       []uint32 // group i is prefs[ends[i-1]:ends[i]] (ends[-1] = 0)
	weights    []int64
	// table holds, per slot, the ranking's hash in the high 32 bits and the
	// group index + 1 in the low 32 (0 = empty); comparing the hash first
	// avoids reading the arena, a cache miss, for slots of other rankings.
	table   []uint64
	total   int64
	scratch []uint16
	seen    []uint32 // per-candidate stamp to detect a candidate ranked twice
	stamp   uint32
}

// NewBallots returns an empty ballot box for n candidates.
func NewBallots(n int) *Ballots {
	return &Ballots{candidates: n, seen: make([]uint32, n)}
}

// Len is the number of distinct rankings.
func (b *Ballots) Len() int { return len(b.weights) }

// Total is the number of ballots (the sum of the weights).
func (b *Ballots) Total() int64 { return b.total }

// Weight is how many ballots carry ranking i.
func (b *Ballots) Weight(i int) int64 { return b.weights[i] }

// Ranking returns group i's candidate indices (0-based), most preferred first.
func (b *Ballots) Ranking(i int) []int {
	r := b.ranking16(i)
	out := make([]int, len(r))
	for j, c := range r {
		out[j] = int(c &^ sameRank) // equal marks are flattened in order
	}
	return out
}

// sameRank flags an arena entry whose candidate the voter marked equal with
// the next entry ("2=5" in a .blt file). Candidate numbers stay below
// MaxCandidates, far under this bit.
const sameRank uint16 = 0x8000

// rankGroup returns the end (inclusive) of the group of equal marks that
// starts at i.
func rankGroup(r []uint16, i int) int {
	for i+1 < len(r) && r[i]&sameRank != 0 {
		i++
	}
	return i
}

func (b *Ballots) ranking16(i int) []uint16 {
	start := uint32(0)
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.prefs[start:b.ends[i]]
}

// Add records weight ballots with the given ranking (0-based candidate
// indices, most preferred first). An empty ranking is a blank ballot: it is
// counted in the total but transfers nowhere.
func (b *Ballots) Add(ranking []int, weight int64) error {
	b.scratch = b.scratch[:0]
	for _, c := range ranking {
		if c < 0 || c >= b.candidates {
			return fmt.Errorf("candidate %d is not between 1 and %d: %w", c+1, b.candidates, ErrInvalidBallot)
		}
		b.scratch = append(b.scratch, uint16(c))
	}
	return b.add16(b.scratch, weight)
}

// add16 validates and stores a ranking already in arena form.
func (b *Ballots) add16(r []uint16, weight int64) error {
	if weight < 0 {
		return fmt.Errorf("negative weight %d: %w", weight, ErrInvalidBallot)
	}
	if err := b.validate(r); err != nil {
		return err
	}
	return b.addChecked(r, weight)
}

// validate checks candidate numbers and that none is ranked twice.
func (b *Ballots) validate(r []uint16) error {
	b.stamp++
	if b.stamp == 0 { // wrapped: reset the stamps so stale marks cannot match
		clear(b.seen)
		b.stamp = 1
	}
	for _, c := range r {
		c &^= sameRank
		if int(c) >= b.candidates {
			return fmt.Errorf("candidate %d is not between 1 and %d: %w", int(c)+1, b.candidates, ErrInvalidBallot)
		}
		if b.seen[c] == b.stamp {
			return fmt.Errorf("candidate %d is ranked twice: %w", int(c)+1, ErrInvalidBallot)
		}
		b.seen[c] = b.stamp
	}
	return nil
}

// addChecked stores a ranking the caller has already validated (the .blt
// reader checks each number as it reads it, with the line number).
func (b *Ballots) addChecked(r []uint16, weight int64) error {
	if b.total+weight > MaxBallots {
		return fmt.Errorf("more than %d ballots: %w", MaxBallots, ErrTooLarge)
	}
	b.total += weight
	if weight == 0 {
		return nil
	}
	if len(b.table) < 2*(len(b.weights)+1) {
		b.grow()
	}
	h := hashRanking(r)
	tag := h &^ 0xFFFFFFFF
	mask := uint64(len(b.table) - 1)
	for slot := h & mask; ; slot = (slot + 1) & mask {
		entry := b.table[slot]
		if entry == 0 {
			b.prefs = append(b.prefs, r...)
			b.ends = append(b.ends, uint32(len(b.prefs)))
			b.weights = append(b.weights, weight)
			b.table[slot] = tag | uint64(len(b.weights))
			return nil
		}
		if entry&^0xFFFFFFFF == tag {
			if g := int(entry&0xFFFFFFFF) - 1; slices.Equal(b.ranking16(g), r) {
				b.weights[g] += weight
				return nil
			}
		}
	}
}

func (b *Ballots) grow() {
	size := 1024
	for size < 4*(len(b.weights)+1) {
		size *= 2
	}
	b.table = make([]uint64, size)
	mask := uint64(size - 1)
	for i := range b.weights {
		h := hashRanking(b.ranking16(i))
		slot := h & mask
		for b.table[slot] != 0 {
			slot = (slot + 1) & mask
		}
		b.table[slot] = h&^0xFFFFFFFF | uint64(i+1)
	}
}

// hashRanking is FNV-1a over the ranking, with the length mixed in so that a
// ranking and its prefix differ.
func hashRanking(r []uint16) uint64 {
	h := uint64(14695981039346656037) ^ uint64(len(r))
	for _, c := range r {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h
}

// renumber maps every candidate index through perm (old -> new), used when a
// CSV's candidates are sorted by name after reading.
func (b *Ballots) renumber(perm []int) {
	for i, c := range b.prefs {
		b.prefs[i] = uint16(perm[c&^sameRank]) | c&sameRank
	}
	b.table = nil
	if len(b.weights) > 0 {
		b.grow()
	}
}
