package ballot

import (
	"slices"
	"testing"
)

func TestShuffleIsPermutation(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 1000, 54321} {
		xs := make([]int, n)
		for i := range xs {
			xs[i] = i
		}
		if err := Shuffle(xs); err != nil {
			t.Fatal(err)
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		for i, v := range sorted {
			if v != i {
				t.Fatalf("size %d: not a permutation", n)
			}
		}
		if n >= 1000 && slices.IsSorted(xs) {
			t.Fatalf("size %d: left in order", n)
		}
	}
}

func TestShuffleGeneric(t *testing.T) {
	b := []Ballot{{Ranking: []int64{1}}, {Ranking: []int64{2}}, {Ranking: []int64{3}}}
	if err := Shuffle(b); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, x := range b {
		seen[x.Ranking[0]] = true
	}
	if len(seen) != 3 {
		t.Fatal("ballots lost in the shuffle")
	}
}

// All 24 orders of four items come out equally often: a chi-squared test
// with a threshold far in the tail (p < 1e-6 for 23 degrees of freedom), so
// it fails only for a biased shuffle.
func TestShuffleUniform(t *testing.T) {
	const rounds = 240000
	counts := map[[4]int]int{}
	for range rounds {
		xs := []int{0, 1, 2, 3}
		if err := Shuffle(xs); err != nil {
			t.Fatal(err)
		}
		counts[[4]int(xs)]++
	}
	if len(counts) != 24 {
		t.Fatalf("%d of 24 orders seen", len(counts))
	}
	expected := float64(rounds) / 24
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - expected
		chi2 += d * d / expected
	}
	if chi2 > 70 {
		t.Fatalf("chi-squared %.1f over 23 degrees of freedom: the shuffle is biased", chi2)
	}
}

func TestUniformBelow(t *testing.T) {
	u := newUniform()
	for _, n := range []uint64{1, 2, 3, 7, 1 << 32, 1<<63 + 1, ^uint64(0)} {
		for range 200 {
			v, err := u.below(n)
			if err != nil {
				t.Fatal(err)
			}
			if v >= n {
				t.Fatalf("below(%d) gave %d", n, v)
			}
		}
	}
}
