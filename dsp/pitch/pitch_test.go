package pitch

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// harmonic is a 0.5-amplitude tone with 5 harmonics of falling amplitude,
// a crude voiced source.
func harmonic(f0 float64, rate, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		var v float64
		for h := 1; h <= 5; h++ {
			v += math.Sin(2*math.Pi*f0*float64(h)*float64(i)/float64(rate)) / float64(h)
		}
		x[i] = float32(0.3 * v)
	}
	return x
}

func TestKnownF0(t *testing.T) {
	for _, rate := range []int{8000, 16000, 22050} {
		tr, err := New(Default(rate))
		if err != nil {
			t.Fatal(err)
		}
		for _, f0 := range []float64{55, 80, 120, 200, 330, 480} {
			x := harmonic(f0, rate, rate/2)
			tk := tr.Track(x)
			// Skip the edge frames, whose windows reach into the padding.
			for f := 5; f < len(tk.F0)-5; f++ {
				if rel := math.Abs(float64(tk.F0[f])-f0) / f0; rel > 0.005 {
					t.Fatalf("rate %d f0 %g: frame %d says %g Hz (aperiodicity %g)", rate, f0, f, tk.F0[f], tk.Aperiodicity[f])
				}
			}
		}
	}
}

func TestNoiseAndSilenceUnvoiced(t *testing.T) {
	tr, _ := New(Default(16000))
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 16000)
	for i := range x {
		x[i] = float32(0.3 * rng.NormFloat64())
	}
	tk := tr.Track(x)
	voiced := 0
	for _, f := range tk.F0 {
		if f > 0 {
			voiced++
		}
	}
	if voiced > len(tk.F0)/20 {
		t.Errorf("white noise: %d of %d frames voiced", voiced, len(tk.F0))
	}
	tk = tr.Track(make([]float32, 8000))
	for f, v := range tk.F0 {
		if v != 0 || tk.RMS[f] != 0 {
			t.Fatalf("silence frame %d: F0 %g, RMS %g", f, v, tk.RMS[f])
		}
	}
	if len(tr.Track(nil).F0) != 0 {
		t.Error("empty input gave frames")
	}
}

func TestRMS(t *testing.T) {
	tr, _ := New(Default(16000))
	x := make([]float32, 16000)
	for i := range x {
		x[i] = 0.5
	}
	tk := tr.Track(x)
	if len(tk.RMS) != 101 {
		t.Fatalf("%d frames, want 101", len(tk.RMS))
	}
	if tk.RMS[50] != 0.5 || math.Abs(float64(tk.RMS[0])-0.5/math.Sqrt2) > 1e-6 {
		t.Errorf("RMS of constant 0.5: middle %g (want 0.5), first %g (want 0.5/√2: half in padding)", tk.RMS[50], tk.RMS[0])
	}
}

func TestConfig(t *testing.T) {
	ok := Default(16000)
	b, _ := json.Marshal(ok)
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || back != ok {
		t.Fatalf("JSON round trip: %+v, %v", back, err)
	}
	for _, change := range []func(*Config){
		func(c *Config) { c.SampleRate = 0 },
		func(c *Config) { c.HopSamples = 0 },
		func(c *Config) { c.MinHz = 5 },
		func(c *Config) { c.MaxHz = 40 },
		func(c *Config) { c.MaxHz = 5000 },
		func(c *Config) { c.Threshold = 0 },
		func(c *Config) { c.SilenceRatio = 1 },
		func(c *Config) { c.MinHz = math.NaN() },
	} {
		c := ok
		change(&c)
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", c, err)
		}
	}
}

func TestTrackZeroAllocsWhenWarm(t *testing.T) {
	tr, _ := New(Default(16000))
	x := harmonic(150, 16000, 16000)
	tr.Track(x)
	if a := testing.AllocsPerRun(5, func() { tr.Track(x) }); a != 0 {
		t.Errorf("Track allocates %v times when warm", a)
	}
}
