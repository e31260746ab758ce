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
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
