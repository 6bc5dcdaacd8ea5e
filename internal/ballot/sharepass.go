package ballot

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Passphrase-sealed share, version 1:
//
//	offset size
//	0      1    version = 0x01: argon2id t=3, m=64 MiB, p=4; XChaCha20-Poly1305
//	1      8    election id, int64 big-endian
//	9      16   argon2id salt
//	25     24   XChaCha20-Poly1305 nonce
//	49     ...  AEAD of (share index || share data), 16-byte tag
//
// The AEAD's additional data is "quorum sealed share v1\x00" followed by
// bytes 0..48, so the version, election, salt and nonce are authenticated.
// The argon2id parameters are RFC 9106's second recommended set; they are
// fixed by the version byte (never read from the input, so a crafted blob
// cannot make the server spend unbounded memory), and a later version may
// raise them.
const (
	sealedShareVersion1 = 0x01
	sealedHeaderLen     = 1 + 8 + 16 + chacha20poly1305.NonceSizeX
	argonTime           = 3
	argonMemoryKiB      = 64 * 1024
	argonThreads        = 4

	// MinPassphraseLen is the least number of characters (not bytes) of a
	// trustee's passphrase; MaxPassphraseLen bounds its bytes.
	MinPassphraseLen = 12
	MaxPassphraseLen = 1024
)

func checkPassphrase(passphrase string) error {
	if n := utf8.RuneCountInString(passphrase); n < MinPassphraseLen {
		return fmt.Errorf("%w: use at least %d characters", ErrWeakPassphrase, MinPassphraseLen)
	}
	if len(passphrase) > MaxPassphraseLen {
		return fmt.Errorf("%w: use at most %d bytes", ErrWeakPassphrase, MaxPassphraseLen)
	}
	return nil
}

func sealedShareAAD(header []byte) []byte {
	return append([]byte("quorum sealed share v1\x00"), header...)
}

// SealShare seals a share with a passphrase the trustee chooses, for
// keeping on the server until the count. The key is derived with argon2id
// from the passphrase and a fresh random salt, and the share is encrypted
// with XChaCha20-Poly1305; the election id is bound in. It refuses
// passphrases shorter than MinPassphraseLen characters (ErrWeakPassphrase).
// The passphrase is used byte for byte: no Unicode normalisation.
func SealShare(s Share, electionID int64, passphrase string) ([]byte, error) {
	if err := checkPassphrase(passphrase); err != nil {
		return nil, err
	}
	if s.Index == 0 || len(s.Data) == 0 || len(s.Data) > MaxSecretLen {
		return nil, fmt.Errorf("%w: index %d, length %d", ErrBadShare, s.Index, len(s.Data))
	}
	header := make([]byte, sealedHeaderLen)
	header[0] = sealedShareVersion1
	binary.BigEndian.PutUint64(header[1:9], uint64(electionID))
	if _, err := rand.Read(header[9:]); err != nil { // salt and nonce
		return nil, fmt.Errorf("ballot: sealing share: %w", err)
	}
	aead, err := passphraseAEAD(passphrase, header[9:25])
	if err != nil {
		return nil, err
	}
	plaintext := append([]byte{s.Index}, s.Data...)
	defer clear(plaintext)
	return aead.Seal(header, header[25:sealedHeaderLen], plaintext, sealedShareAAD(header)), nil
}

// OpenShare opens a share sealed by SealShare. A wrong passphrase returns
// ErrWrongPassphrase; a share sealed for another election, or not a sealed
// share at all, returns ErrBadShare.
func OpenShare(sealed []byte, electionID int64, passphrase string) (Share, error) {
	if len(sealed) < sealedHeaderLen+2+chacha20poly1305.Overhead ||
		len(sealed) > sealedHeaderLen+1+MaxSecretLen+chacha20poly1305.Overhead {
		return Share{}, fmt.Errorf("%w: a sealed share cannot be %d bytes", ErrBadShare, len(sealed))
	}
	if sealed[0] != sealedShareVersion1 {
		return Share{}, fmt.Errorf("%w: unknown sealed share version %d", ErrBadShare, sealed[0])
	}
	if got := int64(binary.BigEndian.Uint64(sealed[1:9])); got != electionID {
		return Share{}, fmt.Errorf("%w: this share was sealed for election %d, not %d", ErrBadShare, got, electionID)
	}
	if checkPassphrase(passphrase) != nil {
		return Share{}, ErrWrongPassphrase // SealShare never accepted it
	}
	header := sealed[:sealedHeaderLen]
	aead, err := passphraseAEAD(passphrase, header[9:25])
	if err != nil {
		return Share{}, err
	}
	plaintext, err := aead.Open(nil, header[25:], sealed[sealedHeaderLen:], sealedShareAAD(header))
	if err != nil {
		return Share{}, ErrWrongPassphrase
	}
	defer clear(plaintext)
	if plaintext[0] == 0 {
		return Share{}, fmt.Errorf("%w: share index 0", ErrBadShare)
	}
	return Share{Index: plaintext[0], Data: bytes.Clone(plaintext[1:])}, nil
}

func passphraseAEAD(passphrase string, salt []byte) (cipher.AEAD, error) {
	key := argon2.IDKey([]byte(passphrase), salt, argonTime, argonMemoryKiB, argonThreads, chacha20poly1305.KeySize)
	defer clear(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("ballot: share cipher: %w", err)
	}
	return aead, nil
}
