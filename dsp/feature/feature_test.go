package feature

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func noise(seed uint64, n int) []float32 {
	rng := rand.New(rand.NewPCG(seed, 99))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(0.1 * rng.NormFloat64())
	}
	return x
}

// testConfigs covers every centring, window, scale and both spectra.
func testConfigs() map[string]Config {
	asr := DefaultASR()
	htk := asr
	htk.MelScale, htk.MelNorm, htk.Window, htk.Spectrum = HTK, NoNorm, Hamming, Magnitude
	constant := asr
	constant.Center = Constant
	odd := asr
	odd.WindowSamples, odd.HopSamples, odd.FFTSize, odd.NumMels = 401, 97, 480, 40
	return map[string]Config{
		"asr":      asr,
		"htk":      htk,
		"constant": constant,
		"odd":      odd,
		"kaldi":    KaldiFbank(16000, 80),
		"kaldi8k":  KaldiFbank(8000, 23),
	}
}

func TestConfigValidate(t *testing.T) {
	ok := DefaultASR()
	cases := []struct {
		name   string
		change func(*Config)
	}{
		{"rate", func(c *Config) { c.SampleRate = 0 }},
		{"window>fft", func(c *Config) { c.WindowSamples = 513 }},
		{"hop", func(c *Config) { c.HopSamples = 0 }},
		{"fft size", func(c *Config) { c.FFTSize = 14 * 8 }},
		{"mels", func(c *Config) { c.NumMels = 0 }},
		{"fmax", func(c *Config) { c.FMaxHz = 9000 }},
		{"fmin>fmax", func(c *Config) { c.FMinHz = 8000 }},
		{"nan fmin", func(c *Config) { c.FMinHz = math.NaN() }},
		{"floor", func(c *Config) { c.LogFloor = 0 }},
		{"window kind", func(c *Config) { c.Window = "blackman" }},
		{"center", func(c *Config) { c.Center = "" }},
		{"spectrum", func(c *Config) { c.Spectrum = "db" }},
		{"scale", func(c *Config) { c.MelScale = "bark" }},
		{"norm", func(c *Config) { c.MelNorm = "max" }},
		{"triangles", func(c *Config) { c.Triangles = "erb" }},
		{"preemphasis", func(c *Config) { c.Preemphasis = 1 }},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("DefaultASR invalid: %v", err)
	}
	for _, tc := range cases {
		c := ok
		tc.change(&c)
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Validate() = %v, want ErrConfig", tc.name, err)
		}
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New() = %v, want ErrConfig", tc.name, err)
		}
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	for name, c := range testConfigs() {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Config
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back != c {
			t.Errorf("%s: round trip %+v != %+v", name, back, c)
		}
	}
}

func TestNumFrames(t *testing.T) {
	asr := DefaultASR()
	kaldi := KaldiFbank(16000, 80)
	cases := []struct {
		c       Config
		n, want int
	}{
		{asr, 0, 0}, {asr, 1, 1}, {asr, 159, 1}, {asr, 160, 2}, {asr, 16000, 101},
		{kaldi, 399, 0}, {kaldi, 400, 1}, {kaldi, 559, 1}, {kaldi, 560, 2}, {kaldi, 16000, 98},
	}
	for _, tc := range cases {
		if got := tc.c.NumFrames(tc.n); got != tc.want {
			t.Errorf("%s NumFrames(%d) = %d, want %d", tc.c.Center, tc.n, got, tc.want)
		}
		_, got := mustNew(t, tc.c).Compute(make([]float32, tc.n))
		if got != tc.want {
			t.Errorf("%s Compute on %d samples gave %d frames, want %d", tc.c.Center, tc.n, got, tc.want)
		}
	}
}

