//go:build !linux

package vec

import "time"

// processCPU is unavailable here; benchmarks then omit GFLOP/CPU-s.
func processCPU() time.Duration { return 0 }
