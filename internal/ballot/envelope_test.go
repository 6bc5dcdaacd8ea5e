package ballot

import (
	"bytes"
	"crypto/hpke"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"sync"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	k := mustKey(t)
	tests := []struct {
		name       string
		ranking    []int64
		candidates int // 0: Seal, otherwise SealPadded
		wantLen    int
	}{
		{"blank ballot", nil, 0, 1674},
		{"one preference", []int64{42}, 0, 1674},
		{"extreme ids", []int64{math.MinInt64, -1, 0, 1, math.MaxInt64}, 0, 1674},
		{"64 preferences", ranking(64), 0, 1674},
		{"65 preferences pads to 128", ranking(65), 0, 1674 + 8*64},
		{"1000 preferences", ranking(1000), 0, 1674 + 8*(1024-64)},
		{"padded to 100 candidates", []int64{3, 1}, 100, 1674 + 8*64},
		{"padded to 1000 candidates", ranking(5), 1000, 1674 + 8*(1024-64)},
		{"candidates fewer than preferences", ranking(70), 10, 1674 + 8*64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := Ballot{Ranking: tc.ranking, Tracker: mustTracker(t)}
			env, err := SealPadded(k.Public, 7, b, tc.candidates)
			if err != nil {
				t.Fatal(err)
			}
			if len(env) != tc.wantLen {
				t.Errorf("envelope is %d bytes, want %d", len(env), tc.wantLen)
			}
			got, err := Open(k.Private, 7, env)
			if err != nil {
				t.Fatal(err)
			}
			if got.Tracker != b.Tracker || !slices.Equal(got.Ranking, b.Ranking) {
				t.Fatalf("opened ballot differs from the sealed one (%d vs %d preferences)", len(got.Ranking), len(b.Ranking))
			}
		})
	}
}

// Every envelope of an election with up to 64 candidates has one length, so
// the length of a voter's envelope says nothing of their ranking.
func TestEnvelopeLengthIndependentOfRanking(t *testing.T) {
	k := mustKey(t)
	for n := 0; n <= 64; n++ {
		env := mustSeal(t, k.Public, 1, Ballot{Ranking: ranking(n), Tracker: mustTracker(t)})
		if len(env) != minEnvelopeLen {
			t.Fatalf("ranking of %d gives an envelope of %d bytes, want %d", n, len(env), minEnvelopeLen)
		}
	}
}

func TestEnvelopeHeaderIsDocumented(t *testing.T) {
	k := mustKey(t)
	env := mustSeal(t, k.Public, 1, Ballot{Tracker: mustTracker(t)})
	want := []byte{0x01, 0x64, 0x7a, 0x00, 0x01, 0x00, 0x03}
	if !bytes.Equal(env[:7], want) {
		t.Fatalf("header % x, want % x", env[:7], want)
	}
}

// A second implementation following the package comment (as browser-side
// sealing will) must produce envelopes Open accepts: seal one by hand.
func TestEnvelopeSpecificationByHand(t *testing.T) {
	k := mustKey(t)
	tr := mustTracker(t)
	pt := []byte{0x01}
	pt = append(pt, tr[:]...)
	pt = append(pt, 0x00, 0x02)                                        // two preferences
	pt = binary.BigEndian.AppendUint64(pt, 9)                          // first
	pt = binary.BigEndian.AppendUint64(pt, uint64(0xfffffffffffffffe)) // then -2
	pt = append(pt, make([]byte, 8*62)...)                             // padding to 64 slots
	header := []byte{0x01, 0x64, 0x7a, 0x00, 0x01, 0x00, 0x03}
	kem, kdf, aead := hpke.MLKEM768X25519(), hpke.HKDFSHA256(), hpke.ChaCha20Poly1305()
	pk, err := kem.NewPublicKey(k.Public)
	if err != nil {
		t.Fatal(err)
	}
	enc, s, err := hpke.NewSender(pk, kdf, aead, []byte("quorum ballot v1 election 314"))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := s.Seal(header, pt)
	if err != nil {
		t.Fatal(err)
	}
	env := append(append(header, enc...), ct...)
	got, err := Open(k.Private, 314, env)
	if err != nil {
		t.Fatalf("Open of a hand-made envelope: %v", err)
	}
	if got.Tracker != tr || !slices.Equal(got.Ranking, []int64{9, -2}) {
		t.Fatalf("hand-made envelope opened to a different ballot (%d preferences)", len(got.Ranking))
	}
	// And the package's own plaintext is byte for byte the same.
	mine, err := encodeBallot(Ballot{Ranking: []int64{9, -2}, Tracker: tr}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mine, pt) {
		t.Fatal("encodeBallot differs from the documented plaintext")
	}
}

