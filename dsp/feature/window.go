package feature

import "math"

// Window returns n samples of the given window, computed in float64 and
// rounded to float32.
func Window(kind WindowKind, n int) []float32 {
	w := make([]float32, n)
	for i := range w {
		var v float64
		switch kind {
		case Hann:
			v = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		case Hamming:
			v = 0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/float64(n))
		case Povey:
			if n > 1 {
				v = math.Pow(0.5-0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1)), 0.85)
			} else {
				v = 1
			}
		}
		w[i] = float32(v)
	}
	return w
}
