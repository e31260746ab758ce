package nn

import (
	"math"
	"testing"

	"github.com/mynah-speech/mynah/internal/vec"
)

func TestExpfAccuracy(t *testing.T) {
	worst := 0.0
	for x := -87.0; x <= 88.0; x += 0.0137 {
		got := float64(expf(float32(x)))
		want := math.Exp(float64(float32(x)))
		rel := math.Abs(got-want) / want
		worst = max(worst, rel)
	}
	if worst > 4e-7 {
		t.Errorf("expf worst relative error %.3g, want ≤ 4e-7", worst)
	}
	for _, c := range []struct{ in, want float32 }{
		{0, 1}, {-200, 0}, {float32(math.Inf(1)), float32(math.Inf(1))}, {float32(math.Inf(-1)), 0},
	} {
		if got := expf(c.in); got != c.want {
			t.Errorf("expf(%g) = %g, want %g", c.in, got, c.want)
		}
	}
	if got := expf(float32(math.NaN())); got == got {
		t.Errorf("expf(NaN) = %g", got)
	}
}

func TestTanhSigmoid(t *testing.T) {
	for x := -12.0; x <= 12; x += 0.01 {
		if d := math.Abs(float64(tanhf(float32(x))) - math.Tanh(x)); d > 3e-7 {
			t.Fatalf("tanhf(%g) off by %g", x, d)
		}
		if d := math.Abs(float64(sigmoidf(float32(x))) - 1/(1+math.Exp(-x))); d > 3e-7 {
			t.Fatalf("sigmoidf(%g) off by %g", x, d)
		}
	}
}

func BenchmarkExpf(b *testing.B) {
	xs := make([]float32, 4096)
	for i := range xs {
		xs[i] = float32(i%97)*0.37 - 18
	}
	b.Run("impl=expf", func(b *testing.B) {
		var s float32
		for b.Loop() {
			for _, x := range xs {
				s += expf(x)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/exp")
		sink = s
	})
	b.Run("impl=vec.ExpInPlace", func(b *testing.B) {
		dst := make([]float32, len(xs))
		var s float32
		for b.Loop() {
			copy(dst, xs)
			vec.ExpInPlace(dst)
			s += dst[7]
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/exp")
		sink = s
	})
	b.Run("impl=math.Exp", func(b *testing.B) {
		var s float32
		for b.Loop() {
			for _, x := range xs {
				s += float32(math.Exp(float64(x)))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/exp")
		sink = s
	})
}

var sink float32

func TestSigmoidSliceMatchesScalar(t *testing.T) {
	var src []float32
	for x := -120.0; x <= 100; x += 0.173 {
		src = append(src, float32(x))
	}
	src = append(src, float32(math.Inf(-1)), float32(math.Inf(1)))
	dst := make([]float32, len(src))
	sigmoidSlice(dst, src)
	for i, v := range src {
		if d := math.Abs(float64(dst[i] - sigmoidf(v))); d > 2e-7 {
			t.Fatalf("sigmoidSlice[%d] (x=%g) = %g, sigmoidf gives %g", i, v, dst[i], sigmoidf(v))
		}
	}
}
