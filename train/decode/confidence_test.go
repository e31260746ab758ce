package decode

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/decoder"
)

// TestFitConfidence draws labels from a known logistic model and checks
// that the fit recovers its weights.
func TestFitConfidence(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	truth := decoder.ConfidenceModel{Bias: -1, Weights: [decoder.NumConfidenceFeatures]float64{1.5, 0, -2, 0, 0.5, 0, 0}}
	var x [][decoder.NumConfidenceFeatures]float64
	var y []bool
	for range 20000 {
		var row [decoder.NumConfidenceFeatures]float64
		for j := range row {
			row[j] = rng.NormFloat64()
		}
		row[5] = 1 // a constant feature gets weight 0
		x = append(x, row)
		y = append(y, rng.Float64() < truth.Probability(row))
	}
	got := FitConfidence(x, y)
	if math.Abs(got.Bias-truth.Bias) > 0.1 {
		t.Errorf("bias %v, want %v", got.Bias, truth.Bias)
	}
	for j, w := range truth.Weights {
		if math.Abs(got.Weights[j]-w) > 0.1 {
			t.Errorf("weight %d = %v, want %v", j, got.Weights[j], w)
		}
	}
	// Separable data stay finite.
	sep := FitConfidence(x[:100], func() []bool {
		out := make([]bool, 100)
		for i := range out {
			out[i] = x[i][0] > 0
		}
		return out
	}())
	if err := sep.Validate(); err != nil || sep.Weights[0] <= 0 {
		t.Errorf("separable fit %+v (%v)", sep, err)
	}
}

func TestSplitSpeakers(t *testing.T) {
	speakers := []string{"a", "a", "a", "a", "b", "b", "c", "c", "d", "e", "a"}
	half, names := splitSpeakers(speakers)
	seen := map[string]int{}
	var sizes [2]int
	for i, s := range speakers {
		if h, ok := seen[s]; ok && h != half[i] {
			t.Fatalf("speaker %s in both halves", s)
		}
		seen[s] = half[i]
		sizes[half[i]]++
	}
	if sizes[0] != 5 && sizes[0] != 6 {
		t.Errorf("halves of %v words: unbalanced", sizes)
	}
	all := append(slices.Clone(names[0]), names[1]...)
	slices.Sort(all)
	if !slices.Equal(all, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("halves %v", names)
	}
	again, _ := splitSpeakers(speakers)
	if !slices.Equal(half, again) {
		t.Error("split is not deterministic")
	}
}
