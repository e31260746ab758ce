package g2p

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// benchWords are in-dictionary words spread over the alphabet.
func benchWords(b *testing.B, n int) []string {
	var out []string
	i := 0
	for w := range CMUdict().All() {
		if i%(126052/n) == 0 {
			out = append(out, w)
		}
		i++
	}
	return out
}

// oovWords are made-up words the dictionary lacks, 4 to 12 letters.
var oovWords = []string{
	"blorpington", "zyxomatic", "grobnitz", "unfrobnicated", "quenderly", "splatchet",
	"mirvolous", "trandible", "phlogistry", "wuzzock", "cravinger", "oblanthic",
}

// BenchmarkLookup: dictionary lookups per second, beside a Go map of the
// same dictionary (parsed into memory: what the compiled table avoids).
func BenchmarkLookup(b *testing.B) {
	words := benchWords(b, 1000)
	b.Run("impl=table", func(b *testing.B) {
		d := CMUdict()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok := d.Lookup(words[i%len(words)]); !ok {
				b.Fatal("missing")
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
	b.Run("impl=map", func(b *testing.B) {
		m := map[string][]Pronunciation{}
		for w, ps := range CMUdict().All() {
			m[w] = ps
		}
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if _, ok := m[words[i%len(words)]]; !ok {
				b.Fatal("missing")
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
}

// BenchmarkOpen: start-up cost of the embedded table (header only).
func BenchmarkOpen(b *testing.B) {
	for b.Loop() {
		if _, err := OpenDict(cmudictTable); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOOV: out-of-vocabulary words per second through the learned
// model, one at a time and batched, beside flite's t2p (CMU lexicon plus
// letter-to-sound CART rules; one process for all words, start-up
// included) when it is installed.
func BenchmarkOOV(b *testing.B) {
	m, err := DefaultModel()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=mynah/single", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := m.Predict(oovWords[i%len(oovWords)]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "words/s")
	})
	b.Run("impl=mynah/batch", func(b *testing.B) {
		words := make([]string, 0, 240)
		for len(words) < cap(words) {
			words = append(words, oovWords...)
		}
		for b.Loop() {
			m.PredictBatch(words)
		}
		b.ReportMetric(float64(b.N*len(words))/b.Elapsed().Seconds(), "words/s")
	})
	b.Run("impl=flite-t2p", func(b *testing.B) {
		if _, err := exec.LookPath("t2p"); err != nil {
			b.Skip("flite's t2p is not installed")
		}
		var words []string
		for len(words) < 240 {
			words = append(words, oovWords...)
		}
		arg := strings.Join(words, " ")
		for b.Loop() {
			out, err := exec.Command("t2p", arg).Output()
			if err != nil || !bytes.Contains(out, []byte("pau")) {
				b.Fatalf("t2p: %v", err)
			}
		}
		b.ReportMetric(float64(b.N*len(words))/b.Elapsed().Seconds(), "words/s")
	})
}
