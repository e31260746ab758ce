package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// opsPath is one implementation of the vector kernels under test.
type opsPath struct {
	name  string
	dot   func(x, y []float32) float32
	sum   func(x []float32) float32
	max   func(x []float32) float32
	axpy  func(alpha float32, x, y []float32)
	scale func(alpha float32, x []float32)
	add   func(dst, x, y []float32)
	mul   func(dst, x, y []float32)
	exp   func(x []float32)
}

// opsPaths are the exported (dispatched) kernels and the pure-Go twins;
// on a machine without AVX2, or under purego, both are the twins.
var opsPaths = []opsPath{
	{"dispatched", Dot, Sum, Max, Axpy, Scale, Add, Mul, ExpInPlace},
	{"purego", dotGo, sumGo, maxGo, axpyGo, scaleGo, addGo, mulGo, expGo},
}

// opsLengths cover the empty slice, every tail length around the 8- and
// 32-float blocks of the assembly, and long slices.
var opsLengths = []int{0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 39, 40, 63, 64, 65, 100, 1000, 1027}

// padded returns a slice of n random values followed, in the same
// backing array, by sentinels the kernels must leave alone.
func padded(rng *rand.Rand, n int) []float32 {
	buf := make([]float32, n+9)
	for i := range buf {
		buf[i] = sentinel
	}
	for i := 0; i < n; i++ {
		buf[i] = float32(rng.NormFloat64())
	}
	return buf[:n]
}

func checkPadding(t *testing.T, what string, x []float32) {
	t.Helper()
	for i, v := range x[len(x):cap(x)] {
		if math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatalf("%s: element %d past the end was written: %v", what, len(x)+i, v)
		}
	}
}

func TestReductions(t *testing.T) {
	for _, p := range opsPaths {
		for _, n := range opsLengths {
			t.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(n), 7))
				x, y := padded(rng, n), padded(rng, n)
				var dot, dotMag, sum, sumMag float64
				want := math.Inf(-1)
				for i := range x {
					dot += float64(x[i]) * float64(y[i])
					dotMag += math.Abs(float64(x[i]) * float64(y[i]))
					sum += float64(x[i])
					sumMag += math.Abs(float64(x[i]))
					want = math.Max(want, float64(x[i]))
				}
				tol := func(mag float64) float64 { return float64(n+2)*0x1p-24*mag + 1e-30 }
				if got := p.dot(x, y); math.Abs(float64(got)-dot) > tol(dotMag) {
					t.Errorf("Dot = %v, want %v", got, dot)
				}
				if got := p.sum(x); math.Abs(float64(got)-sum) > tol(sumMag) {
					t.Errorf("Sum = %v, want %v", got, sum)
				}
				if got := p.max(x); float64(got) != want {
					t.Errorf("Max = %v, want %v", got, want)
				}
				if n > 0 {
					// A NaN anywhere, head or tail, makes Max NaN.
					for _, at := range []int{0, n / 2, n - 1} {
						saved := x[at]
						x[at] = float32(math.NaN())
						if got := p.max(x); got == got {
							t.Errorf("Max with NaN at %d = %v, want NaN", at, got)
						}
						x[at] = saved
					}
				}
				checkPadding(t, "x", x)
				checkPadding(t, "y", y)
			})
		}
	}
}

func TestElementwise(t *testing.T) {
	for _, p := range opsPaths {
		for _, n := range opsLengths {
			t.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(n), 8))
				x, y := padded(rng, n), padded(rng, n)
				const alpha = -1.75
				ops := []struct {
					name string
					run  func(dst []float32)
					want func(i int) float64
				}{
					{"Axpy", func(dst []float32) { copy(dst, y); p.axpy(alpha, x, dst) }, func(i int) float64 { return float64(y[i]) + alpha*float64(x[i]) }},
					{"Scale", func(dst []float32) { copy(dst, x); p.scale(alpha, dst) }, func(i int) float64 { return alpha * float64(x[i]) }},
					{"Add", func(dst []float32) { p.add(dst, x, y) }, func(i int) float64 { return float64(x[i]) + float64(y[i]) }},
					{"Mul", func(dst []float32) { p.mul(dst, x, y) }, func(i int) float64 { return float64(x[i]) * float64(y[i]) }},
				}
				for _, op := range ops {
					dst := padded(rng, n)
					op.run(dst)
					for i, got := range dst {
						// Each result is one correctly rounded operation
						// (two for Axpy without FMA).
						w := op.want(i)
						if d := math.Abs(float64(got) - w); d > 0x1p-23*math.Abs(w)+0x1p-23*math.Abs(alpha*float64(x[i])) {
							t.Fatalf("%s[%d] = %v, want %v", op.name, i, got, w)
						}
					}
					checkPadding(t, op.name, dst)
				}
				checkPadding(t, "x", x)
				checkPadding(t, "y", y)
			})
		}
	}
}

