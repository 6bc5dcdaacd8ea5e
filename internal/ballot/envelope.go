package ballot

import (
	"bytes"
	"crypto/hpke"
	"encoding/binary"
	"fmt"
	"strconv"
)

// Envelope and plaintext layout, version 1 (see the package comment for the
// specification a browser-side sealer must follow).
const (
	envelopeVersion1  = 0x01
	envelopeHeaderLen = 7    // version, KEM id, KDF id, AEAD id
	encapsulatedLen   = 1120 // the MLKEM768X25519 enc
	aeadTagLen        = 16

	plaintextVersion1 = 0x01
	plaintextFixedLen = 1 + len(Tracker{}) + 2 // version, tracker, count

	// MaxPreferences bounds a ranking. It matches the count library's limit
	// on candidates.
	MaxPreferences = 1000

	// PadSlots is the padding granule: every ranking is padded with zero
	// slots to a multiple of PadSlots candidate ids, so an envelope's length
	// does not say how many preferences a voter expressed.
	PadSlots = 64

	maxSlots       = (MaxPreferences + PadSlots - 1) / PadSlots * PadSlots
	maxEnvelopeLen = envelopeHeaderLen + encapsulatedLen + plaintextFixedLen + 8*maxSlots + aeadTagLen
	minEnvelopeLen = envelopeHeaderLen + encapsulatedLen + plaintextFixedLen + 8*PadSlots + aeadTagLen
)

// Ballot is what a voter casts: a ranking and the tracker they will find it
// by on the bulletin board.
type Ballot struct {
	Ranking []int64 // candidate ids in order of preference (the caller validates them)
	Tracker Tracker // 128-bit random tracker, from NewTracker
}

// envelopeHeader is the clear-text header of a version 1 envelope. It is
// also the AEAD's additional data, so it is authenticated.
func envelopeHeader() []byte {
	h := make([]byte, 0, envelopeHeaderLen)
	h = append(h, envelopeVersion1)
	h = binary.BigEndian.AppendUint16(h, suiteKEM().ID())
	h = binary.BigEndian.AppendUint16(h, suiteKDF().ID())
	h = binary.BigEndian.AppendUint16(h, suiteAEAD().ID())
	return h
}

// envelopeInfo is the HPKE info: it binds the key schedule to the election,
// so an envelope cast in one election never opens in another even under the
// same key.
func envelopeInfo(electionID int64) []byte {
	return []byte("quorum ballot v1 election " + strconv.FormatInt(electionID, 10))
}

// Seal seals a ballot to the election's public key. info binds the envelope
// to the election ("quorum ballot v1 election <id>"). The ranking is padded
// to a multiple of PadSlots; use SealPadded to pad to the number of
// candidates when an election may have more than PadSlots of them.
func Seal(public []byte, electionID int64, b Ballot) ([]byte, error) {
	return SealPadded(public, electionID, b, 0)
}

// SealPadded is Seal with the ranking padded to at least candidates slots
// (rounded up to a multiple of PadSlots), so that every envelope of an
// election has the same length whatever the number of preferences. Callers
// should pass the number of candidates on the ballot paper.
func SealPadded(public []byte, electionID int64, b Ballot, candidates int) ([]byte, error) {
	s, err := NewSealer(public)
	if err != nil {
		return nil, err
	}
	return s.SealPadded(electionID, b, candidates)
}

// Sealer seals ballots to one parsed public key, which saves parsing the
// key (an ML-KEM matrix expansion) at every cast. It is safe for concurrent
// use.
type Sealer struct {
	pk hpke.PublicKey
}

// NewSealer parses an election's public key for sealing many ballots.
func NewSealer(public []byte) (*Sealer, error) {
	pk, err := parsePublic(public)
	if err != nil {
		return nil, err
	}
	return &Sealer{pk: pk}, nil
}

// Seal seals a ballot; see the package function Seal.
func (s *Sealer) Seal(electionID int64, b Ballot) ([]byte, error) {
	return s.SealPadded(electionID, b, 0)
}

// SealPadded seals a ballot padded for a paper of the given number of
// candidates; see the package function SealPadded.
func (s *Sealer) SealPadded(electionID int64, b Ballot, candidates int) ([]byte, error) {
	pk := s.pk
	plaintext, err := encodeBallot(b, candidates)
	if err != nil {
		return nil, err
	}
	defer clear(plaintext)
	header := envelopeHeader()
	enc, sender, err := hpke.NewSender(pk, suiteKDF(), suiteAEAD(), envelopeInfo(electionID))
	if err != nil {
		return nil, fmt.Errorf("ballot: sealing: %w", err)
	}
	ct, err := sender.Seal(header, plaintext)
	if err != nil {
		return nil, fmt.Errorf("ballot: sealing: %w", err)
	}
	out := make([]byte, 0, len(header)+len(enc)+len(ct))
	out = append(out, header...)
	out = append(out, enc...)
	return append(out, ct...), nil
}

