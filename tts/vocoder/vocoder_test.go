package vocoder

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mynah-speech/mynah/audio"
)

func TestConfigValidateAndJSON(t *testing.T) {
	good := Default()
	good.Net = DefaultNet()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, good) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, back, good)
	}
	for name, mod := range map[string]func(*Config){
		"odd hop":          func(c *Config) { c.HopSamples = 255 },
		"f0 range":         func(c *Config) { c.F0MinHz = 600 },
		"harmonic max":     func(c *Config) { c.HarmonicMaxHz = 20000 },
		"noise floor":      func(c *Config) { c.NoiseFloor = 2 },
		"even kernel":      func(c *Config) { c.Net = NetConfig{Width: 8, Layers: 1, Kernel: 2} },
		"mel stats":        func(c *Config) { c.Net.MelMean = []float32{1} },
		"bad features":     func(c *Config) { c.FMaxHz = 20000 },
		"iterations":       func(c *Config) { c.EstimateIterations = -1 },
		"top band gain":    func(c *Config) { c.TopBandGain = math.NaN() },
		"zero sample rate": func(c *Config) { c.SampleRate = 0 },
	} {
		c := Default()
		mod(&c)
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: got %v, want ErrConfig", name, err)
		}
	}
}

// randomFrames makes T frames with a voiced stretch and random envelopes.
func randomFrames(s *Synthesizer, T int, seed uint64) *Frames {
	rng := rand.New(rand.NewPCG(seed, 1))
	G := len(s.Grid())
	fr := &Frames{F0: make([]float32, T), Harmonic: make([]float32, T*G), Noise: make([]float32, T*G)}
	for t := range T {
		if t >= 1 && t < T-2 {
			fr.F0[t] = float32(150 + 100*rng.Float64())
		}
	}
	for i := range fr.Harmonic {
		fr.Harmonic[i] = float32(0.05 * rng.Float64())
		fr.Noise[i] = float32(rng.Float64())
	}
	return fr
}

// TestSynthesizerGradient checks Backward against central finite
// differences of L = Σ c_n·y_n for random c.
func TestSynthesizerGradient(t *testing.T) {
	s, err := NewSynthesizer(Default())
	if err != nil {
		t.Fatal(err)
	}
	s.Phase = 0.3
	fr := randomFrames(s, 6, 1)
	y := s.Synthesize(nil, fr)
	rng := rand.New(rand.NewPCG(2, 2))
	c := make([]float32, len(y))
	for i := range c {
		c[i] = float32(rng.NormFloat64())
	}
	loss := func() float64 {
		y := s.Synthesize(nil, fr)
		var l float64
		for i, v := range y {
			l += float64(c[i]) * float64(v)
		}
		return l
	}
	dH := make([]float32, len(fr.Harmonic))
	dN := make([]float32, len(fr.Noise))
	s.Backward(fr, c, dH, dN)
	G := len(s.Grid())
	for _, tc := range []struct {
		name string
		env  []float32
		grad []float32
	}{{"harmonic", fr.Harmonic, dH}, {"noise", fr.Noise, dN}} {
		checked := 0
		for trial := 0; trial < 400 && checked < 25; trial++ {
			i := rng.IntN(len(tc.env))
			if tc.name == "harmonic" && (fr.F0[i/G] == 0 || s.Grid()[i%G] > 9000) {
				continue
			}
			old := tc.env[i]
			h := float32(1e-2)
			tc.env[i] = old + h
			lp := loss()
			tc.env[i] = old - h
			lm := loss()
			tc.env[i] = old
			num := (lp - lm) / (2 * float64(h))
			got := float64(tc.grad[i])
			if math.Abs(num-got) > 2e-3*(1+math.Abs(num)) {
				t.Errorf("%s[%d] (frame %d, %.0f Hz): backward %g, finite difference %g", tc.name, i, i/G, s.Grid()[i%G], got, num)
			}
			checked++
		}
		if checked < 10 {
			t.Errorf("%s: only %d entries checked", tc.name, checked)
		}
	}
}

