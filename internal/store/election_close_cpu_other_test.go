//go:build !linux

package store_test

import "time"

// processCPU and serverCPU are not measured here.
func processCPU() time.Duration   { return 0 }
func serverCPU(int) time.Duration { return 0 }
