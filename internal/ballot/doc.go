// Package ballot is the cryptography of Quorum's secret online ballots: the
// election key, sealed ballot envelopes, trustees' key shares, trackers, the
// shuffle and the bulletin board's Merkle tree. It is pure: no database, no
// web, no logging; the elections domain stores what it returns.
//
// # Election key
//
// HPKE (RFC 9180) with KEM MLKEM768X25519 (X-Wing, post-quantum hybrid,
// id 0x647a), KDF HKDF-SHA256 (0x0001) and AEAD ChaCha20-Poly1305 (0x0003),
// from the standard library's crypto/hpke. The public key is 1216 bytes; the
// private key is a 32-byte seed, split among the trustees with Shamir and
// never stored by the server.
//
// # Envelope, version 1
//
//	offset  size   field
//	0       1      envelope version = 0x01
//	1       2      KEM id  = 0x647a (big-endian)
//	3       2      KDF id  = 0x0001
//	5       2      AEAD id = 0x0003
//	7       1120   HPKE enc (encapsulated key)
//	1127    ...    HPKE ciphertext of the plaintext below, with 16-byte tag
//
// The envelope is HPKE base mode, single shot: info is the ASCII string
// "quorum ballot v1 election <id>" (decimal id, no padding) and the AEAD
// additional data is the 7-byte header. So the version and suite (through
// aad and HPKE's own suite id), the election (through info) and every byte
// of the plaintext are authenticated: an envelope opens only under the
// election's key and id, unaltered; any other envelope gives ErrBadEnvelope.
// A change of format or suite takes a new version byte; Open refuses
// versions it does not know.
//
// The plaintext, version 1:
//
//	offset  size   field
//	0       1      plaintext version = 0x01
//	1       16     tracker
//	17      2      n, the number of preferences, big-endian, 0..1000
//	19      8n     candidate ids in order of preference, int64 big-endian
//	19+8n   ...    zero bytes up to 19 + 8*S in all
//
// S, the number of id slots, is a multiple of 64 with n <= S <= 1024: the
// smallest such multiple not below max(n, candidates on the paper, 1). The
// padding hides how many preferences a voter expressed: every envelope of an
// election with at most 64 candidates is 1674 bytes, and with SealPadded
// every envelope of any one election has the same length. Open refuses
// non-zero padding and any other deviation, so a second implementation
// (sealing in the browser) either agrees byte for byte or fails loudly.
//
// # Key shares
//
// Shamir's scheme over GF(2^8) (polynomial x^8+x^4+x^3+x+1), byte-wise, with
// k-1 random coefficients per byte from crypto/rand; shares are the values
// at x = 1..n, arithmetic in constant time. 2 <= k <= n <= 255. Combine
// cannot tell a wrong share from a right one; three checks cover that:
//   - a share file's Check header covers its every field, so a damaged file
//     is refused by name;
//   - ShareDigest, recorded for each share when the key is split, names a
//     share that is not the one issued (e.g. another election's);
//   - RecoverKey derives the public key from the rebuilt private key and
//     compares it with the election's, so a wrong key is never used.
//
// A share file is text: a few lines telling the trustee what it is, then
//
//	-----BEGIN QUORUM BALLOT KEY SHARE-----
//	Check: <16 hex: first 8 bytes of SHA-256 over the fields and data>
//	Election: <decimal id>
//	Key-Fingerprint: <16 hex: first 8 bytes of SHA-256 of the public key>
//	Share: <index 1..255>
//	Version: 1
//
//	<share data, base64>
//	-----END QUORUM BALLOT KEY SHARE-----
//
// A passphrase-sealed share (for a trustee without a safe place for a file)
// is binary, documented in sharepass.go: version, election id, argon2id salt,
// XChaCha20-Poly1305 nonce and ciphertext, header authenticated; version 1
// fixes argon2id at t=3, m=64 MiB, p=4.
//
// # Bulletin board
//
// LeafHash(tracker, names) = SHA-256(0x00 || 0x01 || tracker ||
// uint32 count || for each name: uint32 length || UTF-8 bytes), integers
// big-endian; the second byte is the leaf format version. The tree is RFC
// 6962 / RFC 9162: interior nodes SHA-256(0x01 || left || right), split at
// the largest power of two below n, empty tree SHA-256(""). Inclusion
// proofs are RFC 9162 audit paths, leaf upwards.
//
// # Trackers
//
// 128 random bits written as 28 Crockford base32 symbols in groups of four
// (K7QF-2M9X-…): 26 symbols of tracker and a 12-bit check, so a mistyped
// tracker is recognised as such. Parsing ignores case, spaces and dashes
// and reads O as 0 and I or L as 1.
//
// # Use
//
// Set-up: NewElectionKey; store Public and Fingerprint(Public); Split the
// Private key k of n; record ShareDigest of each share; hand each share to
// its trustee (EncodeShareFile, or SealShare with their passphrase); then
// clear(key.Private). Casting: NewSealer(Public) once per election, then
// SealPadded(electionID, ballot, candidates) per vote with a NewTracker.
// Close: DecodeShareFile or OpenShare each trustee's share, compare its
// election, fingerprint and ShareDigest with the recorded ones, RecoverKey,
// NewOpener, Open every envelope, refuse duplicate trackers (an envelope
// copied into another voter's row), Shuffle, store, clear the key; publish
// LeafHash of each ballot and the MerkleRoot.
//
// # What this does not protect against
//
// Envelopes protect ballots against dumps, backups and logs of the database
// at any time, every role in the application, and a live observer of the
// database without k shares. They do not protect against a server operator
// who changes the running code to capture rankings at the moment of casting:
// the server sees each ranking in clear before it seals it. Nor against k
// trustees who collude, or the server's memory at the close, when the key is
// rebuilt. Nor do they prove that the close opened and published every
// envelope honestly: the bulletin board lets each voter find their own
// ballot by tracker, but the shuffle is not verifiable. The planned answers
// are sealing in the browser (the plaintext format above is specified for
// that) and a verifiable mix-net, which needs a re-randomisable cipher and so
// a new envelope version; the version byte is there for it. Envelope lengths
// are equal only within the padding rules above; timing and metadata of a
// cast (when, from where) are outside this package.
package ballot