func TestMRSTFTGradient(t *testing.T) {
	m, err := NewMRSTFT([]Resolution{{256, 64, 256}, {512, 128, 400}})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	n := 1500
	pred, tgt := make([]float32, n), make([]float32, n)
	for i := range pred {
		pred[i] = float32(rng.NormFloat64())
		tgt[i] = float32(0.5*rng.NormFloat64() + math.Sin(float64(i)*0.1))
	}
	grad := make([]float32, n)
	l := m.Loss(pred, tgt, grad)
	if l.Total <= 0 || math.Abs(l.Total-l.SpectralConvergence-l.LogMagnitude) > 1e-9 {
		t.Fatalf("loss %+v", l)
	}
	if z := m.Loss(tgt, tgt, nil); z.Total > 1e-9 {
		t.Errorf("loss of a signal against itself %+v", z)
	}
	for range 20 {
		i := rng.IntN(n)
		old := pred[i]
		h := float32(1e-2)
		pred[i] = old + h
		lp := m.Loss(pred, tgt, nil).Total
		pred[i] = old - h
		lm := m.Loss(pred, tgt, nil).Total
		pred[i] = old
		num := (lp - lm) / (2 * float64(h))
		if math.Abs(num-float64(grad[i])) > 0.03*math.Abs(num)+3e-5 { // float32 FFTs: finite differences are good to ~1e-5
			t.Errorf("sample %d: gradient %g, finite difference %g", i, grad[i], num)
		}
	}
}

func TestSynthesizeDeterministicAndLength(t *testing.T) {
	s, _ := NewSynthesizer(Default())
	fr := randomFrames(s, 20, 4)
	a := s.Synthesize(nil, fr)
	b := s.Synthesize(make([]float32, 3), fr)
	if len(a) != 20*256 || !reflect.DeepEqual(a, b) {
		t.Fatalf("lengths %d %d or outputs differ", len(a), len(b))
	}
	for _, v := range a {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatal("non-finite sample")
		}
	}
	if got := s.Synthesize(nil, &Frames{}); len(got) != 0 {
		t.Errorf("no frames gave %d samples", len(got))
	}
}

func TestEstimateRejectsBadShapes(t *testing.T) {
	s, _ := NewSynthesizer(Default())
	var fr Frames
	if err := s.Estimate(&fr, make([]float32, 79), make([]float32, 1)); err == nil {
		t.Error("79 mels for one frame accepted")
	}
	// Odd values are data, not programming errors: no panic, finite output.
	mels := make([]float32, 3*80)
	mels[0], mels[1], mels[2] = float32(math.NaN()), float32(math.Inf(1)), -1e30
	if err := s.Estimate(&fr, mels, []float32{float32(math.NaN()), 1e9, -5}); err != nil {
		t.Fatal(err)
	}
	// A tiny positive F0 (an acoustic model's stray prediction) must not
	// ask for millions of harmonics.
	if err := s.Estimate(&fr, mels, []float32{1e-6, 3, 1e-30}); err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Synthesize(nil, &fr) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatal("non-finite sample from odd inputs")
		}
	}
}

// glidingHarmonics is a 1 s harmonic signal whose F0 glides 160–200 Hz,
// with harmonic k at amplitude 0.1/k below 5 kHz.
func glidingHarmonics() []float32 {
	n := 22050
	x := make([]float32, n)
	ph := 0.0
	for i := range x {
		f0 := 180 + 20*math.Sin(2*math.Pi*float64(i)/float64(n))
		ph += 2 * math.Pi * f0 / 22050
		var v float64
		for k := 1; float64(k)*f0 < 5000; k++ {
			v += 0.1 / float64(k) * math.Sin(float64(k)*ph)
		}
		x[i] = float32(v)
	}
	return x
}

