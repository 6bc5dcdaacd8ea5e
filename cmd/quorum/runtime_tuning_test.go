package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestTuneRuntime(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))

	t.Setenv("GOGC", "150") // both restored after the test
	t.Setenv("GOMAXPROCS", "3")
	debug.SetGCPercent(150)
	runtime.GOMAXPROCS(3)
	tuneRuntime()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Fatalf("with GOGC set, the target became %d", got)
	}
	if got := runtime.GOMAXPROCS(0); got != 3 {
		t.Fatalf("with GOMAXPROCS set, it became %d", got)
	}

	os.Unsetenv("GOGC")
	os.Unsetenv("GOMAXPROCS")
	runtime.GOMAXPROCS(runtime.NumCPU()) // as Go sets it on a machine without a CPU limit
	tuneRuntime()
	if got := debug.SetGCPercent(100); got != serverGCPercent {
		t.Fatalf("without GOGC, the target is %d, want %d", got, serverGCPercent)
	}
	if got, want := runtime.GOMAXPROCS(0), threadsPerCPU*runtime.NumCPU(); got != want {
		t.Fatalf("without GOMAXPROCS, it is %d, want %d", got, want)
	}
}
