package augment

import "math"

// biquad is a second-order IIR section (direct form I), from the Audio EQ
// Cookbook of R. Bristow-Johnson.
type biquad struct {
	b0, b1, b2, a1, a2 float64
}

// butterworth designs a 2nd-order Butterworth (Q = 1/sqrt 2) low- or
// high-pass at cutoff Hz for the sample rate.
func butterworth(cutoff, rate float64, high bool) biquad {
	w := 2 * math.Pi * cutoff / rate
	alpha := math.Sin(w) / (2 * math.Sqrt2 / 2)
	cw := math.Cos(w)
	a0 := 1 + alpha
	var bq biquad
	if high {
		bq = biquad{b0: (1 + cw) / 2, b1: -(1 + cw), b2: (1 + cw) / 2}
	} else {
		bq = biquad{b0: (1 - cw) / 2, b1: 1 - cw, b2: (1 - cw) / 2}
	}
	bq.b0 /= a0
	bq.b1 /= a0
	bq.b2 /= a0
	bq.a1 = -2 * cw / a0
	bq.a2 = (1 - alpha) / a0
	return bq
}

func (q biquad) run(x []float64) {
	var x1, x2, y1, y2 float64
	for i, v := range x {
		y := q.b0*v + q.b1*x1 + q.b2*x2 - q.a1*y1 - q.a2*y2
		x2, x1 = x1, v
		y2, y1 = y1, y
		x[i] = y
	}
}

func (q biquad) run32(x []float32) {
	var x1, x2, y1, y2 float64
	for i, v32 := range x {
		v := float64(v32)
		y := q.b0*v + q.b1*x1 + q.b2*x2 - q.a1*y1 - q.a2*y2
		x2, x1 = x1, v
		y2, y1 = y1, y
		x[i] = float32(y)
	}
}
