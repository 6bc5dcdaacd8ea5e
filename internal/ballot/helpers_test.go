package ballot

import (
	"sync"
	"testing"
)

// One election key for the whole test binary: making keys is cheap, but
// sharing one keeps fuzz seeds and tables consistent.
var testKey = sync.OnceValues(NewElectionKey)

func mustKey(tb testing.TB) ElectionKey {
	tb.Helper()
	k, err := testKey()
	if err != nil {
		tb.Fatalf("NewElectionKey: %v", err)
	}
	return k
}

func mustTracker(tb testing.TB) Tracker {
	tb.Helper()
	t, err := NewTracker()
	if err != nil {
		tb.Fatalf("NewTracker: %v", err)
	}
	return t
}

func mustSeal(tb testing.TB, pub []byte, electionID int64, b Ballot) []byte {
	tb.Helper()
	env, err := Seal(pub, electionID, b)
	if err != nil {
		tb.Fatalf("Seal: %v", err)
	}
	return env
}

func ranking(n int) []int64 {
	r := make([]int64, n)
	for i := range r {
		r[i] = int64(1000 + 7*i)
	}
	return r
}
