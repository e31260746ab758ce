package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// run is the whole command, testable: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, errUsage) {
			if !strings.Contains(err.Error(), "flag provided but not defined") && !strings.Contains(err.Error(), "help requested") {
				fmt.Fprintf(stderr, "transcribe: %v\n", strings.TrimPrefix(err.Error(), "usage: "))
			}
			fmt.Fprintln(stderr, "run 'transcribe -h' for the flags")
			return 2
		}
		fmt.Fprintf(stderr, "transcribe: %v\n", err)
		return 1
	}
	if o.hotwordsFile != "" {
		f, err := os.Open(o.hotwordsFile)
		if err != nil {
			fmt.Fprintf(stderr, "transcribe: --hotwords-file: %v\n", err)
			return 2
		}
		more, err := mynah.ReadHotwords(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "transcribe: --hotwords-file %s: %v\n", o.hotwordsFile, err)
			return 2
		}
		o.hotwords = append(o.hotwords, more...)
	}
	inputs, err := expandInputs(o)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe: %v\n", err)
		return 2
	}
	sink, err := newSink(o, inputs, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe: %v\n", err)
		return 2
	}
	if len(inputs) == 0 {
		fmt.Fprintln(stderr, "transcribe: no audio files to transcribe")
		return 0
	}

	rec, err := mynah.NewRecognizer(mynah.Config{
		ModelPath: o.modelPath,
		LMPath:    o.lmPath,
		Beam:      o.beam,
		NBest:     o.nbest,
		Hotwords:  o.hotwords,
		Threads:   o.threads,
		VAD:       o.vadOn,
		VADKind:   o.vadKind,
		Raw:       o.raw,
		Emotion:   o.emotion,
	})
	if err != nil {
		fmt.Fprintf(stderr, "transcribe: %v\n", err)
		return 1
	}

	prog := newProgress(o.progress, stderr, len(inputs))
	defer prog.finish()

	// Workers transcribe concurrently; results are written in input order.
	results := make([]chan mynah.Transcript, len(inputs))
	for i := range results {
		results[i] = make(chan mynah.Transcript, 1)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < o.jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] <- transcribeOne(ctx, rec, o, inputs[i], stdin, sink.skip(i))
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range inputs {
			select {
			case next <- i:
			case <-ctx.Done():
				for j := i; j < len(inputs); j++ {
					results[j] <- mynah.Transcript{File: inputs[j].path, ID: inputs[j].id, Error: "interrupted"}
				}
				return
			}
		}
	}()

	failed := 0
	for i := range inputs {
		tr := <-results[i]
		if tr.Error != "" {
			failed++
			fmt.Fprintf(stderr, "%s: %s\n", displayPath(inputs[i]), tr.Error)
		}
		if err := sink.write(i, tr); err != nil {
			fmt.Fprintf(stderr, "transcribe: %v\n", err)
			failed++
		}
		prog.add(tr.Duration)
	}
	wg.Wait()
	if err := sink.close(); err != nil {
		fmt.Fprintf(stderr, "transcribe: %v\n", err)
		failed++
	}
	if failed > 0 {
		return 1
	}
	return 0
}

func displayPath(in input) string {
	if in.path == "-" {
		return "(standard input)"
	}
	return in.path
}

