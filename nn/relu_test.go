package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestReLUSpecialValues checks reluSlice against Go's max(x, 0) bit for
// bit on zeros, infinities, NaNs of both signs, subnormals and random
// values.
func TestReLUSpecialValues(t *testing.T) {
	x := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)),
		math.Float32frombits(0x7fc00000), math.Float32frombits(0xffc00000), math.Float32frombits(0xff800001),
		math.Float32frombits(1), math.Float32frombits(0x80000001), math.MaxFloat32, -math.MaxFloat32}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		x = append(x, math.Float32frombits(rng.Uint32()))
	}
	got := make([]float32, len(x))
	reluSlice(got, x)
	for i, v := range x {
		want := max(v, 0)
		if math.Float32bits(got[i]) != math.Float32bits(want) && !(math.IsNaN(float64(want)) && math.IsNaN(float64(got[i]))) {
			t.Errorf("relu(%#08x) = %#08x, want %#08x", math.Float32bits(v), math.Float32bits(got[i]), math.Float32bits(want))
		}
	}
}
