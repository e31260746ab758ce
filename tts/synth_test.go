package tts_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/ttstest"
)

// expectedSamples is the fake voice's length for text at speed 1.
func expectedSamples(t *testing.T, text string, speed float64) int {
	t.Helper()
	phrases, err := tts.Phonemize(text)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range phrases {
		for _, s := range p.Symbols {
			base := ttstest.PhoneFrames
			switch {
			case s == tts.WordBoundary:
				base = 0
			case s == tts.Silence:
				base = ttstest.SilenceFrames
			case len(s) == 1:
				base = ttstest.BreakFrames
			}
			n += int(math.Round(float64(base)/speed)) * tts.HopSamples
		}
		n += int(math.Round(p.Pause.Seconds() * float64(tts.SampleRate)))
	}
	return n
}

func newSynth(t testing.TB, v *tts.Voice, o tts.Options) *tts.Synthesizer {
	t.Helper()
	s, err := tts.NewSynthesizer(v, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// zeroCrossings counts upward crossings of zero with hysteresis, so that
// the resampler's ringing in silence does not count.
func zeroCrossings(x []float32) int {
	n := 0
	low := false
	for _, v := range x {
		switch {
		case v < -0.05:
			low = true
		case v > 0.05 && low:
			low = false
			n++
		}
	}
	return n
}

func peak(x []float32) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(float64(v)))
	}
	return m
}

