package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mynah-speech/mynah/cmd/internal/term"
)

// progress draws a one-line bar on stderr: files, audio hours, speed
// relative to real time, and ETA. It draws nothing when stderr is not a
// terminal (unless --progress always).
type progress struct {
	mu        sync.Mutex
	w         io.Writer
	enabled   bool
	total     int
	done      int
	audioSecs float64
	start     time.Time
	lastDraw  time.Time
}

func newProgress(mode string, stderr io.Writer, total int) *progress {
	p := &progress{w: stderr, total: total, start: time.Now()}
	switch mode {
	case "always":
		p.enabled = true
	case "auto":
		p.enabled = term.IsTerminal(stderr)
	}
	return p
}

// add records one finished input of the given audio duration.
func (p *progress) add(seconds float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.audioSecs += seconds
	if !p.enabled || (time.Since(p.lastDraw) < 200*time.Millisecond && p.done < p.total) {
		return
	}
	p.lastDraw = time.Now()
	elapsed := time.Since(p.start).Seconds()
	speed, eta := 0.0, ""
	if elapsed > 0 {
		speed = p.audioSecs / elapsed
	}
	if p.done > 0 && p.done < p.total {
		remaining := time.Duration(elapsed / float64(p.done) * float64(p.total-p.done) * float64(time.Second))
		eta = " ETA " + remaining.Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%d/%d files  %.2f h audio  %.1fx real time%s   ", p.done, p.total, p.audioSecs/3600, speed, eta)
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.enabled && p.done > 0 {
		fmt.Fprintln(p.w)
	}
}
