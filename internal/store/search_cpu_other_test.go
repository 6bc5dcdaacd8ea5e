//go:build !linux

package store_test

import (
	"context"
	"time"

	"quorum/internal/store"
)

// cpuMeter measures processor time on Linux only; elsewhere it reads 0.
type cpuMeter struct{}

func newCPUMeter(context.Context, *store.DB) *cpuMeter { return &cpuMeter{} }

func (*cpuMeter) now() time.Duration { return 0 }
