package ballot

import (
	"crypto/hpke"
	"fmt"
)

// The HPKE suite of envelope version 1. The KEM is the post-quantum hybrid
// ML-KEM-768 + X25519 (X-Wing) because a ballot must stay secret for decades,
// long after a quantum computer might break X25519 alone.
func suiteKEM() hpke.KEM   { return hpke.MLKEM768X25519() }
func suiteKDF() hpke.KDF   { return hpke.HKDFSHA256() }
func suiteAEAD() hpke.AEAD { return hpke.ChaCha20Poly1305() }

// Sizes of the serialized keys of the suite (draft-ietf-hpke-pq): the private
// key is the 32-byte seed from which both halves are derived, which is what
// Shamir splits among the trustees.
const (
	PublicKeySize  = 1216
	PrivateKeySize = 32
)

// ElectionKey is the key pair of one election, serialized as RFC 9180
// SerializePublicKey / SerializePrivateKey of the suite. The server stores
// Public only; Private is split among the trustees with Split and then
// cleared (clear(k.Private)) — it is never written anywhere.
type ElectionKey struct {
	Public, Private []byte
}

// NewElectionKey makes a fresh key pair from crypto/rand.
func NewElectionKey() (ElectionKey, error) {
	sk, err := suiteKEM().GenerateKey()
	if err != nil {
		return ElectionKey{}, fmt.Errorf("ballot: generating the election key: %w", err)
	}
	priv, err := sk.Bytes()
	if err != nil {
		return ElectionKey{}, fmt.Errorf("ballot: serializing the election key: %w", err)
	}
	return ElectionKey{Public: sk.PublicKey().Bytes(), Private: priv}, nil
}

// PublicKeyValid reports whether pub is a well-formed public key of the suite,
// so a key can be checked once when it is stored rather than at every cast.
func PublicKeyValid(pub []byte) error {
	_, err := parsePublic(pub)
	return err
}

// PublicFromPrivate derives the public key from a private key. After the
// trustees' shares are combined, comparing the result with the stored
// public key proves the rebuilt key is the election's.
func PublicFromPrivate(private []byte) ([]byte, error) {
	sk, err := parsePrivate(private)
	if err != nil {
		return nil, err
	}
	return sk.PublicKey().Bytes(), nil
}

func parsePublic(pub []byte) (hpke.PublicKey, error) {
	if len(pub) != PublicKeySize {
		return nil, fmt.Errorf("%w: public key is %d bytes, want %d", ErrBadKey, len(pub), PublicKeySize)
	}
	pk, err := suiteKEM().NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: public key: %v", ErrBadKey, err)
	}
	return pk, nil
}

func parsePrivate(private []byte) (hpke.PrivateKey, error) {
	if len(private) != PrivateKeySize {
		return nil, fmt.Errorf("%w: private key is %d bytes, want %d", ErrBadKey, len(private), PrivateKeySize)
	}
	sk, err := suiteKEM().NewPrivateKey(private)
	if err != nil {
		// The underlying error cannot hold key bytes, but say nothing more anyway.
		return nil, fmt.Errorf("%w: private key rejected", ErrBadKey)
	}
	return sk, nil
}
