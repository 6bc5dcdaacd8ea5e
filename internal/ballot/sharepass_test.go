package ballot

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealShareRoundTrip(t *testing.T) {
	s := Share{Index: 4, Data: bytes.Repeat([]byte{0x3c}, 32)}
	for _, pass := range []string{
		"correct horse battery staple",
		"exactly12chr",
		"ééééééééééééé", // 13 characters, 26 bytes
		"  spaces count too  ",
	} {
		sealed, err := SealShare(s, 8, pass)
		if err != nil {
			t.Fatalf("SealShare with a %d-byte passphrase: %v", len(pass), err)
		}
		if bytes.Contains(sealed, s.Data) {
			t.Fatal("sealed share contains the share in clear")
		}
		got, err := OpenShare(sealed, 8, pass)
		if err != nil {
			t.Fatalf("OpenShare with a %d-byte passphrase: %v", len(pass), err)
		}
		if got.Index != s.Index || !bytes.Equal(got.Data, s.Data) {
			t.Fatal("opened share differs from the sealed one")
		}
	}
}

func TestSealShareIsRandomised(t *testing.T) {
	s := Share{Index: 1, Data: make([]byte, 32)}
	a, err := SealShare(s, 1, "a passphrase of some length")
	if err != nil {
		t.Fatal(err)
	}
	b, err := SealShare(s, 1, "a passphrase of some length")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two seals of one share are equal")
	}
}

func TestOpenShareRefuses(t *testing.T) {
	const pass = "correct horse battery staple"
	s := Share{Index: 2, Data: bytes.Repeat([]byte{9}, 32)}
	sealed, err := SealShare(s, 8, pass)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	for _, tc := range []struct {
		name       string
		sealed     []byte
		electionID int64
		pass       string
		want       error
	}{
		{"wrong passphrase", sealed, 8, "correct horse battery stapler", ErrWrongPassphrase},
		{"case matters", sealed, 8, "Correct horse battery staple", ErrWrongPassphrase},
		{"short passphrase", sealed, 8, "short", ErrWrongPassphrase},
		{"other election", sealed, 9, pass, ErrBadShare},
		{"version changed", flip(0), 8, pass, ErrBadShare},
		{"election changed", flip(8), 8, pass, ErrBadShare},
		{"salt changed", flip(10), 8, pass, ErrWrongPassphrase},
		{"nonce changed", flip(30), 8, pass, ErrWrongPassphrase},
		{"ciphertext changed", flip(sealedHeaderLen + 3), 8, pass, ErrWrongPassphrase},
		{"tag changed", flip(len(sealed) - 1), 8, pass, ErrWrongPassphrase},
		{"truncated", sealed[:len(sealed)-1], 8, pass, ErrWrongPassphrase},
		{"too short", sealed[:sealedHeaderLen+2], 8, pass, ErrBadShare},
		{"empty", nil, 8, pass, ErrBadShare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := OpenShare(tc.sealed, tc.electionID, tc.pass); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSealShareRefuses(t *testing.T) {
	good := Share{Index: 1, Data: make([]byte, 32)}
	for _, tc := range []struct {
		name string
		s    Share
		pass string
		want error
	}{
		{"11 characters", good, "elevenchars", ErrWeakPassphrase},
		{"11 accented characters", good, "ééééééééééé", ErrWeakPassphrase},
		{"empty passphrase", good, "", ErrWeakPassphrase},
		{"huge passphrase", good, string(make([]byte, MaxPassphraseLen+1)), ErrWeakPassphrase},
		{"index 0", Share{Data: make([]byte, 32)}, "long enough passphrase", ErrBadShare},
		{"no data", Share{Index: 1}, "long enough passphrase", ErrBadShare},
	} {
		if _, err := SealShare(tc.s, 1, tc.pass); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}
