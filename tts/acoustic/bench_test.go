package acoustic

import (
	"testing"
	"time"

	"github.com/mynah-speech/mynah/nn"
)

var helloSymbols = []string{"<sil>", "HH", "AH0", "L", "OW1", "#", "W", "ER1", "L", "D", ",", "HH", "AW1", "#",
	"AA1", "R", "#", "Y", "UW1", "?", "<sil>"}

// flopsPerSecond synthesises with durations forced to frames per symbol
// (an untrained model predicts about one) and returns the model's
// multiply-adds ×2 per second of audio, as nn.Tape counts them.
func flopsPerSecond(t testing.TB, cfg Config, framesPerSymbol int) float64 {
	m, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	// ln(1+d) = bias: every symbol lasts framesPerSymbol frames.
	m.duration.outB.Value[0] = logf(float32(1 + framesPerSymbol))
	scaleParam(m.duration.outW, 0)
	tape := nn.NewTape(0)
	out, err := m.Synthesize(tape, helloSymbols, Controls{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Frames != framesPerSymbol*len(helloSymbols) {
		t.Fatalf("%d frames, want %d", out.Frames, framesPerSymbol*len(helloSymbols))
	}
	seconds := float64(out.Frames*HopSamples) / SampleRate
	return float64(tape.FLOPs()) / seconds
}

// TestCostBudget checks the bound: at most 0.5 GFLOP per second
// of audio for the default architecture and for width 192, at a speaking rate of 8 frames
// (93 ms) per symbol and at a fast 4.
func TestCostBudget(t *testing.T) {
	for _, dim := range []int{128, 192} {
		for _, fps := range []int{4, 8} {
			cfg := DefaultConfig()
			cfg.Dim = dim
			f := flopsPerSecond(t, cfg, fps)
			t.Logf("dim %d, %d frames per symbol: %.3f GFLOP per second of audio", dim, fps, f/1e9)
			if f > 0.5e9 {
				t.Errorf("dim %d, %d frames per symbol: %.3f GFLOP per second of audio, over 0.5", dim, fps, f/1e9)
			}
		}
	}
}

// BenchmarkSynthesize reports the default architecture's speed on one
// 21-symbol phrase at 8 frames per symbol (about 2 s of audio).
func BenchmarkSynthesize(b *testing.B) {
	for _, c := range []struct {
		name string
		dim  int
	}{{"dim=192", 192}, {"dim=128", 128}} {
		b.Run(c.name, func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Dim = c.dim
			m, err := New(cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			m.duration.outB.Value[0] = logf(9)
			scaleParam(m.duration.outW, 0)
			tape := nn.NewTape(0)
			var frames int
			flops0 := tape.FLOPs()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				out, err := m.Synthesize(tape, helloSymbols, Controls{})
				if err != nil {
					b.Fatal(err)
				}
				frames = out.Frames
			}
			sec := time.Since(start).Seconds() / float64(b.N)
			audio := float64(frames*HopSamples) / SampleRate
			b.ReportMetric(audio/sec, "x-realtime")
			b.ReportMetric(float64(tape.FLOPs()-flops0)/float64(b.N)/audio/1e9, "GFLOP/audio-s")
		})
	}
}
