package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// Quorum sets two of Go's runtime settings unless the operator has set
// them in the environment (GOGC, GOMAXPROCS; GOMEMLIMIT is never touched).
// Both were measured with quorum loadtest vote, 500 voters at once.

// serverGCPercent is the garbage collector's target. A Quorum server's
// live heap is small (tens of megabytes: the data lives in the database),
// so Go's default of 100 collects many times a second under load; at 400
// the heap may grow to five times the live data, a few hundred megabytes
// at most, and casting ballots costs about a fifth less processor time.
const serverGCPercent = 400

// threadsPerCPU sets GOMAXPROCS to a multiple of the processors. Under
// load, hundreds of requests are ready to run at once while one writer
// commits everyone's ballots; with one Go thread per processor the writer,
// each time it comes back from a system call, queues behind all of them.
// With more threads than processors the kernel shares the processors
// between threads, and the writer, which mostly waits for the disk, gets
// one as soon as it is ready: 1.2 to 1.5 times the ballots per second.
const threadsPerCPU = 4

// tuneRuntime applies both settings where the environment leaves them.
func tuneRuntime() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serverGCPercent)
	}
	if _, set := os.LookupEnv("GOMAXPROCS"); !set {
		// Go's own default already counts the processors this process
		// may use (a container's CPU limit included), not the machine's.
		runtime.GOMAXPROCS(threadsPerCPU * runtime.GOMAXPROCS(0))
	}
}
