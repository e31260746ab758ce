package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/audio/device"
	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/ssml"
)

// env is what run needs from the world beyond its arguments and streams,
// so that tests can give a fake voice and a fake sound card.
type env struct {
	// loadVoice reads a voice file.
	loadVoice func(path string) (*tts.Voice, error)
	// defaultVoice is the built-in voice; nil when none is built in.
	defaultVoice func() (*tts.Voice, error)
	// play plays samples and returns when they have been played.
	play func(ctx context.Context, samples []float32, rate audio.Rate) error
	// playBuilt says whether play can work in this build.
	playBuilt bool
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(ctx, args, stdin, stdout, stderr, env{
		loadVoice:    tts.LoadVoiceFile,
		defaultVoice: defaultVoice(),
		play:         device.Play,
		playBuilt:    playBuilt,
	})
}

type options struct {
	out        string
	file       string
	lines      string
	voice      string
	speed      float64
	pitch      float64
	volume     float64
	ssml       bool
	sampleRate int
	play       bool
	verbose    bool
	text       []string
}

const usageText = `usage: speak [flags] -o out.wav TEXT...
       speak [flags] -o - < text.txt > out.wav
       speak [flags] --lines prompts.txt -o DIR/
       speak [flags] --play TEXT...

Text comes from the arguments, --file, or standard input.

Flags:
`

// parseArgs reads flags and text; flags may come after the text too.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	o := options{speed: 1, pitch: 1, volume: 1}
	fs := flag.NewFlagSet("speak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.out, "o", "", "output WAV `file`, - for standard output, or a directory with --lines")
	fs.StringVar(&o.file, "file", "", "read the text from `file` (- for standard input)")
	fs.StringVar(&o.lines, "lines", "", "speak each line of `file` into its own WAV, DIR/NNNN.wav (NNNN is the line number)")
	fs.StringVar(&o.voice, "voice", "", "voice `file` (default: the built-in voice)")
	fs.Float64Var(&o.speed, "speed", 1, "speaking rate: 2 is twice as fast (0.25 to 4)")
	fs.Float64Var(&o.pitch, "pitch", 1, "pitch multiplier: 2 is an octave up (0.25 to 4)")
	fs.Float64Var(&o.volume, "volume", 1, "amplitude multiplier (above 0, at most 16)")
	fs.BoolVar(&o.ssml, "ssml", false, "the input is an SSML document (with --lines: each line is one)")
	fs.IntVar(&o.sampleRate, "sample-rate", 0, "output sample rate in Hz (default: the voice's 22050)")
	fs.BoolVar(&o.play, "play", false, "play the speech (builds with -tags portaudio)")
	fs.BoolVar(&o.verbose, "v", false, "print each phrase's symbols and timing to standard error")
	for {
		if err := fs.Parse(args); err != nil {
			return o, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			o.text = append(o.text, rest...) // after "--" everything is text
			break
		}
		// Text before more flags: keep the word and read on.
		o.text = append(o.text, rest[0])
		args = rest[1:]
	}
	return o, nil
}

// usageError is a problem with the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func (o *options) check(e env) error {
	switch {
	case o.lines != "" && (len(o.text) > 0 || o.file != ""):
		return usageError{"--lines reads its own file: give no TEXT and no --file"}
	case len(o.text) > 0 && o.file != "":
		return usageError{"give TEXT or --file, not both"}
	case o.lines != "" && o.play:
		return usageError{"--lines writes files: use -o DIR/, not --play"}
	case o.lines != "" && (o.out == "" || o.out == "-"):
		return usageError{"--lines needs -o DIR/ for its WAV files"}
	case o.play && o.out != "":
		return usageError{"choose -o or --play, not both"}
	case !o.play && o.out == "":
		return usageError{"no output: give -o FILE.wav, -o - for standard output, or --play"}
	case o.play && !e.playBuilt:
		return usageError{"--play is not available in this build: rebuild with `go build -tags portaudio ./cmd/speak` (needs portaudio19-dev), or write a file with -o"}
	case o.sampleRate < 0:
		return usageError{fmt.Sprintf("--sample-rate %d: must be positive", o.sampleRate)}
	case !(o.speed > 0), !(o.pitch > 0), !(o.volume > 0):
		// tts reads 0 as "unset"; on the command line it is a mistake.
		return usageError{fmt.Sprintf("--speed %g, --pitch %g, --volume %g: each must be above 0", o.speed, o.pitch, o.volume)}
	}
	if err := o.ttsOptions().Validate(); err != nil {
		return usageError{strings.TrimPrefix(err.Error(), "tts: ")}
	}
	return nil
}

