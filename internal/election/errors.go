package election

import (
	"errors"
	"fmt"

	"quorum/internal/org"
	"quorum/internal/store"
)

// Sentinel errors; the web layer maps them to statuses and messages in one
// place. Messages are plain words a voter or official can read.
var (
	// ErrNotFound is the store's: no such election, candidate or mailing.
	ErrNotFound = store.ErrNotFound
	// ErrAlreadyVoted refuses a second cast where votes cannot be changed.
	ErrAlreadyVoted = errors.New("you have already voted in this election")
	// ErrClosed refuses a cast after the close.
	ErrClosed = errors.New("voting in this election has closed")
	// ErrNotOpen refuses a cast before the ballot opens.
	ErrNotOpen = errors.New("voting in this election has not opened")
	// ErrNotEligible refuses someone who is not on the roll.
	ErrNotEligible = errors.New("you are not on the roll of voters for this election")
	// ErrInvalidBallot refuses a ranking; the error is an *InvalidBallotError.
	ErrInvalidBallot = errors.New("this ballot cannot be accepted")
	// ErrWrongStage refuses an action the election's stage does not allow.
	ErrWrongStage = errors.New("this is not possible at this stage of the election")
	// ErrVoterHasVoted refuses to take someone who has voted off the roll.
	ErrVoterHasVoted = errors.New("this voter has already voted and cannot be taken off the roll")
	// ErrNotTrustee refuses share actions by someone who holds no share.
	ErrNotTrustee = errors.New("you are not a trustee of this election's key")
	// ErrShareCollected refuses a second collection of a trustee's share.
	ErrShareCollected = errors.New("you have already taken your share of the key")
	// ErrShareSubmitted refuses a second submission of a trustee's share.
	ErrShareSubmitted = errors.New("you have already given your share for the count")
	// ErrWrongShare names a share that is not the one issued to the trustee
	// for this election's current key.
	ErrWrongShare = errors.New("this is not the share of the key issued to you for this election")
	// ErrWrongPassphrase names a passphrase that does not open the
	// trustee's sealed share.
	ErrWrongPassphrase = errors.New("the passphrase does not open your share of the key")
	// ErrKeyNotReady refuses to open a ballot whose key is not set up or
	// whose trustees have not all taken their shares.
	ErrKeyNotReady = errors.New("the election key is not ready")
	// ErrNotEnoughShares refuses a count with fewer shares than the threshold.
	ErrNotEnoughShares = errors.New("not enough trustees have given their shares")
	// ErrLinkInvalid refuses a ballot link that is unknown, expired or used.
	ErrLinkInvalid = errors.New("this ballot link is not valid: it has expired or has been used")
	// ErrAllowanceUsed refuses a candidate's mailing beyond the allowance.
	ErrAllowanceUsed = errors.New("you have used all the mailings each candidate may send")
	// ErrNotPublished refuses the result or bulletin board before they are public.
	ErrNotPublished = errors.New("the result of this election has not been declared")
)

// FieldErrors maps a form field to what is wrong with it; it is the same
// type the organisation pages use, so one page helper shows both.
type FieldErrors = org.FieldErrors

// AsFieldErrors extracts field errors from err.
func AsFieldErrors(err error) (FieldErrors, bool) { return org.AsFieldErrors(err) }

func fieldErrs(fe FieldErrors) error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// InvalidBallotError says why a ranking was refused, by the position of the
// choice, never by candidate, so that it can be logged without revealing a
// vote.
type InvalidBallotError struct {
	Choice int    // 1-based position in the ranking; 0 for the ballot as a whole
	Reason string // plain words
}

func (e *InvalidBallotError) Error() string {
	if e.Choice == 0 {
		return ErrInvalidBallot.Error() + ": " + e.Reason
	}
	return fmt.Sprintf("%s: choice %d %s", ErrInvalidBallot, e.Choice, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalidBallot) hold.
func (e *InvalidBallotError) Unwrap() error { return ErrInvalidBallot }

func stageErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrWrongStage}, args...)...)
}
