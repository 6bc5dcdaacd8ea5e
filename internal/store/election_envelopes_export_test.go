package store

// SetEnvelopeLockWait shortens how long DeleteEnvelopes waits for the
// envelope table, for a test of a busy table; it returns the undo.
func SetEnvelopeLockWait(wait string) (undo func()) {
	previous := envelopeLockWait
	envelopeLockWait = wait
	return func() { envelopeLockWait = previous }
}
