package vad

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// speechLike is a test signal: tone "words" in faint noise.
func speechLike(seconds int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	var audio []float32
	for len(audio) < 16000*seconds {
		audio = append(audio, noise(200+rng.IntN(600), 0.002, rng)...)
		audio = append(audio, tone(150+rng.IntN(500), 0.3)...)
	}
	return audio[:16000*seconds]
}

func randomModel(t testing.TB) *Model {
	t.Helper()
	m, err := NewModel(DefaultModelConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStreamingMatchesForward checks the step-by-step network against the
// tape's whole-sequence Forward (the training graph), and that chunking
// does not change a single probability.
func TestStreamingMatchesForward(t *testing.T) {
	for _, floor := range []bool{false, true} {
		c := DefaultModelConfig()
		c.NoiseFloor = floor
		m, err := NewModel(c, 3)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("noise_floor=%v", floor), func(t *testing.T) { streamingMatchesForward(t, m) })
	}
}

func streamingMatchesForward(t *testing.T, m *Model) {
	audio := speechLike(3, 1)
	feats, T := m.Features(audio)
	tape := nn.NewTape(1)
	tape.SetTraining(false)
	logits := m.Forward(tape, tape.Input([]int{1, T, m.cfg.InputDim()}, feats))
	steps := logits.Shape[1]
	if steps != T/m.cfg.Stride {
		t.Fatalf("Forward gave %d steps for %d frames", steps, T)
	}
	probs := m.SpeechProbabilities(audio)
	if want := (len(audio) + m.cfg.StepSamples() - 1) / m.cfg.StepSamples(); len(probs) != want {
		t.Fatalf("%d probabilities, want %d regions", len(probs), want)
	}
	L := m.cfg.DelaySteps
	for j := 0; j+L < steps; j++ {
		want := 1 / (1 + math.Exp(-float64(logits.Data[j+L])))
		if d := math.Abs(float64(probs[j]) - want); d > 1e-5 {
			t.Fatalf("region %d: streaming %g, Forward %g", j, probs[j], want)
		}
	}
	for _, chunk := range []int{1, 159, 320, 4000} {
		st := m.newStepper()
		var got []float32
		for i := 0; i < len(audio); i += chunk {
			st.push(audio[i:min(i+chunk, len(audio))], func(p float32) { got = append(got, p) })
		}
		st.pushSilenceUntil(len(probs), func(p float32) { got = append(got, p) })
		for j := range probs {
			if got[j] != probs[j] {
				t.Fatalf("chunk %d: region %d is %g, whole-signal %g", chunk, j, got[j], probs[j])
			}
		}
	}
}

func TestLearnedDetectorEvents(t *testing.T) {
	m := randomModel(t)
	audio := speechLike(4, 2)
	want := eventsOf(t, m, audio, len(audio))
	for _, chunk := range []int{1, 333, 16000} {
		if got := eventsOf(t, m, audio, chunk); !equalEvents(got, want) {
			t.Errorf("chunk %d: events %v, whole signal %v", chunk, got, want)
		}
	}
	for i, ev := range want {
		if ev.Sample < 0 || ev.Sample > int64(len(audio)) || (i > 0 && ev.Sample < want[i-1].Sample) {
			t.Errorf("event %d %+v out of order or range", i, ev)
		}
		if wantKind := []EventKind{SpeechStart, SpeechEnd}[i%2]; ev.Kind != wantKind {
			t.Errorf("event %d is %v, want %v", i, ev.Kind, wantKind)
		}
	}
}

func eventsOf(t *testing.T, m *Model, audio []float32, chunk int) []Event {
	t.Helper()
	d, err := m.NewDetector(LearnedConfig{Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	var events []Event
	for i := 0; i < len(audio); i += chunk {
		events = d.Push(audio[i:min(i+chunk, len(audio))], events)
	}
	return d.Flush(events)
}

func equalEvents(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestModelRoundTrip(t *testing.T) {
	m := randomModel(t)
	var buf bytes.Buffer
	if err := m.Save(&buf, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	m2, err := LoadModel(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	audio := speechLike(1, 3)
	a, b := m.SpeechProbabilities(audio), m2.SpeechProbabilities(audio)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("region %d: %g before saving, %g after", i, a[i], b[i])
		}
	}
	if n := nn.CountParams(m.Params()); n > maxModelParams {
		t.Errorf("%d parameters", n)
	}
}

func TestModelConfigErrors(t *testing.T) {
	for name, edit := range map[string]func(*ModelConfig){
		"centred":   func(c *ModelConfig) { c.Feature.Center = "reflect" },
		"channels":  func(c *ModelConfig) { c.Channels = 0 },
		"too big":   func(c *ModelConfig) { c.Channels = 400 },
		"stride":    func(c *ModelConfig) { c.StemKernel = 1 },
		"dilation":  func(c *ModelConfig) { c.Dilations = []int{0} },
		"norm dims": func(c *ModelConfig) { c.Norm.Mean = c.Norm.Mean[:3]; c.Norm.Std = c.Norm.Std[:3] },
		"delay":     func(c *ModelConfig) { c.DelaySteps = -1 },
	} {
		c := DefaultModelConfig()
		edit(&c)
		if _, err := NewModel(c, 1); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := LoadModel([]byte("not a model")); err == nil {
		t.Error("garbage loaded")
	}
}

func TestLookAhead(t *testing.T) {
	c := DefaultModelConfig()
	if ms := c.LookAhead() * 1000 / c.Feature.SampleRate; ms > 100 {
		t.Errorf("look-ahead %d ms, the issue allows 100", ms)
	}
}

// TestSegmenterWithLearned cuts with a learned detector whose hangover is
// long enough that the length limit cuts too: every chunk must hold
// exactly the audio of its span (EventDelay kept enough of it), and the
// chunking of the pushes must not matter.
func TestSegmenterWithLearned(t *testing.T) {
	m := randomModel(t)
	// Speech everywhere (the output layer ignores its input), so that
	// only the length limit cuts.
	clear(m.outW.Value)
	m.outB.Value[0] = 2
	m.Prepare()
	audio := speechLike(20, 4)
	var want []Chunk
	for _, chunk := range []int{len(audio), 320, 777} {
		det, err := m.NewDetector(LearnedConfig{MinSilenceMs: 3000})
		if err != nil {
			t.Fatal(err)
		}
		seg, err := NewSegmenterFor(det, SegmentConfig{MaxMs: 4000, PadMs: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []Chunk
		for i := 0; i < len(audio); i += chunk {
			got = seg.Push(audio[i:min(i+chunk, len(audio))], got)
		}
		got = seg.Flush(got)
		if len(got) < 5 {
			t.Fatalf("chunk %d: %d segments of 20 s with a 4 s limit", chunk, len(got))
		}
		for i, c := range got {
			if c.End-c.Start > 4*16000 {
				t.Errorf("chunk %d: segment %d is %d samples", chunk, i, c.End-c.Start)
			}
			for k, v := range c.Samples {
				if v != audio[c.Start+int64(k)] {
					t.Fatalf("chunk %d: segment %d sample %d is not the audio's", chunk, i, k)
				}
			}
		}
		if want == nil {
			want = got
			continue
		}
		sameSpans(t, chunk, got, want)
	}
}

// TestLearnedPushAllocs checks that steady-state streaming allocates
// nothing: the rings, scratch and feature buffers are reused.
func TestLearnedPushAllocs(t *testing.T) {
	m := randomModel(t)
	det, err := m.NewDetector(LearnedConfig{})
	if err != nil {
		t.Fatal(err)
	}
	audio := speechLike(2, 5)
	events := make([]Event, 0, 1024)
	for i := 0; i < len(audio); i += 320 {
		events = det.Push(audio[i:i+320], events[:0])
	}
	i := 0
	allocs := testing.AllocsPerRun(200, func() {
		events = det.Push(audio[i:i+320], events[:0])
		i = (i + 320) % len(audio)
	})
	if allocs > 0 {
		t.Errorf("%.1f allocations per 20 ms push", allocs)
	}
}

// Replay over SpeechProbabilities reports what the streaming detector does.
func TestReplayMatchesDetector(t *testing.T) {
	m := randomModel(t)
	x := speechLike(4, 2)
	probs := m.SpeechProbabilities(x)
	slices.Sort(probs)
	// Thresholds at quantiles of the random model's probabilities, so
	// that every config sees both decisions.
	var seen int
	for _, cfg := range []LearnedConfig{
		{Threshold: float64(probs[len(probs)/4])},
		{Threshold: float64(probs[len(probs)/2]), MinSilenceMs: 60},
		{Threshold: float64(probs[3*len(probs)/4]), MinSpeechMs: 20, MinSilenceMs: 100},
	} {
		det, err := m.NewDetector(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var want []Event
		for i := 0; i < len(x); i += 1600 {
			want = det.Push(x[i:min(i+1600, len(x))], want)
		}
		want = det.Flush(want)
		seen += len(want)
		got, err := m.Replay(m.SpeechProbabilities(x), int64(len(x)), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%+v: replay %v, detector %v", cfg, got, want)
		}
	}
	if seen == 0 {
		t.Error("no config found any event: the test tests nothing")
	}
}
