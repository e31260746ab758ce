package lm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

func unsafeBytes(v []uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*len(v))
}

// corpus makes sentences from a small Zipf-distributed vocabulary with some
// local structure, so every order has repeated n-grams.
func corpus(seed uint64, sentences int) [][]string {
	rng := rand.New(rand.NewPCG(seed, 7))
	words := strings.Fields("the a cat dog sat ran on under mat log and then it was quiet very big small red")
	zipf := rand.NewZipf(rng, 1.3, 2, uint64(len(words)-1))
	var out [][]string
	for range sentences {
		n := 1 + rng.IntN(9)
		var s []string
		for k := range n {
			w := words[zipf.Uint64()]
			if k > 0 && rng.IntN(3) == 0 && s[k-1] == "the" {
				w = "cat"
			}
			s = append(s, w)
		}
		out = append(out, s)
	}
	return out
}

func testModel(t testing.TB, cfg BuildConfig) *Model {
	t.Helper()
	b, err := NewBuilder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range corpus(1, 400) {
		b.AddSentence(s)
	}
	g, err := b.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	m, err := g.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// referenceMKN is a direct, map-based transcription of interpolated
// modified Kneser-Ney (Chen and Goodman 1998, eqs. 17 and 26, with the
// lmplz conventions: raw counts at the top order and for n-grams starting
// with <s>, continuation counts otherwise, uniform base distribution over
// the vocabulary without <s>). It counts every n-gram of every order
// explicitly, independently of the Builder's suffix-sorted counting.
func referenceMKN(sentences [][]string, order int) (prob map[string]float64, backoff map[string]float64) {
	raw := make([]map[string]int, order+1)
	for n := range raw {
		raw[n] = map[string]int{}
	}
	vocab := map[string]bool{Unknown: true, End: true}
	for _, s := range sentences {
		toks := append(append([]string{Begin}, s...), End)
		for _, w := range s {
			vocab[w] = true
		}
		for n := 1; n <= order; n++ {
			for i := 0; i+n <= len(toks); i++ {
				if n == 1 && i == 0 {
					continue // <s> is never predicted
				}
				raw[n][strings.Join(toks[i:i+n], " ")]++
			}
		}
	}
	adj := make([]map[string]int, order+1)
	for n := 1; n <= order; n++ {
		adj[n] = map[string]int{}
		for g, c := range raw[n] {
			if n == order || strings.HasPrefix(g, Begin+" ") {
				adj[n][g] = c
			}
		}
		if n < order {
			for g := range raw[n+1] {
				parts := strings.SplitN(g, " ", 2)
				if _, isRaw := adj[n][parts[1]]; isRaw && (strings.HasPrefix(parts[1], Begin+" ")) {
					continue
				}
				adj[n][parts[1]]++
			}
		}
	}
	prob = map[string]float64{}
	backoff = map[string]float64{}
	for n := 1; n <= order; n++ {
		var t [5]float64
		for _, a := range adj[n] {
			if a <= 4 {
				t[a]++
			}
		}
		y := t[1] / (t[1] + 2*t[2])
		d := [4]float64{0, 1 - 2*y*t[2]/t[1], 2 - 3*y*t[3]/t[2], 3 - 4*y*t[4]/t[3]}
		for k := 1; k <= 3; k++ {
			if !(d[k] > 0 && d[k] < float64(k)) || t[1]*t[2]*t[3]*t[4] == 0 {
				d = [4]float64{0, 0.5, 1, 1.5}
				break
			}
		}
		total := map[string]float64{}
		nk := map[string]*[4]float64{}
		ctx := func(g string) string {
			if i := strings.LastIndexByte(g, ' '); i >= 0 {
				return g[:i]
			}
			return ""
		}
		for g, a := range adj[n] {
			h := ctx(g)
			total[h] += float64(a)
			if nk[h] == nil {
				nk[h] = &[4]float64{}
			}
			nk[h][min(a, 3)]++
		}
		gamma := map[string]float64{}
		for h, tot := range total {
			gamma[h] = (d[1]*nk[h][1] + d[2]*nk[h][2] + d[3]*nk[h][3]) / tot
			if n > 1 {
				backoff[h] = gamma[h]
			}
		}
		if n == 1 {
			for w := range vocab {
				a := adj[1][w]
				p := 0.0
				if a > 0 {
					p = (float64(a) - d[min(a, 3)]) / total[""]
				}
				prob[w] = p + gamma[""]/float64(len(vocab))
			}
			continue
		}
		for g, a := range adj[n] {
			h := ctx(g)
			lower := prob[g[strings.IndexByte(g, ' ')+1:]]
			prob[g] = (float64(a)-d[min(a, 3)])/total[h] + gamma[h]*lower
		}
	}
	return prob, backoff
}

func TestEstimateMatchesReference(t *testing.T) {
	for _, order := range []int{2, 3, 4} {
		sentences := corpus(5, 300)
		b, _ := NewBuilder(BuildConfig{Order: order})
		// Feed in two batches with a forced flush between, to exercise
		// the merge of sorted runs.
		for i, s := range sentences {
			b.AddSentence(s)
			if i == 150 {
				b.flush()
			}
		}
		g, err := b.Estimate()
		if err != nil {
			t.Fatal(err)
		}
		prob, backoff := referenceMKN(sentences, order)
		count := 0
		for o := range g.Orders {
			n := o + 1
			tab := &g.Orders[o]
			for i := 0; i < tab.Len(); i++ {
				key := g.spell(tab.Words[i*n : (i+1)*n])
				if key == Begin {
					continue
				}
				want, ok := prob[key]
				if !ok {
					t.Fatalf("order %d: %q not in the reference", order, key)
				}
				got := math.Pow(10, float64(tab.LogProb[i]))
				if math.Abs(got-want) > 1e-5*want {
					t.Errorf("order %d: P(%s) = %v, reference %v", order, key, got, want)
				}
				if len(tab.Backoff) > 0 {
					wantBO := 1.0
					if bo, ok := backoff[key]; ok {
						wantBO = bo
					}
					gotBO := math.Pow(10, float64(tab.Backoff[i]))
					if math.Abs(gotBO-wantBO) > 1e-5*wantBO {
						t.Errorf("order %d: backoff(%s) = %v, reference %v", order, key, gotBO, wantBO)
					}
				}
				count++
			}
		}
		if count != len(prob) {
			t.Errorf("order %d: %d n-grams, reference has %d", order, count, len(prob))
		}
	}
}

// TestNormalised checks that every context's conditional distribution sums
// to one over the vocabulary, with and without count cutoffs.
func TestNormalised(t *testing.T) {
	for _, cfg := range []BuildConfig{{Order: 3}, {Order: 4, MinCounts: []int{0, 2, 2, 3}}, {Order: 4, PruneThreshold: 1e-4}, {Order: 3, MinCounts: []int{0, 2}, PruneThreshold: 1e-3}} {
		m := testModel(t, cfg)
		contexts := [][]string{nil, {"the"}, {"the", "cat"}, {"cat", "sat", "on"}, {"quiet", "zebra"}, {"very", "very"}}
		for _, ctx := range contexts {
			state := m.BeginState()
			for _, w := range ctx {
				_, state = m.ScoreWord(state, w)
			}
			sum := 0.0
			for id := range WordID(m.VocabSize()) {
				if id == BeginID {
					continue
				}
				lp, _ := m.Score(state, id)
				sum += math.Exp(float64(lp))
			}
			if math.Abs(sum-1) > 1e-4 {
				t.Errorf("%+v: Σ P(w | <s> %s) = %v", cfg, strings.Join(ctx, " "), sum)
			}
		}
	}
}

func TestCutoffsShrinkAndPerplexity(t *testing.T) {
	full := testModel(t, BuildConfig{Order: 4})
	pruned := testModel(t, BuildConfig{Order: 4, MinCounts: []int{0, 2, 3, 3}})
	if pruned.tables[2].count >= full.tables[2].count || pruned.tables[1].count >= full.tables[1].count {
		t.Fatalf("cutoffs kept %d/%d trigrams, %d/%d 4-grams", pruned.tables[1].count, full.tables[1].count, pruned.tables[2].count, full.tables[2].count)
	}
	heldOut := corpus(99, 200)
	pf, pp := full.Perplexity(heldOut), pruned.Perplexity(heldOut)
	uniform := float64(full.VocabSize() - 1)
	if !(pf.Value > 1 && pf.Value < uniform && pp.Value < uniform) {
		t.Fatalf("perplexities %v (full) %v (pruned), vocabulary %v", pf.Value, pp.Value, uniform)
	}
	// Shuffled word order is less likely than the text's own.
	rng := rand.New(rand.NewPCG(4, 4))
	var shuffled [][]string
	for _, s := range heldOut {
		s = append([]string(nil), s...)
		rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		shuffled = append(shuffled, s)
	}
	if ps := full.Perplexity(shuffled); ps.Value <= pf.Value {
		t.Errorf("shuffled text perplexity %v ≤ original %v", ps.Value, pf.Value)
	}
	withOOV := full.Perplexity([][]string{{"the", "zebra"}})
	if withOOV.OOV != 1 || withOOV.Words != 2 {
		t.Errorf("OOV counting: %+v", withOOV)
	}
}

func TestAddTextNormalises(t *testing.T) {
	b, _ := NewBuilder(BuildConfig{Order: 3})
	if err := b.AddText(strings.NewReader("The cat sat on 2 mats. It was Quiet!\n\nThe end.")); err != nil {
		t.Fatal(err)
	}
	b.AddVocabulary("zebra")
	sentences, tokens, vocab := b.Stats()
	if sentences != 3 {
		t.Errorf("%d sentences", sentences)
	}
	g, err := b.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := g.Compile()
	for _, w := range []string{"two", "mats", "quiet", "zebra"} {
		if _, ok := m.Lookup(w); !ok {
			t.Errorf("%q missing from the vocabulary (%d tokens, %d words)", w, tokens, vocab)
		}
	}
	if _, ok := m.Lookup("The"); ok {
		t.Error("text was not lower-cased")
	}
	zebra, _ := m.ScoreWord(m.NullState(), "zebra")
	cat, _ := m.ScoreWord(m.NullState(), "cat")
	if zebra >= cat {
		t.Errorf("uncounted word %v not below counted %v", zebra, cat)
	}
	if _, err := (&Builder{}).Estimate(); err == nil {
		t.Error("empty builder estimated")
	}
	if _, err := NewBuilder(BuildConfig{Order: 9}); err == nil {
		t.Error("order 9 accepted")
	}
}
