package nn

import (
	"math"
	"testing"
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