// TestElementwiseAliasing checks dst may be one of the inputs.
func TestElementwiseAliasing(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	Add(x, x, x)
	Mul(x, x, x)
	for i, v := range x {
		want := float32(4 * (i + 1) * (i + 1))
		if v != want {
			t.Fatalf("x[%d] = %v, want %v", i, v, want)
		}
	}
}

// TestAxpyPositionIndependent checks the tail of Axpy and ExpInPlace
// rounds exactly as the body does: the same input gives the same bits
// wherever it sits in the slice.
func TestAxpyPositionIndependent(t *testing.T) {
	const n = 13
	x, y := make([]float32, n), make([]float32, n)
	e := make([]float32, n)
	for i := range x {
		x[i], y[i], e[i] = 0.1, 1.0/3, 0.3
	}
	Axpy(0.7, x, y)
	ExpInPlace(e)
	for i := 1; i < n; i++ {
		if y[i] != y[0] || e[i] != e[0] {
			t.Fatalf("element %d: axpy %v exp %v, element 0: %v %v", i, y[i], e[i], y[0], e[0])
		}
	}
}

func TestOpsPanicOnLengthMismatch(t *testing.T) {
	a, b := make([]float32, 9), make([]float32, 8)
	for name, call := range map[string]func(){
		"Dot":  func() { Dot(a, b) },
		"Axpy": func() { Axpy(1, a, b) },
		"Add":  func() { Add(a, a, b) },
		"Mul":  func() { Mul(b, a, a) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			call()
		})
	}
}

// TestExpAccuracy sweeps the whole finite range (every 2^10-th float32,
// plus a dense grid around 0) and checks the relative error against
// float64 math.Exp, with the special values exactly.
func TestExpAccuracy(t *testing.T) {
	var xs []float32
	for bits := uint32(0); bits < 0x7f800000; bits += 1 << 10 {
		for _, sign := range []uint32{0, 1 << 31} {
			if v := math.Float32frombits(bits | sign); v > -103 && v < 88.7228 {
				xs = append(xs, v)
			}
		}
	}
	for i := -100000; i <= 100000; i++ {
		xs = append(xs, float32(i)*1e-4)
	}
	for _, p := range opsPaths {
		y := append([]float32(nil), xs...)
		p.exp(y)
		worst, at := 0.0, float32(0)
		for i, x := range xs {
			want := math.Exp(float64(x))
			if want < 0x1p-126 {
				// Subnormal results carry fewer bits; hold them to an
				// absolute error of one subnormal step.
				if math.Abs(float64(y[i])-want) > 0x1p-149 {
					t.Fatalf("%s: exp(%v) = %v, want %v", p.name, x, y[i], want)
				}
				continue
			}
			if rel := math.Abs(float64(y[i])-want) / want; rel > worst {
				worst, at = rel, x
			}
		}
		t.Logf("%s: max relative error %.3g at x=%v over %d points", p.name, worst, at, len(xs))
		if worst > 2e-7 {
			t.Errorf("%s: max relative error %.3g at x=%v, want ≤ 2e-7", p.name, worst, at)
		}
		special := []struct{ x, want float32 }{
			{0, 1}, {float32(math.Copysign(0, -1)), 1},
			{float32(math.Inf(1)), float32(math.Inf(1))}, {float32(math.Inf(-1)), 0},
			{89, float32(math.Inf(1))}, {1000, float32(math.Inf(1))}, {-1000, 0}, {-104, 0},
		}
		for _, s := range special {
			got := []float32{s.x}
			p.exp(got)
			if got[0] != s.want {
				t.Errorf("%s: exp(%v) = %v, want %v", p.name, s.x, got[0], s.want)
			}
		}
		nan := make([]float32, 11)
		for i := range nan {
			nan[i] = float32(math.NaN())
		}
		p.exp(nan)
		for i, v := range nan {
			if v == v {
				t.Errorf("%s: exp(NaN)[%d] = %v", p.name, i, v)
			}
		}
	}
}

func ExampleExpInPlace() {
	// A numerically stable softmax: subtract the max, exponentiate, normalise.
	logits := []float32{1, 2, 3, 4}
	m := Max(logits)
	for i := range logits {
		logits[i] -= m
	}
	ExpInPlace(logits)
	Scale(1/Sum(logits), logits)
	fmt.Printf("%.4f\n", logits)
	// Output: [0.0321 0.0871 0.2369 0.6439]
}

func ExampleDot() {
	fmt.Println(Dot([]float32{1, 2, 3}, []float32{4, 5, 6}))
	// Output: 32
}
