package lm

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestScoreHistoryMatchesScore checks the stateless scoring the mixture
// uses against the cached-state Score of the same plain model.
func TestScoreHistoryMatchesScore(t *testing.T) {
	m := testModel(t, BuildConfig{Order: 4, MinCounts: []int{0, 1, 2, 2}})
	rng := rand.New(rand.NewPCG(3, 3))
	for range 2000 {
		n := rng.IntN(4)
		var hist []WordID // most recent first
		s := m.BeginState()
		words := make([]WordID, n)
		for i := range words {
			words[i] = WordID(2 + rng.IntN(m.VocabSize()-2))
			_, s = m.Score(s, words[i])
		}
		for i := n - 1; i >= 0 && len(hist) < 3; i-- {
			hist = append(hist, words[i])
		}
		if len(hist) < 3 {
			hist = append(hist, BeginID)
		}
		w := WordID(rng.IntN(m.VocabSize()))
		want, _ := m.Score(s, w)
		got := m.scoreHistory(hist, w)
		if math.Abs(float64(got-want)) > 1e-5 {
			t.Fatalf("history %v word %d: %v, Score gives %v", hist, w, got, want)
		}
	}
}

func twoModels(t testing.TB) (a, b *Model) {
	t.Helper()
	ga := estimate(t, BuildConfig{Order: 3}, corpus(1, 300))
	// b speaks of other things too, and is a 2-gram.
	var sb [][]string
	for _, s := range corpus(2, 300) {
		sb = append(sb, append(s, "zebra"))
	}
	sb = append(sb, strings.Fields("a zebra and an okapi"))
	gb := estimate(t, BuildConfig{Order: 2}, sb)
	var err error
	if a, err = ga.Compile(); err != nil {
		t.Fatal(err)
	}
	if b, err = gb.Compile(); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestInterpolate(t *testing.T) {
	a, b := twoModels(t)
	mix, err := Interpolate([]*Model{a, b}, []float64{0.3, 0.7})
	if err != nil {
		t.Fatal(err)
	}
	if mix.Order() != 3 {
		t.Errorf("order %d", mix.Order())
	}
	if _, ok := a.Lookup("okapi"); ok {
		t.Fatal("okapi in a")
	}
	if _, ok := mix.Lookup("okapi"); !ok {
		t.Fatal("okapi missing from the union")
	}
	data, err := mix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Components(); len(got) != 2 || got[0] != 0.3 {
		t.Errorf("loaded weights %v", got)
	}
	contexts := [][]string{nil, {"the"}, {"the", "cat"}, {"zebra"}, {"okapi", "the"}}
	for _, ctx := range contexts {
		sm, sa, sb, sl := mix.BeginState(), a.BeginState(), b.BeginState(), loaded.BeginState()
		for _, w := range ctx {
			_, sm = mix.ScoreWord(sm, w)
			_, sa = a.ScoreWord(sa, w)
			_, sb = b.ScoreWord(sb, w)
			_, sl = loaded.ScoreWord(sl, w)
		}
		sum := 0.0
		for id := range WordID(mix.VocabSize()) {
			if id == BeginID {
				continue
			}
			word := mix.Word(id)
			lp, _ := mix.Score(sm, id)
			sum += math.Exp(float64(lp))
			want := 0.0
			if ia, ok := a.Lookup(word); ok {
				p, _ := a.Score(sa, ia)
				want += 0.3 * math.Exp(float64(p))
			}
			if ib, ok := b.Lookup(word); ok {
				p, _ := b.Score(sb, ib)
				want += 0.7 * math.Exp(float64(p))
			}
			if math.Abs(math.Exp(float64(lp))-want) > 1e-5*want {
				t.Errorf("P(%s | %v) = %v, want %v", word, ctx, math.Exp(float64(lp)), want)
			}
			if ll, _ := loaded.Score(sl, id); ll != lp {
				t.Errorf("loaded mixture: P(%s | %v) %v, built %v", word, ctx, ll, lp)
			}
		}
		if math.Abs(sum-1) > 1e-4 {
			t.Errorf("Σ P(w | %v) = %v", ctx, sum)
		}
	}
	// A mixture of a mixture flattens.
	again, err := Interpolate([]*Model{mix, a}, []float64{0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if w := again.Components(); len(w) != 3 || math.Abs(w[2]-0.5) > 1e-12 || math.Abs(w[0]-0.15) > 1e-12 {
		t.Errorf("flattened weights %v", w)
	}
}

func TestInterpolateAndParseErrors(t *testing.T) {
	a, b := twoModels(t)
	for _, w := range [][]float64{{0.5, 0.6}, {0, 1}, {0.5}, {math.NaN(), 0.5}} {
		if _, err := Interpolate([]*Model{a, b}, w); err == nil {
			t.Errorf("weights %v accepted", w)
		}
	}
	mix, _ := Interpolate([]*Model{a, b}, []float64{0.5, 0.5})
	data, _ := mix.MarshalBinary()
	for name, bad := range map[string][]byte{
		"garbage":   []byte("hello world"),
		"binary":    {0, 1, 2, 3},
		"truncated": data[:len(data)-8],
		"header":    data[:12],
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	arpa := &bytes.Buffer{}
	g := estimate(t, BuildConfig{Order: 2}, corpus(4, 50))
	g.WriteARPA(arpa)
	if m, err := Parse(arpa.Bytes()); err != nil || m.Order() != 2 {
		t.Errorf("ARPA by Parse: %v", err)
	}
}
