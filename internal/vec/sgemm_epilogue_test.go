package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSgemmEpilogue(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{1, 1, 1}, {7, 17, 5}, {13, 40, 300}, {8, 35, 64}, {50, 33, 7}, {6, 16, 0},
	}
	for _, impl := range sgemmImpls() {
		for _, s := range shapes {
			for _, act := range []Activation{NoActivation, ReLU, SiLU} {
				for _, withBias := range []bool{false, true} {
					for _, beta := range []float32{0, 0.5} {
						for _, transB := range []bool{false, true} {
							name := fmt.Sprintf("%s/%dx%dx%d/act=%d/bias=%v/beta=%g/tB=%v", impl.name, s.m, s.n, s.k, act, withBias, beta, transB)
							t.Run(name, func(t *testing.T) {
								checkEpilogueCase(t, impl, s.m, s.n, s.k, act, withBias, beta, transB)
							})
						}
					}
				}
			}
		}
	}
}

func checkEpilogueCase(t *testing.T, impl *sgemmImpl, m, n, k int, act Activation, withBias bool, beta float32, transB bool) {
	rng := rand.New(rand.NewPCG(uint64(m*n+k), uint64(act)))
	const pad = 2
	lda, ldc := max(k, 1)+pad, n+pad
	a := storedMatrix(rng, m, k, lda)
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	ldb := max(bCols, 1) + pad
	b := storedMatrix(rng, bRows, bCols, ldb)
	c := storedMatrix(rng, m, n, ldc)
	var ep Epilogue
	ep.Act = act
	if withBias {
		ep.Bias = padded(rng, n)
	}
	const alpha = 1.5
	want, scale := refSgemm(false, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	impl.run(false, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got := c[i*ldc+j]
			if j >= n {
				if math.Float32bits(got) != math.Float32bits(sentinel) {
					t.Fatalf("C[%d][%d] beyond n was written", i, j)
				}
				continue
			}
			z := want[i*n+j]
			mag := scale[i*n+j]
			if withBias {
				z += float64(ep.Bias[j])
				mag += math.Abs(float64(ep.Bias[j]))
			}
			w := z
			switch act {
			case ReLU:
				w = math.Max(z, 0)
			case SiLU:
				w = z / (1 + math.Exp(-z))
			}
			// SiLU's slope is at most 1.1, so the product's error bound
			// carries over, plus a few ulps of the activation itself.
			tol := 1.1*(float64(k+5)*0x1p-24*mag) + 4e-7*math.Abs(w) + 1e-30
			if d := math.Abs(float64(got) - w); !(d <= tol) {
				t.Fatalf("C[%d][%d] = %v, want %v (error %g > %g)", i, j, got, w, d, tol)
			}
		}
	}
	checkPadding(t, "bias", ep.Bias)
}

// TestSgemmEpilogueParallel checks that bands (with their slice of the
// bias) give the same bits as one thread.
func TestSgemmEpilogueParallel(t *testing.T) {
	for _, impl := range sgemmImpls() {
		for _, s := range []struct{ m, n, k int }{{301, 97, 401}, {61, 1001, 257}} {
			rng := rand.New(rand.NewPCG(4, 4))
			a := storedMatrix(rng, s.m, s.k, s.k)
			b := storedMatrix(rng, s.k, s.n, s.n)
			ep := Epilogue{Bias: padded(rng, s.n), Act: SiLU}
			want := make([]float32, s.m*s.n)
			impl.run(false, false, s.m, s.n, s.k, 1, a, s.k, b, s.n, 0, want, s.n, ep)
			got := make([]float32, s.m*s.n)
			impl.runParallel(2, false, false, s.m, s.n, s.k, 1, a, s.k, b, s.n, 0, got, s.n, ep)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s %v: C[%d] = %v, single-threaded %v", impl.name, s, i, got[i], want[i])
				}
			}
		}
	}
}

func TestSgemmEpiloguePanics(t *testing.T) {
	buf := make([]float32, 16)
	for name, ep := range map[string]Epilogue{
		"short bias":         {Bias: buf[:1]},
		"unknown activation": {Act: 99},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			SgemmEpilogue(1, false, false, 2, 2, 2, 1, buf, 2, buf, 2, 0, buf, 2, ep)
		})
	}
}

func ExampleSgemmEpilogue() {
	// A linear layer with ReLU: Y = max(X·Wᵀ + b, 0) for 2 inputs of
	// width 3 and 2 outputs.
	x := []float32{1, 2, 3, -1, -2, -3}
	w := []float32{1, 0, 0, 0, 1, 1}
	y := make([]float32, 4)
	SgemmEpilogue(1, false, true, 2, 2, 3, 1, x, 3, w, 3, 0, y, 2, Epilogue{Bias: []float32{0.5, -1}, Act: ReLU})
	fmt.Println(y)
	// Output: [1.5 4 0 0]
}

// BenchmarkSgemmEpilogue is the measurement behind fusing: the same
// bias-and-activation done by SgemmEpilogue (impl=fused) and by Sgemm
// followed by a pass over C with the vector kernels (impl=separate).
func BenchmarkSgemmEpilogue(b *testing.B) {
	shapes := []struct{ m, k, n int }{{1000, 256, 1024}, {333, 144, 576}, {333, 576, 144}}
	for _, s := range shapes {
		rng := rand.New(rand.NewPCG(1, 1))
		a := storedMatrix(rng, s.m, s.k, s.k)
		bm := storedMatrix(rng, s.k, s.n, s.n)
		bias := padded(rng, s.n)
		c := make([]float32, s.m*s.n)
		flops := 2 * float64(s.m) * float64(s.k) * float64(s.n)
		for _, act := range []Activation{ReLU, SiLU} {
			ep := Epilogue{Bias: bias, Act: act}
			b.Run(fmt.Sprintf("%dx%dx%d/act=%d/impl=fused", s.m, s.k, s.n, act), func(b *testing.B) {
				for b.Loop() {
					SgemmEpilogue(1, false, false, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n, ep)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			b.Run(fmt.Sprintf("%dx%dx%d/act=%d/impl=separate", s.m, s.k, s.n, act), func(b *testing.B) {
				tmp := make([]float32, s.n)
				for b.Loop() {
					Sgemm(false, false, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
					for i := 0; i < s.m; i++ {
						row := c[i*s.n : (i+1)*s.n]
						Add(row, row, bias)
						if act == ReLU {
							for j, v := range row {
								row[j] = max(v, 0)
							}
							continue
						}
						// SiLU with the vector kernels: x / (1 + e^-x).
						copy(tmp, row)
						Scale(-1, tmp)
						ExpInPlace(tmp)
						for j, e := range tmp {
							row[j] /= 1 + e
						}
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
