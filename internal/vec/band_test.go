package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomBand returns the runs of a random band matrix: rows of up to
// maxRun columns at random places, some empty.
func randomBand(rng *rand.Rand, rows, cols, maxRun int) (first []int, weights [][]float32) {
	for range rows {
		n := rng.IntN(maxRun + 1)
		if n > cols {
			n = cols
		}
		f := 0
		if cols > n {
			f = rng.IntN(cols - n + 1)
		}
		w := make([]float32, n)
		for i := range w {
			w[i] = float32(rng.Float64())
		}
		first = append(first, f)
		weights = append(weights, w)
	}
	return first, weights
}

func TestBandMatrix8MatchesTwinAndReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ rows, cols, maxRun int }{
		{0, 10, 3}, {1, 1, 1}, {3, 5, 5}, {8, 20, 4}, {9, 20, 7}, {16, 257, 30},
		{17, 100, 13}, {40, 64, 1}, {80, 257, 40}, {81, 513, 9}, {64, 300, 0},
	} {
		t.Run(fmt.Sprintf("%dx%d/run=%d", tc.rows, tc.cols, tc.maxRun), func(t *testing.T) {
			first, weights := randomBand(rng, tc.rows, tc.cols, tc.maxRun)
			m, err := NewBandMatrix8(tc.cols, first, weights)
			if err != nil {
				t.Fatal(err)
			}
			if m.Rows() != tc.rows || m.Cols() != tc.cols {
				t.Fatalf("Rows, Cols = %d, %d", m.Rows(), m.Cols())
			}
			x := padded(rng, tc.cols)
			for i := range x {
				x[i] = float32(math.Abs(float64(x[i])))
			}
			got, twin := padded(rng, tc.rows), padded(rng, tc.rows)
			m.MulVec(got, x)
			m.mulVecGo(twin, x)
			checkPadding(t, "MulVec", got)
			checkPadding(t, "twin", twin)
			for j := range got {
				if math.Float32bits(got[j]) != math.Float32bits(twin[j]) {
					t.Fatalf("row %d: kernel %g, twin %g", j, got[j], twin[j])
				}
				var want float64
				for i, w := range weights[j] {
					want += float64(w) * float64(x[first[j]+i])
				}
				if d := math.Abs(float64(got[j]) - want); d > 1e-5*math.Max(1, want) {
					t.Fatalf("row %d: got %g, want %g", j, got[j], want)
				}
			}
		})
	}
}

func TestBandMatrix8Rejects(t *testing.T) {
	for _, tc := range []struct {
		cols    int
		first   []int
		weights [][]float32
	}{
		{4, []int{0}, nil},
		{4, []int{3}, [][]float32{{1, 2}}},
		{4, []int{-1}, [][]float32{{1}}},
		{-1, nil, nil},
	} {
		if _, err := NewBandMatrix8(tc.cols, tc.first, tc.weights); err == nil {
			t.Errorf("NewBandMatrix8(%d, %v, %v) accepted", tc.cols, tc.first, tc.weights)
		}
	}
}

func TestBandMatrix8Allocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	first, weights := randomBand(rng, 80, 257, 20)
	m, err := NewBandMatrix8(257, first, weights)
	if err != nil {
		t.Fatal(err)
	}
	x, dst := make([]float32, 257), make([]float32, 80)
	if n := testing.AllocsPerRun(10, func() { m.MulVec(dst, x) }); n != 0 {
		t.Errorf("MulVec allocates %v times", n)
	}
}

func ExampleBandMatrix8() {
	// Two triangles over five bins, as a tiny mel filterbank.
	m, err := NewBandMatrix8(5, []int{0, 2}, [][]float32{{0.5, 1, 0.5}, {0.5, 1, 0.5}})
	if err != nil {
		panic(err)
	}
	out := make([]float32, 2)
	m.MulVec(out, []float32{1, 2, 3, 4, 5})
	fmt.Println(out)
	// Output: [4 8]
}

func TestLogFloorMatchesTwin(t *testing.T) {
	specials := []float32{0, float32(math.Copysign(0, -1)), 1e-45, 1e-38, 1e-12, 1e-10, 0.5, 0.70710677, 0.7071068,
		1, 1.4142135, 1.4142137, 2, 3, 1e20, math.MaxFloat32, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), -1, -1e30}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range opsLengths {
		for _, floor := range []float32{1e-10, 1.1920929e-07, 1} {
			x := padded(rng, n)
			for i := range x {
				if i < len(specials) && n > 30 {
					x[i] = specials[i]
				} else {
					x[i] = float32(math.Exp(rng.Float64()*120 - 80))
				}
			}
			want := append([]float32(nil), x...)
			logFloorGo(want, floor)
			LogFloorInPlace(x, floor)
			checkPadding(t, "LogFloorInPlace", x)
			for i := range x {
				if math.Float32bits(x[i]) != math.Float32bits(want[i]) &&
					!(math.IsNaN(float64(x[i])) && math.IsNaN(float64(want[i]))) {
					t.Fatalf("n=%d floor=%g element %d: kernel %g, twin %g", n, floor, i, x[i], want[i])
				}
			}
		}
	}
}

func TestLogFloorAccuracy(t *testing.T) {
	for _, p := range []struct {
		name string
		f    func([]float32, float32)
	}{{"dispatched", LogFloorInPlace}, {"purego", logFloorGo}} {
		rng := rand.New(rand.NewPCG(1, 1))
		x := make([]float32, 100000)
		for i := range x {
			x[i] = float32(math.Exp(rng.Float64()*170 - 87))
		}
		x = append(x, 1e-30, 1.1920929e-07, 1e-10, 0.5, 0.7071, 0.70711, 1, 1.5, 2, 3.14159, 1e5, 3e38)
		got := append([]float32(nil), x...)
		p.f(got, math.SmallestNonzeroFloat32*(1<<23)) // the smallest normal float32
		var worst float64
		for i, v := range x {
			want := math.Log(float64(v))
			worst = math.Max(worst, math.Abs(float64(got[i])-want)/math.Max(1, math.Abs(want)))
		}
		if worst > 2e-7 {
			t.Errorf("%s: worst error %g·max(1, |ln x|)", p.name, worst)
		}
		t.Logf("%s: worst error %.3g·max(1, |ln x|)", p.name, worst)
	}
	x := []float32{0, 1e-12, float32(math.NaN()), float32(math.Inf(1))}
	LogFloorInPlace(x, 1e-10)
	if x[0] != x[1] || math.Abs(float64(x[0])-math.Log(1e-10)) > 1e-5 || !math.IsNaN(float64(x[2])) || !math.IsInf(float64(x[3]), 1) {
		t.Errorf("floor: got %v", x)
	}
}
