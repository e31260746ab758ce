package mynah

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/emotion"
)

// wavSource encodes samples as a 16-bit WAV and opens it as a Source, the
// way a file reaches Transcribe.
func wavSource(t *testing.T, samples []float32, rate audio.Rate) audio.Source {
	t.Helper()
	var b bytes.Buffer
	if err := audio.WriteWAV(&b, samples, rate, audio.PCM16); err != nil {
		t.Fatal(err)
	}
	src, err := audio.Decode(&b, audio.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func checkEmotion(t *testing.T, where string, e *Emotion) {
	t.Helper()
	if e == nil {
		t.Fatalf("%s: no emotion", where)
	}
	var sum float64
	for _, v := range e.Scores {
		sum += float64(v)
	}
	if math.Abs(sum-1) > 1e-3 {
		t.Errorf("%s: scores sum to %v", where, sum)
	}
	if e.Confidence < 0 || e.Confidence > 1 || e.Label < 0 || int(e.Label) >= emotion.NumLabels {
		t.Errorf("%s: label %v confidence %v", where, e.Label, e.Confidence)
	}
	if e.Arousal != emotion.ArousalHigh && e.Arousal != emotion.ArousalLow {
		t.Errorf("%s: arousal %q", where, e.Arousal)
	}
}

func TestTranscribeEmotion(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the recogniser")
	}
	rec, err := NewRecognizer(Config{VAD: true, Emotion: true, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	hello, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		t.Fatal(err)
	}
	pause := make([]float32, sampleRate) // 1 s of silence
	long := append(append(append(append([]float32{}, hello...), pause...), hello...), pause...)
	tests := []struct {
		name    string
		samples []float32
		silent  bool
	}{
		{"one utterance", hello, false},
		{"two utterances", long, false},
		{"silence", make([]float32, 3*sampleRate), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := rec.Transcribe(context.Background(), wavSource(t, tc.samples, sampleRate))
			if err != nil {
				t.Fatal(err)
			}
			checkEmotion(t, "file", tr.Emotion)
			if tc.silent && (tr.Emotion.Label != emotion.Neutral || tr.Emotion.Confidence != 0) {
				t.Errorf("silence reads %v at %v, want neutral at 0", tr.Emotion.Label, tr.Emotion.Confidence)
			}
			if !tc.silent && tr.Emotion.Confidence == 0 {
				t.Errorf("speech reads confidence 0")
			}
			for _, s := range tr.Segments {
				checkEmotion(t, "segment", s.Emotion)
			}
			var b bytes.Buffer
			if err := tr.Render(&b, "json", false); err != nil {
				t.Fatal(err)
			}
			var obj struct {
				Emotion  map[string]json.RawMessage `json:"emotion"`
				Segments []struct {
					Emotion map[string]json.RawMessage `json:"emotion"`
				} `json:"segments"`
			}
			if err := json.Unmarshal(b.Bytes(), &obj); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"label", "confidence", "scores", "arousal"} {
				if _, ok := obj.Emotion[key]; !ok {
					t.Errorf("file emotion lacks %q: %s", key, b.String())
				}
				for i, s := range obj.Segments {
					if _, ok := s.Emotion[key]; !ok {
						t.Errorf("segment %d emotion lacks %q", i, key)
					}
				}
			}
			// The other formats say nothing new.
			for _, format := range []string{"text", "srt", "vtt"} {
				b.Reset()
				if err := tr.Render(&b, format, false); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(b.String(), tr.Emotion.Label.String()) && !strings.Contains(tr.Text, tr.Emotion.Label.String()) {
					t.Errorf("%s output names the emotion: %q", format, b.String())
				}
			}
		})
	}
	// The same speech reads the same alone and inside the longer
	// recording's segments; a single piece's file result is its own.
	one, err := rec.Transcribe(context.Background(), wavSource(t, hello, sampleRate))
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Segments) == 1 && *one.Segments[0].Emotion != *one.Emotion {
		t.Errorf("one segment: file %+v, segment %+v", *one.Emotion, *one.Segments[0].Emotion)
	}
}

func TestTranscribeWithoutEmotion(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the recogniser")
	}
	rec, err := NewRecognizer(Config{VAD: true, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := audio.Open("samples/hello.wav", audio.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := rec.Transcribe(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tr.Render(&b, "json", false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `"emotion"`) {
		t.Errorf("emotion in JSON without Config.Emotion: %s", b.String())
	}
}

// reading builds a tagger result from scores, as emotion.Tagger does.
func reading(s emotion.Scores, speech time.Duration) emotion.Result {
	top, p := s.Top()
	r := emotion.Result{Label: top, Confidence: p, Scores: s, Arousal: emotion.ArousalLow, Speech: speech}
	if s.HighArousal() >= 0.5 {
		r.Arousal = emotion.ArousalHigh
	}
	return r
}

func TestOverallEmotion(t *testing.T) {
	happy := emotion.Scores{0.05, 0.05, 0.6, 0.05, 0.1, 0.05, 0.05, 0.05}
	sad := emotion.Scores{0.1, 0.1, 0.05, 0.6, 0.05, 0.04, 0.03, 0.03}
	tests := []struct {
		name    string
		pieces  []emotion.Result
		label   emotion.Label
		conf    float64
		arousal emotion.Arousal
	}{
		{"none", nil, emotion.Neutral, 0, emotion.ArousalLow},
		{"silent pieces", []emotion.Result{reading(happy, 0)}, emotion.Neutral, 0, emotion.ArousalLow},
		{"one", []emotion.Result{reading(happy, time.Second)}, emotion.Happy, 0.6, emotion.ArousalHigh},
		// 3 s of sad outweigh 1 s of happy: 0.75·0.6 + 0.25·0.05.
		{"weighted", []emotion.Result{reading(happy, time.Second), reading(sad, 3*time.Second)},
			emotion.Sad, 0.463, emotion.ArousalLow},
		// A silent piece adds nothing.
		{"silent ignored", []emotion.Result{reading(sad, 0), reading(happy, time.Second)}, emotion.Happy, 0.6, emotion.ArousalHigh},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := overallEmotion(tc.pieces)
			if e.Label != tc.label || math.Abs(e.Confidence-tc.conf) > 1e-3 || e.Arousal != tc.arousal {
				t.Errorf("got %v %v %v, want %v %v %v", e.Label, e.Confidence, e.Arousal, tc.label, tc.conf, tc.arousal)
			}
		})
	}
}
