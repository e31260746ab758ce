//go:build unix

package tts_test

import (
	"syscall"
	"time"
)

// processCPU returns the user+system CPU time of this process: on a
// machine shared with other jobs it measures our work where wall time
// measures the queue.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