func (o *options) ttsOptions() tts.Options {
	return tts.Options{Speed: o.speed, Pitch: o.pitch, Volume: o.volume, SampleRate: audio.Rate(o.sampleRate)}
}

func runEnv(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, e env) int {
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2 // flag has printed the problem and the usage
	}
	if err := o.check(e); err != nil {
		fmt.Fprintf(stderr, "speak: %v\n", err)
		return 2
	}
	voice, err := loadVoice(o.voice, e)
	if err != nil {
		fmt.Fprintf(stderr, "speak: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	synth, err := tts.NewSynthesizer(voice, o.ttsOptions())
	if err != nil {
		fmt.Fprintf(stderr, "speak: %v\n", err)
		return 2
	}
	r := &runner{o: o, e: e, synth: synth, stderr: stderr}
	if o.lines != "" {
		return r.lines(ctx)
	}
	in := stdin
	name := "standard input"
	switch {
	case len(o.text) > 0:
		in, name = strings.NewReader(strings.Join(o.text, " ")), "the arguments"
	case o.file != "" && o.file != "-":
		f, err := os.Open(o.file)
		if err != nil {
			fmt.Fprintf(stderr, "speak: %v\n", err)
			return 1
		}
		defer f.Close()
		in, name = f, o.file
	}
	if err := r.speak(ctx, in, o.out, stdout); err != nil {
		fmt.Fprintf(stderr, "speak: %s: %v\n", name, describe(err))
		return 1
	}
	return 0
}

// describe turns the errors a user causes into plain words.
func describe(err error) string {
	if errors.Is(err, tts.ErrNoWords) {
		return "the text is empty: nothing to speak"
	}
	return err.Error()
}

// loadVoice returns the voice of --voice, or the built-in one.
func loadVoice(path string, e env) (*tts.Voice, error) {
	if path != "" {
		return e.loadVoice(path)
	}
	if e.defaultVoice == nil {
		return nil, usageError{"no default voice is built in yet: pass --voice FILE (a voice file written by tts.WriteVoice)"}
	}
	return e.defaultVoice()
}

type runner struct {
	o      options
	e      env
	synth  *tts.Synthesizer
	stderr io.Writer
}

func (r *runner) phrases(in io.Reader) iter.Seq2[tts.Phrase, error] {
	var ps iter.Seq2[tts.Phrase, error]
	if r.o.ssml {
		ps = ssml.Phrases(in)
	} else {
		ps = tts.PhraseStream(in)
	}
	if !r.o.verbose {
		return ps
	}
	return func(yield func(tts.Phrase, error) bool) {
		for p, err := range ps {
			if err == nil {
				fmt.Fprintf(r.stderr, "speak: %q\n\t%s | pause %v\n", p.Text, strings.Join(p.Symbols, " "), p.Pause)
			}
			if !yield(p, err) {
				return
			}
		}
	}
}

// speak synthesises in to out ("-" for stdout) or plays it.
func (r *runner) speak(ctx context.Context, in io.Reader, out string, stdout io.Writer) error {
	start := time.Now()
	st := r.synth.Stream(ctx, r.phrases(in))
	defer st.Close()
	var n int64
	var err error
	switch {
	case r.o.play:
		n, err = r.playStream(ctx, st)
	case out == "-":
		n, err = writeWAV(stdout, st)
	default:
		n, err = writeWAVFile(out, st)
	}
	if r.o.verbose && err == nil {
		r.report(1, n, time.Since(start))
	}
	return err
}

func (r *runner) report(files int, samples int64, elapsed time.Duration) {
	dur := r.synth.SampleRate().Duration(samples)
	fmt.Fprintf(r.stderr, "speak: %d file(s), %.2f s of audio in %.3f s (%.0f× real time)\n",
		files, dur.Seconds(), elapsed.Seconds(), dur.Seconds()/max(elapsed.Seconds(), 1e-9))
}

// writeWAV streams src into a 16-bit WAV on w.
func writeWAV(w io.Writer, src audio.Source) (int64, error) {
	ww, err := audio.NewWAVWriter(w, src.SampleRate(), audio.PCM16)
	if err != nil {
		return 0, err
	}
	buf := make([]float32, 8192)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if werr := ww.Write(buf[:n]); werr != nil {
				return ww.Samples(), fmt.Errorf("write: %w", werr)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			ww.Close()
			return ww.Samples(), err
		}
	}
	return ww.Samples(), ww.Close()
}

