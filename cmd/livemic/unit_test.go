package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

func TestFitLine(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  string
	}{
		{"hello", 80, "hello"},
		{"hello world", 6, "…orld"},
		{"ab\ncd", 80, "ab⏎cd"},
		{"héllo wörld", 6, "…örld"},
		{"abc", 0, "…"},
		{"", 10, ""},
	}
	for _, tc := range tests {
		if got := fitLine(tc.text, tc.width); got != tc.want {
			t.Errorf("fitLine(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
}

func TestTextSink(t *testing.T) {
	var out, term bytes.Buffer
	s := &textSink{out: &out, term: &term, width: 80}
	steps := []struct {
		final bool
		text  string
	}{{false, "hel"}, {false, "Hello wor"}, {false, "Hello wor"}, {true, "Hello world."}, {false, "next"}, {true, ""}}
	for _, st := range steps {
		var err error
		if st.final {
			err = s.final(mynah.LiveEvent{Type: "final", Text: st.text})
		} else {
			err = s.partial(mynah.LiveEvent{Type: "partial", Text: st.text})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Hello world.\n" {
		t.Errorf("stdout %q", got)
	}
	// An unchanged partial is not redrawn.
	want := clearLine + "hel" + clearLine + "Hello wor" + clearLine + clearLine + "next" + clearLine
	if got := term.String(); got != want {
		t.Errorf("terminal %q, want %q", got, want)
	}
}

// slice is an audio.Source over samples.
type slice struct {
	x    []float32
	rate audio.Rate
}

func (s *slice) SampleRate() audio.Rate { return s.rate }
func (s *slice) Read(p []float32) (int, error) {
	if len(s.x) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.x)
	s.x = s.x[n:]
	return n, nil
}

func TestPacedOverrunCounted(t *testing.T) {
	// A 8 kHz source into a ring of about 0.13 s (1024 samples), read
	// only after 0.4 s: most of it overflows, and the loss is counted.
	x := make([]float32, 8000)
	for i := range x {
		x[i] = float32(i)
	}
	p := newPaced(&slice{x: x, rate: 8000}, 10*time.Millisecond)
	time.Sleep(400 * time.Millisecond)
	if p.ring.Overruns() == 0 || p.ring.Dropped() == 0 {
		t.Fatalf("overruns %d dropped %d", p.ring.Overruns(), p.ring.Dropped())
	}
	got, err := audio.ReadAll(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got)+int(p.ring.Dropped()) != len(x) {
		t.Errorf("read %d + dropped %d != %d", len(got), p.ring.Dropped(), len(x))
	}
	// What was kept is contiguous from the start.
	for i, v := range got[:1024] {
		if v != float32(i) {
			t.Fatalf("sample %d = %v", i, v)
		}
	}
}

func TestPacedStop(t *testing.T) {
	p := newPaced(&slice{x: make([]float32, 16000*60), rate: 16000}, time.Second)
	buf := make([]float32, 160)
	if _, err := p.Read(buf); err != nil {
		t.Fatal(err)
	}
	p.stop()
	start := time.Now()
	if _, err := audio.ReadAll(p); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	if d := time.Since(start); d > time.Second {
		t.Errorf("stop took %v", d)
	}
}

// TestOverrunReported checks that dropped audio is reported while it
// happens and at the end, never silently.
func TestOverrunReported(t *testing.T) {
	var stderr bytes.Buffer
	var overruns, dropped uint64
	in := &input{src: &slice{rate: 16000}, dropped: func() (uint64, uint64) { return overruns, dropped }}
	s := &session{in: in, stderr: &stderr}
	s.checkOverruns()
	if stderr.Len() != 0 {
		t.Fatalf("reported %q with no overruns", stderr.String())
	}
	overruns, dropped = 1, 16000
	s.checkOverruns()
	if !strings.Contains(stderr.String(), "1s of audio dropped") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// BenchmarkLive runs the live loop unpaced (stream, endpointer, partials,
// JSON events) on hello.wav with 2 s of trailing silence (impl=livemic),
// beside the offline recogniser on the same audio (impl=transcribe), both
// with the models already loaded. x-realtime is audio seconds per wall
// second; cpu-%-realtime is process CPU time per audio second, the share
// of one core a live session at real time would take (steady on a shared
// machine, unlike wall time).
func BenchmarkLive(b *testing.B) {
	path, _ := padded(b, 0.5, 2, helloWAV)
	x, err := audio.Load(path, 16000)
	if err != nil {
		b.Fatal(err)
	}
	seconds := float64(len(x)) / 16000
	rec, err := mynah.NewRecognizer(mynah.Config{VAD: true})
	if err != nil {
		b.Fatal(err)
	}
	report := func(b *testing.B, cpu0 float64) {
		cpu1, _ := processCPU()
		b.ReportMetric(seconds*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
		b.ReportMetric(100*(cpu1-cpu0)/(seconds*float64(b.N)), "cpu-%-realtime")
	}
	b.Run("impl=livemic", func(b *testing.B) {
		o, err := parseArgs([]string{"--input", path, "--no-pace", "--format", "json"}, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		cpu0, _ := processCPU()
		for b.Loop() {
			st, err := rec.NewStream(mynah.StreamConfig{})
			if err != nil {
				b.Fatal(err)
			}
			in := &input{src: &slice{x: x, rate: 16000}, stop: func() {}, dropped: func() (uint64, uint64) { return 0, 0 }}
			s := &session{o: o, st: st, in: in, sink: newSink(o, io.Discard, io.Discard), stderr: io.Discard}
			if code := s.listen(b.Context()); code != 0 {
				b.Fatal(code)
			}
		}
		report(b, cpu0)
	})
	b.Run("impl=transcribe", func(b *testing.B) {
		cpu0, _ := processCPU()
		for b.Loop() {
			if _, err := rec.Transcribe(b.Context(), &slice{x: x, rate: 16000}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, cpu0)
	})
}
