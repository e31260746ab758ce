package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/audio/device"
	"github.com/mynah-speech/mynah/cmd/livemic/internal/dictate"
	"github.com/mynah-speech/mynah/models"
	"github.com/mynah-speech/mynah/punct"
)

// modelRate is the rate mynah's models run at.
const modelRate audio.Rate = 16000

// readSamples is how much the loop takes from the input at a time (20 ms
// at 16 kHz). Reads return what has arrived, so this bounds, not sets, the
// step; small steps keep the audio clock of each event precise.
const readSamples = 320

// partialEvery is the longest the partial goes without an update while
// the endpointer hears speech: issue 10 asks for at least every 250 ms,
// and the check runs once per read (20 ms), so it fires a read early.
const partialEvery = 250*time.Millisecond - readSamples*time.Second/time.Duration(modelRate)

// run is the whole command, testable: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, errUsage) {
			msg := strings.TrimPrefix(err.Error(), "usage: ")
			if !strings.Contains(msg, "flag provided but not defined") && !strings.Contains(msg, "help requested") {
				fmt.Fprintf(stderr, "livemic: %s\n", msg)
			}
			fmt.Fprintln(stderr, "run 'livemic -h' for the flags")
			return 2
		}
		fmt.Fprintf(stderr, "livemic: %v\n", err)
		return 1
	}
	if o.listDevices {
		return listDevices(stdout, stderr)
	}
	if o.hotwordsFile != "" {
		f, err := os.Open(o.hotwordsFile)
		if err != nil {
			fmt.Fprintf(stderr, "livemic: --hotwords-file: %v\n", err)
			return 2
		}
		more, err := mynah.ReadHotwords(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "livemic: --hotwords-file %s: %v\n", o.hotwordsFile, err)
			return 2
		}
		o.hotwords = append(o.hotwords, more...)
	}
	// A microphone opens first, so that a missing device is reported at
	// once and words spoken while the models load wait in its ring; a
	// recording opens last, so that its real-time clock starts when
	// recognition can.
	var in *input
	if o.input == "" {
		if in, err = openInput(o, stdin); err != nil {
			fmt.Fprintf(stderr, "livemic: %v\n", err)
			return 1
		}
		defer in.close()
	}
	rec, err := mynah.NewRecognizer(o.recognizerConfig())
	if err != nil {
		fmt.Fprintf(stderr, "livemic: %v\n", err)
		return 1
	}
	var dictation *dictate.Formatter // nil with --raw
	if !o.raw {
		pm, err := punct.Load(models.Punctuation())
		if err != nil {
			fmt.Fprintf(stderr, "livemic: embedded punctuation model: %v\n", err)
			return 1
		}
		dictation = dictate.New(pm)
	}
	st, err := rec.NewStream(o.streamConfig())
	if err != nil {
		fmt.Fprintf(stderr, "livemic: %v\n", err)
		return 1
	}
	if in == nil {
		if ctx.Err() != nil {
			return 0 // Ctrl-C while loading: nothing was heard
		}
		if in, err = openInput(o, stdin); err != nil {
			fmt.Fprintf(stderr, "livemic: %v\n", err)
			return 1
		}
		defer in.close()
	}
	fmt.Fprintf(stderr, "livemic: listening to %s with %s (Ctrl-C to stop)\n", in.name, rec.ModelName())

	loopDone := make(chan struct{})
	defer close(loopDone)
	go func() {
		select {
		case <-ctx.Done():
			in.stop()
		case <-loopDone:
		}
	}()

	s := &session{o: o, st: st, in: in, sink: newSink(o, stdout, stderr), stderr: stderr, dictation: dictation}
	if o.stats {
		s.stats = newCPUStats(o.chunk)
	}
	code := s.listen(ctx)
	if err := s.sink.close(); err != nil && code == 0 {
		fmt.Fprintf(stderr, "livemic: %v\n", err)
		code = 1
	}
	if overruns, dropped := in.dropped(); overruns > 0 {
		rate := audio.Rate(in.src.SampleRate())
		fmt.Fprintf(stderr, "livemic: dropped %v of audio (%d samples in %d overruns): recognition fell more than --buffer behind\n",
			rate.Duration(int64(dropped)).Round(time.Millisecond), dropped, overruns)
	}
	if s.stats != nil {
		s.stats.report(stderr)
	}
	return code
}

// recognizerConfig is the recognizer the flags ask for. It stays raw:
// livemic punctuates with the punctuation model's streaming variant
// (dictate.New), not the recognizer's whole-utterance one.
func (o options) recognizerConfig() mynah.Config {
	return mynah.Config{ModelPath: o.modelPath, LMPath: o.lmPath, Beam: o.beam, Hotwords: o.hotwords, Raw: true, VADKind: mynah.VADKind(o.vad)}
}

// streamConfig is the live stream the flags ask for.
func (o options) streamConfig() mynah.StreamConfig {
	return mynah.StreamConfig{Chunk: o.chunk, EndpointSilence: o.endpointSilence, ChunkedFinals: o.chunkedFinals, FullContextPartials: o.fullContextPartials}
}

