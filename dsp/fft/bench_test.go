package fft

import (
	"fmt"
	"math/rand/v2"
	"testing"

	godsp "github.com/mjibson/go-dsp/fft"
	"gonum.org/v1/gonum/dsp/fourier"
)

// BenchmarkFFT times the forward real FFT against its peers in one run:
// impl=mynah is the dispatched path (vec.Path() names it), impl=purego the
// pure-Go kernels (only differs from mynah where assembly exists), gonum
// its FFTPACK-derived real FFT (float64) and godsp go-dsp's FFTReal
// (float64, allocating). Compare the ratios, not the absolute times.
func BenchmarkFFT(b *testing.B) {
	for _, n := range []int{400, 512, 1024} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		x := randomSignal(rng, n)
		x64 := make([]float64, n)
		for i, v := range x {
			x64[i] = float64(v)
		}
		b.Run(fmt.Sprintf("n=%d/impl=mynah", n), func(b *testing.B) {
			p, _ := NewReal(n)
			dst := make([]complex64, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(dst, x)
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=purego", n), func(b *testing.B) {
			p, _ := NewReal(n)
			p = p.PureGo()
			dst := make([]complex64, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				p.Forward(dst, x)
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=gonum", n), func(b *testing.B) {
			f := fourier.NewFFT(n)
			dst := make([]complex128, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				f.Coefficients(dst, x64)
			}
		})
		b.Run(fmt.Sprintf("n=%d/impl=godsp", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				godsp.FFTReal(x64)
			}
		})
	}
}
