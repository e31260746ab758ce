//go:build unix

package main

import "golang.org/x/sys/unix"

// processCPU returns the CPU time the process has used (user + system,
// getrusage(2)), so that figures hold on a machine shared with other work.
func processCPU() (float64, bool) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	sec := func(tv unix.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }
	return sec(ru.Utime) + sec(ru.Stime), true
}
