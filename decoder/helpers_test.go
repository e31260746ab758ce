package decoder

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/lm"
)

// peaky builds log-probabilities from a frame script: one character per
// frame, '_' for blank, ' ' for the separator, letters for themselves. The
// scripted token gets probability top, the rest share what is left evenly.
func peaky(t testing.TB, vocab Vocabulary, script string, top float64) []float32 {
	t.Helper()
	index := vocab.tokenIndex()
	v := len(vocab.Tokens)
	out := make([]float32, 0, len(script)*v)
	for _, r := range script {
		tok := vocab.Blank
		if r != '_' {
			i, ok := index[string(r)]
			if !ok {
				t.Fatalf("script symbol %q not in vocabulary", r)
			}
			tok = int(i)
		}
		rest := math.Log((1 - top) / float64(v-1))
		for c := range v {
			if c == tok {
				out = append(out, float32(math.Log(top)))
			} else {
				out = append(out, float32(rest))
			}
		}
	}
	return out
}

// mixFrames builds frames from explicit distributions: each frame maps
// symbols to probabilities; unlisted tokens share the remainder.
func mixFrames(t testing.TB, vocab Vocabulary, frames []map[string]float64) []float32 {
	t.Helper()
	index := vocab.tokenIndex()
	v := len(vocab.Tokens)
	var out []float32
	for _, f := range frames {
		row := make([]float64, v)
		sum := 0.0
		for sym, p := range f {
			tok := vocab.Blank
			if sym != "_" {
				i, ok := index[sym]
				if !ok {
					t.Fatalf("symbol %q not in vocabulary", sym)
				}
				tok = int(i)
			}
			row[tok] = p
			sum += p
		}
		unlisted := v - len(f)
		for c := range row {
			if row[c] == 0 && unlisted > 0 {
				row[c] = math.Max(1e-9, (1-sum)/float64(unlisted))
			}
		}
		for _, p := range row {
			out = append(out, float32(math.Log(p)))
		}
	}
	return out
}

// randomLogProbs draws frames of log-softmax values.
func randomLogProbs(rng *rand.Rand, frames, v int, sharpness float64) []float32 {
	out := make([]float32, frames*v)
	for f := range frames {
		row := out[f*v : (f+1)*v]
		logits := make([]float64, v)
		maxL := math.Inf(-1)
		for c := range logits {
			logits[c] = rng.NormFloat64() * sharpness
			maxL = max(maxL, logits[c])
		}
		sum := 0.0
		for c := range logits {
			sum += math.Exp(logits[c] - maxL)
		}
		for c := range logits {
			row[c] = float32(logits[c] - maxL - math.Log(sum))
		}
	}
	return out
}

// testLM compiles a small backoff bigram model from explicit entries:
// unigrams "word log10p log10bo" and bigrams "w1 w2 log10p".
func testLM(t testing.TB, unigrams map[string][2]float32, bigrams map[[2]string]float32) *lm.Model {
	t.Helper()
	g := &lm.NGrams{Vocab: []string{lm.Unknown, lm.Begin, lm.End}}
	for w := range unigrams {
		if w != lm.Unknown && w != lm.Begin && w != lm.End {
			g.Vocab = append(g.Vocab, w)
		}
	}
	// Deterministic order.
	sortStrings(g.Vocab[3:])
	id := map[string]lm.WordID{}
	for i, w := range g.Vocab {
		id[w] = lm.WordID(i)
	}
	g.Orders = make([]lm.OrderTable, 2)
	for i, w := range g.Vocab {
		e, ok := unigrams[w]
		if !ok {
			e = [2]float32{-99, 0}
		}
		g.Orders[0].Words = append(g.Orders[0].Words, lm.WordID(i))
		g.Orders[0].LogProb = append(g.Orders[0].LogProb, e[0])
		g.Orders[0].Backoff = append(g.Orders[0].Backoff, e[1])
	}
	for k, p := range bigrams {
		g.Orders[1].Words = append(g.Orders[1].Words, id[k[0]], id[k[1]])
		g.Orders[1].LogProb = append(g.Orders[1].LogProb, p)
	}
	m, err := g.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func words(h Hypothesis) string {
	var parts []string
	for _, w := range h.Words {
		parts = append(parts, w.Text)
	}
	return strings.Join(parts, " ")
}
