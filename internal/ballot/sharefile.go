package ballot

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strconv"
)

const (
	shareFileType    = "QUORUM BALLOT KEY SHARE"
	shareFileVersion = "1"
	shareFileMaxLen  = 64 << 10
	fingerprintLen   = 8 // bytes of SHA-256, shown as 16 hex digits
	shareCheckLen    = 8
)

// Fingerprint returns a short hex fingerprint of an election's public key
// (the first 8 bytes of its SHA-256), for people to compare by eye and for
// share files to name the key they belong to.
func Fingerprint(publicKey []byte) string {
	h := sha256.Sum256(publicKey)
	return hex.EncodeToString(h[:fingerprintLen])
}

// shareFileCheck covers every field of a share file, so a file damaged in
// any way is refused with a clear message rather than combined into a wrong
// key.
func shareFileCheck(s Share, electionID int64, fingerprint string) string {
	h := sha256.New()
	h.Write([]byte("quorum share file v1\x00"))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(electionID)))
	h.Write([]byte{s.Index})
	h.Write([]byte(fingerprint))
	h.Write(s.Data)
	return hex.EncodeToString(h.Sum(nil)[:shareCheckLen])
}

// EncodeShareFile writes a share as the small text file a trustee downloads:
// a few lines saying what it is, then a PEM block whose headers give the
// format version, election id, share index, public key fingerprint and a
// check over all of them, and whose body is the share in base64.
func EncodeShareFile(s Share, electionID int64, publicKey []byte) []byte {
	fp := Fingerprint(publicKey)
	block := &pem.Block{
		Type: shareFileType,
		Headers: map[string]string{
			"Version":         shareFileVersion,
			"Election":        strconv.FormatInt(electionID, 10),
			"Share":           strconv.Itoa(int(s.Index)),
			"Key-Fingerprint": fp,
			"Check":           shareFileCheck(s, electionID, fp),
		},
		Bytes: s.Data,
	}
	intro := fmt.Sprintf(`Quorum: key share %d for the secret ballot of election %d.

You are a trustee of this election. Keep this file private and safe, and
bring it to the count: with the shares of the other trustees it opens the
ballots. Do not change it; do not send it to anyone.

`, s.Index, electionID)
	return append([]byte(intro), pem.EncodeToMemory(block)...)
}

// DecodeShareFile reads a file written by EncodeShareFile, ignoring any text
// around the block and tolerating CRLF line ends. It returns the share, the
// election and the key fingerprint the file names; the caller compares them
// with the election's. Any damage to the file returns ErrBadShare.
func DecodeShareFile(b []byte) (s Share, electionID int64, fingerprint string, err error) {
	if len(b) > shareFileMaxLen {
		return Share{}, 0, "", fmt.Errorf("%w: file of %d bytes is too large for a share", ErrBadShare, len(b))
	}
	var block *pem.Block
	for rest := b; ; {
		block, rest = pem.Decode(rest)
		if block == nil {
			return Share{}, 0, "", fmt.Errorf("%w: no Quorum key share found in the file", ErrBadShare)
		}
		if block.Type == shareFileType {
			break
		}
	}
	h := block.Headers
	if h["Version"] != shareFileVersion {
		return Share{}, 0, "", fmt.Errorf("%w: unknown share file version %q", ErrBadShare, h["Version"])
	}
	if len(h) != 5 {
		return Share{}, 0, "", fmt.Errorf("%w: unexpected headers in the share file", ErrBadShare)
	}
	electionID, err = strconv.ParseInt(h["Election"], 10, 64)
	if err != nil || strconv.FormatInt(electionID, 10) != h["Election"] {
		return Share{}, 0, "", fmt.Errorf("%w: bad election number", ErrBadShare)
	}
	index, err := strconv.Atoi(h["Share"])
	if err != nil || index < 1 || index > 255 || strconv.Itoa(index) != h["Share"] {
		return Share{}, 0, "", fmt.Errorf("%w: bad share number", ErrBadShare)
	}
	fingerprint = h["Key-Fingerprint"]
	if !isLowerHex(fingerprint, 2*fingerprintLen) {
		return Share{}, 0, "", fmt.Errorf("%w: bad key fingerprint", ErrBadShare)
	}
	if len(block.Bytes) == 0 || len(block.Bytes) > MaxSecretLen {
		return Share{}, 0, "", fmt.Errorf("%w: share data of %d bytes", ErrBadShare, len(block.Bytes))
	}
	s = Share{Index: byte(index), Data: block.Bytes}
	if h["Check"] != shareFileCheck(s, electionID, fingerprint) {
		return Share{}, 0, "", fmt.Errorf("%w: share %d of election %d is damaged (its check does not match)", ErrBadShare, index, electionID)
	}
	return s, electionID, fingerprint, nil
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
