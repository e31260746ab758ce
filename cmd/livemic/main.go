// Command livemic is live dictation: it listens to a microphone (or plays
// a recording in as if from one), shows the words as they are recognised
// and writes each finished utterance on its own line.
//
//	livemic [flags]                  # the default microphone
//	livemic --list-devices
//	livemic --device 2               # or --device "USB"
//	livemic --input talk.wav         # a recording, paced at real time
//	livemic --input talk.wav --no-pace --format json
//	arecord -f S16_LE -r 16000 | livemic --input - --sample-rate 16000
//
// The pipeline is the same for every input: samples at the input's own
// rate go through a lock-free ring buffer (a microphone's is filled by the
// audio thread, a paced recording's by a goroutine that releases it at
// real time) to audio.Resample, then in 20 ms pieces to a mynah.Stream,
// which runs the chunked acoustic model with cached state, the incremental
// beam search (language model, hotwords) and an endpointer (voice
// activity plus a trailing-silence rule, --endpoint-silence).
//
// Partials come from the chunked pass of the acoustic model (trained with
// chunk masks); when an utterance ends, its final is decoded once more
// whole at full context (a "final pass", as two-pass streaming recognisers
// do), so finals are as accurate as transcribe's for one offline forward
// pass per utterance. --chunked-finals keeps the chunked pass's final;
// --full-context-partials re-decodes the last 4 s of speech at full
// context each chunk, for models trained without chunk masks
// (docs/livemic.md has the measured differences).
//
// On a terminal the partial hypothesis is redrawn in place; each final
// utterance goes to standard output on its own line. --format json writes
// JSON Lines events instead:
//
//	{"type":"partial"|"final", "text", "start", "end", "emitted_at", "reason", "words":[...]}
//
// start and end are the audio times (seconds from the start of the input)
// of the utterance's first and last word, from the CTC alignment;
// emitted_at is the audio clock when the event was produced: how much
// audio had arrived at the input (all of it captured or released, read or
// still queued; with --no-pace, what the recogniser had read). A final's
// reason is "endpoint" (trailing silence), "eof" (end of input or Ctrl-C)
// or "maxlen" (--max-utterance). words has transcribe's schema.
//
// Dictation conveniences are on unless --raw: spoken punctuation
// ("comma", "period" or "full stop", "question mark", "new line", "new
// paragraph"), sentence capitals, and the punctuation and casing of the
// embedded punctuation model (package punct) in its streaming variant,
// which tags each word once three more have come: a partial shows its
// stable words punctuated as the final will, and each final ends with a
// sentence mark unless a dictated command ends it (package
// internal/dictate). In JSON, "text" is this dictated form and "words"
// keep the recognised spoken-form words.
//
// Ctrl-C stops listening, flushes the utterance in progress and exits 0.
// Dropped audio (the recogniser fell behind and the ring overflowed) is
// reported on standard error, never silently. Exit status: 0 success, 1
// failure, 2 usage errors.
//
// Microphone capture needs PortAudio: build with
//
//	go build -tags portaudio ./cmd/livemic
//
// (Debian: portaudio19-dev). Without the tag, --input works and asking
// for a device says how to build with it.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		// After the first Ctrl-C (which flushes), a second one kills.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
