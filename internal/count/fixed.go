package count

import (
	"math/bits"
	"strconv"
	"strings"
)

// Fixed is an exact number of votes in units of 10^-Decimals, where Decimals
// belongs to the count (5 for Scottish STV, 9 for Meek, 0 otherwise). Counts
// never use floating point: the law counts in decimal and so do we.
type Fixed int64

// pow10 returns 10^d for the small d the methods use.
func pow10(d int) int64 {
	p := int64(1)
	for range d {
		p *= 10
	}
	return p
}

// mulDivFloor returns floor(a*b/c) for non-negative a, b and positive c,
// through a 128-bit product so large electorates cannot overflow.
func mulDivFloor(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		// The quotient would not fit in 64 bits; callers keep within MaxBallots so this is a bug.
		panic("count: fixed-point overflow")
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}

// mulDivCeil returns ceil(a*b/c) for non-negative a, b and positive c.
func mulDivCeil(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		panic("count: fixed-point overflow")
	}
	q, r := bits.Div64(hi, lo, uint64(c))
	if r != 0 {
		q++
	}
	return int64(q)
}

// FormatFixed writes v with exactly decimals places, e.g. 1407.36294.
func FormatFixed(v Fixed, decimals int) string {
	if decimals == 0 {
		return strconv.FormatInt(int64(v), 10)
	}
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := strconv.FormatUint(u, 10)
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	out := s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	if neg {
		out = "-" + out
	}
	return out
}
