package audio

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling OS thread has used, so that
// benchmarks on a loaded machine can report speed per CPU second as well as
// per wall-clock second. Callers lock the goroutine to its thread.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
