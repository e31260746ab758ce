package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/cmd/internal/vadflag"
)

// options are the parsed command-line flags.
type options struct {
	format       string
	output       string
	skipExisting bool
	recursive    bool
	inputList    string
	sampleRate   int
	modelPath    string
	lmPath       string
	beam         int
	nbest        int
	hotwords     []mynah.Hotword
	hotwordsFile string
	jobs         int
	threads      int
	progress     string
	vad          string
	vadOn        bool          // --vad parsed: segment by voice activity
	vadKind      mynah.VADKind // --vad parsed: with this detector
	shardSpec    string
	shardIndex   int
	shardCount   int
	raw          bool
	emotion      bool
	inputs       []string
}

// errUsage marks errors that should print the usage and exit 2.
var errUsage = errors.New("usage")

func newFlagSet(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("transcribe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.format, "format", "text", "output format: text, json, srt or vtt")
	fs.StringVar(&o.output, "output", "", "write to this file, or into this directory (one output per input) if it exists as one or ends in /")
	fs.BoolVar(&o.skipExisting, "skip-existing", false, "with a directory --output, skip inputs whose output already exists")
	fs.BoolVar(&o.recursive, "recursive", false, "walk directories recursively")
	fs.StringVar(&o.inputList, "input-list", "", `JSON Lines file of {"id": ..., "audio": ...} inputs`)
	fs.IntVar(&o.sampleRate, "sample-rate", 0, "sample rate of raw s16le mono audio on standard input (with -)")
	fs.StringVar(&o.modelPath, "model", "", "acoustic model file (default: the embedded English model)")
	fs.StringVar(&o.lmPath, "lm", "", "language model file, or none (default: the embedded English LM)")
	fs.IntVar(&o.beam, "beam", 0, "beam width (0: the decoder's default; 1: greedy)")
	fs.IntVar(&o.nbest, "nbest", 0, "also report the N best alternatives")
	fs.Var((*mynah.HotwordList)(&o.hotwords), "hotword", `boost a phrase: "phrase[:weight]" (repeatable)`)
	fs.StringVar(&o.hotwordsFile, "hotwords-file", "", "file of hotwords, one \"phrase[:weight]\" per line")
	fs.IntVar(&o.jobs, "j", 1, "transcribe N files concurrently (output stays in input order)")
	fs.IntVar(&o.threads, "threads", 0, "threads per file (0: automatic)")
	fs.StringVar(&o.progress, "progress", "auto", "progress bar on stderr: auto, always or never")
	fs.StringVar(&o.vad, "vad", "on", vadflag.Usage)
	fs.StringVar(&o.shardSpec, "shard", "", "process only shard I of N (I/N, 0-based), by FNV-1a-64 of the path")
	fs.BoolVar(&o.raw, "raw", false, "plain normalised words: no punctuation or casing")
	fs.BoolVar(&o.emotion, "emotion", false, `tag the emotion of each file and segment: an "emotion" object in --format json (models/EMOTION.md; the weights are for non-commercial use)`)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: transcribe [flags] FILE|DIR|- ...\n\nTranscribes audio (WAV, FLAC, MP3; raw s16le on stdin with - and --sample-rate).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses args into options, validating every flag.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := newFlagSet(&o, stderr)
	// Flags may come before, between or after inputs; "--" ends them.
	for {
		if err := fs.Parse(args); err != nil {
			return o, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			o.inputs = append(o.inputs, rest...)
			break
		}
		o.inputs = append(o.inputs, rest[0])
		args = rest[1:]
	}
	if o.shardSpec != "" {
		i, n, err := parseShard(o.shardSpec)
		if err != nil {
			return o, fmt.Errorf("%w: --shard: %v", errUsage, err)
		}
		o.shardIndex, o.shardCount = i, n
	}
	switch o.format {
	case "text", "json", "srt", "vtt":
	default:
		return o, fmt.Errorf("%w: --format %q: want text, json, srt or vtt", errUsage, o.format)
	}
	switch o.progress {
	case "auto", "always", "never":
	default:
		return o, fmt.Errorf("%w: --progress %q: want auto, always or never", errUsage, o.progress)
	}
	var err error
	if o.vadOn, o.vadKind, err = vadflag.Parse(o.vad); err != nil {
		return o, fmt.Errorf("%w: %w", errUsage, err)
	}
	if o.jobs < 1 {
		return o, fmt.Errorf("%w: -j %d: want at least 1", errUsage, o.jobs)
	}
	if o.beam < 0 || o.nbest < 0 || o.threads < 0 || o.sampleRate < 0 {
		return o, fmt.Errorf("%w: --beam, --nbest, --threads and --sample-rate cannot be negative", errUsage)
	}
	if len(o.inputs) == 0 && o.inputList == "" {
		return o, fmt.Errorf("%w: no input: give files, directories, - or --input-list", errUsage)
	}
	if o.skipExisting && o.output == "" {
		return o, fmt.Errorf("%w: --skip-existing needs a directory --output", errUsage)
	}
	stdinCount := 0
	for _, in := range o.inputs {
		if in == "-" {
			stdinCount++
		}
	}
	if stdinCount > 1 {
		return o, fmt.Errorf("%w: - (standard input) can be given only once", errUsage)
	}
	return o, nil
}

// parseShard parses "I/N" with 0 ≤ I < N.
func parseShard(s string) (index, count int, err error) {
	left, right, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want I/N, for example 0/4", s)
	}
	index, err1 := strconv.Atoi(left)
	count, err2 := strconv.Atoi(right)
	if err1 != nil || err2 != nil || count < 1 || index < 0 || index >= count {
		return 0, 0, fmt.Errorf("%q: want I/N with 0 <= I < N, for example 0/4", s)
	}
	return index, count, nil
}
