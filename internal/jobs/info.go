package jobs

import "context"

// Info describes the job a handler is running.
type Info struct {
	ID          int64
	Kind        string
	Attempt     int // 1 for the first run
	MaxAttempts int
}

// LastAttempt reports whether a failure now makes the job dead.
func (i Info) LastAttempt() bool { return i.Attempt >= i.MaxAttempts }

type infoKey struct{}

func withInfo(ctx context.Context, i Info) context.Context {
	return context.WithValue(ctx, infoKey{}, i)
}

// InfoFrom returns the running job's description from a handler's context.
func InfoFrom(ctx context.Context) (Info, bool) {
	i, ok := ctx.Value(infoKey{}).(Info)
	return i, ok
}