// session is one run of the recognition loop.
type session struct {
	o         options
	st        *mynah.Stream
	in        *input
	sink      sink
	stderr    io.Writer
	dictation *dictate.Formatter // nil with --raw
	stats     *cpuStats

	read          int64 // samples at 16 kHz taken from the input
	lastPartial   string
	lastPartialAt time.Duration
	overruns      uint64
	warnedAt      time.Duration
}

// clock is the audio clock: what has arrived at the input.
func (s *session) clock() time.Duration {
	if s.in.clock != nil {
		return s.in.clock()
	}
	return modelRate.Duration(s.read)
}

// listen runs until the input ends (or Ctrl-C ends it) and returns the
// exit status.
func (s *session) listen(ctx context.Context) int {
	src := audio.Resample(s.in.src, modelRate)
	buf := make([]float32, readSamples)
	for {
		if ctx.Err() != nil && s.o.noPace {
			// A paced input or a microphone drains what arrived before
			// Ctrl-C; an unpaced file just stops.
			return s.final(mynah.ReasonEOF)
		}
		n, err := src.Read(buf)
		if n > 0 {
			if code := s.accept(buf[:n]); code != 0 {
				return code
			}
		}
		if err == io.EOF {
			return s.final(mynah.ReasonEOF)
		}
		if err != nil {
			fmt.Fprintf(s.stderr, "livemic: %s: %v\n", s.in.name, err)
			if code := s.final(mynah.ReasonEOF); code != 0 {
				return code
			}
			return 1
		}
	}
}

// accept feeds samples and emits what they produce.
func (s *session) accept(samples []float32) int {
	end, err := s.st.Accept(samples)
	s.read += int64(len(samples))
	if err != nil {
		fmt.Fprintf(s.stderr, "livemic: %v\n", err)
		return 1
	}
	if s.stats != nil {
		s.stats.advance(modelRate.Duration(s.read))
	}
	s.checkOverruns()
	switch {
	case end:
		return s.final(mynah.ReasonEndpoint)
	case s.st.UtteranceLength() >= s.o.maxUtterance:
		return s.final(mynah.ReasonMaxLen)
	}
	return s.partial()
}

// partial emits the hypothesis when it changed, or when it has not been
// shown for partialEvery while speech goes on.
func (s *session) partial() int {
	words, stable := s.st.PartialWords()
	if len(words) == 0 {
		s.lastPartial = ""
		return 0
	}
	raw := joinWords(words)
	now := s.clock()
	if raw == s.lastPartial && !(s.st.InSpeech() && now-s.lastPartialAt >= partialEvery) {
		return 0
	}
	s.lastPartial, s.lastPartialAt = raw, now
	text := raw
	if s.dictation != nil {
		text = s.dictation.Partial(strings.Fields(raw), stable)
	}
	ev := mynah.NewLiveEvent(mynah.LivePartial, words, seconds(now))
	ev.Text = text
	if err := s.sink.partial(ev); err != nil {
		fmt.Fprintf(s.stderr, "livemic: %v\n", err)
		return 1
	}
	return 0
}

// final flushes the utterance and emits it, unless it was empty.
func (s *session) final(reason string) int {
	tr, err := s.st.Final()
	if err != nil {
		fmt.Fprintf(s.stderr, "livemic: %v\n", err)
		return 1
	}
	s.lastPartial = ""
	if len(tr.Words) == 0 {
		return 0
	}
	text := tr.Text
	if s.dictation != nil {
		text = s.dictation.Final(strings.Fields(tr.Text))
	}
	ev := mynah.NewLiveEvent(mynah.LiveFinal, tr.Words, seconds(s.clock()))
	ev.Text, ev.Reason = text, reason
	if err := s.sink.final(ev); err != nil {
		fmt.Fprintf(s.stderr, "livemic: %v\n", err)
		return 1
	}
	return 0
}

// checkOverruns reports dropped audio as it happens, at most once a second.
func (s *session) checkOverruns() {
	overruns, dropped := s.in.dropped()
	if overruns == s.overruns {
		return
	}
	now := s.clock()
	if s.overruns != 0 && now-s.warnedAt < time.Second {
		return
	}
	s.overruns, s.warnedAt = overruns, now
	fmt.Fprintf(s.stderr, "\nlivemic: recognition is falling behind: %v of audio dropped so far\n",
		s.in.src.SampleRate().Duration(int64(dropped)).Round(time.Millisecond))
}

func joinWords(words []mynah.Word) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Word)
	}
	return b.String()
}

// seconds rounds to milliseconds, as transcribe's times are.
func seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

// listDevices prints the sound devices, inputs marked.
func listDevices(stdout, stderr io.Writer) int {
	devs, err := device.Devices()
	if err != nil {
		fmt.Fprintf(stderr, "livemic: %v\n", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tNAME\tHOST API\tIN\tOUT\tRATE\tDEFAULT")
	for _, d := range devs {
		def := ""
		switch {
		case d.DefaultInput && d.DefaultOutput:
			def = "input, output"
		case d.DefaultInput:
			def = "input"
		case d.DefaultOutput:
			def = "output"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\n", d.Index, d.Name, d.Host, d.InputChannels, d.OutputChannels, int(d.DefaultRate), def)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "livemic: %v\n", err)
		return 1
	}
	return 0
}
