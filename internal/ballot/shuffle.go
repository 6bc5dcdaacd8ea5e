package ballot

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Shuffle puts xs in a uniformly random order (Fisher–Yates) drawing on
// crypto/rand, so the order in which opened ballots are stored reveals
// nothing about the order in which they were cast.
func Shuffle[T any](xs []T) error {
	r := newUniform()
	for i := len(xs) - 1; i > 0; i-- {
		j, err := r.below(uint64(i) + 1)
		if err != nil {
			return fmt.Errorf("ballot: shuffle: %w", err)
		}
		xs[i], xs[j] = xs[j], xs[i]
	}
	return nil
}

// uniform draws unbiased integers from crypto/rand, reading it in blocks
// so a shuffle of half a million ballots is not half a million reads.
type uniform struct {
	buf [4096]byte
	pos int
}

func newUniform() *uniform { return &uniform{pos: 4096} }

func (u *uniform) uint64() (uint64, error) {
	if u.pos+8 > len(u.buf) {
		if _, err := rand.Read(u.buf[:]); err != nil {
			return 0, err
		}
		u.pos = 0
	}
	v := binary.LittleEndian.Uint64(u.buf[u.pos:])
	clear(u.buf[u.pos : u.pos+8])
	u.pos += 8
	return v, nil
}

// below returns a uniform integer in [0, n), n > 0, by Lemire's
// multiply-and-reject method: exact, with rare rejections.
func (u *uniform) below(n uint64) (uint64, error) {
	v, err := u.uint64()
	if err != nil {
		return 0, err
	}
	hi, lo := bits.Mul64(v, n)
	if lo < n {
		threshold := -n % n // 2^64 mod n
		for lo < threshold {
			if v, err = u.uint64(); err != nil {
				return 0, err
			}
			hi, lo = bits.Mul64(v, n)
		}
	}
	return hi, nil
}