// transcribeOne opens and transcribes one input; every failure becomes the
// transcript's Error, never a panic or an early exit.
func transcribeOne(ctx context.Context, rec *mynah.Recognizer, o options, in input, stdin io.Reader, skip bool) (tr mynah.Transcript) {
	tr = mynah.Transcript{File: in.path, ID: in.id}
	if skip {
		tr.Warning = "skipped: output exists"
		return tr
	}
	defer func() {
		if p := recover(); p != nil {
			tr = mynah.Transcript{File: in.path, ID: in.id, Error: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	var src audio.Source
	if in.path == "-" {
		var err error
		if o.sampleRate > 0 {
			src, err = audio.DecodeRaw(stdin, audio.Rate(o.sampleRate), 1)
		} else {
			src, err = audio.Decode(stdin, audio.DecodeOptions{})
		}
		if err != nil {
			tr.Error = err.Error()
			return tr
		}
	} else {
		f, err := audio.Open(in.path, audio.DecodeOptions{})
		if err != nil {
			tr.Error = strings.TrimPrefix(err.Error(), in.path+": ")
			return tr
		}
		defer f.Close()
		src = f
	}
	out, err := rec.Transcribe(ctx, src)
	if err != nil {
		tr.Error = strings.TrimPrefix(err.Error(), in.path+": ")
		return tr
	}
	out.File, out.ID = in.path, in.id
	return out
}

// sink writes transcripts to standard output, one file, or one file per
// input in a directory.
type sink struct {
	format  string
	multi   bool // more than one input: text lines carry "path: "
	dirMode bool
	names   []string // per input, in directory mode
	exists  []bool   // per input, output present before the run (--skip-existing)
	out     io.Writer
	file    *os.File
}

func newSink(o options, inputs []input, stdout io.Writer) (*sink, error) {
	s := &sink{format: o.format, multi: len(inputs) > 1, out: stdout}
	if o.output == "" {
		if (o.format == "srt" || o.format == "vtt") && len(inputs) > 1 {
			return nil, fmt.Errorf("--format %s with %d inputs needs a directory --output (one subtitle file per input)", o.format, len(inputs))
		}
		return s, nil
	}
	info, err := os.Stat(o.output)
	s.dirMode = strings.HasSuffix(o.output, "/") || strings.HasSuffix(o.output, string(filepath.Separator)) || (err == nil && info.IsDir())
	if !s.dirMode {
		if o.skipExisting {
			return nil, fmt.Errorf("--skip-existing needs a directory --output, and %s is not one", o.output)
		}
		if (o.format == "srt" || o.format == "vtt") && len(inputs) > 1 {
			return nil, fmt.Errorf("--format %s with %d inputs needs a directory --output", o.format, len(inputs))
		}
		f, err := os.Create(o.output)
		if err != nil {
			return nil, fmt.Errorf("--output: %w", err)
		}
		s.file, s.out = f, f
		return s, nil
	}
	if err := os.MkdirAll(o.output, 0o755); err != nil {
		return nil, fmt.Errorf("--output: %w", err)
	}
	s.names, err = outputNames(inputs, o.output, o.format)
	if err != nil {
		return nil, fmt.Errorf("--output: %w", err)
	}
	s.exists = make([]bool, len(inputs))
	if o.skipExisting {
		for i, name := range s.names {
			if info, err := os.Stat(name); err == nil && info.Size() > 0 {
				s.exists[i] = true
			}
		}
	}
	return s, nil
}

// skip reports whether input i's output already exists (--skip-existing).
func (s *sink) skip(i int) bool { return s.exists != nil && s.exists[i] }

// write renders and writes input i's transcript.
func (s *sink) write(i int, tr mynah.Transcript) error {
	if s.skip(i) {
		return nil
	}
	var b bytes.Buffer
	if err := render(&b, s.format, tr, s.multi && !s.dirMode); err != nil {
		return err
	}
	if !s.dirMode {
		_, err := s.out.Write(b.Bytes())
		return err
	}
	if tr.Error != "" && s.format != "json" {
		return nil // no output file for a failed input; the error is on stderr
	}
	return writeFileAtomic(s.names[i], b.Bytes())
}

func (s *sink) close() error {
	if s.file != nil {
		return s.file.Close()
	}
	return nil
}

// render writes one transcript in the chosen format with the renderer
// mynahd uses too, so the server returns exactly what transcribe prints.
func render(w io.Writer, format string, tr mynah.Transcript, prefixPath bool) error {
	return tr.Render(w, format, prefixPath)
}

// writeFileAtomic writes via a temporary file and rename, so an interrupted
// run never leaves a partial output that --skip-existing would then trust.
func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".transcribe-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
