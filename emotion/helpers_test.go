package emotion

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/dsp/feature"
)

// voice synthesises seconds of speech-like sound at rate: a harmonic
// source at f0 Hz with a ±10% vibrato, in syllable bursts of 200 ms with
// 60 ms gaps, plus a little noise, at peak level.
func voice(seconds float64, rate audio.Rate, f0, level float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := int(seconds * float64(rate))
	x := make([]float32, n)
	var phase float64
	for i := range x {
		t := float64(i) / float64(rate)
		f := f0 * (1 + 0.1*math.Sin(2*math.Pi*3*t))
		phase += 2 * math.Pi * f / float64(rate)
		var s float64
		for h := 1; h <= 12; h++ {
			if float64(h)*f < float64(rate)/2 {
				s += math.Sin(float64(h)*phase) / float64(h)
			}
		}
		syl := math.Mod(t, 0.26)
		env := 0.0
		if syl < 0.2 {
			env = math.Sin(math.Pi * syl / 0.2)
		}
		x[i] = float32(level * (0.5*env*s + 0.01*rng.NormFloat64()))
	}
	return x
}

// withSilence pads x with seconds of near silence on both sides.
func withSilence(x []float32, rate audio.Rate, seconds float64) []float32 {
	pad := make([]float32, int(seconds*float64(rate)))
	out := append(append(append([]float32{}, pad...), x...), pad...)
	return out
}

// tinyEncoder is a small untrained acoustic model for transfer tests.
func tinyEncoder(t testing.TB) *acoustic.Model {
	t.Helper()
	cfg := acoustic.DefaultConfig()
	cfg.ConvChannels = [2]int{4, 8}
	cfg.FreqAttentionHeads = 0
	cfg.Dim, cfg.Heads, cfg.Blocks, cfg.FFMult = 16, 2, 2, 2
	fc := feature.DefaultASR()
	norm := feature.Norm{Mean: make([]float32, fc.NumMels), Std: make([]float32, fc.NumMels)}
	for i := range norm.Std {
		norm.Mean[i], norm.Std[i] = -8, 4
	}
	m, err := acoustic.New(cfg, acoustic.FrontEnd{Features: fc, Norm: norm}, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// models returns an untrained model of each kind.
func allKinds(t testing.TB) map[Kind]*Model {
	t.Helper()
	enc := tinyEncoder(t)
	out := map[Kind]*Model{}
	for _, cfg := range []Config{DefaultBaseline(), DefaultCNN(), TransferConfig(enc)} {
		m, err := New(cfg, enc, 3)
		if err != nil {
			t.Fatal(err)
		}
		out[cfg.Kind] = m
	}
	// The baseline's zero weights give uniform scores; make it decide.
	b := out[KindBaseline]
	for i := range b.outW.Value {
		b.outW.Value[i] = float32(math.Sin(float64(i))) * 0.1
	}
	for i := range b.scale.Value {
		b.scale.Value[i] = 0.1
	}
	return out
}
