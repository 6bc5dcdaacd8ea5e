package ballot

import (
	"bytes"
	"crypto/hpke"
	"errors"
	"slices"
	"strings"
	"testing"
)

// fuzzKey is a fixed election key, so corpus entries stay meaningful from
// one fuzzing run to the next. It is a test key and protects nothing.
func fuzzKey(tb testing.TB) ElectionKey {
	tb.Helper()
	sk, err := hpke.MLKEM768X25519().DeriveKeyPair([]byte("quorum ballot fuzzing key, not a secret"))
	if err != nil {
		tb.Fatal(err)
	}
	priv, err := sk.Bytes()
	if err != nil {
		tb.Fatal(err)
	}
	return ElectionKey{Public: sk.PublicKey().Bytes(), Private: priv}
}

func FuzzParseTracker(f *testing.F) {
	var tr Tracker
	copy(tr[:], "0123456789abcdef")
	for _, s := range []string{
		tr.String(), strings.ToLower(tr.String()), strings.ReplaceAll(tr.String(), "-", ""),
		"", "----", "0000 0000 0000 0000 0000 0000 023C", "O0Il-", "ü", strings.Repeat("Z", 28),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTracker(s)
		if err != nil {
			if !errors.Is(err, ErrBadTracker) {
				t.Fatalf("error %v is not ErrBadTracker", err)
			}
			return
		}
		again, err := ParseTracker(got.String())
		if err != nil || again != got {
			t.Fatalf("a parsed tracker does not survive String and ParseTracker (%v)", err)
		}
	})
}

func FuzzDecodeShareFile(f *testing.F) {
	k := fuzzKey(f)
	for _, s := range []Share{{Index: 1, Data: bytes.Repeat([]byte{1}, 32)}, {Index: 255, Data: []byte{0}}} {
		good := EncodeShareFile(s, 42, k.Public)
		f.Add(good)
		f.Add(bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n")))
	}
	f.Add([]byte("-----BEGIN QUORUM BALLOT KEY SHARE-----\nVersion: 1\n\n-----END QUORUM BALLOT KEY SHARE-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, id, fp, err := DecodeShareFile(b)
		if err != nil {
			if !errors.Is(err, ErrBadShare) {
				t.Fatalf("error %v is not ErrBadShare", err)
			}
			return
		}
		if s.Index == 0 || len(s.Data) == 0 || len(s.Data) > MaxSecretLen || !isLowerHex(fp, 16) {
			t.Fatalf("accepted a share with index %d, %d bytes, fingerprint of %d", s.Index, len(s.Data), len(fp))
		}
		// What was accepted re-encodes to a file that decodes the same.
		again := EncodeShareFile(s, id, k.Public)
		if fp == Fingerprint(k.Public) {
			s2, id2, _, err := DecodeShareFile(again)
			if err != nil || id2 != id || s2.Index != s.Index || !bytes.Equal(s2.Data, s.Data) {
				t.Fatalf("re-encoded share does not decode the same (%v)", err)
			}
		}
	})
}

func FuzzOpenShare(f *testing.F) {
	const pass = "fuzzing passphrase"
	sealed, err := SealShare(Share{Index: 3, Data: bytes.Repeat([]byte{7}, 32)}, 5, pass)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed, int64(5), pass)
	f.Add(sealed, int64(6), pass)
	f.Add(sealed[:60], int64(5), pass)
	f.Add([]byte{1}, int64(0), "")
	f.Fuzz(func(t *testing.T, b []byte, electionID int64, passphrase string) {
		s, err := OpenShare(b, electionID, passphrase)
		if err != nil {
			if !errors.Is(err, ErrBadShare) && !errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("error %v is neither ErrBadShare nor ErrWrongPassphrase", err)
			}
			return
		}
		// Seeds are sealed afresh in every fuzzing process (new salt), so
		// check what opened rather than the exact bytes.
		if electionID != 5 || passphrase != pass || s.Index != 3 || !bytes.Equal(s.Data, bytes.Repeat([]byte{7}, 32)) {
			t.Fatal("a sealed share opened that was never sealed")
		}
	})
}

