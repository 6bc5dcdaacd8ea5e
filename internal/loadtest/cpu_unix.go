//go:build unix

package loadtest

import (
	"syscall"
	"time"
)

// ProcessCPU is the processor time this process has used, user and
// system. On a shared machine it says what a piece of work cost better
// than the wall clock, which includes waiting for a processor.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
