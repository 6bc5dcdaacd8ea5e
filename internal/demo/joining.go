package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// When members join and lapse. The membership chart should look like a
// real party's: a steady trickle, surges around contests and elections, and
// stretches where more leave than join. Both are drawn month by month from
// curves over the ten-year window, counted in months before today.

// wave is a bell-shaped burst centred monthsAgo months before today.
type wave struct {
	monthsAgo float64
	height    float64 // at the peak, relative to the steady rate
	width     float64 // months
}

func (w wave) at(ago int) float64 {
	z := (float64(ago) - w.monthsAgo) / w.width
	return w.height * math.Exp(-z*z/2)
}

var (
	// joinSurges bring in members, who also lapse more often than steady joiners.
	joinSurges = []wave{
		{115, 5.0, 1.5}, // a leadership contest soon after the window opens
		{104, 2.0, 1.0}, // a snap general election
		{74, 1.5, 1.0},  // a winter general election
		{70, 2.5, 1.2},  // the leadership contest after it
		{19, 1.5, 1.5},  // a summer general election
		{5, 1.0, 1.0},   // a deputy leadership contest
	}
	// joinLull slows steady joining for two years after the leadership change.
	joinLull = wave{50, 0.5, 9}
	// lapseWaves are stretches when more members leave than usual:
	// disagreement with a new leadership, and a quieter one after the first surge.
	lapseWaves = []wave{
		{52, 8.0, 7},
		{92, 2.0, 4},
	}
)

// curve is a cumulative weight per month, index 0 being the oldest month
// of the window (joinWindowMonths-1 months ago) and the last this month.
type curve []float64

func newCurve(weight func(ago int) float64) curve {
	c := make(curve, joinWindowMonths)
	total := 0.0
	for i := range c {
		total += weight(joinWindowMonths - 1 - i)
		c[i] = total
	}
	return c
}

// pick draws a month, as months ago, between maxAgo-1 and minAgo, in
// proportion to the curve.
func (c curve) pick(r *rand.Rand, minAgo, maxAgo int) int {
	lo, hi := joinWindowMonths-min(maxAgo, joinWindowMonths), joinWindowMonths-1-minAgo
	base := 0.0
	if lo > 0 {
		base = c[lo-1]
	}
	x := base + r.Float64()*(c[hi]-base)
	i, _ := slices.BinarySearch(c[lo:hi+1], x)
	return joinWindowMonths - 1 - min(lo+i, hi)
}

type curves struct {
	joins      curve
	lapseRate  []float64 // by months ago: how readily members lapse that month
	surgeShare []float64 // by months ago: the share of that month's joiners who came in a surge
}

func newCurves() *curves {
	c := &curves{surgeShare: make([]float64, joinWindowMonths), lapseRate: make([]float64, joinWindowMonths)}
	steady := func(ago int) float64 {
		growth := 1 + 0.5*float64(joinWindowMonths-1-ago)/float64(joinWindowMonths-1)
		return growth * (1 - joinLull.at(ago))
	}
	c.joins = newCurve(func(ago int) float64 {
		surge := 0.0
		for _, s := range joinSurges {
			surge += s.at(ago)
		}
		c.surgeShare[ago] = surge / (steady(ago) + surge)
		return steady(ago) + surge
	})
	for ago := range c.lapseRate {
		c.lapseRate[ago] = 1
		for _, l := range lapseWaves {
			c.lapseRate[ago] += l.at(ago)
		}
	}
	return c
}

// lapseAfterMonths is how long a lapsing member typically stays: most
// leave in their first few years.
const lapseAfterMonths = 30

// pickLapse draws the month a lapsing member leaves, from three months
// after joining on, weighing the lapse waves against the time since they
// joined. Months after today count too: a member who would leave then is
// still a member now, and pickLapse returns the zero time.
func (b *builder) pickLapse(r *rand.Rand, c *curves, startAgo int) time.Time {
	var weights [joinWindowMonths]float64
	total := 0.0
	for k := 3; k < joinWindowMonths; k++ {
		w := math.Exp(-float64(k) / lapseAfterMonths)
		if ago := startAgo - k; ago >= 0 {
			w *= c.lapseRate[ago]
		}
		total += w
		weights[k] = total
	}
	k, _ := slices.BinarySearch(weights[:], r.Float64()*total)
	ago := startAgo - k
	if ago < 0 {
		return time.Time{}
	}
	return b.dayInMonth(r, b.monthStart(ago))
}

// pickLapseInWindow draws a lapse month for a long-standing member, for
// whom only the waves matter.
func (b *builder) pickLapseInWindow(r *rand.Rand, c *curves) time.Time {
	total := 0.0
	for _, w := range c.lapseRate {
		total += w
	}
	x := r.Float64() * total
	for ago, w := range c.lapseRate {
		if x -= w; x < 0 {
			return b.dayInMonth(r, b.monthStart(ago))
		}
	}
	return b.dayInMonth(r, b.monthStart(0))
}
