package feature_test

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/feature"
)

func Example() {
	cfg := feature.DefaultASR()
	ext, err := feature.New(cfg)
	if err != nil {
		panic(err)
	}
	// One second of a 1 kHz tone.
	x := make([]float32, cfg.SampleRate)
	for i := range x {
		x[i] = float32(0.5 * math.Sin(2*math.Pi*1000*float64(i)/float64(cfg.SampleRate)))
	}
	frames, n := ext.Compute(x)
	// The loudest mel band of a middle frame is the one around 1 kHz.
	row := frames[50*cfg.NumMels : 51*cfg.NumMels]
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	lo := feature.MelToHz(feature.HzToMel(cfg.FMinHz, cfg.MelScale)+float64(best)*(feature.HzToMel(cfg.FMaxHz, cfg.MelScale)-feature.HzToMel(cfg.FMinHz, cfg.MelScale))/float64(cfg.NumMels+1), cfg.MelScale)
	fmt.Printf("%d frames of %d mels; loudest band starts near %.0f Hz\n", n, cfg.NumMels, lo)
	// Output: 101 frames of 80 mels; loudest band starts near 966 Hz
}

func ExampleStream() {
	ext, _ := feature.New(feature.DefaultASR())
	s := ext.NewStream()
	dst := make([]float32, 10*80)
	total := 0
	chunk := make([]float32, 1234) // silence, in odd-sized chunks
	for i := 0; i < 13; i++ {
		s.Push(chunk)
		for {
			n := s.Pop(dst)
			if n == 0 {
				break
			}
			total += n
		}
	}
	s.Flush()
	for n := s.Pop(dst); n > 0; n = s.Pop(dst) {
		total += n
	}
	fmt.Println(total, "frames, as Compute gives for", 13*1234, "samples:", ext.Config().NumFrames(13*1234))
	// Output: 101 frames, as Compute gives for 16042 samples: 101
}
