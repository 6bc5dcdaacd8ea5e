package ballot

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

// slowMul is GF(2^8) multiplication from the definition: carry-less
// product, then reduction by x^8+x^4+x^3+x+1.
func slowMul(a, b byte) byte {
	var p uint16
	for i := range 8 {
		if b>>i&1 == 1 {
			p ^= uint16(a) << i
		}
	}
	for i := 15; i >= 8; i-- {
		if p>>i&1 == 1 {
			p ^= 0x11b << (i - 8)
		}
	}
	return byte(p)
}

func TestGF256(t *testing.T) {
	// FIPS 197 section 4.2 examples.
	for _, tc := range []struct{ a, b, want byte }{
		{0x57, 0x83, 0xc1}, {0x57, 0x13, 0xfe}, {0x53, 0xca, 0x01}, {0x57, 0x02, 0xae},
	} {
		if got := gfMul(tc.a, tc.b); got != tc.want {
			t.Errorf("%#x·%#x = %#x, want %#x", tc.a, tc.b, got, tc.want)
		}
	}
	for a := range 256 {
		for b := range 256 {
			if got, want := gfMul(byte(a), byte(b)), slowMul(byte(a), byte(b)); got != want {
				t.Fatalf("%#x·%#x = %#x, want %#x", a, b, got, want)
			}
		}
		if a != 0 && gfMul(byte(a), gfInv(byte(a))) != 1 {
			t.Fatalf("inverse of %#x is wrong", a)
		}
	}
	if gfInv(0) != 0 {
		t.Fatal("gfInv(0) is not 0")
	}
}

// subsets calls f with every size-k subset of 0..n-1.
func subsets(n, k int, f func([]int)) {
	idx := make([]int, k)
	var rec func(start, depth int)
	rec = func(start, depth int) {
		if depth == k {
			f(idx)
			return
		}
		for i := start; i <= n-(k-depth); i++ {
			idx[depth] = i
			rec(i+1, depth+1)
		}
	}
	rec(0, 0)
}

func pick(shares []Share, idx []int) []Share {
	out := make([]Share, len(idx))
	for i, j := range idx {
		out[i] = shares[j]
	}
	return out
}

func TestSplitCombine(t *testing.T) {
	for _, tc := range []struct{ k, n, secretLen int }{
		{2, 2, 32}, {2, 3, 32}, {3, 3, 32}, {2, 5, 1}, {3, 5, 32}, {4, 7, 17},
		{5, 9, 32}, {7, 12, 32}, {10, 12, 64}, {2, 255, 32}, {255, 255, 32}, {17, 20, 3},
	} {
		secret := make([]byte, tc.secretLen)
		rand.Read(secret)
		shares, err := Split(secret, tc.k, tc.n)
		if err != nil {
			t.Fatalf("Split %d of %d: %v", tc.k, tc.n, err)
		}
		if len(shares) != tc.n {
			t.Fatalf("Split %d of %d gave %d shares", tc.k, tc.n, len(shares))
		}
		for i, s := range shares {
			if s.Index != byte(i+1) || len(s.Data) != tc.secretLen {
				t.Fatalf("share %d has index %d and length %d", i, s.Index, len(s.Data))
			}
		}
		rebuilt := 0
		subsets(tc.n, tc.k, func(idx []int) {
			got, err := Combine(pick(shares, idx))
			if err != nil {
				t.Fatalf("%d of %d, shares %v: %v", tc.k, tc.n, idx, err)
			}
			if !bytes.Equal(got, secret) {
				t.Fatalf("%d of %d, shares %v: wrong secret", tc.k, tc.n, idx)
			}
			rebuilt++
		})
		// More shares than the threshold rebuild it too.
		if got, err := Combine(shares); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("%d of %d, all shares: wrong secret (%v)", tc.k, tc.n, err)
		}
		// Fewer do not (a 1-byte secret may come out right by chance, 1 in 256).
		short := 0
		if tc.k > 2 && tc.secretLen > 1 {
			subsets(tc.n, tc.k-1, func(idx []int) {
				if short > 2000 {
					return
				}
				short++
				got, err := Combine(pick(shares, idx))
				if err != nil {
					t.Fatalf("%d of %d, %d shares: %v", tc.k, tc.n, tc.k-1, err)
				}
				if bytes.Equal(got, secret) {
					t.Fatalf("%d of %d: %d shares %v rebuilt the secret", tc.k, tc.n, tc.k-1, idx)
				}
			})
		}
		if tc.k == 2 {
			if _, err := Combine(shares[:1]); !errors.Is(err, ErrNotEnoughShares) {
				t.Fatalf("one share: got %v, want ErrNotEnoughShares", err)
			}
		}
		t.Logf("%d of %d, %d-byte secret: %d subsets rebuilt it, %d smaller ones did not", tc.k, tc.n, tc.secretLen, rebuilt, short)
	}
}

