package store_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// serverCPU is the CPU time used by the PostgreSQL server process pid,
// read from /proc when the server runs on this machine (0 otherwise).
func serverCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	user, _ := strconv.Atoi(fields[11])
	system, _ := strconv.Atoi(fields[12])
	return time.Duration(user+system) * 10 * time.Millisecond // clock ticks of 1/100 s
}