func TestOpenRefusesOtherElectionOrKey(t *testing.T) {
	k := mustKey(t)
	other, err := NewElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	b := Ballot{Ranking: []int64{1, 2, 3}, Tracker: mustTracker(t)}
	tests := []struct {
		name      string
		sealID    int64
		openID    int64
		openKey   []byte
		wantError bool
	}{
		{"same election and key", 12, 12, k.Private, false},
		{"another election", 12, 13, k.Private, true},
		{"election 1 vs 11", 1, 11, k.Private, true},
		{"negative id", 5, -5, k.Private, true},
		{"another key", 12, 12, other.Private, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := mustSeal(t, k.Public, tc.sealID, b)
			_, err := Open(tc.openKey, tc.openID, env)
			if tc.wantError && !errors.Is(err, ErrBadEnvelope) {
				t.Fatalf("got %v, want ErrBadEnvelope", err)
			}
			if !tc.wantError && err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOpenRefusesTampering(t *testing.T) {
	k := mustKey(t)
	o, err := NewOpener(k.Private)
	if err != nil {
		t.Fatal(err)
	}
	env := mustSeal(t, k.Public, 3, Ballot{Ranking: []int64{4, 5}, Tracker: mustTracker(t)})
	for i := range env {
		for _, flip := range []byte{0x01, 0x80} {
			bad := bytes.Clone(env)
			bad[i] ^= flip
			if _, err := o.Open(3, bad); !errors.Is(err, ErrBadEnvelope) {
				t.Fatalf("byte %d flipped by %#x: got %v, want ErrBadEnvelope", i, flip, err)
			}
		}
	}
	for name, bad := range map[string][]byte{
		"empty":             nil,
		"header only":       env[:7],
		"truncated by one":  env[:len(env)-1],
		"extended by one":   append(bytes.Clone(env), 0),
		"extended by slots": append(bytes.Clone(env), make([]byte, 8*PadSlots)...),
		"too long":          make([]byte, maxEnvelopeLen+1),
	} {
		if _, err := o.Open(3, bad); !errors.Is(err, ErrBadEnvelope) {
			t.Errorf("%s: got %v, want ErrBadEnvelope", name, err)
		}
	}
}

func TestSealIsRandomised(t *testing.T) {
	k := mustKey(t)
	b := Ballot{Ranking: []int64{1, 2}, Tracker: mustTracker(t)}
	a := mustSeal(t, k.Public, 1, b)
	c := mustSeal(t, k.Public, 1, b)
	if bytes.Equal(a, c) {
		t.Fatal("two seals of the same ballot are equal")
	}
	if bytes.Equal(a[7:7+encapsulatedLen], c[7:7+encapsulatedLen]) {
		t.Fatal("two seals share an encapsulated key")
	}
}

func TestSealRefuses(t *testing.T) {
	k := mustKey(t)
	tr := mustTracker(t)
	tests := []struct {
		name       string
		pub        []byte
		b          Ballot
		candidates int
		wantKeyErr bool
	}{
		{"bad public key", k.Public[:100], Ballot{Tracker: tr}, 0, true},
		{"no public key", nil, Ballot{Tracker: tr}, 0, true},
		{"zero tracker", k.Public, Ballot{Ranking: []int64{1}}, 0, false},
		{"too many preferences", k.Public, Ballot{Ranking: ranking(MaxPreferences + 1), Tracker: tr}, 0, false},
		{"too many candidates", k.Public, Ballot{Tracker: tr}, MaxPreferences + 1, false},
		{"negative candidates", k.Public, Ballot{Tracker: tr}, -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SealPadded(tc.pub, 1, tc.b, tc.candidates)
			if err == nil {
				t.Fatal("sealed")
			}
			if tc.wantKeyErr != errors.Is(err, ErrBadKey) {
				t.Fatalf("got %v; want ErrBadKey: %v", err, tc.wantKeyErr)
			}
		})
	}
}

func TestOpenRefusesBadPrivateKey(t *testing.T) {
	k := mustKey(t)
	env := mustSeal(t, k.Public, 1, Ballot{Tracker: mustTracker(t)})
	if _, err := Open(k.Private[:31], 1, env); !errors.Is(err, ErrBadKey) {
		t.Fatalf("got %v, want ErrBadKey", err)
	}
}

// The plaintext parser is strict: exactly one encoding per ballot.
func TestDecodeBallotStrict(t *testing.T) {
	tr := mustTracker(t)
	good, err := encodeBallot(Ballot{Ranking: []int64{1, 2, 3}, Tracker: tr}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeBallot(good); err != nil {
		t.Fatalf("good plaintext: %v", err)
	}
	mutate := func(f func(p []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for name, p := range map[string][]byte{
		"empty":              nil,
		"version 2":          mutate(func(p []byte) []byte { p[0] = 2; return p }),
		"zero tracker":       mutate(func(p []byte) []byte { clear(p[1:17]); return p }),
		"non-zero padding":   mutate(func(p []byte) []byte { p[len(p)-1] = 1; return p }),
		"padding not 64":     mutate(func(p []byte) []byte { return p[:len(p)-8] }),
		"padding ragged":     mutate(func(p []byte) []byte { return p[:len(p)-1] }),
		"no slots":           mutate(func(p []byte) []byte { p[18] = 0; return p[:plaintextFixedLen] }),
		"count beyond slots": mutate(func(p []byte) []byte { p[17], p[18] = 0, 65; return p }),
		"count beyond max": mutate(func(p []byte) []byte {
			binary.BigEndian.PutUint16(p[17:], 1001)
			return append(p, make([]byte, 8*(1024-64))...)
		}),
		"slots beyond max":    append(bytes.Clone(good), make([]byte, 8*1024)...),
		"fixed part only":     good[:plaintextFixedLen],
		"shorter than header": good[:10],
	} {
		if _, err := decodeBallot(p); !errors.Is(err, ErrBadEnvelope) {
			t.Errorf("%s: got %v, want ErrBadEnvelope", name, err)
		}
	}
}

func TestSealerOpenerConcurrent(t *testing.T) {
	k := mustKey(t)
	o, err := NewOpener(k.Private)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSealer(k.Public)
	if err != nil {
		t.Fatal(err)
	}
	const n = 64
	envs := make([][]byte, n)
	want := make([]Ballot, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range envs {
		want[i] = Ballot{Ranking: []int64{int64(i), int64(i + 1)}, Tracker: mustTracker(t)}
		wg.Go(func() { envs[i], errs[i] = s.Seal(9, want[i]) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("sealing %d: %v", i, err)
		}
	}
	for i := range envs {
		wg.Go(func() {
			b, err := o.Open(9, envs[i])
			if err == nil && (b.Tracker != want[i].Tracker || !slices.Equal(b.Ranking, want[i].Ranking)) {
				err = errors.New("wrong ballot")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("envelope %d: %v", i, err)
		}
	}
}