func FuzzOpen(f *testing.F) {
	k := fuzzKey(f)
	o, err := NewOpener(k.Private)
	if err != nil {
		f.Fatal(err)
	}
	var tr Tracker
	copy(tr[:], "fuzzing tracker!")
	env, err := Seal(k.Public, 77, Ballot{Ranking: []int64{3, 1, 2}, Tracker: tr})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(env, int64(77))
	f.Add(env, int64(78))
	f.Add(env[:envelopeHeaderLen+encapsulatedLen], int64(77))
	f.Add([]byte{}, int64(0))
	f.Fuzz(func(t *testing.T, b []byte, electionID int64) {
		got, err := o.Open(electionID, b)
		if err != nil {
			if !errors.Is(err, ErrBadEnvelope) {
				t.Fatalf("error %v is not ErrBadEnvelope", err)
			}
			return
		}
		// Seeds are sealed afresh in every fuzzing process, so check what
		// opened rather than the exact bytes.
		if electionID != 77 || got.Tracker != tr || !slices.Equal(got.Ranking, []int64{3, 1, 2}) {
			t.Fatal("an envelope opened that was never sealed")
		}
	})
}

// The plaintext parser sits behind the AEAD, so FuzzOpen cannot reach it;
// a browser-side sealer will produce plaintexts, so fuzz it directly: it
// must not panic, and what it accepts must be the one canonical encoding.
func FuzzDecodeBallot(f *testing.F) {
	var tr Tracker
	copy(tr[:], "fuzzing tracker!")
	for _, b := range []Ballot{{Tracker: tr}, {Ranking: []int64{-1, 5, 1 << 40}, Tracker: tr}, {Ranking: ranking(65), Tracker: tr}} {
		p, err := encodeBallot(b, 0)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p)
	}
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, p []byte) {
		b, err := decodeBallot(p)
		if err != nil {
			if !errors.Is(err, ErrBadEnvelope) {
				t.Fatalf("error %v is not ErrBadEnvelope", err)
			}
			return
		}
		again, err := encodeBallot(b, (len(p)-plaintextFixedLen)/8)
		if err != nil || !bytes.Equal(again, p) {
			t.Fatalf("accepted plaintext is not canonical (%v)", err)
		}
	})
}

// FuzzCombine builds shares from arbitrary bytes: Combine must refuse or
// return a secret of the shares' length, never panic.
func FuzzCombine(f *testing.F) {
	f.Add([]byte{3, 4, 1, 9, 9, 9, 9, 2, 8, 8, 8, 8, 3, 7, 7, 7, 7})
	f.Add([]byte{2, 1, 1, 5, 1, 6})
	f.Add([]byte{2, 1, 0, 5, 1, 6})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 2 {
			return
		}
		count, size := int(b[0]), int(b[1])
		b = b[2:]
		var shares []Share
		for range count {
			if len(b) < 1+size {
				break
			}
			shares = append(shares, Share{Index: b[0], Data: b[1 : 1+size]})
			b = b[1+size:]
		}
		if len(b) > 0 && len(shares) > 0 { // a trailing share of another length
			shares = append(shares, Share{Index: b[0], Data: b[1:]})
		}
		secret, err := Combine(shares)
		if err != nil {
			if !errors.Is(err, ErrBadShare) && !errors.Is(err, ErrNotEnoughShares) {
				t.Fatalf("error %v is neither ErrBadShare nor ErrNotEnoughShares", err)
			}
			return
		}
		if len(secret) != len(shares[0].Data) {
			t.Fatalf("secret of %d bytes from shares of %d", len(secret), len(shares[0].Data))
		}
	})
}

// FuzzSplitCombine checks the round trip for arbitrary secrets and
// thresholds: the first k, the last k and all shares rebuild the secret.
func FuzzSplitCombine(f *testing.F) {
	f.Add([]byte("a secret"), byte(2), byte(3))
	f.Add(bytes.Repeat([]byte{0xff}, 32), byte(5), byte(9))
	f.Add([]byte{0}, byte(255), byte(255))
	f.Fuzz(func(t *testing.T, secret []byte, k, n byte) {
		shares, err := Split(secret, int(k), int(n))
		if err != nil {
			if k >= 2 && k <= n && len(secret) > 0 && len(secret) <= MaxSecretLen {
				t.Fatalf("refused a valid split: %v", err)
			}
			return
		}
		for _, set := range [][]Share{shares[:k], shares[int(n)-int(k):], shares} {
			got, err := Combine(set)
			if err != nil || !bytes.Equal(got, secret) {
				t.Fatalf("%d shares of a %d-of-%d split of %d bytes do not rebuild it (%v)", len(set), k, n, len(secret), err)
			}
		}
	})
}
