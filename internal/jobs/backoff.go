package jobs

import "time"

// Backoff says how long to wait before running a job again after its
// attempt-th failure (attempt counts from 1).
type Backoff func(attempt int) time.Duration

// DefaultBackoff waits 30s after the first failure and doubles each time,
// up to an hour: a mail server that is down for a while is not hammered,
// and once it is back mail does not wait longer than an hour.
func DefaultBackoff(attempt int) time.Duration {
	const base, ceiling = 30 * time.Second, time.Hour
	if attempt < 1 {
		attempt = 1
	}
	d := base
	for i := 1; i < attempt; i++ {
		d *= 2
		if d >= ceiling {
			return ceiling
		}
	}
	return d
}
