package jobs

// DefaultMaxAttempts is how many times a job runs before it is dead, unless
// the enqueue says otherwise.
const DefaultMaxAttempts = 5

// Option changes how a job is enqueued.
type Option func(*options)

type options struct {
	maxAttempts   int
	uniqueKey     string
	replaceQueued bool
}

// MaxAttempts sets how many times the job may run before it is dead.
func MaxAttempts(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxAttempts = n
		}
	}
}

// UniqueKey keeps the same work from being queued twice: while a job with
// this key exists (in any status but cancelled) enqueueing another does
// nothing and reports Duplicate. Name the work, e.g. "close-ballot:42".
func UniqueKey(key string) Option {
	return func(o *options) { o.uniqueKey = key }
}

// ReplaceQueued, with UniqueKey, moves a job that is still waiting to the
// new time and payload instead of ignoring the new enqueue; use it when a
// scheduled moment changes (a ballot's close is extended).
func ReplaceQueued() Option {
	return func(o *options) { o.replaceQueued = true }
}
