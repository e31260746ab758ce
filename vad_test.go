package mynah

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

// samplesSource is an audio.Source over a slice, read in 100 ms pieces.
type samplesSource struct{ x []float32 }

func (s *samplesSource) SampleRate() audio.Rate { return sampleRate }
func (s *samplesSource) Read(p []float32) (int, error) {
	if len(s.x) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), sampleRate/10)], s.x)
	s.x = s.x[n:]
	return n, nil
}

// TestTranscribeVADKinds cuts two copies of hello.wav apart, 2 s of
// silence around each, with either detector: both find two segments that
// skip the silence, and the default is the learned one.
func TestTranscribeVADKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the recogniser")
	}
	speech, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		t.Fatal(err)
	}
	gap := make([]float32, 2*sampleRate)
	var x []float32
	for range 2 {
		x = append(append(x, gap...), speech...)
	}
	x = append(x, gap...)
	second := float64(2*len(gap)+len(speech)) / sampleRate // where the second copy starts
	for _, kind := range []VADKind{"", VADLearned, VADEnergy} {
		t.Run(string(kind), func(t *testing.T) {
			rec, err := NewRecognizer(Config{VAD: true, VADKind: kind, Raw: true, LMPath: "none", Beam: 1})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[VADKind]VADKind{"": VADLearned}[kind]; want != "" && rec.cfg.VADKind != want {
				t.Errorf("default VADKind %q, want %q", rec.cfg.VADKind, want)
			}
			tr, err := rec.Transcribe(context.Background(), &samplesSource{x: x})
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Segments) != 2 {
				t.Fatalf("%d segments %+v, want 2", len(tr.Segments), tr.Segments)
			}
			// 100 ms of padding and the detectors' own slack on each side.
			first, last := tr.Segments[0], tr.Segments[1]
			if first.Start < 1.6 || last.Start < second-0.4 || first.End > second-1.6 {
				t.Errorf("segments %+v: want them near the speech at 2 s and %.2f s", tr.Segments, second)
			}
		})
	}
}

func TestVADKindValidation(t *testing.T) {
	if _, err := NewRecognizer(Config{VADKind: "webrtc"}); err == nil || !strings.Contains(err.Error(), "VADKind") {
		t.Errorf("VADKind webrtc: err %v, want an error naming VADKind", err)
	}
}

// TestStreamEndpointsEnergy is TestStreamEndpointsAndFinals's endpointing
// with the energy detector.
func TestStreamEndpointsEnergy(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the recogniser")
	}
	rec, err := NewRecognizer(Config{VADKind: VADEnergy, Raw: true, LMPath: "none"})
	if err != nil {
		t.Fatal(err)
	}
	speech, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		t.Fatal(err)
	}
	st, err := rec.NewStream(StreamConfig{EndpointSilence: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ends := 0
	for range 2 {
		for _, part := range [][]float32{speech, make([]float32, sampleRate)} {
			for i := 0; i < len(part); i += 800 {
				end, err := st.Accept(part[i:min(i+800, len(part))])
				if err != nil {
					t.Fatal(err)
				}
				if end {
					ends++
					if _, err := st.Final(); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	if ends != 2 {
		t.Errorf("%d endpoints, want 2", ends)
	}
}
