package ballot

import (
	"testing"
)

func BenchmarkNewElectionKey(b *testing.B) {
	for b.Loop() {
		if _, err := NewElectionKey(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	k := mustKey(b)
	ballot := Ballot{Ranking: ranking(10), Tracker: mustTracker(b)}
	for b.Loop() {
		if _, err := Seal(k.Public, 1, ballot); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen parses the private key at every call, as the package
// function Open does; BenchmarkOpenerOpen is the cost per envelope at the
// close, when one Opener opens them all.
func BenchmarkOpen(b *testing.B) {
	k := mustKey(b)
	env := mustSeal(b, k.Public, 1, Ballot{Ranking: ranking(10), Tracker: mustTracker(b)})
	for b.Loop() {
		if _, err := Open(k.Private, 1, env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenerOpen(b *testing.B) {
	k := mustKey(b)
	o, err := NewOpener(k.Private)
	if err != nil {
		b.Fatal(err)
	}
	env := mustSeal(b, k.Public, 1, Ballot{Ranking: ranking(10), Tracker: mustTracker(b)})
	for b.Loop() {
		if _, err := o.Open(1, env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	k := mustKey(b)
	for b.Loop() {
		if _, err := Split(k.Private, 3, 5); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCombine(b *testing.B) {
	k := mustKey(b)
	shares, err := Split(k.Private, 3, 5)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Combine(shares[:3]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecoverKey(b *testing.B) {
	k := mustKey(b)
	shares, err := Split(k.Private, 3, 5)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := RecoverKey(shares[:3], k.Public); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealShare(b *testing.B) {
	s := Share{Index: 1, Data: make([]byte, 32)}
	for b.Loop() {
		if _, err := SealShare(s, 1, "a trustee's passphrase"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLeafHash(b *testing.B) {
	tr := mustTracker(b)
	names := []string{"Alice Jones", "Bryn Evans", "Catrin Hughes", "Dafydd Price", "Eluned Morgan"}
	for b.Loop() {
		LeafHash(tr, names)
	}
}

func BenchmarkMerkleRoot1M(b *testing.B) {
	leaves := testLeaves(1_000_000)
	b.ResetTimer()
	for b.Loop() {
		MerkleRoot(leaves)
	}
}

func BenchmarkInclusionProof1M(b *testing.B) {
	leaves := testLeaves(1_000_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := InclusionProof(leaves, 777_777); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShuffle540k(b *testing.B) {
	xs := make([]int, 540_000)
	for b.Loop() {
		if err := Shuffle(xs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSealerSeal(b *testing.B) {
	k := mustKey(b)
	s, err := NewSealer(k.Public)
	if err != nil {
		b.Fatal(err)
	}
	ballot := Ballot{Ranking: ranking(10), Tracker: mustTracker(b)}
	for b.Loop() {
		if _, err := s.Seal(1, ballot); err != nil {
			b.Fatal(err)
		}
	}
}
