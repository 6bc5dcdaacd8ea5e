package web

import (
	"testing"
	"time"
)

func TestAttemptLimiter(t *testing.T) {
	l := newAttemptLimiter(3, time.Minute)
	t0 := time.Date(2026, 5, 7, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if !l.allow("a", t0.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("attempt %d refused within the limit", i+1)
		}
	}
	if l.allow("a", t0.Add(4*time.Second)) {
		t.Fatal("a fourth attempt in the window was allowed")
	}
	if !l.allow("b", t0.Add(5*time.Second)) {
		t.Fatal("another key was refused")
	}
	if !l.allow("a", t0.Add(time.Minute)) {
		t.Fatal("the next window did not start afresh")
	}
	// Ended windows are forgotten, so memory follows recent voters only.
	l.allow("c", t0.Add(3*time.Minute))
	if _, kept := l.buckets["b"]; kept || len(l.buckets) != 1 {
		t.Fatalf("ended windows were kept: %v", l.buckets)
	}
}
