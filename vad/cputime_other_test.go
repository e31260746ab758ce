//go:build !unix

package vad

import "time"

// processCPU is unknown off unix; benchmarks then skip the CPU figure.
func processCPU() time.Duration { return 0 }
