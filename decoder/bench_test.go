package decoder

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/lm"
)

// benchVocab is CharVocabulary plus a hyphen: the 30 tokens issue 8's
// benchmark specifies.
func benchVocab() Vocabulary {
	v := CharVocabulary()
	v.Tokens = append(v.Tokens, "-")
	return v
}

// benchLM builds a trigram over a synthetic Zipfian language of 3,000
// pseudo-words; its ARPA text is about 1 MB.
func benchLM(b testing.TB) (*lm.Model, []string, int) {
	b.Helper()
	return synthLM(b, 12000)
}

// synthLM is benchLM's language over the given number of sentences.
func synthLM(b testing.TB, sentenceCount int) (*lm.Model, []string, int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(8, 8))
	words := make([]string, 3000)
	for i := range words {
		n := 2 + rng.IntN(6)
		var sb strings.Builder
		for range n {
			sb.WriteByte(byte('a' + rng.IntN(26)))
		}
		words[i] = sb.String()
	}
	zipf := rand.NewZipf(rng, 1.1, 5, uint64(len(words)-1))
	builder, err := lm.NewBuilder(lm.BuildConfig{Order: 3, MinCounts: []int{0, 1, 2}})
	if err != nil {
		b.Fatal(err)
	}
	var sentences []string
	for range sentenceCount {
		s := make([]string, 3+rng.IntN(10))
		for k := range s {
			s[k] = words[zipf.Uint64()]
		}
		builder.AddSentence(s)
		sentences = append(sentences, strings.Join(s, " "))
	}
	g, err := builder.Estimate()
	if err != nil {
		b.Fatal(err)
	}
	var arpa strings.Builder
	g.WriteARPA(&arpa)
	m, err := g.Compile()
	if err != nil {
		b.Fatal(err)
	}
	return m, sentences, arpa.Len()
}

// peakyPosteriors spells text at one token per non-blank frame with blank
// frames between: blank ≥ 0.9 on about 70% of frames; the rest of each
// frame's mass follows a Zipf tail over a random order of the other tokens.
func peakyPosteriors(rng *rand.Rand, vocab Vocabulary, text string, frames int) []float32 {
	v := len(vocab.Tokens)
	index := vocab.tokenIndex()
	out := make([]float32, 0, frames*v)
	tail := make([]float64, v)
	perm := make([]int, v)
	chars := []rune(text)
	pos := 0
	for f := 0; f < frames; f++ {
		top := vocab.Blank
		topP := 0.9 + 0.09*rng.Float64()
		if rng.Float64() < 0.3 {
			top = int(index[string(chars[pos%len(chars)])])
			pos++
			topP = 0.5 + 0.45*rng.Float64()
		}
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(v, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		sum := 0.0
		rank := 1
		for _, c := range perm {
			if c == top {
				tail[c] = 0
				continue
			}
			tail[c] = 1 / math.Pow(float64(rank), 1.5)
			sum += tail[c]
			rank++
		}
		for c := range v {
			p := topP
			if c != top {
				p = (1 - topP) * tail[c] / sum
			}
			out = append(out, float32(math.Log(p)))
		}
	}
	return out
}

// BenchmarkBeamSearch decodes 10 s of 30 ms frames (333 frames) over 30
// tokens with beam 100: greedy as the peer, the beam without and with the
// trigram LM.
func BenchmarkBeamSearch(b *testing.B) {
	vocab := benchVocab()
	model, sentences, arpaBytes := benchLM(b)
	rng := rand.New(rand.NewPCG(1, 1))
	const frames = 333
	logProbs := peakyPosteriors(rng, vocab, strings.Join(sentences[:20], " "), frames)
	// frames/s is wall time; cpu-frames/s divides by the process's CPU
	// time instead (GOMAXPROCS=1 makes that one core's work), which is
	// what to read on a loaded machine.
	var cpuStart time.Duration
	report := func(b *testing.B) {
		perFrame := b.Elapsed().Seconds() / float64(b.N*frames)
		b.ReportMetric(1/perFrame, "frames/s")
		b.ReportMetric(1/(perFrame/0.030), "x-realtime")
		if cpu := (cpuTime() - cpuStart).Seconds(); cpu > 0 {
			b.ReportMetric(float64(b.N*frames)/cpu, "cpu-frames/s")
		}
	}
	b.Run("impl=greedy", func(b *testing.B) {
		cpuStart = cpuTime()
		for b.Loop() {
			Greedy(logProbs, vocab, 30*time.Millisecond)
		}
		report(b)
	})
	for _, tc := range []struct {
		name string
		res  Resources
	}{
		{"impl=beam", Resources{}},
		{"impl=beam+lm", Resources{LM: model}},
		// The LM read from its binary form: the lexicon check walks the
		// LM file's spelling trie instead of a built one.
		{"impl=beam+lm-trie", Resources{LM: reload(b, model)}},
	} {
		d, err := New(vocab, DefaultConfig(), tc.res)
		if err != nil {
			b.Fatal(err)
		}
		s := d.NewStream(nil)
		b.Run(tc.name, func(b *testing.B) {
			cpuStart = cpuTime()
			for b.Loop() {
				s.Reset()
				s.Push(logProbs)
				s.Finalize()
			}
			report(b)
			if tc.res.LM != nil {
				b.ReportMetric(float64(arpaBytes)/1e6, "arpa-MB")
			}
		})
	}
}
