package lm

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// spellSet lists a model's n-grams of order n as strings.
func spellSet(g *NGrams, n int) map[string]bool {
	set := map[string]bool{}
	t := &g.Orders[n-1]
	for i := 0; i < t.Len(); i++ {
		set[g.spell(t.Words[i*n:(i+1)*n])] = true
	}
	return set
}

func estimate(t testing.TB, cfg BuildConfig, sentences [][]string) *NGrams {
	t.Helper()
	b, err := NewBuilder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sentences {
		b.AddSentence(s)
	}
	g, err := b.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestPruneDeltaIsRelativeEntropy checks Stolcke's closed form for the
// cost of removing one trigram against the relative entropy summed over
// the whole vocabulary between the model and the model without that
// trigram, its context's backoff weight renormalised by brute force.
func TestPruneDeltaIsRelativeEntropy(t *testing.T) {
	g := estimate(t, BuildConfig{Order: 3}, corpus(1, 400))
	m, err := g.Compile()
	if err != nil {
		t.Fatal(err)
	}
	tri := &g.Orders[2]
	checked := 0
	for i := 0; i < tri.Len() && checked < 25; i += 1 + tri.Len()/25 {
		words := slices.Clone(tri.Words[i*3 : i*3+3])
		h, w := words[:2], words[2]
		// The context's kept extensions, and their mass under h and h'.
		var num, den = 1.0, 1.0
		for k := 0; k < tri.Len(); k++ {
			if tri.Words[k*3] == h[0] && tri.Words[k*3+1] == h[1] {
				num -= math.Pow(10, float64(tri.LogProb[k]))
				lp, _ := m.Score(stateOf(m, h[1:]), tri.Words[k*3+2])
				den -= math.Exp(float64(lp))
			}
		}
		logP, _ := m.Score(stateOf(m, h), w)
		logQ, _ := m.Score(stateOf(m, h[1:]), w)
		want := pruneDelta(1, float64(logP), float64(logQ), num, math.Log(num/den), den)

		// The pruned model: drop the trigram, set α'(h) by brute force.
		pruned := cloneNGrams(g)
		pt := &pruned.Orders[2]
		pt.Words = slices.Delete(pt.Words, i*3, i*3+3)
		pt.LogProb = slices.Delete(pt.LogProb, i, i+1)
		num2, den2 := num+math.Exp(float64(logP)), den+math.Exp(float64(logQ))
		bi := &pruned.Orders[1]
		for k := 0; k < bi.Len(); k++ {
			if bi.Words[k*2] == h[0] && bi.Words[k*2+1] == h[1] {
				bi.Backoff[k] = float32(math.Log10(num2 / den2))
			}
		}
		m2, err := pruned.Compile()
		if err != nil {
			t.Fatal(err)
		}
		var kl float64
		for v := range WordID(m.VocabSize()) {
			if v == BeginID {
				continue
			}
			p, _ := m.Score(stateOf(m, h), v)
			p2, _ := m2.Score(stateOf(m2, h), v)
			kl += math.Exp(float64(p)) * float64(p-p2)
		}
		if math.Abs(kl-want) > 1e-5*math.Abs(kl)+1e-7 {
			t.Errorf("%s: closed form %v, relative entropy %v", g.spell(words), want, kl)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("checked only %d trigrams", checked)
	}
}

// stateOf is the state after history h, which starts with <s> or not.
func stateOf(m *Model, h []WordID) State {
	s := m.NullState()
	for i, w := range h {
		if i == 0 && w == BeginID {
			s = m.BeginState()
			continue
		}
		_, s = m.Score(s, w)
	}
	return s
}

func cloneNGrams(g *NGrams) *NGrams {
	c := &NGrams{Vocab: slices.Clone(g.Vocab), Orders: make([]OrderTable, len(g.Orders))}
	for i, t := range g.Orders {
		c.Orders[i] = OrderTable{Words: slices.Clone(t.Words), LogProb: slices.Clone(t.LogProb), Backoff: slices.Clone(t.Backoff)}
	}
	return c
}

// TestEntropyPruning checks that a rising threshold removes more n-grams,
// costs perplexity on the training text gradually (what the criterion
// trades; on this nearly structureless synthetic language held-out
// perplexity even improves), and leaves a well-formed backoff model: every
// n-gram's context and suffix present.
func TestEntropyPruning(t *testing.T) {
	train, heldOut := corpus(1, 2000), corpus(99, 300)
	prevSize, prevPPL := math.MaxInt, 0.0
	for _, threshold := range []float64{0, 1e-6, 1e-5, 1e-4, 1e-3} {
		g := estimate(t, BuildConfig{Order: 4, PruneThreshold: threshold}, train)
		size := 0
		for n := 2; n <= g.Order(); n++ {
			size += g.Orders[n-1].Len()
			lower := spellSet(g, n-1)
			tab := &g.Orders[n-1]
			for i := 0; i < tab.Len(); i++ {
				w := tab.Words[i*n : (i+1)*n]
				if (n > 2 && !lower[g.spell(w[:n-1])]) || !lower[g.spell(w[1:])] {
					t.Fatalf("threshold %v: %q lacks its context or suffix", threshold, g.spell(w))
				}
			}
		}
		m, err := g.Compile()
		if err != nil {
			t.Fatal(err)
		}
		ppl := m.Perplexity(train).Value
		held := m.Perplexity(heldOut).Value
		t.Logf("threshold %g: %d n-grams above unigrams, perplexity %.3f on training text, %.3f held out", threshold, size, ppl, held)
		if held > float64(m.VocabSize()-1) {
			t.Errorf("threshold %g: held-out perplexity %v", threshold, held)
		}
		if size > prevSize || (threshold >= 1e-4 && size >= prevSize) {
			t.Errorf("threshold %g kept %d n-grams, the lower one %d", threshold, size, prevSize)
		}
		if threshold > 0 && ppl < prevPPL {
			t.Errorf("threshold %g: perplexity %v fell from %v", threshold, ppl, prevPPL)
		}
		if threshold == 1e-6 && ppl > prevPPL*1.01 {
			t.Errorf("threshold 1e-6 raised perplexity from %v to %v", prevPPL, ppl)
		}
		prevSize, prevPPL = size, ppl
	}
}

func TestEstimateWithin(t *testing.T) {
	b, err := NewBuilder(BuildConfig{Order: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range corpus(1, 2000) {
		b.AddSentence(s)
	}
	full, err := b.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	size := func(g *NGrams) int {
		m, err := g.Compile()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := m.MarshalBinary()
		return len(data)
	}
	fullSize := size(full)
	for _, budget := range []int{fullSize, fullSize * 3 / 4, fullSize / 3} {
		g, threshold, err := b.EstimateWithin(budget)
		if err != nil {
			t.Fatal(err)
		}
		got := size(g)
		t.Logf("budget %d: %d bytes at threshold %g, n-grams %v", budget, got, threshold, g.Counts())
		if got > budget || (budget == fullSize) != (threshold == 0) {
			t.Errorf("budget %d: %d bytes, threshold %g", budget, got, threshold)
		}
		// The threshold it reports reproduces the model.
		b2, _ := NewBuilder(BuildConfig{Order: 4, PruneThreshold: threshold})
		for _, s := range corpus(1, 2000) {
			b2.AddSentence(s)
		}
		g2, _ := b2.Estimate()
		if fmt.Sprint(g2.Counts()) != fmt.Sprint(g.Counts()) {
			t.Errorf("threshold %g: Estimate gives %v, EstimateWithin %v", threshold, g2.Counts(), g.Counts())
		}
	}
	if _, _, err := b.EstimateWithin(100); err == nil {
		t.Error("a 100-byte budget was met")
	}
}