// writeWAVFile writes src to path through a temporary file renamed into
// place when complete, so that path never holds half a file.
func writeWAVFile(path string, src audio.Source) (int64, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return 0, err
	}
	n, err := writeWAV(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return n, err
	}
	return n, nil
}

// playBlock bounds how much audio is gathered before it is played: blocks
// end at a pause (a run of silence) once minPlay is gathered, or at
// maxPlay, so that the seams between blocks fall between phrases.
const (
	minPlay     = 1 * time.Second
	maxPlay     = 8 * time.Second
	pauseToCut  = 40 * time.Millisecond
	silentLevel = 1e-4
)

// playStream plays src block by block as it is synthesised.
func (r *runner) playStream(ctx context.Context, src audio.Source) (int64, error) {
	rate := src.SampleRate()
	minN, maxN := int(minPlay.Seconds()*float64(rate)), int(maxPlay.Seconds()*float64(rate))
	quiet := int(pauseToCut.Seconds() * float64(rate))
	block := make([]float32, 0, maxN)
	buf := make([]float32, 2048)
	var total int64
	silentRun := 0
	for {
		n, err := src.Read(buf[:min(len(buf), maxN-len(block))])
		for _, v := range buf[:n] {
			if v < silentLevel && v > -silentLevel {
				silentRun++
			} else {
				silentRun = 0
			}
		}
		block = append(block, buf[:n]...)
		total += int64(n)
		end := err != nil
		if end || len(block) >= maxN || (len(block) >= minN && silentRun >= quiet) {
			if len(block) > 0 {
				if perr := r.e.play(ctx, block, rate); perr != nil {
					return total, fmt.Errorf("play: %w", perr)
				}
			}
			block = block[:0]
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// lines speaks each line of --lines into DIR/NNNN.wav.
func (r *runner) lines(ctx context.Context) int {
	f, err := os.Open(r.o.lines)
	if err != nil {
		fmt.Fprintf(r.stderr, "speak: %v\n", err)
		return 1
	}
	defer f.Close()
	if err := os.MkdirAll(r.o.out, 0o755); err != nil {
		fmt.Fprintf(r.stderr, "speak: %v\n", err)
		return 1
	}
	start := time.Now()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	failed, files := 0, 0
	var samples int64
	for lineNo := 1; sc.Scan(); lineNo++ {
		if ctx.Err() != nil {
			break
		}
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		path := filepath.Join(r.o.out, fmt.Sprintf("%04d.wav", lineNo))
		st := r.synth.Stream(ctx, r.phrases(strings.NewReader(line)))
		n, err := writeWAVFile(path, st)
		st.Close()
		if err != nil {
			fmt.Fprintf(r.stderr, "speak: %s:%d: %v\n", r.o.lines, lineNo, describe(err))
			failed++
			continue
		}
		files++
		samples += n
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(r.stderr, "speak: %s: %v\n", r.o.lines, err)
		failed++
	}
	if err := ctx.Err(); err != nil {
		fmt.Fprintf(r.stderr, "speak: %v\n", err)
		failed++
	}
	if r.o.verbose {
		r.report(files, samples, time.Since(start))
	}
	if failed > 0 || files == 0 {
		if files == 0 && failed == 0 {
			fmt.Fprintf(r.stderr, "speak: %s: no lines to speak\n", r.o.lines)
		}
		return 1
	}
	return 0
}
