// Command speak turns text into speech.
//
//	speak [flags] -o out.wav TEXT...
//	speak [flags] -o - < book.txt > book.wav
//	speak [flags] --lines prompts.txt -o DIR/
//	speak [flags] --play TEXT...
//
// The text comes from the arguments, from --file, or from standard input.
// It is read the way package tts reads it: numbers, dates, currency and
// abbreviations written out ("Dr. Smith paid $3.50" is "doctor smith paid
// three dollars and fifty cents"), phrase breaks from punctuation, and
// long input streamed sentence by sentence in bounded memory. With --ssml
// the input is an SSML document (package tts/ssml lists the subset).
//
// Output is a 16-bit mono WAV file: -o FILE (written to a temporary file
// and renamed when complete), -o - for standard output (the header's
// sizes are then left open, as for any pipe), or one file per input line
// with --lines FILE -o DIR/ (DIR/0001.wav for line 1, and so on; blank
// lines are skipped). --play plays the speech instead; it needs a build
// with `-tags portaudio` (and portaudio19-dev), and says so otherwise.
//
// --speed, --pitch and --volume scale the voice's rate, F0 and amplitude
// (1 is the voice as trained); --sample-rate resamples the output
// (default: the voice's 22,050 Hz). --voice loads a voice file (see
// tts.LoadVoice); without it speak uses the built-in voice.
//
// Diagnostics go to standard error. Exit status: 0 on success, 1 when any
// input failed (empty text, a synthesis or write error), 2 for usage
// errors.
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
