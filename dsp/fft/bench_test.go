package fft

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

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
			cpu0 := processCPU()
			for b.Loop() {
				p.Forward(dst, x)
			}
			reportCPU(b, cpu0)
		})
		b.Run(fmt.Sprintf("n=%d/impl=purego", n), func(b *testing.B) {
			p, _ := NewReal(n)
			p = p.PureGo()
			dst := make([]complex64, n/2+1)
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				p.Forward(dst, x)
			}
			reportCPU(b, cpu0)
		})
		b.Run(fmt.Sprintf("n=%d/impl=gonum", n), func(b *testing.B) {
			f := fourier.NewFFT(n)
			dst := make([]complex128, n/2+1)
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				f.Coefficients(dst, x64)
			}
			reportCPU(b, cpu0)
		})
		b.Run(fmt.Sprintf("n=%d/impl=godsp", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				godsp.FFTReal(x64)
			}
			reportCPU(b, cpu0)
		})
	}
}

// reportCPU adds cpu-ns/op: CPU time of this process per operation, which
// a loaded machine still measures (wall ns/op mostly measures waiting).
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
