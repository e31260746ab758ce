package main

import (
	"fmt"
	"io"
	"time"
)

// cpuStats measures process CPU time per minute of audio, to show that
// the cost of a chunk does not grow with the session (issue 10: constant
// per chunk over 30 minutes). Process CPU time, not wall time, so the
// figure holds on a machine shared with other work.
type cpuStats struct {
	chunk   time.Duration
	window  time.Duration
	next    time.Duration // audio time that closes the current window
	lastCPU float64
	start   time.Time
	ok      bool
	windows []float64 // CPU seconds per window
	audio   time.Duration
}

// statsWindow is the audio span each figure covers.
const statsWindow = time.Minute

func newCPUStats(chunk time.Duration) *cpuStats {
	cpu, ok := processCPU()
	return &cpuStats{chunk: chunk, window: statsWindow, next: statsWindow, lastCPU: cpu, ok: ok, start: time.Now()}
}

// advance records that audio has been recognised up to t.
func (c *cpuStats) advance(t time.Duration) {
	c.audio = t
	if !c.ok || t < c.next {
		return
	}
	cpu, _ := processCPU()
	c.windows = append(c.windows, cpu-c.lastCPU)
	c.lastCPU = cpu
	c.next += c.window
}

// report writes one line per window and the totals.
func (c *cpuStats) report(w io.Writer) {
	if !c.ok {
		fmt.Fprintln(w, "livemic: stats: process CPU time is not measured on this system")
		return
	}
	chunks := float64(c.window) / float64(c.chunk)
	fmt.Fprintf(w, "livemic: stats: CPU per %v chunk, per %v of audio (process CPU time)\n", c.chunk, c.window)
	for i, cpu := range c.windows {
		fmt.Fprintf(w, "  minute %3d  %7.2f ms/chunk  %5.1f%% of a core at real time\n", i+1, 1000*cpu/chunks, 100*cpu/c.window.Seconds())
	}
	total, _ := processCPU()
	wall := time.Since(c.start)
	fmt.Fprintf(w, "  all: %.1f s of audio in %.1f s wall, process CPU %.1f s (includes loading)\n", c.audio.Seconds(), wall.Seconds(), total)
	if n := len(c.windows); n >= 2 {
		fmt.Fprintf(w, "  last/first minute CPU ratio: %.3f\n", c.windows[n-1]/c.windows[0])
	}
}
