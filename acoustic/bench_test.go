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
