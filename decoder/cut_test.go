package decoder

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/lm"
)

// TestEarlyCutKeepsResults checks that cutting extensions against the
// floor before they are created changes nothing a full evaluation of
// every extension would keep: the same n-best texts and scores.
func TestEarlyCutKeepsResults(t *testing.T) {
	vocab := CharVocabulary()
	words := strings.Fields("the cat sat on a mat and then it ran away from big red dog")
	b, err := lm.NewBuilder(lm.BuildConfig{Order: 3})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	for range 300 {
		s := make([]string, 2+rng.IntN(6))
		for k := range s {
			s[k] = words[rng.IntN(len(words))]
		}
		b.AddSentence(s)
	}
	g, err := b.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	model, err := g.Compile()
	if err != nil {
		t.Fatal(err)
	}
	hot, err := CompileHotwords(vocab, []Hotword{{Phrase: "red dog", Boost: 3}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range 6 {
		for _, res := range []Resources{{}, {LM: model}} {
			cfg := DefaultConfig()
			cfg.BeamSize = 16
			d, err := New(vocab, cfg, res)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(seed), 9))
			logProbs := peakyPosteriors(rng, vocab, strings.Join(words, " "), 120)
			var hw *Hotwords
			if seed%2 == 1 {
				hw = hot
			}
			cut, full := d.NewStream(hw), d.NewStream(hw)
			full.noFloor = true
			cut.Push(logProbs)
			full.Push(logProbs)
			a, b := cut.Finalize(), full.Finalize()
			if len(a) != len(b) {
				t.Fatalf("seed %d: %d hypotheses with the cut, %d without", seed, len(a), len(b))
			}
			for i := range a {
				if a[i].Text != b[i].Text || math.Abs(a[i].Score-b[i].Score) > 1e-9 {
					t.Errorf("seed %d LM %v rank %d: %q %v with the cut, %q %v without", seed, res.LM != nil, i, a[i].Text, a[i].Score, b[i].Text, b[i].Score)
				}
			}
		}
	}
}