func TestSynthesizeOptions(t *testing.T) {
	const text = "Hello, world. Dr. Smith paid $3.50 on Jan. 5, 2024."
	ctx := context.Background()
	base, err := newSynth(t, ttstest.Voice(), tts.Options{}).Synthesize(ctx, text)
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedSamples(t, text, 1); len(base) != want {
		t.Errorf("%d samples, want %d", len(base), want)
	}
	tests := []struct {
		name  string
		opt   tts.Options
		check func(t *testing.T, got []float32)
	}{
		{"speed", tts.Options{Speed: 2}, func(t *testing.T, got []float32) {
			if want := expectedSamples(t, text, 2); len(got) != want {
				t.Errorf("%d samples, want %d", len(got), want)
			}
		}},
		{"pitch", tts.Options{Pitch: 1.5}, func(t *testing.T, got []float32) {
			if r := float64(zeroCrossings(got)) / float64(zeroCrossings(base)); math.Abs(r-1.5) > 0.05 {
				t.Errorf("pitch ratio %.3f, want 1.5", r)
			}
		}},
		{"volume", tts.Options{Volume: 0.5}, func(t *testing.T, got []float32) {
			if r := peak(got) / peak(base); math.Abs(r-0.5) > 1e-6 {
				t.Errorf("peak ratio %.4f, want 0.5", r)
			}
		}},
		{"rate", tts.Options{SampleRate: 16000}, func(t *testing.T, got []float32) {
			want := float64(len(base)) * 16000 / 22050
			if math.Abs(float64(len(got))-want) > 2 {
				t.Errorf("%d samples at 16 kHz, want %.0f", len(got), want)
			}
			// The tone keeps its frequency.
			if r := float64(zeroCrossings(got)) / float64(zeroCrossings(base)); math.Abs(r-1) > 0.02 {
				t.Errorf("tone moved by %.3f", r)
			}
		}},
		{"pull", tts.Options{Lookahead: -1}, func(t *testing.T, got []float32) {
			if !slices.Equal(got, base) {
				t.Errorf("synchronous synthesis differs from look-ahead")
			}
		}},
		{"lookahead 4", tts.Options{Lookahead: 4}, func(t *testing.T, got []float32) {
			if !slices.Equal(got, base) {
				t.Errorf("look-ahead 4 differs from 1")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSynth(t, ttstest.Voice(), tt.opt)
			got, err := s.Synthesize(ctx, text)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		opt tts.Options
		ok  bool
	}{
		{tts.Options{}, true},
		{tts.Options{Speed: 4, Pitch: 0.25, Volume: 16, SampleRate: 8000}, true},
		{tts.Options{Speed: 5}, false},
		{tts.Options{Speed: -1}, false},
		{tts.Options{Pitch: 0.1}, false},
		{tts.Options{Pitch: math.NaN()}, false},
		{tts.Options{Volume: -1}, false},
		{tts.Options{Volume: 17}, false},
		{tts.Options{SampleRate: 100}, false},
	}
	for _, tt := range tests {
		err := tt.opt.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%+v: error %v", tt.opt, err)
		}
		if _, err2 := tts.NewSynthesizer(ttstest.Voice(), tt.opt); (err2 == nil) != tt.ok {
			t.Errorf("NewSynthesizer(%+v): error %v", tt.opt, err2)
		}
	}
	if _, err := tts.NewSynthesizer(&tts.Voice{}, tts.Options{}); err == nil {
		t.Error("NewSynthesizer accepted an empty voice")
	}
}

// The first phrase's audio comes out while later phrases are not yet
// synthesised.
func TestStreamFirstAudioEarly(t *testing.T) {
	v := ttstest.Voice()
	ac := v.Acoustic.(*ttstest.Acoustic)
	release := make(chan struct{})
	ac.Hook = func([]string) error {
		if ac.Calls.Load() >= 3 {
			<-release
		}
		return nil
	}
	text := strings.Repeat("This is a sentence. ", 10)
	st := newSynth(t, v, tts.Options{}).Stream(context.Background(), tts.PhraseStream(strings.NewReader(text)))
	defer st.Close()
	got := make(chan error, 1)
	go func() {
		buf := make([]float32, 1024)
		_, err := st.Read(buf)
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no audio while the third phrase is blocked")
	}
	close(release)
	rest, err := audio.ReadAll(st)
	if err != nil {
		t.Fatal(err)
	}
	if want := expectedSamples(t, text, 1) - 1024; len(rest) != want {
		t.Errorf("%d samples after the first read, want %d", len(rest), want)
	}
}

// sentenceReader yields n sentences without holding them.
type sentenceReader struct {
	n, i int
	buf  []byte
}

func (r *sentenceReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.i == r.n {
			return 0, io.EOF
		}
		r.i++
		r.buf = fmt.Appendf(r.buf[:0], "Sentence number %d is here, and it goes on a little. ", r.i)
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Book-length input streams in bounded memory: a thousand sentences are
// over 100 MB of float32 audio, and the heap stays far below that.
func TestStreamBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("long input")
	}
	const sentences = 250
	st := newSynth(t, ttstest.Voice(), tts.Options{Lookahead: 2}).Stream(context.Background(), tts.PhraseStream(&sentenceReader{n: sentences}))
	defer st.Close()
	buf := make([]float32, 8192)
	var total int64
	var peakHeap uint64
	var ms runtime.MemStats
	for i := 0; ; i++ {
		n, err := st.Read(buf)
		total += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%500 == 0 {
			runtime.ReadMemStats(&ms)
			peakHeap = max(peakHeap, ms.HeapAlloc)
		}
	}
	audioBytes := total * 4
	t.Logf("%d samples (%.0f MB as float32), peak heap %.1f MB", total, float64(audioBytes)/1e6, float64(peakHeap)/1e6)
	if audioBytes < 80e6 {
		t.Fatalf("only %d bytes of audio; the test needs more to mean anything", audioBytes)
	}
	if peakHeap > 40e6 {
		t.Errorf("peak heap %.0f MB for %.0f MB of audio: not streaming", float64(peakHeap)/1e6, float64(audioBytes)/1e6)
	}
}

func TestStreamErrors(t *testing.T) {
	boom := errors.New("boom")
	v := ttstest.Voice()
	ac := v.Acoustic.(*ttstest.Acoustic)
	ac.Hook = func(symbols []string) error {
		if ac.Calls.Load() == 2 {
			return boom
		}
		return nil
	}
	s := newSynth(t, v, tts.Options{})
	got, err := s.Synthesize(context.Background(), "One. Two. Three.")
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), `"two ."`) {
		t.Errorf("error %v, want boom naming the phrase", err)
	}
	if want := expectedSamples(t, "One.", 1) + int(math.Round(tts.SentencePause.Seconds()*22050)); len(got) != want {
		t.Errorf("%d samples before the error, want %d", len(got), want)
	}

	if _, err := newSynth(t, ttstest.Voice(), tts.Options{}).Synthesize(context.Background(), " ... "); !errors.Is(err, tts.ErrNoWords) {
		t.Errorf("empty text: error %v, want ErrNoWords", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newSynth(t, ttstest.Voice(), tts.Options{}).Synthesize(ctx, "One. Two."); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v", err)
	}

	// A phrase the acoustic model cannot speak.
	if _, err := s.Render(tts.Phrase{Symbols: []string{"<sil>", "QQ1", "<sil>"}}); err == nil || !strings.Contains(err.Error(), "QQ1") {
		t.Errorf("unknown symbol: error %v", err)
	}
}

// Closing a stream early stops the producer.
func TestStreamCloseEarly(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 5 {
		st := newSynth(t, ttstest.Voice(), tts.Options{Lookahead: 1}).Stream(context.Background(), tts.PhraseStream(&sentenceReader{n: 1000}))
		buf := make([]float32, 100)
		if _, err := st.Read(buf); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Read(buf); err == nil {
			t.Error("read after Close succeeded")
		}
	}
	time.Sleep(10 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before+1 {
		t.Errorf("goroutines %d before, %d after", before, after)
	}
}
