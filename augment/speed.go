package augment

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/audio"
)

// sliceSource serves samples from memory as an audio.Source.
type sliceSource struct {
	s    []float32
	rate audio.Rate
}

func (s *sliceSource) SampleRate() audio.Rate { return s.rate }
func (s *sliceSource) Read(p []float32) (int, error) {
	if len(s.s) == 0 {
		return 0, errEOF
	}
	n := copy(p, s.s)
	s.s = s.s[n:]
	return n, nil
}

// Speed plays x (at rate) factor times faster: the result is about
// len(x)/factor samples, pitch and tempo shifted together, as Kaldi's speed
// perturbation does. It relabels the samples as recorded at rate*factor and
// resamples them back to rate with audio.Resample, the project's
// band-limited resampler. factor must lie in [0.5, 2].
func Speed(x []float32, rate audio.Rate, factor float64) ([]float32, error) {
	if factor < 0.5 || factor > 2 || math.IsNaN(factor) {
		return nil, fmt.Errorf("speed factor %v outside [0.5, 2]", factor)
	}
	if rate <= 0 {
		return nil, fmt.Errorf("speed: sample rate %d", rate)
	}
	from := audio.Rate(math.Round(float64(rate) * factor))
	if from == rate {
		return append([]float32(nil), x...), nil
	}
	out, err := audio.ReadAll(audio.Resample(&sliceSource{x, from}, rate))
	if err != nil {
		return nil, fmt.Errorf("speed %v: %w", factor, err)
	}
	return out, nil
}

// Gain scales x in place by dB decibels.
func Gain(x []float32, dB float64) {
	g := float32(math.Pow(10, dB/20))
	for i := range x {
		x[i] *= g
	}
}
