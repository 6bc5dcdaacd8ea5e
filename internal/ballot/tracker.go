package ballot

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
	"unicode"
)

// Tracker is a ballot's random 128-bit identifier. The voter sees it once,
// when casting, and finds their ballot by it on the bulletin board after the
// close. It is chosen at random, so it says nothing about the voter.
type Tracker [16]byte

// trackerAlphabet is Crockford's base32: digits and capitals without I, L, O
// and U, so no two symbols are confused when read aloud or off a screen.
const trackerAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// A tracker is written as 28 symbols: its 128 bits followed by a 12-bit
// check (the first bits of a SHA-256 of the tracker), 140 bits in all, in
// seven groups of four. The check catches a mistyped tracker (all but one in
// 4096) so the bulletin board can say "mistyped" rather than "not found".
const (
	trackerSymbols   = 28
	trackerGroup     = 4
	trackerMaxString = 256 // generous bound on input with separators
)

// NewTracker returns a fresh random tracker from crypto/rand.
func NewTracker() (Tracker, error) {
	var t Tracker
	if _, err := rand.Read(t[:]); err != nil {
		return Tracker{}, fmt.Errorf("ballot: tracker: %w", err)
	}
	return t, nil
}

// IsZero reports whether t is the zero tracker, which NewTracker never
// returns (in practice) and Seal refuses.
func (t Tracker) IsZero() bool { return t == Tracker{} }

func trackerCheck(t Tracker) uint16 {
	h := sha256.Sum256(append([]byte("quorum tracker v1 "), t[:]...))
	return uint16(h[0])<<4 | uint16(h[1])>>4
}

// trackerSymbolsOf returns the 140-bit string (tracker then check) as 5-bit symbols.
func trackerSymbolsOf(t Tracker) [trackerSymbols]byte {
	var bits [18]byte // 140 bits, left-aligned in 144
	copy(bits[:], t[:])
	c := trackerCheck(t)
	bits[16] = byte(c >> 4)
	bits[17] = byte(c << 4)
	var out [trackerSymbols]byte
	for i := range out {
		bit := 5 * i
		v := uint16(bits[bit/8])<<8 | uint16(bits[bit/8+1])
		out[i] = byte(v>>(11-bit%8)) & 0x1f
	}
	return out
}

// String returns the human form, e.g. "K7QF-2M9X-A4TC-0WRD-9HJB-NP3E-V6SY".
func (t Tracker) String() string {
	syms := trackerSymbolsOf(t)
	var sb strings.Builder
	sb.Grow(trackerSymbols + trackerSymbols/trackerGroup - 1)
	for i, s := range syms {
		if i > 0 && i%trackerGroup == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(trackerAlphabet[s])
	}
	return sb.String()
}

// trackerSymbolValue maps a typed character to its symbol value: case is
// ignored, and O, I and L are read as the digits they look like.
func trackerSymbolValue(r rune) (byte, bool) {
	switch r = unicode.ToUpper(r); r {
	case 'O':
		return 0, true
	case 'I', 'L':
		return 1, true
	}
	if r > unicode.MaxASCII {
		return 0, false
	}
	i := strings.IndexByte(trackerAlphabet, byte(r))
	if i < 0 {
		return 0, false
	}
	return byte(i), true
}

// ParseTracker reads a tracker as a voter may type it: any case, with or
// without spaces and hyphens (or other dashes) anywhere, O for 0 and I or L
// for 1. A mistyped tracker fails its check and returns ErrBadTracker.
func ParseTracker(s string) (Tracker, error) {
	if len(s) > trackerMaxString {
		return Tracker{}, fmt.Errorf("%w: too long", ErrBadTracker)
	}
	var syms [trackerSymbols]byte
	n := 0
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			continue
		}
		v, ok := trackerSymbolValue(r)
		if !ok {
			return Tracker{}, fmt.Errorf("%w: %q is not a tracker character", ErrBadTracker, r)
		}
		if n == trackerSymbols {
			return Tracker{}, fmt.Errorf("%w: more than %d characters", ErrBadTracker, trackerSymbols)
		}
		syms[n] = v
		n++
	}
	if n != trackerSymbols {
		return Tracker{}, fmt.Errorf("%w: %d characters, want %d", ErrBadTracker, n, trackerSymbols)
	}
	var bits [18]byte
	for i, v := range syms {
		bit := 5 * i
		w := uint16(v) << (11 - bit%8)
		bits[bit/8] |= byte(w >> 8)
		bits[bit/8+1] |= byte(w)
	}
	var t Tracker
	copy(t[:], bits[:16])
	got := uint16(bits[16])<<4 | uint16(bits[17])>>4
	if got != trackerCheck(t) {
		return Tracker{}, fmt.Errorf("%w: the check does not match (a character is mistyped)", ErrBadTracker)
	}
	return t, nil
}
