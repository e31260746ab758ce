package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The dispatched FFT kernels (AVX2 on amd64 with AVX2+FMA, else the twins
// themselves) are checked against their pure-Go twins at every size in a
// range and at every alignment offset, inside buffers padded with fftSentinel
// values that must survive. Results may differ by FMA rounding only.

const fftSentinel = float32(-1234.5678)

// padded returns a slice of n random values at the given offset inside a
// buffer whose other elements are the fftSentinel.
func fftPadded(rng *rand.Rand, n, offset int) (buf, s []float32) {
	buf = make([]float32, n+offset+16)
	for i := range buf {
		buf[i] = fftSentinel
	}
	s = buf[offset : offset+n : offset+n]
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return buf, s
}

func fftCheckSentinels(t *testing.T, what string, buf []float32, offset, n int) {
	t.Helper()
	for i, v := range buf {
		if (i < offset || i >= offset+n) && v != fftSentinel {
			t.Fatalf("%s: wrote outside its slice at %d (offset %d, len %d)", what, i, offset, n)
		}
	}
}

func fftClose(t *testing.T, what string, got, want []float32) {
	t.Helper()
	var scale float64
	for _, v := range want {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*scale+1e-30 || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: [%d] = %g, twin %g", what, i, got[i], want[i])
		}
	}
}

func TestFFTRadixKernelsMatchTwins(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	disp, twin := FFTDispatched(), FFTPureGo()
	kernels := []struct {
		radix     int
		got, want func(yr, yi, xr, xi, tw []float32, m, s int)
	}{
		{2, disp.Radix2, twin.Radix2}, {3, disp.Radix3, twin.Radix3},
		{4, disp.Radix4, twin.Radix4}, {5, disp.Radix5, twin.Radix5},
	}
	for _, k := range kernels {
		for m := 1; m <= 9; m++ {
			for _, s := range []int{1, 2, 4, 8, 16, 24, 40, 64} {
				offset := (m + s) % 8
				n := k.radix * m * s
				tw := FFTTwiddles(k.radix, m)
				_, xr := fftPadded(rng, n, offset)
				_, xi := fftPadded(rng, n, (offset+3)%8)
				ybufR, yr := fftPadded(rng, n, offset)
				ybufI, yi := fftPadded(rng, n, (offset+5)%8)
				wr, wi := make([]float32, n), make([]float32, n)
				k.got(yr, yi, xr, xi, tw, m, s)
				k.want(wr, wi, xr, xi, tw, m, s)
				what := fmt.Sprintf("radix %d m=%d s=%d", k.radix, m, s)
				fftClose(t, what, yr, wr)
				fftClose(t, what, yi, wi)
				fftCheckSentinels(t, what, ybufR, offset, n)
				fftCheckSentinels(t, what, ybufI, (offset+5)%8, n)
			}
		}
	}
}

func TestFFTFinish8MatchesTwin(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	disp, twin := FFTDispatched(), FFTPureGo()
	for n1 := 1; n1 <= 41; n1++ {
		for offset := 0; offset < 8; offset++ {
			n := 8 * n1
			twr, twi := make([]float32, n), make([]float32, n)
			for k1 := 0; k1 < n1; k1++ {
				for n2 := 0; n2 < 8; n2++ {
					twr[8*k1+n2], twi[8*k1+n2] = Twiddle(n2*k1, n)
				}
			}
			_, xr := fftPadded(rng, n, offset)
			_, xi := fftPadded(rng, n, 7-offset)
			ybufR, yr := fftPadded(rng, n, offset)
			ybufI, yi := fftPadded(rng, n, (offset+1)%8)
			wr, wi := make([]float32, n), make([]float32, n)
			disp.Finish8(yr, yi, xr, xi, twr, twi, n1)
			twin.Finish8(wr, wi, xr, xi, twr, twi, n1)
			what := fmt.Sprintf("finish8 n1=%d offset %d", n1, offset)
			fftClose(t, what, yr, wr)
			fftClose(t, what, yi, wi)
			fftCheckSentinels(t, what, ybufR, offset, n)
			fftCheckSentinels(t, what, ybufI, (offset+1)%8, n)
		}
	}
}

func TestFFTRealPostMatchesTwin(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	disp, twin := FFTDispatched(), FFTPureGo()
	for m := 1; m <= 130; m++ {
		offset := m % 8
		_, zr := fftPadded(rng, m+1, offset)
		_, zi := fftPadded(rng, m+1, 7-offset)
		zr[m], zi[m] = zr[0], zi[0]
		twr, twi := make([]float32, m), make([]float32, m)
		for k := range twr {
			re, im := Twiddle(k, 2*m)
			twr[k], twi[k] = re/2, im/2
		}
		ybufR, yr := fftPadded(rng, m, offset)
		ybufI, yi := fftPadded(rng, m, (offset+2)%8)
		wr, wi := make([]float32, m), make([]float32, m)
		disp.RealPost(yr, yi, zr, zi, twr, twi, m)
		twin.RealPost(wr, wi, zr, zi, twr, twi, m)
		what := fmt.Sprintf("real post m=%d", m)
		fftClose(t, what, yr, wr)
		fftClose(t, what, yi, wi)
		fftCheckSentinels(t, what, ybufR, offset, m)
		fftCheckSentinels(t, what, ybufI, (offset+2)%8, m)
	}
}

// TestFFTLaneKernelsMatchTwins: these involve no arithmetic rounding
// differences (SquareSum aside, which may fuse), so most compare exactly.
func TestFFTLaneKernelsMatchTwins(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	disp, twin := FFTDispatched(), FFTPureGo()
	for n := 0; n <= 70; n++ {
		for offset := 0; offset < 8; offset++ {
			_, src := fftPadded(rng, 2*n, offset)
			ebuf, even := fftPadded(rng, n, (offset+1)%8)
			obuf, odd := fftPadded(rng, n, (offset+2)%8)
			disp.Deinterleave(even, odd, src)
			we, wo := make([]float32, n), make([]float32, n)
			twin.Deinterleave(we, wo, src)
			for i := range we {
				if even[i] != we[i] || odd[i] != wo[i] {
					t.Fatalf("deinterleave n=%d offset %d: [%d] differs", n, offset, i)
				}
			}
			fftCheckSentinels(t, "deinterleave even", ebuf, (offset+1)%8, n)
			fftCheckSentinels(t, "deinterleave odd", obuf, (offset+2)%8, n)

			dbuf, dst := fftPadded(rng, 2*n, offset)
			disp.Interleave(dst, even, odd)
			for i := range dst {
				if dst[i] != src[i] {
					t.Fatalf("interleave n=%d offset %d: [%d] = %g, want %g", n, offset, i, dst[i], src[i])
				}
			}
			fftCheckSentinels(t, "interleave", dbuf, offset, 2*n)

			pbuf, pow := fftPadded(rng, n, (offset+3)%8)
			disp.SquareSum(pow, even, odd)
			wp := make([]float32, n)
			twin.SquareSum(wp, even, odd)
			fftClose(t, fmt.Sprintf("square sum n=%d", n), pow, wp)
			fftCheckSentinels(t, "square sum", pbuf, (offset+3)%8, n)
		}
	}
}

func TestFFTKernelsReportPath(t *testing.T) {
	t.Logf("vec.Path() = %s", Path())
}
