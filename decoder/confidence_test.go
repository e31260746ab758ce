package decoder

import (
	"math"
	"testing"

	"github.com/mynah-speech/mynah/lm"
)

func TestConfidenceModel(t *testing.T) {
	f := ConfidenceFeatures{Posterior: 0.7, MinFrameProb: 0.5, MeanFrameProb: 0.8, FramesPerLetter: 2, LMLogProb: -5, InVocabulary: true, Letters: 4}
	if got := (ConfidenceModel{}).Confidence(f); got != 0.7 {
		t.Errorf("zero model = %v, want the posterior 0.7", got)
	}
	m := ConfidenceModel{Bias: -1, Weights: [NumConfidenceFeatures]float64{0, 0, 0, 0, 0, 2, 0}}
	if got, want := m.Confidence(f), 1/(1+math.Exp(-1)); math.Abs(got-want) > 1e-12 {
		t.Errorf("in-vocabulary word = %v, want σ(1) = %v", got, want)
	}
	if err := m.Validate(); err != nil {
		t.Error(err)
	}
	m.Weights[3] = math.NaN()
	if err := m.Validate(); err == nil {
		t.Error("NaN weight accepted")
	}
	// Odd features stay finite.
	for _, odd := range []ConfidenceFeatures{{}, {Posterior: math.NaN(), LMLogProb: math.Inf(-1), FramesPerLetter: math.Inf(1), Letters: 1e6}} {
		for j, x := range odd.Vector() {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Errorf("%+v: feature %d (%s) = %v", odd, j, ConfidenceFeatureNames[j], x)
			}
		}
		if c := DefaultConfidenceModel().Confidence(odd); !(c >= 0 && c <= 1) {
			t.Errorf("%+v: confidence %v", odd, c)
		}
	}
}

// TestConfidenceFeatures checks the features the decoder fills in: LM
// scores read along the hypothesis, vocabulary membership, frame
// probabilities and durations.
func TestConfidenceFeatures(t *testing.T) {
	vocab := CharVocabulary()
	m := testLM(t, map[string][2]float32{
		lm.Unknown: {-3, 0}, lm.Begin: {-99, -0.5}, lm.End: {-1, 0}, "cat": {-1, -0.2},
	}, nil)
	script := "____cc_a_tt____ __d_o_g______"
	d, err := New(vocab, DefaultConfig(), Resources{LM: m})
	if err != nil {
		t.Fatal(err)
	}
	hyps, err := d.Decode(peaky(t, vocab, script, 0.95), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := hyps[0].Words
	if len(w) != 2 || w[0].Text != "cat" || w[1].Text != "dog" {
		t.Fatalf("words %+v", w)
	}
	ln10 := math.Ln10
	cat, dog := w[0].Features, w[1].Features
	if !cat.InVocabulary || dog.InVocabulary {
		t.Errorf("in vocabulary: cat %v dog %v", cat.InVocabulary, dog.InVocabulary)
	}
	// P(cat | <s>) backs off: bo(<s>) + p(cat); P(<unk> | cat): bo(cat) + p(<unk>).
	if want := (-0.5 - 1) * ln10; math.Abs(cat.LMLogProb-want) > 1e-4 {
		t.Errorf("cat LM ln prob %v, want %v", cat.LMLogProb, want)
	}
	if want := (-0.2 - 3) * ln10; math.Abs(dog.LMLogProb-want) > 1e-4 {
		t.Errorf("dog LM ln prob %v, want %v", dog.LMLogProb, want)
	}
	for _, f := range []ConfidenceFeatures{cat, dog} {
		if math.Abs(f.MinFrameProb-0.95) > 1e-3 || math.Abs(f.MeanFrameProb-0.95) > 1e-3 || f.Letters != 3 {
			t.Errorf("features %+v: want frame probs 0.95, 3 letters", f)
		}
		if f.Posterior <= 0 || f.Posterior > 1 {
			t.Errorf("posterior %v", f.Posterior)
		}
	}
	if want := 7.0 / 3; math.Abs(cat.FramesPerLetter-want) > 1e-9 {
		t.Errorf("cat frames per letter %v, want %v", cat.FramesPerLetter, want)
	}
	if got, want := w[0].Confidence, DefaultConfidenceModel().Confidence(cat); got != want {
		t.Errorf("confidence %v, want the default model's %v", got, want)
	}
	if w[0].Confidence <= w[1].Confidence {
		t.Errorf("a known word (%v) should be more confident than an unknown one (%v)", w[0].Confidence, w[1].Confidence)
	}
}
