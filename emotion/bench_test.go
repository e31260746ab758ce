package emotion

import (
	"context"
	"runtime"
	"testing"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/dsp/feature"
)

// BenchmarkEmotion tags 10 s of speech-like audio at 16 kHz on one core
// (GOMAXPROCS 1) and reports x-realtime (audio seconds per wall second)
// and x-realtime-cpu (per CPU second, the figure to read on a shared
// machine). Weights are untrained: speed does not depend on them. The
// three kinds (the baseline on both descriptor sets) run side by side; impl=transfer runs the full-size
// acoustic encoder (acoustic.DefaultConfig), the shipped ASR's cost.
// The target is 200× on one core for the shipped model.
func BenchmarkEmotion(b *testing.B) {
	x := voice(10, SampleRate, 160, 0.5, 1)
	fc := feature.DefaultASR()
	norm := feature.Norm{Mean: make([]float32, fc.NumMels), Std: make([]float32, fc.NumMels)}
	for i := range norm.Std {
		norm.Mean[i], norm.Std[i] = -8, 4
	}
	enc, err := acoustic.New(acoustic.DefaultConfig(), acoustic.FrontEnd{Features: fc, Norm: norm}, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, cfg := range []Config{DefaultCNN(), DefaultBaseline(), ExtendedBaseline(), TransferConfig(enc)} {
		name := string(cfg.Kind)
		if cfg.Descriptors == NumDescriptorsExtended {
			name += "-ext"
		}
		b.Run("impl="+name, func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			m, err := New(cfg, enc, 1)
			if err != nil {
				b.Fatal(err)
			}
			tg, err := NewTagger(m, Options{})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if _, err := tg.Tag(ctx, x, SampleRate); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0 := processCPU()
			b.ResetTimer()
			for range b.N {
				if _, err := tg.Tag(ctx, x, SampleRate); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			audioSec := float64(len(x)) / float64(SampleRate) * float64(b.N)
			b.ReportMetric(audioSec/b.Elapsed().Seconds(), "x-realtime")
			if cpu := processCPU() - cpu0; cpu > 0 {
				b.ReportMetric(audioSec/cpu.Seconds(), "x-realtime-cpu")
			}
		})
	}
}
