package vocoder_test

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/tts/vocoder"
)

// A pure-DSP vocoder turns 50 frames of log-mels and F0 into 50·256
// samples.
func Example() {
	m, err := vocoder.New(vocoder.Default(), 0)
	if err != nil {
		panic(err)
	}
	const frames = 50
	mels := make([]float32, frames*80)
	f0 := make([]float32, frames)
	for t := range frames {
		for j := range 80 {
			mels[t*80+j] = float32(-1 - 0.1*float64(j)) // a falling spectral tilt
		}
		f0[t] = 200
	}
	samples, err := m.Vocode(mels, f0)
	if err != nil {
		panic(err)
	}
	var peak float64
	for _, v := range samples {
		peak = math.Max(peak, math.Abs(float64(v)))
	}
	fmt.Println(len(samples), peak > 0.01 && peak < 1)
	// Output: 12800 true
}
