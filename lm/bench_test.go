package lm

import (
	"math/rand/v2"
	"os"
	"testing"
)

// BenchmarkLMLoad loads the binary form of a synthetic 4-gram model; the
// peer is Compile from the explicit NGrams (the path an ARPA file takes
// after parsing).
func BenchmarkLMLoad(b *testing.B) {
	b.StopTimer()
	bld, _ := NewBuilder(BuildConfig{Order: 4})
	for _, s := range corpus(3, 40000) {
		bld.AddSentence(s)
	}
	g, err := bld.Estimate()
	if err != nil {
		b.Fatal(err)
	}
	m, _ := g.Compile()
	data, _ := m.MarshalBinary()
	aligned := make([]uint64, (len(data)+7)/8)
	buf := unsafeBytes(aligned)[:len(data)]
	copy(buf, data)
	b.StartTimer()
	b.Run("impl=load", func(b *testing.B) {
		for b.Loop() {
			if _, err := Load(buf); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(data))/1e6, "MB")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/load")
	})
	// The shipped model, as the recogniser loads it (embedded bytes are
	// aligned like this copy).
	if shipped, err := os.ReadFile("../models/lm-en.bin"); err == nil {
		aligned := make([]uint64, (len(shipped)+7)/8)
		buf := unsafeBytes(aligned)[:len(shipped)]
		copy(buf, shipped)
		b.Run("impl=load-shipped", func(b *testing.B) {
			for b.Loop() {
				if _, err := Load(buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(shipped))/1e6, "MB")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/load")
		})
	}
	b.Run("impl=compile", func(b *testing.B) {
		for b.Loop() {
			g.Compile()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
	})
}

// BenchmarkScore measures one state-based query, the decoder's inner LM
// call.
func BenchmarkScore(b *testing.B) {
	m := testModel(b, BuildConfig{Order: 4})
	rng := rand.New(rand.NewPCG(1, 1))
	ids := make([]WordID, 4096)
	for i := range ids {
		ids[i] = WordID(3 + rng.IntN(m.VocabSize()-3))
	}
	s := m.BeginState()
	i := 0
	for b.Loop() {
		_, s = m.Score(s, ids[i&4095])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mscores/s")
}
