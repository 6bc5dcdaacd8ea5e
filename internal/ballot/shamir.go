package ballot

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Share is one trustee's share of a secret split with Split. Index is the
// x-coordinate (1..255) at which every byte's polynomial was evaluated; Data
// holds the evaluations, one byte per byte of the secret.
type Share struct {
	Index byte
	Data  []byte
}

// MaxSecretLen bounds what Split and the share formats accept; an election
// key is PrivateKeySize bytes.
const MaxSecretLen = 1024

// Split splits secret into n shares of which any k rebuild it and any k-1
// reveal nothing: each byte of the secret is the constant term of its own
// random polynomial of degree k-1 over GF(2^8), whose other coefficients
// come from crypto/rand, and share i holds every polynomial's value at x=i.
//
// It requires 2 <= k <= n <= 255. k = 1 is refused: every share would then
// be the secret itself, which is no sharing at all, and one trustee could
// open every ballot alone.
func Split(secret []byte, k, n int) ([]Share, error) {
	if k < 2 || k > n || n > 255 {
		return nil, fmt.Errorf("ballot: cannot split %d of %d: need 2 <= k <= n <= 255", k, n)
	}
	if len(secret) == 0 || len(secret) > MaxSecretLen {
		return nil, fmt.Errorf("ballot: secret length %d is outside 1..%d", len(secret), MaxSecretLen)
	}
	// coeffs[i*(k-1)+j] is the coefficient of x^(j+1) for byte i.
	coeffs := make([]byte, len(secret)*(k-1))
	defer clear(coeffs)
	if _, err := rand.Read(coeffs); err != nil {
		return nil, fmt.Errorf("ballot: split: %w", err)
	}
	return splitWith(secret, k, n, coeffs), nil
}

// splitWith evaluates the polynomials with the given coefficients (the
// randomness of Split, separated so tests can enumerate every choice).
func splitWith(secret []byte, k, n int, coeffs []byte) []Share {
	shares := make([]Share, n)
	for s := range shares {
		x := byte(s + 1)
		data := make([]byte, len(secret))
		for i, c0 := range secret {
			c := coeffs[i*(k-1) : (i+1)*(k-1)]
			// Horner's rule from the highest coefficient down.
			y := byte(0)
			for j := len(c) - 1; j >= 0; j-- {
				y = gfMul(y, x) ^ c[j]
			}
			data[i] = gfMul(y, x) ^ c0
		}
		shares[s] = Share{Index: x, Data: data}
	}
	return shares
}

// Combine rebuilds a secret by Lagrange interpolation at x = 0 from exactly
// the shares given. It refuses fewer than two shares, an index of 0,
// repeated indices and shares of different lengths, but it cannot tell a
// wrong share, or fewer shares than the threshold, from right ones: it then
// returns a wrong secret. Use RecoverKey for an election key, which checks
// the result against the public key, and ShareDigest to name a wrong share.
func Combine(shares []Share) ([]byte, error) {
	if len(shares) < 2 {
		return nil, fmt.Errorf("%w: %d given, at least 2 are needed", ErrNotEnoughShares, len(shares))
	}
	size := len(shares[0].Data)
	var seen [256]bool
	for _, s := range shares {
		switch {
		case s.Index == 0:
			return nil, fmt.Errorf("%w: share index 0", ErrBadShare)
		case seen[s.Index]:
			return nil, fmt.Errorf("%w: share %d given twice", ErrBadShare, s.Index)
		case len(s.Data) == 0 || len(s.Data) > MaxSecretLen:
			return nil, fmt.Errorf("%w: share %d has length %d", ErrBadShare, s.Index, len(s.Data))
		case len(s.Data) != size:
			return nil, fmt.Errorf("%w: share %d has length %d, share %d has %d", ErrBadShare, s.Index, len(s.Data), shares[0].Index, size)
		}
		seen[s.Index] = true
	}
	secret := make([]byte, size)
	for i, si := range shares {
		// Lagrange basis polynomial of share i at 0: the product over j != i
		// of x_j / (x_j - x_i); subtraction in GF(2^8) is XOR.
		l := byte(1)
		for j, sj := range shares {
			if j != i {
				l = gfMul(l, gfMul(sj.Index, gfInv(sj.Index^si.Index)))
			}
		}
		for b, y := range si.Data {
			secret[b] ^= gfMul(l, y)
		}
	}
	return secret, nil
}

// RecoverKey rebuilds an election's private key from trustees' shares and
// checks it against the election's public key: it returns the private key
// only if it is the one that belongs to publicKey, and ErrBadShare
// otherwise (a share is wrong or damaged, or fewer shares than the
// threshold were given).
func RecoverKey(shares []Share, publicKey []byte) ([]byte, error) {
	private, err := Combine(shares)
	if err != nil {
		return nil, err
	}
	pub, err := PublicFromPrivate(private)
	if err != nil || subtle.ConstantTimeCompare(pub, publicKey) != 1 {
		clear(private)
		return nil, fmt.Errorf("%w: the shares do not rebuild this election's key (a share is wrong, or fewer than the threshold were given)", ErrBadShare)
	}
	return private, nil
}

// ShareDigest returns a hex SHA-256 commitment to one share of an election.
// Record every share's digest when the key is split; at the close, a share
// whose digest differs is named as wrong before anything is combined. The
// digests may be stored with the election: a share of a 32-byte key is 32
// uniformly random bytes, so a digest gives no way to guess it, even to
// someone holding k-1 other shares. (For secrets of a few bytes it would:
// use it for keys only.)
func ShareDigest(electionID int64, s Share) string {
	h := sha256.New()
	h.Write([]byte("quorum share digest v1\x00"))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(electionID)))
	h.Write([]byte{s.Index})
	h.Write(s.Data)
	return hex.EncodeToString(h.Sum(nil))
}

// gfMul multiplies in GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1,
// without tables or branches on the operands, so its timing does not depend
// on secret bytes.
func gfMul(a, b byte) byte {
	var p byte
	for range 8 {
		p ^= -(b & 1) & a
		a = a<<1 ^ (-(a >> 7) & 0x1b)
		b >>= 1
	}
	return p
}

// gfInv returns a^254, the multiplicative inverse of a (and 0 for 0).
func gfInv(a byte) byte {
	// a^254 = a^(2+4+8+16+32+64+128): square and multiply.
	r := byte(1)
	for range 7 {
		a = gfMul(a, a)
		r = gfMul(r, a)
	}
	return r
}
