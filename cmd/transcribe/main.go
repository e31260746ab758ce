// Command transcribe turns audio files into text.
//
//	transcribe [flags] FILE|DIR|- ...
//
// Inputs are WAV, FLAC or MP3 at any rate and channel count (the format is
// detected from the bytes), directories (with --recursive, walked), a JSON
// Lines list (--input-list), or raw s16le on standard input ("-" with
// --sample-rate). Results go to standard output, or to --output: a file,
// or a directory (one output per input, named after its relative path).
// Progress and diagnostics go to standard error. Exit status: 0 when every
// input succeeded, 1 when any failed, 2 for usage errors.
//
// Memory does not grow with the length of a recording: audio streams
// through voice activity segmentation, and only the words are kept. The
// peak is the model (100-120 MB live) plus 50-80 MB per 20 s segment being
// recognised at once (--threads), plus the collector's headroom, which
// transcribe halves (GOGC=50 unless $GOGC is set): a 2-hour file peaks at
// 315-340 MiB with two threads (scripts/long-rss.sh).
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
)

// gcPercent is the collector's target when $GOGC is unset. Go's default
// (100) lets the heap reach twice what is live; when a GC cycle lands while
// several segments are in flight (live ~210 MB on two threads) that put a
// 2-hour run at 460 MiB peak RSS (another run: 339 MiB), against issue 9's
// 400 MB. At 50 the same binary peaked at 314 MiB for 2% more CPU time
// (44.4 + 0.9 s against 43.3 + 1.1 s; GODEBUG=gctrace=1 shows the live heap).
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
