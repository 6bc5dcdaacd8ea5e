//go:build linux

package store_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"quorum/internal/store"
)

// cpuMeter measures the processor time a search costs: this process's
// (the Go side and, on SQLite, the engine) and, on PostgreSQL, that of
// the server processes serving this database, when they run on this
// machine. On a shared, loaded machine a search's wall time includes
// waiting for a core; its processor time does not.
type cpuMeter struct {
	backends []string // /proc/PID/schedstat of each server process
}

// newCPUMeter finds the server processes of db's connections. Call it
// after the pool has its connections (a first search).
func newCPUMeter(ctx context.Context, db *store.DB) *cpuMeter {
	m := &cpuMeter{}
	if db.Engine != store.Postgres {
		return m
	}
	rows, err := db.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		return m
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			path := "/proc/" + strconv.Itoa(pid) + "/schedstat"
			if _, err := os.Stat(path); err == nil {
				m.backends = append(m.backends, path)
			}
		}
	}
	return m
}

// now returns the processor time used so far by this process and the
// database's server processes.
func (m *cpuMeter) now() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	total := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	for _, path := range m.backends {
		// The first field is the nanoseconds the process has run.
		if b, err := os.ReadFile(path); err == nil {
			if f := strings.Fields(string(b)); len(f) > 0 {
				if ns, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					total += time.Duration(ns)
				}
			}
		}
	}
	return total
}
