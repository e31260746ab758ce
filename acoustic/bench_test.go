package acoustic

import (
	"math/rand/v2"
	"testing"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
)

func testFrontEnd(mels int) FrontEnd {
	fc := feature.DefaultASR()
	fc.NumMels = mels
	norm := feature.Norm{Mean: make([]float32, mels), Std: make([]float32, mels)}
	for i := range norm.Std {
		norm.Std[i] = 1
	}
	return FrontEnd{Features: fc, Norm: norm}
}

func randomBatch(size, frames, mels int, seed uint64) Batch {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := Batch{Features: make([]float32, size*frames*mels), Size: size, Frames: frames, Lengths: make([]int, size)}
	for i := range b.Features {
		b.Features[i] = float32(rng.NormFloat64())
	}
	for i := range b.Lengths {
		b.Lengths[i] = frames - i*frames/(4*size)
	}
	return b
}

// BenchmarkTrainStepOneWorker is one forward+backward pass of the default
// architecture on 4 × 8 s on one goroutine; it reports audio-s/s.
func BenchmarkTrainStepOneWorker(b *testing.B) {
	cfg := DefaultConfig()
	m, err := New(cfg, testFrontEnd(cfg.Mels), 1)
	if err != nil {
		b.Fatal(err)
	}
	batch := randomBatch(4, 800, cfg.Mels, 2)
	labels := make([][]int, batch.Size)
	for i := range labels {
		labels[i] = make([]int, 80)
		for j := range labels[i] {
			labels[i][j] = 1 + j%28
		}
	}
	t := nn.NewTape(1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t.Reset()
		out, err := m.Forward(t, batch, ForwardOptions{})
		if err != nil {
			b.Fatal(err)
		}
		loss, err := t.CTCLoss(out.Logits, out.Lengths, labels, nn.CTCOptions{Reduction: nn.CTCSum, ZeroInfinity: true})
		if err != nil {
			b.Fatal(err)
		}
		t.Backward(loss)
	}
	b.ReportMetric(float64(b.N)*4*8/b.Elapsed().Seconds(), "audio-s/s")
}

// BenchmarkTranscribe runs the default architecture's features and network
// on 10 s of audio, offline (whole utterance) and streaming (8-frame
// chunks, 240 ms, with cached state), reporting x-realtime. Run with
// GOMAXPROCS=1 for the one-core figure of issue 16.
func BenchmarkTranscribe(b *testing.B) {
	cfg := DefaultConfig()
	m, err := New(cfg, testFrontEnd(cfg.Mels), 1)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	samples := make([]float32, 16000*10)
	for i := range samples {
		samples[i] = 0.1 * float32(rng.NormFloat64())
	}
	b.Run("mode=offline", func(b *testing.B) {
		r, err := m.NewRunner()
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			if _, _, err := r.LogProbs(samples); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(10*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	})
	b.Run("mode=streaming", func(b *testing.B) {
		st, err := m.NewStream(8, 0)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			st.Reset()
			for j := 0; j < len(samples); j += 1600 {
				if _, _, err := st.Accept(samples[j : j+1600]); err != nil {
					b.Fatal(err)
				}
			}
			if _, _, err := st.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(10*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	})
}