func mustNew(t testing.TB, c Config) *Extractor {
	t.Helper()
	e, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestStreamMatchesBatch pushes signals in random chunkings (including
// empty chunks and chunks shorter than a hop) and requires the popped
// frames to equal Compute's bit for bit.
func TestStreamMatchesBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for name, c := range testConfigs() {
		e := mustNew(t, c)
		s := e.NewStream()
		for _, n := range []int{0, 1, 3, 150, 399, 400, 401, 1000, 4321, 16000} {
			x := noise(uint64(n), n)
			want, numFrames := e.Compute(x)
			want = append([]float32(nil), want...)
			for trial := 0; trial < 4; trial++ {
				s.Reset()
				var got []float32
				dst := make([]float32, (1+rng.IntN(3))*c.NumMels)
				for pos := 0; pos < n; {
					chunk := min(n-pos, rng.IntN(700))
					s.Push(x[pos : pos+chunk])
					pos += chunk
					for {
						k := s.Pop(dst)
						if k == 0 {
							break
						}
						got = append(got, dst[:k*c.NumMels]...)
					}
				}
				s.Flush()
				for {
					k := s.Pop(dst)
					if k == 0 {
						break
					}
					got = append(got, dst[:k*c.NumMels]...)
				}
				if len(got) != numFrames*c.NumMels {
					t.Fatalf("%s n=%d: stream gave %d frames, batch %d", name, n, len(got)/c.NumMels, numFrames)
				}
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s n=%d: frame %d mel %d: stream %g, batch %g", name, n, i/c.NumMels, i%c.NumMels, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestAgainstFloat64Reference recomputes the default features with a
// direct float64 DFT and float64 filterbank, independent of dsp/fft.
func TestAgainstFloat64Reference(t *testing.T) {
	for _, name := range []string{"asr", "htk", "kaldi"} {
		c := testConfigs()[name]
		e := mustNew(t, c)
		x := noise(5, 3000)
		got, numFrames := e.Compute(x)
		win := Window(c.Window, c.WindowSamples)
		bins := c.FFTSize/2 + 1
		off := c.windowOffset()
		for tf := 0; tf < numFrames; tf += 3 {
			frame := make([]float64, c.WindowSamples)
			for i := range frame {
				idx := tf*c.HopSamples - off + i
				if idx < 0 || idx >= len(x) {
					idx = reflect(idx, len(x))
				}
				frame[i] = float64(x[idx])
			}
			if c.RemoveDC {
				var mean float64
				for _, v := range frame {
					mean += v
				}
				mean /= float64(len(frame))
				for i := range frame {
					frame[i] -= mean
				}
			}
			if c.Preemphasis != 0 {
				for i := len(frame) - 1; i > 0; i-- {
					frame[i] -= float64(c.Preemphasis) * frame[i-1]
				}
				frame[0] -= float64(c.Preemphasis) * frame[0]
			}
			spec := make([]float64, bins)
			for k := range spec {
				var re, im float64
				for i, v := range frame {
					a := -2 * math.Pi * float64(k*i%c.FFTSize) / float64(c.FFTSize)
					re += v * float64(win[i]) * math.Cos(a)
					im += v * float64(win[i]) * math.Sin(a)
				}
				spec[k] = re*re + im*im
				if c.Spectrum == Magnitude {
					spec[k] = math.Sqrt(spec[k])
				}
			}
			for j := 0; j < c.NumMels; j++ {
				w := e.bank.Weights(j)
				var acc float64
				for k := range spec {
					acc += float64(w[k]) * spec[k]
				}
				want := math.Log(math.Max(acc, float64(c.LogFloor)))
				if d := math.Abs(float64(got[tf*c.NumMels+j]) - want); d > 2e-4 {
					t.Fatalf("%s frame %d mel %d: got %g, want %g", name, tf, j, got[tf*c.NumMels+j], want)
				}
			}
		}
	}
}

// TestFilterbankPathsAgree: the band-matrix path (AVX2) and the sparse
// loop (pure Go) are two summation orders of one sum.
func TestFilterbankPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for _, c := range []Config{DefaultASR(), KaldiFbank(16000, 80), KaldiFbank(22050, 23)} {
		fb := NewFilterbank(c)
		spec := make([]float32, fb.NumBins())
		for i := range spec {
			spec[i] = float32(rng.ExpFloat64())
		}
		got, want := make([]float32, fb.NumMels()), make([]float32, fb.NumMels())
		fb.Apply(got, spec)
		fb.applySparse(want, spec)
		for j := range got {
			if d := math.Abs(float64(got[j] - want[j])); d > 1e-6*math.Abs(float64(want[j])) {
				t.Errorf("%+v mel %d: Apply %g, sparse %g", c, j, got[j], want[j])
			}
		}
	}
}

func TestMelScaleRoundTrip(t *testing.T) {
	for _, scale := range []MelScale{HTK, Slaney} {
		for _, hz := range []float64{0, 20, 500, 999.9, 1000, 1000.1, 4000, 7600, 24000} {
			if back := MelToHz(HzToMel(hz, scale), scale); math.Abs(back-hz) > 1e-9*math.Max(1, hz) {
				t.Errorf("%s: %g Hz -> %g", scale, hz, back)
			}
		}
	}
	// Slaney: 1 kHz is 15 mels; HTK: 1 kHz is about 1000 mels.
	if m := HzToMel(1000, Slaney); math.Abs(m-15) > 1e-12 {
		t.Errorf("slaney mel(1000) = %g", m)
	}
	if m := HzToMel(1000, HTK); math.Abs(m-999.99) > 0.01 {
		t.Errorf("htk mel(1000) = %g", m)
	}
}

func TestZeroAllocsWhenWarm(t *testing.T) {
	e := mustNew(t, DefaultASR())
	x := noise(3, 16000)
	e.Compute(x)
	if a := testing.AllocsPerRun(10, func() { e.Compute(x) }); a != 0 {
		t.Errorf("Compute allocates %v times per call when warm", a)
	}
	s := e.NewStream()
	dst := make([]float32, 4*80)
	run := func() {
		for i := 0; i < len(x); i += 256 {
			s.Push(x[i:min(i+256, len(x))])
			for s.Pop(dst) > 0 {
			}
		}
	}
	run()
	if a := testing.AllocsPerRun(10, run); a != 0 {
		t.Errorf("Stream allocates %v times per second of audio when warm", a)
	}
}

func TestPushAfterFlushPanics(t *testing.T) {
	s := mustNew(t, DefaultASR()).NewStream()
	s.Flush()
	defer func() {
		if recover() == nil {
			t.Error("Push after Flush did not panic")
		}
	}()
	s.Push([]float32{1})
}
