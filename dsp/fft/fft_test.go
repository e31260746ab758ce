package fft

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	godsp "github.com/mjibson/go-dsp/fft"
)

// testLens covers every radix, the four-step path (n/2 a multiple of 8,
// with n/8 ≥ 8 and below) and the plain Stockham path.
var testLens = []int{2, 4, 6, 8, 10, 12, 16, 18, 20, 30, 32, 40, 48, 50, 64, 96, 100, 120,
	128, 160, 192, 240, 250, 256, 320, 384, 400, 480, 500, 512, 640, 750, 768, 800, 960,
	1000, 1024, 1200, 1536, 2000, 2048, 4096, 4800}

func randomSignal(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// TestForwardAgainstGoDSP checks every length against go-dsp's float64
// FFT, an independent implementation.
func TestForwardAgainstGoDSP(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range testLens {
		p, err := NewReal(n)
		if err != nil {
			t.Fatalf("NewReal(%d): %v", n, err)
		}
		x := randomSignal(rng, n)
		x64 := make([]float64, n)
		for i, v := range x {
			x64[i] = float64(v)
		}
		want := godsp.FFTReal(x64)
		got := make([]complex64, n/2+1)
		p.Forward(got, x)
		var maxErr, norm float64
		for k := range got {
			maxErr = math.Max(maxErr, cmplx.Abs(complex128(got[k])-want[k]))
			norm = math.Max(norm, cmplx.Abs(want[k]))
		}
		// float32 FFT error grows like ε·log n relative to the largest bin.
		if rel := maxErr / norm; rel > 2e-6 {
			t.Errorf("n=%d: max |ΔX| / max |X| = %.3g", n, rel)
		}
		if imag(got[0]) != 0 || imag(got[n/2]) != 0 {
			t.Errorf("n=%d: DC or Nyquist bin not real: %v %v", n, got[0], got[n/2])
		}
		pow := make([]float32, n/2+1)
		p.Power(pow, x)
		for k := range pow {
			w := real(got[k])*real(got[k]) + imag(got[k])*imag(got[k])
			if math.Abs(float64(pow[k]-w)) > 1e-5*float64(w)+1e-6 {
				t.Fatalf("n=%d: Power[%d] = %g, |Forward|² = %g", n, k, pow[k], w)
			}
		}
	}
}

func TestInverseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range testLens {
		p, err := NewReal(n)
		if err != nil {
			t.Fatal(err)
		}
		x := randomSignal(rng, n)
		spec := make([]complex64, n/2+1)
		p.Forward(spec, x)
		back := make([]float32, n)
		p.Inverse(back, spec)
		var maxErr, norm float64
		for i := range x {
			maxErr = math.Max(maxErr, math.Abs(float64(back[i]-x[i])))
			norm = math.Max(norm, math.Abs(float64(x[i])))
		}
		if maxErr/norm > 2e-6 {
			t.Errorf("n=%d: round trip max error %.3g", n, maxErr/norm)
		}
	}
}

// TestInverseAgainstGoDSP checks the inverse on a spectrum that is not the
// transform of anything we computed, against go-dsp's IFFT.
func TestInverseAgainstGoDSP(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{6, 16, 100, 400, 512, 1024} {
		p, _ := NewReal(n)
		spec := make([]complex64, n/2+1)
		full := make([]complex128, n)
		for k := range spec {
			spec[k] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
			if k == 0 || k == n/2 {
				spec[k] = complex(real(spec[k]), 0)
			}
			full[k] = complex128(spec[k])
			if k > 0 && k < n/2 {
				full[n-k] = cmplx.Conj(full[k])
			}
		}
		want := godsp.IFFT(full)
		got := make([]float32, n)
		p.Inverse(got, spec)
		for i := range got {
			if d := math.Abs(float64(got[i]) - real(want[i])); d > 1e-6 {
				t.Fatalf("n=%d: x[%d] = %g, want %g", n, i, got[i], real(want[i]))
			}
		}
	}
}

func TestNewRealRejects(t *testing.T) {
	for _, n := range []int{-2, 0, 1, 3, 14, 22, 26, 2 * 7 * 8, MaxLen * 2} {
		if _, err := NewReal(n); !errors.Is(err, ErrLength) {
			t.Errorf("NewReal(%d) error = %v, want ErrLength", n, err)
		}
	}
}

// TestImpulseExact: the transform of a unit impulse is exactly 1 in every
// bin (all twiddles on the axes are exact).
func TestImpulseExact(t *testing.T) {
	for _, n := range []int{16, 400, 512} {
		p, _ := NewReal(n)
		x := make([]float32, n)
		x[0] = 1
		got := make([]complex64, n/2+1)
		p.Forward(got, x)
		for k, v := range got {
			if v != 1 {
				t.Fatalf("n=%d: bin %d = %v, want 1", n, k, v)
			}
		}
	}
}

func TestForwardZeroAlloc(t *testing.T) {
	p, _ := NewReal(512)
	x := randomSignal(rand.New(rand.NewPCG(7, 8)), 512)
	dst := make([]complex64, 257)
	if a := testing.AllocsPerRun(100, func() { p.Forward(dst, x) }); a != 0 {
		t.Errorf("Forward allocates %v times per call", a)
	}
}
