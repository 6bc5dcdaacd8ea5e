package ballot

import (
	"bytes"
	"errors"
	"testing"
)

func TestNewElectionKey(t *testing.T) {
	k1, err := NewElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := NewElectionKey()
	if err != nil {
		t.Fatal(err)
	}
	if len(k1.Public) != PublicKeySize || len(k1.Private) != PrivateKeySize {
		t.Fatalf("key sizes %d/%d, want %d/%d", len(k1.Public), len(k1.Private), PublicKeySize, PrivateKeySize)
	}
	if bytes.Equal(k1.Private, k2.Private) || bytes.Equal(k1.Public, k2.Public) {
		t.Fatal("two new keys are equal")
	}
	if err := PublicKeyValid(k1.Public); err != nil {
		t.Fatalf("PublicKeyValid of a new key: %v", err)
	}
	pub, err := PublicFromPrivate(k1.Private)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pub, k1.Public) {
		t.Fatal("PublicFromPrivate does not give the key's public key")
	}
}

func TestPublicKeyValidRefuses(t *testing.T) {
	k := mustKey(t)
	// ML-KEM coefficients are 12 bits below q = 3329; all-ones bytes make
	// coefficients of 4095, which a canonical encoding cannot hold.
	nonCanonical := bytes.Clone(k.Public)
	for i := range 384 {
		nonCanonical[i] = 0xff
	}
	for name, pub := range map[string][]byte{
		"nil":           nil,
		"short":         k.Public[:PublicKeySize-1],
		"long":          append(bytes.Clone(k.Public), 0),
		"private key":   k.Private,
		"non-canonical": nonCanonical,
	} {
		t.Run(name, func(t *testing.T) {
			if err := PublicKeyValid(pub); !errors.Is(err, ErrBadKey) {
				t.Fatalf("got %v, want ErrBadKey", err)
			}
		})
	}
}

func TestPublicFromPrivateRefuses(t *testing.T) {
	for _, n := range []int{0, 1, 31, 33, 64} {
		if _, err := PublicFromPrivate(make([]byte, n)); !errors.Is(err, ErrBadKey) {
			t.Errorf("private key of %d bytes: got %v, want ErrBadKey", n, err)
		}
	}
}