// Open opens one envelope with the election's private key. It fails with
// ErrBadEnvelope for an envelope of another election or key, or one altered
// in any byte. To open many envelopes, NewOpener parses the key once.
func Open(private []byte, electionID int64, envelope []byte) (Ballot, error) {
	o, err := NewOpener(private)
	if err != nil {
		return Ballot{}, err
	}
	return o.Open(electionID, envelope)
}

// Opener opens envelopes with one parsed private key. It is safe for
// concurrent use. It holds the key in memory: drop it as soon as the
// envelopes are open.
type Opener struct {
	sk hpke.PrivateKey
}

// NewOpener parses the private key once for opening many envelopes.
func NewOpener(private []byte) (*Opener, error) {
	sk, err := parsePrivate(private)
	if err != nil {
		return nil, err
	}
	return &Opener{sk: sk}, nil
}

// Open opens one envelope; see the package function Open.
func (o *Opener) Open(electionID int64, envelope []byte) (Ballot, error) {
	if len(envelope) < minEnvelopeLen || len(envelope) > maxEnvelopeLen {
		return Ballot{}, fmt.Errorf("%w: length %d is not that of a version 1 envelope", ErrBadEnvelope, len(envelope))
	}
	header := envelope[:envelopeHeaderLen]
	if !bytes.Equal(header, envelopeHeader()) {
		return Ballot{}, fmt.Errorf("%w: unknown envelope version or suite", ErrBadEnvelope)
	}
	enc := envelope[envelopeHeaderLen : envelopeHeaderLen+encapsulatedLen]
	ct := envelope[envelopeHeaderLen+encapsulatedLen:]
	r, err := hpke.NewRecipient(enc, o.sk, suiteKDF(), suiteAEAD(), envelopeInfo(electionID))
	if err != nil {
		return Ballot{}, fmt.Errorf("%w: bad encapsulated key", ErrBadEnvelope)
	}
	plaintext, err := r.Open(header, ct)
	if err != nil {
		return Ballot{}, fmt.Errorf("%w: not sealed for this election and key, or altered", ErrBadEnvelope)
	}
	defer clear(plaintext)
	return decodeBallot(plaintext)
}

// paddedSlots is the number of id slots in the plaintext of a ranking of n
// preferences on a paper of the given number of candidates.
func paddedSlots(n, candidates int) int {
	s := max(n, candidates, 1)
	return (s + PadSlots - 1) / PadSlots * PadSlots
}

// encodeBallot writes plaintext format version 1.
func encodeBallot(b Ballot, candidates int) ([]byte, error) {
	n := len(b.Ranking)
	if n > MaxPreferences {
		return nil, fmt.Errorf("ballot: a ranking of %d preferences exceeds %d", n, MaxPreferences)
	}
	if candidates < 0 || candidates > MaxPreferences {
		return nil, fmt.Errorf("ballot: %d candidates is outside 0..%d", candidates, MaxPreferences)
	}
	if b.Tracker.IsZero() {
		return nil, fmt.Errorf("ballot: the ballot has no tracker")
	}
	slots := paddedSlots(n, candidates)
	p := make([]byte, plaintextFixedLen+8*slots)
	p[0] = plaintextVersion1
	copy(p[1:17], b.Tracker[:])
	binary.BigEndian.PutUint16(p[17:19], uint16(n))
	for i, id := range b.Ranking {
		binary.BigEndian.PutUint64(p[plaintextFixedLen+8*i:], uint64(id))
	}
	return p, nil
}

// decodeBallot reads plaintext format version 1 strictly: one ballot has
// exactly one encoding, so a future independent sealer (in the browser) that
// gets the format wrong is caught rather than silently misread.
func decodeBallot(p []byte) (Ballot, error) {
	if len(p) < plaintextFixedLen || p[0] != plaintextVersion1 {
		return Ballot{}, fmt.Errorf("%w: unknown ballot format", ErrBadEnvelope)
	}
	var b Ballot
	copy(b.Tracker[:], p[1:17])
	if b.Tracker.IsZero() {
		return Ballot{}, fmt.Errorf("%w: ballot has no tracker", ErrBadEnvelope)
	}
	n := int(binary.BigEndian.Uint16(p[17:19]))
	body := p[plaintextFixedLen:]
	if len(body)%8 != 0 {
		return Ballot{}, fmt.Errorf("%w: ranking is not whole ids", ErrBadEnvelope)
	}
	slots := len(body) / 8
	if n > MaxPreferences || slots%PadSlots != 0 || slots < n || slots > maxSlots || slots == 0 {
		return Ballot{}, fmt.Errorf("%w: ranking length or padding out of range", ErrBadEnvelope)
	}
	for _, c := range body[8*n:] {
		if c != 0 {
			return Ballot{}, fmt.Errorf("%w: padding is not zero", ErrBadEnvelope)
		}
	}
	b.Ranking = make([]int64, n)
	for i := range b.Ranking {
		b.Ranking[i] = int64(binary.BigEndian.Uint64(body[8*i:]))
	}
	return b, nil
}
