package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// sentinel fills every element a routine must not write; its bit pattern
// is a NaN no arithmetic produces, so any write is visible.
var sentinel = math.Float32frombits(0x7fc0dead)

// sgemmImpls are the kernel families the tests hold to the same reference.
func sgemmImpls() []*sgemmImpl {
	impls := []*sgemmImpl{sgemmGo}
	if sgemmDispatched != sgemmGo {
		impls = append(impls, sgemmDispatched)
	}
	return impls
}

// storedMatrix makes a rows×cols matrix with row stride ld (the gap
// filled with sentinels) and sentinel padding after it.
func storedMatrix(rng *rand.Rand, rows, cols, ld int) []float32 {
	x := make([]float32, rows*ld+7)
	for i := range x {
		x[i] = sentinel
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			x[i*ld+j] = float32(rng.NormFloat64())
		}
	}
	return x
}

// refSgemm is the textbook triple loop in float64; it also returns, per
// element, Σ|alpha·a·b| + |beta·c|, the scale of the rounding error.
func refSgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want, scale []float64) {
	want = make([]float64, m*n)
	scale = make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, mag float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
				mag += math.Abs(float64(av) * float64(bv))
			}
			want[i*n+j] = float64(alpha) * s
			scale[i*n+j] = math.Abs(float64(alpha)) * mag
			if beta != 0 {
				cv := float64(beta) * float64(c[i*ldc+j])
				want[i*n+j] += cv
				scale[i*n+j] += math.Abs(cv)
			}
		}
	}
	return want, scale
}

type sgemmCase struct {
	m, n, k     int
	pad         int // extra stride beyond each stored row
	alpha, beta float32
}

func sgemmCases() []sgemmCase {
	cases := []sgemmCase{
		{1, 1, 1, 0, 1, 0},
		{1, 1, 1, 3, 2, 0.5},
		{2, 3, 4, 0, 1, 1},
		{6, 16, 1, 0, 1, 0},
		{6, 16, 8, 1, -1, 2},
		{7, 17, 5, 0, 1, 0},
		{5, 15, 3, 2, 1.5, 0},
		{13, 11, 7, 1, 1, -1},
		{31, 37, 41, 0, 0.5, 0},
		{97, 101, 103, 5, 1, 0.25},
		{1, 300, 257, 0, 1, 0},
		{300, 1, 257, 0, 1, 0},
		{150, 40, 300, 3, 1, 1},        // m > mc of the AVX2 family, k > kc
		{8, 256, 64, 0, 1, 0},          // skinny, as in inference
		{3, 4100, 3, 0, 1, 0},          // n > nc
		{129, 130, 513, 1, -0.75, 0.5}, // k spans three kc blocks
		{4, 4, 0, 0, 1, 0.5},           // k = 0 scales C only
		{3, 5, 7, 0, 0, 2},             // alpha = 0 scales C only
	}
	return cases
}

func TestSgemmMatchesReference(t *testing.T) {
	for _, impl := range sgemmImpls() {
		for _, tc := range sgemmCases() {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				transA, transB := tr[0], tr[1]
				name := fmt.Sprintf("%s/%dx%dx%d/pad=%d/tA=%v/tB=%v/alpha=%g/beta=%g", impl.name, tc.m, tc.n, tc.k, tc.pad, transA, transB, tc.alpha, tc.beta)
				t.Run(name, func(t *testing.T) {
					checkSgemmCase(t, impl, tc, transA, transB)
				})
			}
		}
	}
}

func checkSgemmCase(t *testing.T, impl *sgemmImpl, tc sgemmCase, transA, transB bool) {
	rng := rand.New(rand.NewPCG(uint64(tc.m*1000003+tc.n*1009+tc.k), uint64(tc.pad)))
	m, n, k := tc.m, tc.n, tc.k
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	lda, ldb, ldc := max(aCols, 1)+tc.pad, max(bCols, 1)+tc.pad, n+tc.pad
	a := storedMatrix(rng, aRows, aCols, lda)
	b := storedMatrix(rng, bRows, bCols, ldb)
	c := storedMatrix(rng, m, n, ldc)
	if tc.beta == 0 {
		// beta = 0 must not read C: NaNs there must not reach the result.
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				c[i*ldc+j] = float32(math.NaN())
			}
		}
	}
	want, scale := refSgemm(transA, transB, m, n, k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	impl.run(transA, transB, m, n, k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc, Epilogue{})
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got := c[i*ldc+j]
			if j >= n {
				if math.Float32bits(got) != math.Float32bits(sentinel) {
					t.Fatalf("C[%d][%d] beyond n=%d was written: %v", i, j, n, got)
				}
				continue
			}
			w := want[i*n+j]
			// Forward error bound of a float32 dot product of length k
			// (Higham, Accuracy and Stability of Numerical Algorithms,
			// §3.1), with headroom for the final alpha/beta roundings.
			tol := float64(k+4)*0x1p-24*scale[i*n+j] + 1e-30
			if d := math.Abs(float64(got) - w); !(d <= tol) {
				t.Fatalf("C[%d][%d] = %v, want %v (error %g > %g)", i, j, got, w, d, tol)
			}
		}
	}
	for i := m * ldc; i < len(c); i++ {
		if math.Float32bits(c[i]) != math.Float32bits(sentinel) {
			t.Fatalf("C padding element %d was written: %v", i, c[i])
		}
	}
}

