package vad

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/vad"
)

func TestFrameCounts(t *testing.T) {
	const n = 16000 // 100 frames
	for _, tc := range []struct {
		name     string
		ref, hyp []vad.Span
		want     Counts
	}{
		{"exact", []vad.Span{{Start: 1600, End: 4800}}, []vad.Span{{Start: 1600, End: 4800}}, Counts{TP: 20, TN: 80}},
		{"miss", []vad.Span{{Start: 1600, End: 4800}}, nil, Counts{FN: 20, TN: 80}},
		{"false alarm", nil, []vad.Span{{Start: 0, End: 1600}}, Counts{FP: 10, TN: 90}},
		{"late start", []vad.Span{{Start: 1600, End: 4800}}, []vad.Span{{Start: 3200, End: 4800}}, Counts{TP: 10, FN: 10, TN: 80}},
		// A span covering less than a frame's centre marks nothing.
		{"sub-frame", []vad.Span{{Start: 0, End: 50}}, []vad.Span{{Start: 0, End: 50}}, Counts{TN: 100}},
	} {
		if got := FrameCounts(tc.ref, tc.hyp, n); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if f := (Counts{TP: 8, FP: 2, FN: 2}).F1(); math.Abs(f-0.8) > 1e-12 {
		t.Errorf("F1 %g, want 0.8", f)
	}
	if f := (Counts{TN: 5}).F1(); f != 1 {
		t.Errorf("F1 of nothing %g, want 1", f)
	}
}

func TestBoundaryErrors(t *testing.T) {
	ref := []vad.Span{{Start: 1000, End: 5000}, {Start: 9000, End: 12000}}
	hyp := []vad.Span{{Start: 1160, End: 4840}, {Start: 8000, End: 12500}}
	got := BoundaryErrors(ref, hyp, 20000)
	// The second start's nearest detected start is 8000 (1000 samples).
	want := []int64{160, 160, 1000, 500}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("errors %v, want %v", got, want)
		}
	}
	if e := BoundaryErrors(ref, nil, 20000); e[0] != 20000 {
		t.Errorf("missing hypothesis scored %d, want the scene length", e[0])
	}
}

func TestRegionLabels(t *testing.T) {
	got := regionLabels([]vad.Span{{Start: 100, End: 900}, {Start: 1500, End: 1700}}, 2000, 320)
	// Region 0 [0,320) has 220 speech samples, 2 [640,960) 260: speech;
	// 4 [1280,1600) and 5 [1600,1920) have 100 each: not.
	want := []float32{1, 1, 1, 0, 0, 0, 0}
	if len(got) != len(want) {
		t.Fatalf("%d regions", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("labels %v, want %v", got, want)
		}
	}
}

// word is a synthetic utterance: silence, a vowel-like burst, silence.
func word(lead, voiced, trail int, rng *rand.Rand) []float32 {
	x := make([]float32, lead+voiced+trail)
	for i := lead; i < lead+voiced; i++ {
		x[i] = float32(0.3*math.Sin(2*math.Pi*180*float64(i)/SampleRate)) + float32(0.01*rng.NormFloat64())
	}
	for i := range x {
		x[i] += float32(1e-4 * rng.NormFloat64())
	}
	return x
}

func TestSpeechExtent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := append(word(3200, 4800, 0, rng), word(3200, 3200, 1600, rng)...)
	span, pauses, ok := speechExtent(x)
	if !ok {
		t.Fatal("no speech found")
	}
	if span.Start != 3200 || span.End != 8000+3200+3200 {
		t.Errorf("span %+v, want {3200 14400}", span)
	}
	if len(pauses) != 1 || pauses[0].Start != 8000 || pauses[0].End != 11200 {
		t.Errorf("pauses %+v, want [{8000 11200}]", pauses)
	}
	if _, _, ok := speechExtent(make([]float32, 4000)); ok {
		t.Error("speech found in digital silence")
	}
}

// TestEvalScenesDeterministic builds the evaluation set twice from the same
// synthetic entries: scenes, gaps and spans must match, gaps lie in
// 0.2–2 s, and each span is its utterance's voiced part.
func TestEvalScenesDeterministic(t *testing.T) {
	var entries []corpora.Entry
	for i := 0; i < 40; i++ {
		entries = append(entries, corpora.Entry{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), Corpus: "test"})
	}
	load := func(e corpora.Entry) ([]float32, error) {
		rng := augment.NewRNG(1, e.ID, 0)
		return word(1600, 8000+rng.IntN(16000), 1600, rng), nil
	}
	a, err := BuildEvalScenes(entries, load)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BuildEvalScenes(entries, load)
	if len(a) < 2 || len(a) != len(b) {
		t.Fatalf("%d and %d scenes", len(a), len(b))
	}
	total := 0
	for i := range a {
		if len(a[i].Clean) != len(b[i].Clean) || len(a[i].Speech) != len(b[i].Speech) {
			t.Fatalf("scene %d differs between builds", i)
		}
		for j, sp := range a[i].Speech {
			if sp != b[i].Speech[j] {
				t.Fatalf("scene %d span %d differs", i, j)
			}
			if sp.End-sp.Start < 8000 || sp.End-sp.Start > 24000 {
				t.Errorf("scene %d span %d is %d samples", i, j, sp.End-sp.Start)
			}
			if j > 0 {
				// Gap between voiced parts: 0.2–2 s plus both utterances' 0.1 s edges
				// (less the trim's rounding to 10 ms frames).
				gap := sp.Start - a[i].Speech[j-1].End
				if gap < 3200+3200-trimFrame || gap > 32000+3200 {
					t.Errorf("scene %d gap %d samples", i, gap)
				}
			}
		}
		total += len(a[i].Speech)
	}
	if total != len(entries) {
		t.Errorf("%d utterances placed, want %d", total, len(entries))
	}
}

