package vec

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// sgemmFunc is the Sgemm signature every benchmarked implementation has.
type sgemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// benchImpl is one peer in BenchmarkSgemm. singleThread marks peers that
// would otherwise spread over GOMAXPROCS goroutines.
type benchImpl struct {
	name         string
	sgemm        sgemmFunc
	singleThread bool
}

// sgemmPeers lists the implementations BenchmarkSgemm compares; the
// openblas build tag appends OpenBLAS (sgemm_openblas_test.go).
var sgemmPeers = []benchImpl{
	{name: "mynah", sgemm: Sgemm},
	{name: "purego", sgemm: SgemmPureGo},
	{name: "gonum", sgemm: gonumSgemm, singleThread: true},
}

// reportFlops reports flops over wall time (GFLOP/s) and, when the
// process CPU clock is available, over CPU time (GFLOP/CPU-s).
func reportFlops(b *testing.B, flops float64, cpu time.Duration) {
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu > 0 {
		b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/CPU-s")
	}
}

func gonumSgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// BenchmarkSgemm is issue 5's table: C = A·B for MxKxN, single thread,
// each implementation reporting GFLOP/s (2·M·K·N per call) and, on Linux,
// GFLOP/CPU-s: the same work over the process's CPU time, which other
// jobs on a shared machine do not inflate.
func BenchmarkSgemm(b *testing.B) {
	shapes := []struct{ m, k, n int }{
		{512, 512, 512},
		{1000, 256, 1024},
		{256, 256, 256},
		{100, 80, 256},
		{8, 256, 1024},
	}
	b.Logf("mynah path: %s", Path())
	for _, s := range shapes {
		rng := rand.New(rand.NewPCG(uint64(s.m), uint64(s.n)))
		a := storedMatrix(rng, s.m, s.k, s.k)
		bm := storedMatrix(rng, s.k, s.n, s.n)
		c := make([]float32, s.m*s.n)
		for _, impl := range sgemmPeers {
			b.Run(fmt.Sprintf("%dx%dx%d/impl=%s", s.m, s.k, s.n, impl.name), func(b *testing.B) {
				if impl.singleThread {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
				}
				impl.sgemm(false, false, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
				b.ResetTimer()
				cpu0 := processCPU()
				for b.Loop() {
					impl.sgemm(false, false, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
				}
				reportFlops(b, 2*float64(s.m)*float64(s.k)*float64(s.n)*float64(b.N), processCPU()-cpu0)
			})
		}
	}
}

// BenchmarkSgemmTrans times the transposed products backprop uses
// (dW = Xᵀ·dY and dX = dY·Wᵀ) beside the plain one, at 512³.
func BenchmarkSgemmTrans(b *testing.B) {
	const size = 512
	rng := rand.New(rand.NewPCG(3, 4))
	a := storedMatrix(rng, size, size, size)
	bm := storedMatrix(rng, size, size, size)
	c := make([]float32, size*size)
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		b.Run(fmt.Sprintf("tA=%v/tB=%v", tr[0], tr[1]), func(b *testing.B) {
			for b.Loop() {
				Sgemm(tr[0], tr[1], size, size, size, 1, a, size, bm, size, 0, c, size)
			}
			b.ReportMetric(2*size*size*size*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemmParallel reports the scaling of SgemmParallel over
// threads at 512³ and 1000x256x1024.
func BenchmarkSgemmParallel(b *testing.B) {
	shapes := []struct{ m, k, n int }{{512, 512, 512}, {1000, 256, 1024}}
	for _, s := range shapes {
		rng := rand.New(rand.NewPCG(5, 6))
		a := storedMatrix(rng, s.m, s.k, s.k)
		bm := storedMatrix(rng, s.k, s.n, s.n)
		c := make([]float32, s.m*s.n)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%dx%dx%d/threads=%d", s.m, s.k, s.n, threads), func(b *testing.B) {
				for b.Loop() {
					SgemmParallel(threads, false, false, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
				}
				b.ReportMetric(2*float64(s.m)*float64(s.k)*float64(s.n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