// resynthesize analyses x and synthesises it back from the DSP estimate.
func resynthesize(t testing.TB, c Config, x []float32) (y, target []float32) {
	an, err := NewAnalyzer(c)
	if err != nil {
		t.Fatal(err)
	}
	mels, f0 := an.Analyze(x)
	s, err := NewSynthesizer(c)
	if err != nil {
		t.Fatal(err)
	}
	var fr Frames
	if err := s.Estimate(&fr, mels, f0); err != nil {
		t.Fatal(err)
	}
	y = s.Synthesize(nil, &fr)
	target = make([]float32, len(y))
	copy(target, x)
	return y, target
}

// TestEstimateHarmonicSignal: resynthesis of a clean harmonic signal from
// its mels and F0 has its spectral shape. The spectral convergence is the
// check (the log-magnitude term is dominated by the empty band above 5
// kHz, where the synthetic target has nothing and the noise floor
// something); the multiplicative refinement is what brings it down.
func TestEstimateHarmonicSignal(t *testing.T) {
	m, _ := NewMRSTFT(DefaultResolutions())
	x := glidingHarmonics()
	for _, tc := range []struct {
		iterations int
		maxSC      float64
	}{{0, 0.8}, {4, 0.2}} {
		c := Default()
		c.EstimateIterations = tc.iterations
		y, tgt := resynthesize(t, c, x)
		l := m.Loss(y, tgt, nil)
		t.Logf("%d iterations: %+v", tc.iterations, l)
		if l.SpectralConvergence > tc.maxSC {
			t.Errorf("%d iterations: spectral convergence %.3f > %.2f", tc.iterations, l.SpectralConvergence, tc.maxSC)
		}
	}
}

// kathleenClips are dev-split Kathleen recordings (prompt ids the
// project's dev list holds out), read from ../shared when present.
var kathleenClips = []string{"arctic_a0052_1592747285", "arctic_a0123_1592745749", "arctic_a0207_1592712443"}

func loadKathleen(t testing.TB, id string) []float32 {
	path := filepath.Join("..", "..", "..", "shared", "corpora", "kathleen", "audio", id+".mp3")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("Kathleen corpus not here: %v", err)
	}
	x, err := audio.Load(path, 22050)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestKathleenResynthesis: the pure-DSP vocoder resynthesises real speech
// from its TTS mels and F0 with a multi-resolution STFT distance well
// below silence's and below an all-noise (unvoiced) resynthesis and
// Griffin–Lim's.
func TestKathleenResynthesis(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes MP3s and runs Griffin–Lim")
	}
	m, _ := NewMRSTFT(DefaultResolutions())
	c := Default()
	noiseOnly := Default()
	noiseOnly.NoiseFloor = 1
	var ours, noise, gl, silence float64
	for _, id := range kathleenClips[:2] {
		x := loadKathleen(t, id)
		y, tgt := resynthesize(t, c, x)
		ours += m.Loss(y, tgt, nil).Total
		yn, _ := resynthesize(t, noiseOnly, x)
		noise += m.Loss(yn, tgt, nil).Total
		an, _ := NewAnalyzer(c)
		mels, _ := an.Analyze(x)
		yg, err := GriffinLim(c, mels, 16, 1)
		if err != nil {
			t.Fatal(err)
		}
		gl += m.Loss(yg, tgt, nil).Total
		silence += m.Loss(make([]float32, len(tgt)), tgt, nil).Total
	}
	t.Logf("MR-STFT totals over 2 clips: ours %.3f, noise only %.3f, Griffin–Lim(16) %.3f, silence %.3f", ours/2, noise/2, gl/2, silence/2)
	if !(ours < noise && ours < 0.6*silence) {
		t.Errorf("resynthesis %.3f not below noise-only %.3f and 0.6×silence %.3f", ours/2, noise/2, 0.6*silence/2)
	}
}
