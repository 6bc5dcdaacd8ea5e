package ballot

import "errors"

// Sentinel errors. Functions wrap them with %w and a plain-words reason, so
// callers test with errors.Is and may show the message to a returning officer
// or trustee; no message ever contains key, share or ballot material.
var (
	// ErrBadEnvelope: a sealed ballot could not be opened. It was sealed for
	// another election or another key, was altered, or is not a Quorum
	// envelope. The causes are deliberately indistinguishable.
	ErrBadEnvelope = errors.New("ballot envelope cannot be opened")

	// ErrBadKey: a serialized election key is not a valid key of the suite.
	ErrBadKey = errors.New("invalid election key")

	// ErrBadShare: a key share is malformed, damaged, belongs to another
	// election or key, or the shares given do not rebuild the election key.
	ErrBadShare = errors.New("invalid key share")

	// ErrNotEnoughShares: fewer shares than can possibly rebuild a secret.
	ErrNotEnoughShares = errors.New("not enough key shares")

	// ErrWrongPassphrase: a passphrase-sealed share did not open with the
	// passphrase given (or the sealed share was damaged: the two cannot be
	// told apart).
	ErrWrongPassphrase = errors.New("wrong passphrase")

	// ErrWeakPassphrase: a trustee's chosen passphrase is too short or too long.
	ErrWeakPassphrase = errors.New("passphrase not acceptable")

	// ErrBadTracker: a tracker string is not a well-formed tracker (a
	// character is mistyped, missing or extra).
	ErrBadTracker = errors.New("invalid ballot tracker")
)
