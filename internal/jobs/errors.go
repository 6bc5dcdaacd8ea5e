package jobs

import "errors"

var (
	// ErrNoKind is returned for an enqueue without a kind.
	ErrNoKind = errors.New("job kind is empty")
	// ErrUnknownKind is recorded on a job no handler is registered for in
	// the node that claimed it. The job is retried like any failure, so
	// during a rolling upgrade a newer node can still take it.
	ErrUnknownKind = errors.New("no handler is registered for this job kind")
)

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps a handler's error to say that retrying cannot help (a
// mail server refused the address for good): the job goes straight to dead.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was wrapped with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
