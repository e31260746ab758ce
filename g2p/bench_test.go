package g2p

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// reportRates reports n items per wall second and per CPU second of the
// process: on the shared machine the second measures our work, the first
// also the queue.
func reportRates(b *testing.B, n int, cpu0 time.Duration, unit string) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), unit+"/s")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), unit+"/cpu-s")
	}
}

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
		cpu0 := processCPU()
		for i := 0; b.Loop(); i++ {
			if _, ok := d.Lookup(words[i%len(words)]); !ok {
				b.Fatal("missing")
			}
		}
		reportRates(b, b.N, cpu0, "lookups")
	})
	b.Run("impl=map", func(b *testing.B) {
		m := map[string][]Pronunciation{}
		for w, ps := range CMUdict().All() {
			m[w] = ps
		}
		cpu0 := processCPU()
		for i := 0; b.Loop(); i++ {
			if _, ok := m[words[i%len(words)]]; !ok {
				b.Fatal("missing")
			}
		}
		reportRates(b, b.N, cpu0, "lookups")
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
		cpu0 := processCPU()
		for i := 0; b.Loop(); i++ {
			if _, err := m.Predict(oovWords[i%len(oovWords)]); err != nil {
				b.Fatal(err)
			}
		}
		reportRates(b, b.N, cpu0, "words")
	})
	b.Run("impl=mynah/batch", func(b *testing.B) {
		words := make([]string, 0, 48)
		for len(words) < cap(words) {
			words = append(words, oovWords...)
		}
		cpu0 := processCPU()
		for b.Loop() {
			m.PredictBatch(words)
		}
		reportRates(b, b.N*len(words), cpu0, "words")
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
		var cpu time.Duration
		for b.Loop() {
			cmd := exec.Command("t2p", arg)
			out, err := cmd.Output()
			if err != nil || !bytes.Contains(out, []byte("pau")) {
				b.Fatalf("t2p: %v", err)
			}
			cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		b.ReportMetric(float64(b.N*len(words))/b.Elapsed().Seconds(), "words/s")
		if cpu > 0 {
			b.ReportMetric(float64(b.N*len(words))/cpu.Seconds(), "words/cpu-s")
		}
	})
}
