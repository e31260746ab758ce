package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/mynah-speech/mynah"
)

// options are the parsed command-line flags.
type options struct {
	format              string
	input               string
	sampleRate          int
	noPace              bool
	listDevices         bool
	device              string
	raw                 bool
	partials            string
	modelPath           string
	lmPath              string
	beam                int
	hotwords            []mynah.Hotword
	hotwordsFile        string
	chunk               time.Duration
	endpointSilence     time.Duration
	vad                 string
	maxUtterance        time.Duration
	buffer              time.Duration
	stats               bool
	chunkedFinals       bool
	fullContextPartials bool
}

// errUsage marks errors that print a hint and exit 2.
var errUsage = errors.New("usage")

func newFlagSet(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("livemic", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.format, "format", "text", "output format: text (finals on stdout, partials redrawn on the terminal) or json (JSON Lines events)")
	fs.StringVar(&o.input, "input", "", "play this recording (WAV, FLAC, MP3) in as if from the microphone, or - for raw s16le mono on stdin")
	fs.IntVar(&o.sampleRate, "sample-rate", 0, "sample rate of the raw s16le audio of --input -")
	fs.BoolVar(&o.noPace, "no-pace", false, "with --input, feed the audio as fast as it is recognised instead of at real time")
	fs.BoolVar(&o.listDevices, "list-devices", false, "list the sound devices and exit")
	fs.StringVar(&o.device, "device", "", "input device: its index from --list-devices or part of its name (default: the system's default input)")
	fs.BoolVar(&o.raw, "raw", false, "plain recognised words: no spoken punctuation, sentence capitals or punctuation model")
	fs.StringVar(&o.partials, "partials", "auto", "redraw the partial hypothesis in place (text format): auto (when on a terminal), always or never")
	fs.StringVar(&o.modelPath, "model", "", "acoustic model file (default: the embedded English model)")
	fs.StringVar(&o.lmPath, "lm", "", "language model file, or none (default: the embedded English LM)")
	fs.IntVar(&o.beam, "beam", 0, "beam width (0: the decoder's default)")
	fs.Var((*mynah.HotwordList)(&o.hotwords), "hotword", `boost a phrase: "phrase[:weight]" (repeatable)`)
	fs.StringVar(&o.hotwordsFile, "hotwords-file", "", "file of hotwords, one \"phrase[:weight]\" per line")
	fs.DurationVar(&o.chunk, "chunk", 240*time.Millisecond, "acoustic model step: the look-ahead each frame waits for")
	fs.DurationVar(&o.endpointSilence, "endpoint-silence", 400*time.Millisecond, "trailing silence after speech that ends an utterance")
	fs.StringVar(&o.vad, "vad", "learned", "endpointer's voice activity detector: learned (the embedded model) or energy (the energy baseline)")
	fs.DurationVar(&o.maxUtterance, "max-utterance", 20*time.Second, "cut an utterance that grows this long without a pause (reason maxlen)")
	fs.DurationVar(&o.buffer, "buffer", 10*time.Second, "audio the capture ring holds while recognition catches up; beyond it audio is dropped and reported")
	fs.BoolVar(&o.chunkedFinals, "chunked-finals", false, "finals keep the chunked pass's words instead of re-decoding each utterance at full context when it ends (less CPU at each endpoint, less accurate)")
	fs.BoolVar(&o.fullContextPartials, "full-context-partials", false, "partials re-decode the last 4 s of speech at full context each chunk instead of coming from the chunked pass (for models trained without chunk masks; more CPU, later first partial)")
	fs.BoolVar(&o.stats, "stats", false, "at the end, report on stderr the CPU time per model chunk, per minute of audio")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: livemic [flags]\n\nLive dictation from a microphone (built with -tags portaudio) or a recording (--input).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses and validates the flags.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := newFlagSet(&o, stderr)
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%w: unexpected argument %q (recordings go in with --input)", errUsage, fs.Arg(0))
	}
	switch o.format {
	case "text", "json":
	default:
		return o, fmt.Errorf("%w: --format %q: want text or json", errUsage, o.format)
	}
	switch o.partials {
	case "auto", "always", "never":
	default:
		return o, fmt.Errorf("%w: --partials %q: want auto, always or never", errUsage, o.partials)
	}
	if o.input != "" && o.device != "" {
		return o, fmt.Errorf("%w: --input and --device exclude each other", errUsage)
	}
	if o.input == "-" && o.sampleRate <= 0 {
		return o, fmt.Errorf("%w: --input - (raw s16le on stdin) needs --sample-rate", errUsage)
	}
	if o.input != "-" && o.sampleRate != 0 {
		return o, fmt.Errorf("%w: --sample-rate is for raw audio on stdin (--input -)", errUsage)
	}
	if o.sampleRate < 0 || o.sampleRate > 768000 {
		return o, fmt.Errorf("%w: --sample-rate %d: want 1 to 768000", errUsage, o.sampleRate)
	}
	if o.noPace && o.input == "" {
		return o, fmt.Errorf("%w: --no-pace needs --input (a microphone has its own pace)", errUsage)
	}
	if o.beam < 0 {
		return o, fmt.Errorf("%w: --beam cannot be negative", errUsage)
	}
	if o.chunk <= 0 || o.endpointSilence <= 0 || o.maxUtterance <= 0 || o.buffer <= 0 {
		return o, fmt.Errorf("%w: --chunk, --endpoint-silence, --max-utterance and --buffer must be positive", errUsage)
	}
	switch o.vad {
	case "learned", "energy":
	default:
		return o, fmt.Errorf("%w: --vad %q: want learned or energy", errUsage, o.vad)
	}
	if o.maxUtterance < o.chunk {
		return o, fmt.Errorf("%w: --max-utterance %v is shorter than a --chunk (%v)", errUsage, o.maxUtterance, o.chunk)
	}
	return o, nil
}
