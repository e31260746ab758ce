package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

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
	}{{false, "hel"}, {false, "Hello wor"}, {true, "Hello world."}, {false, "next"}, {true, ""}}
	for _, st := range steps {
		var err error
		if st.final {
			err = s.final(event{Type: "final", Text: st.text})
		} else {
			err = s.partial(event{Type: "partial", Text: st.text})
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
