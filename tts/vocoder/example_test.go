package vocoder_test

import (
	"bytes"
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/nn/safetensors"
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

// A model is saved under a prefix and loaded back from a file that may
// hold other models' tensors too (a voice file holds "acoustic." and
// "vocoder.").
func ExampleLoad() {
	c := vocoder.Default()
	c.Net = vocoder.DefaultNet()
	m, err := vocoder.New(c, 1)
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf, "vocoder.", safetensors.F16); err != nil {
		panic(err)
	}
	f, err := safetensors.Parse(buf.Bytes())
	if err != nil {
		panic(err)
	}
	back, err := vocoder.Load(f, "vocoder.")
	if err != nil {
		panic(err)
	}
	fmt.Println(len(f.Tensors()), back.Config().Net.Width, buf.Len() < 250_000)
	// Output: 8 96 true
}