func TestMusicLike(t *testing.T) {
	x := musicLike(16000, augment.NewRNG(1, "m", 0))
	var p float64
	for _, v := range x {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN")
		}
		p += float64(v) * float64(v)
	}
	if p /= float64(len(x)); math.Abs(p-1) > 1e-3 {
		t.Errorf("power %g, want 1", p)
	}
}

// devData returns the evaluation scenes when the dev manifest and PCM
// cache exist on this machine, else skips.
func devData(t *testing.T, scenes int) ([]Scene, *augment.NoiseBank) {
	t.Helper()
	o := DefaultOptions()
	o.NoiseDir = filepath.Join("..", "..", "..", "shared", "noise")
	o.EvalScenes = scenes
	if err := o.fillDefaults(); err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(o.DevManifest); err != nil {
		t.Skipf("no dev manifest: %v", err)
	}
	if _, err := os.Stat(o.NoiseDir); err != nil {
		t.Skipf("no noise folder: %v", err)
	}
	s, bank, err := evalData(o)
	if err != nil {
		t.Fatal(err)
	}
	return s, bank
}

// shippedModel loads ../../models/vad.safetensors, or skips.
func shippedModel(t *testing.T) *vad.Model {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "models", "vad.safetensors"))
	if err != nil {
		t.Skipf("no shipped model: %v", err)
	}
	m, err := vad.LoadModel(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNeverMidWord segments the concatenated evaluation set with a 15 s
// maximum, with both detectors, clean and at 10 dB, once with the 300 ms
// hangover the Recognizer segments with and once with a 5 s hangover that
// leaves most cuts to the length limit. Cuts made by the length limit (the segmenter's
// choice: two segments that abut) must not fall inside a word: none on
// clean audio, and at 10 dB, where bells and music make gaps louder than
// the dips inside words, at most 2% of them. The segment edges the
// detectors choose (start and end of speech, padded 100 ms) are counted
// and logged: a late start or early end clips a word's edge. Without
// -short it runs on 12 scenes (12 minutes of audio), with -short on 3.
func TestNeverMidWord(t *testing.T) {
	n := 12
	if testing.Short() {
		n = 3
	}
	scenes, bank := devData(t, n)
	m := shippedModel(t)
	detectors := map[string]func(long bool) (vad.Detector, error){
		"energy": func(long bool) (vad.Detector, error) {
			c := vad.DefaultEnergyConfig()
			if long {
				c.MinSilenceMs = 5000
			}
			return vad.NewEnergyDetector(c)
		},
		"learned": func(long bool) (vad.Detector, error) {
			// As the mynah Recognizer segments: the model's threshold,
			// 60 ms of speech to start, 300 ms of silence to end.
			c := vad.LearnedConfig{MinSpeechMs: 60, MinSilenceMs: 300}
			if long {
				c.MinSilenceMs = 5000
			}
			return m.NewDetector(c)
		},
	}
	for _, name := range []string{"energy", "learned"} {
		for _, long := range []bool{false, true} {
			for _, snr := range []float64{math.Inf(1), 10} {
				var limitCuts, limitBad, edges, edgeBad int
				for _, s := range scenes {
					x := s.Noisy(snr, bank)
					det, err := detectors[name](long)
					if err != nil {
						t.Fatal(err)
					}
					chunks, err := vad.SegmentWith(x, det, vad.SegmentConfig{MaxMs: 15000, PadMs: 100})
					if err != nil {
						t.Fatal(err)
					}
					limit := map[int64]bool{}
					for i, c := range chunks {
						if c.End-c.Start > 15*SampleRate {
							t.Errorf("%s: segment of %d ms", name, (c.End-c.Start)*1000/SampleRate)
						}
						if i > 0 && chunks[i-1].End == c.Start {
							limit[c.Start] = true
						}
					}
					limitCuts += len(limit)
					edges += 2*len(chunks) - 2*len(limit)
					seen := map[int64]bool{}
					for _, x := range CutsInsideWords(s, chunks, 2*trimFrame) {
						switch {
						case limit[x] && !seen[x]:
							seen[x] = true
							limitBad++
							t.Logf("%s (hangover 5 s: %v, SNR %g): length cut at %.2f s inside a word of scene %s", name, long, snr, float64(x)/SampleRate, s.Key)
						case !limit[x]:
							edgeBad++
						}
					}
				}
				t.Logf("%s hangover-5s=%v SNR %g: %d length cuts, %d inside words; %d detector edges, %d inside words",
					name, long, snr, limitCuts, limitBad, edges, edgeBad)
				if long && limitCuts == 0 {
					t.Errorf("%s: the length limit never cut", name)
				}
				if math.IsInf(snr, 1) && limitBad > 0 || float64(limitBad) > 0.02*float64(limitCuts) {
					t.Errorf("%s hangover-5s=%v SNR %g: %d of %d length cuts inside words", name, long, snr, limitBad, limitCuts)
				}
			}
		}
	}
}

// TestEvaluateShipped scores the shipped model and the baseline on a few
// evaluation scenes at 10 dB; the full table is `train vad -eval`.
func TestEvaluateShipped(t *testing.T) {
	scenes, bank := devData(t, 2)
	m := shippedModel(t)
	r, err := Evaluate("learned", scenes, 10, bank, func() (vad.Detector, error) { return m.NewDetector(vad.LearnedConfig{}) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("learned at 10 dB on %d scenes: F1 %.3f, median %.0f ms, p90 %.0f ms", len(scenes), r.F1, r.MedianMs, r.P90Ms)
	if r.F1 < 0.8 {
		t.Errorf("learned F1 %.3f at 10 dB", r.F1)
	}
}
