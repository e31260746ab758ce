package fft_test

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/fft"
)

func ExampleReal() {
	plan, err := fft.NewReal(400) // 25 ms at 16 kHz: 400 = 2⁴·5², no padding to 512 needed
	if err != nil {
		panic(err)
	}
	x := make([]float32, 400)
	for i := range x {
		// 3 cycles per frame: bin 3, amplitude 1.
		x[i] = float32(math.Cos(2 * math.Pi * 3 * float64(i) / 400))
	}
	spec := make([]complex64, plan.Bins())
	plan.Forward(spec, x)
	fmt.Printf("bins %d, |X[3]| = %.1f, |X[4]| < 1e-3: %v\n", plan.Bins(), math.Hypot(float64(real(spec[3])), float64(imag(spec[3]))), math.Abs(float64(real(spec[4]))) < 1e-3)
	back := make([]float32, 400)
	plan.Inverse(back, spec)
	fmt.Printf("round trip x[10] = %.4f (was %.4f)\n", back[10], x[10])
	// Output:
	// bins 201, |X[3]| = 200.0, |X[4]| < 1e-3: true
	// round trip x[10] = 0.8910 (was 0.8910)
}