// TestSgemmParallelBitIdentical checks that splitting into bands changes
// no bit of the result, for row and column splits and odd thread counts.
func TestSgemmParallelBitIdentical(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{301, 97, 401},  // tall: row bands
		{61, 1001, 257}, // wide: column bands
	}
	for _, impl := range sgemmImpls() {
		for _, s := range shapes {
			for _, tr := range [][2]bool{{false, false}, {true, true}} {
				rng := rand.New(rand.NewPCG(1, 2))
				lda, ldb := s.k, s.n
				if tr[0] {
					lda = s.m
				}
				if tr[1] {
					ldb = s.k
				}
				a := storedMatrix(rng, max(s.m, s.k), lda, lda)
				b := storedMatrix(rng, max(s.n, s.k), ldb, ldb)
				c0 := storedMatrix(rng, s.m, s.n, s.n)
				want := append([]float32(nil), c0...)
				impl.run(tr[0], tr[1], s.m, s.n, s.k, 1.25, a, lda, b, ldb, 0.5, want, s.n, Epilogue{})
				for _, threads := range []int{2, 3} {
					got := append([]float32(nil), c0...)
					impl.runParallel(threads, tr[0], tr[1], s.m, s.n, s.k, 1.25, a, lda, b, ldb, 0.5, got, s.n, Epilogue{})
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s %v threads=%d tA,tB=%v: C[%d] = %v, single-threaded %v", impl.name, s, threads, tr, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

func TestSgemmPanicsOnShortSlices(t *testing.T) {
	buf := make([]float32, 16)
	cases := []struct {
		name string
		call func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"lda < k", func() { Sgemm(false, false, 2, 2, 3, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"short A", func() { Sgemm(false, false, 4, 2, 5, 1, buf, 5, buf, 2, 0, buf, 2) }},
		{"short B^T", func() { Sgemm(false, true, 2, 9, 2, 1, buf, 2, buf, 2, 0, buf, 9) }},
		{"short C", func() { Sgemm(false, false, 2, 2, 2, 1, buf, 2, buf, 2, 0, buf[:3], 2) }},
		{"ldc < n", func() { SgemmParallel(2, false, false, 2, 4, 2, 1, buf, 2, buf, 4, 0, buf, 3) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tc.call()
		})
	}
}

func ExampleSgemm() {
	// C = A·Bᵀ for A 2×3 and B 2×3 (so op(B) = Bᵀ is 3×2).
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 1, 0, 1, 0}
	c := make([]float32, 4)
	Sgemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Println(c)
	// Output: [4 2 10 5]
}

// TestSgemmConcurrent runs independent products from several goroutines
// at once (the packing buffers are pooled, never shared) and checks each
// against the same product run alone.
func TestSgemmConcurrent(t *testing.T) {
	const workers = 4
	type job struct {
		m, n, k int
		a, b    []float32
		want    []float32
	}
	jobs := make([]job, workers)
	for i := range jobs {
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		m, n, k := 37+i*20, 53+i*7, 300-i*50
		j := job{m: m, n: n, k: k, a: storedMatrix(rng, m, k, k), b: storedMatrix(rng, k, n, n)}
		j.want = make([]float32, m*n)
		Sgemm(false, false, m, n, k, 1, j.a, k, j.b, n, 0, j.want, n)
		jobs[i] = j
	}
	errs := make(chan error, workers)
	for _, j := range jobs {
		go func() {
			got := make([]float32, j.m*j.n)
			for rep := 0; rep < 20; rep++ {
				Sgemm(false, false, j.m, j.n, j.k, 1, j.a, j.k, j.b, j.n, 0, got, j.n)
				for i := range got {
					if got[i] != j.want[i] {
						errs <- fmt.Errorf("%dx%dx%d: C[%d] = %v, alone %v", j.m, j.n, j.k, i, got[i], j.want[i])
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range jobs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestSgemmNoAllocs checks that a warm Sgemm allocates nothing: the
// packing buffers come back from the pool (inference reuses its buffers
// and must not allocate per step).
func TestSgemmNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	a := storedMatrix(rng, 33, 144, 144)
	b := storedMatrix(rng, 576, 144, 144)
	bias := padded(rng, 576)
	c := make([]float32, 33*576)
	allocs := testing.AllocsPerRun(50, func() {
		Sgemm(false, true, 33, 576, 144, 1, a, 144, b, 144, 0, c, 576)
		SgemmEpilogue(1, false, true, 33, 576, 144, 1, a, 144, b, 144, 0, c, 576, Epilogue{Bias: bias, Act: SiLU})
	})
	if allocs != 0 {
		t.Errorf("warm Sgemm allocates %v times per call pair, want 0", allocs)
	}
}
