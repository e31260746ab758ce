package tts

import (
	"math"
	"testing"
)

func TestMCD(t *testing.T) {
	order := 3
	a := []float64{0, 0, 0, 1, 1, 1, 2, 2, 2}
	if got := MCD(a, 3, a, 3, order); got != 0 {
		t.Fatalf("MCD of a sequence with itself = %g", got)
	}
	// b repeats a's middle frame: DTW absorbs the repeat.
	b := []float64{0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2}
	if got := MCD(a, 3, b, 4, order); got != 0 {
		t.Fatalf("MCD with a repeated frame = %g", got)
	}
	// A constant offset of 0.1 in every coefficient.
	c := make([]float64, len(a))
	for i := range a {
		c[i] = a[i] + 0.1
	}
	want := 10 / math.Ln10 * math.Sqrt(2*3*0.01)
	if got := MCD(a, 3, c, 3, order); math.Abs(got-want) > 1e-9 {
		t.Fatalf("MCD with offset = %g, want %g", got, want)
	}
	if !math.IsNaN(MCD(nil, 0, a, 3, order)) {
		t.Fatal("empty sequence: want NaN")
	}
}

func TestMelCepstrumFlatIsZero(t *testing.T) {
	mels := make([]float32, 2*80)
	for i := range mels {
		mels[i] = -3
	}
	for _, v := range MelCepstrum(mels, 2, 80, CepstralOrder) {
		if math.Abs(v) > 1e-9 {
			t.Fatalf("flat spectrum gives cepstrum %g", v)
		}
	}
}
