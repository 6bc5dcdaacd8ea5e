package count

import "errors"

// Sentinel errors; callers test them with errors.Is. Parsers wrap them with
// the line number and what was expected.
var (
	// ErrSyntax marks a malformed ballot file.
	ErrSyntax = errors.New("malformed ballot file")
	// ErrInvalidBallot marks a ballot that names an unknown candidate or the same candidate twice.
	ErrInvalidBallot = errors.New("invalid ballot")
	// ErrTooLarge marks input beyond the limits the exact arithmetic supports.
	ErrTooLarge = errors.New("input too large")
	// ErrUnknownMethod marks a method name that is not one of Methods().
	ErrUnknownMethod = errors.New("unknown counting method")
	// ErrInvalidOptions marks options that cannot be counted (no seats, bad rules).
	ErrInvalidOptions = errors.New("invalid count options")
	// ErrQuotaImpossible marks quota rules that no set of winners can satisfy.
	ErrQuotaImpossible = errors.New("quota rules cannot be satisfied")
	// ErrUnknownCandidate marks a name (in an attribute file or CSV) that matches no candidate.
	ErrUnknownCandidate = errors.New("unknown candidate")
)

// Limits that keep every product of the fixed-point arithmetic inside int64
// and keep a hostile file from exhausting memory.
const (
	MaxCandidates = 1000          // far beyond any real ballot paper; bounds the cost of a count
	MaxBallots    = 1_000_000_000 // total weight of all ballots
)