// With k-1 shares every secret stays possible, and equally likely: for a
// 1-byte secret, enumerate every choice of random coefficients and check
// that the k-1 shares take every value tuple equally often whatever the
// secret. So k-1 shares carry no information about it.
func TestSplitKMinusOneSharesRevealNothing(t *testing.T) {
	for _, tc := range []struct {
		k, n   int
		subset []int // which k-1 shares the adversary holds
	}{
		{2, 3, []int{0}},
		{2, 3, []int{2}},
		{3, 3, []int{0, 2}}, // 2^16 coefficient pairs: a few seconds
	} {
		if tc.k > 2 && testing.Short() {
			continue
		}
		ncoeff := tc.k - 1
		combos := 1 << (8 * ncoeff)
		// One split of a 256-byte secret holding every value 0..255, each
		// byte with the same coefficients, covers all secrets at once.
		secrets := make([]byte, 256)
		for v := range secrets {
			secrets[v] = byte(v)
		}
		coeffs := make([]byte, 256*ncoeff)
		hist := make([][]int, 256) // per secret, count of each share tuple
		for v := range hist {
			hist[v] = make([]int, 1<<(8*len(tc.subset)))
		}
		for c := range combos {
			for v := range 256 {
				for j := range ncoeff {
					coeffs[v*ncoeff+j] = byte(c >> (8 * j))
				}
			}
			shares := splitWith(secrets, tc.k, tc.n, coeffs)
			for v := range 256 {
				key := 0
				for _, i := range tc.subset {
					key = key<<8 | int(shares[i].Data[v])
				}
				hist[v][key]++
			}
		}
		for secret, h := range hist {
			for tuple, count := range h {
				if count != combos/len(h) {
					t.Fatalf("%d of %d, secret %d: share tuple %d occurs %d times, want %d", tc.k, tc.n, secret, tuple, count, combos/len(h))
				}
			}
		}
	}
}

// The same property from the other side: given the k-1 shares of a real
// split, for every value v there is a k-th share with which they combine to v.
func TestKMinusOneSharesConsistentWithEverySecret(t *testing.T) {
	shares, err := Split([]byte{0x5a}, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	held := shares[:2]
	for v := range 256 {
		found := false
		for y := range 256 {
			got, err := Combine([]Share{held[0], held[1], {Index: 5, Data: []byte{byte(y)}}})
			if err != nil {
				t.Fatal(err)
			}
			if got[0] == byte(v) {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("no third share makes the held two combine to %d", v)
		}
	}
}

func TestSplitIsRandomised(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	a, err := Split(secret, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Split(secret, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a[0].Data, b[0].Data) {
		t.Fatal("two splits of one secret gave the same share")
	}
	for _, s := range a {
		if bytes.Equal(s.Data, secret) {
			t.Fatal("a share equals the secret")
		}
	}
}

func TestSplitRefuses(t *testing.T) {
	secret := make([]byte, 32)
	for _, tc := range []struct {
		name   string
		secret []byte
		k, n   int
	}{
		{"k = 1", secret, 1, 3},
		{"k = 0", secret, 0, 3},
		{"k > n", secret, 4, 3},
		{"n > 255", secret, 2, 256},
		{"negative", secret, -1, -1},
		{"empty secret", nil, 2, 3},
		{"huge secret", make([]byte, MaxSecretLen+1), 2, 3},
	} {
		if _, err := Split(tc.secret, tc.k, tc.n); err == nil {
			t.Errorf("%s: split", tc.name)
		}
	}
}

func TestCombineRefuses(t *testing.T) {
	shares, err := Split(make([]byte, 32), 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	short := Share{Index: 3, Data: shares[2].Data[:31]}
	for _, tc := range []struct {
		name   string
		shares []Share
		want   error
	}{
		{"none", nil, ErrNotEnoughShares},
		{"one", shares[:1], ErrNotEnoughShares},
		{"duplicate", []Share{shares[0], shares[1], shares[0]}, ErrBadShare},
		{"same index, other data", []Share{shares[0], {Index: 1, Data: shares[1].Data}}, ErrBadShare},
		{"index 0", []Share{shares[0], {Index: 0, Data: shares[1].Data}}, ErrBadShare},
		{"lengths differ", []Share{shares[0], short}, ErrBadShare},
		{"empty data", []Share{{Index: 1}, {Index: 2}}, ErrBadShare},
	} {
		if _, err := Combine(tc.shares); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestRecoverKey(t *testing.T) {
	k, err := NewElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	shares, err := Split(k.Private, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	otherShares, err := Split(other.Private, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := Share{Index: shares[1].Index, Data: bytes.Clone(shares[1].Data)}
	corrupt.Data[5] ^= 1
	for _, tc := range []struct {
		name   string
		shares []Share
		want   error
	}{
		{"threshold", []Share{shares[4], shares[0], shares[2]}, nil},
		{"all", shares, nil},
		{"below threshold", shares[:2], ErrBadShare},
		{"one corrupted", []Share{shares[0], corrupt, shares[2]}, ErrBadShare},
		{"one from another election", []Share{shares[0], otherShares[1], shares[2]}, ErrBadShare},
		{"only one", shares[:1], ErrNotEnoughShares},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RecoverKey(tc.shares, k.Public)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.want == nil && !bytes.Equal(got, k.Private) {
				t.Fatal("RecoverKey returned another key")
			}
			if tc.want != nil && got != nil {
				t.Fatal("RecoverKey returned a key with an error")
			}
		})
	}
}

func TestShareDigest(t *testing.T) {
	shares, err := Split(bytes.Repeat([]byte{1}, 32), 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	d := ShareDigest(5, shares[0])
	if len(d) != 64 || d != ShareDigest(5, shares[0]) {
		t.Fatalf("digest of length %d is not stable", len(d))
	}
	flipped := Share{Index: shares[0].Index, Data: bytes.Clone(shares[0].Data)}
	flipped.Data[31] ^= 0x80
	for name, other := range map[string]string{
		"other election": ShareDigest(6, shares[0]),
		"other share":    ShareDigest(5, shares[1]),
		"other index":    ShareDigest(5, Share{Index: 2, Data: shares[0].Data}),
		"flipped bit":    ShareDigest(5, flipped),
	} {
		if other == d {
			t.Errorf("%s: same digest", name)
		}
	}
}
