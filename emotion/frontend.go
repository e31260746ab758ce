package emotion

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/mynah-speech/mynah/audio"
)

// SampleRate is the rate every emotion model hears; Tag resamples other
// rates to it.
const SampleRate audio.Rate = 16000

// sliceSource serves a slice as an audio.Source, for audio.Resample.
type sliceSource struct {
	x    []float32
	rate audio.Rate
}

func (s *sliceSource) SampleRate() audio.Rate { return s.rate }

func (s *sliceSource) Read(p []float32) (int, error) {
	if len(s.x) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.x)
	s.x = s.x[n:]
	return n, nil
}

// Resample returns samples at rate converted to SampleRate (the input
// itself when it already is). It uses package audio's Kaiser-windowed sinc
// resampler, so 44.1 and 48 kHz files lose nothing below 6.8 kHz.
func Resample(samples []float32, rate audio.Rate) ([]float32, error) {
	if rate <= 0 {
		return nil, fmt.Errorf("emotion: sample rate %d", rate)
	}
	if rate == SampleRate {
		return samples, nil
	}
	out, err := audio.ReadAll(audio.Resample(&sliceSource{x: samples, rate: rate}, SampleRate))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("emotion: resample %v: %w", rate, err)
	}
	return out, nil
}

// Trim bounds: frames of trimFrameSamples (10 ms) whose RMS is within
// trimRangeDB of the loudest frame and above trimFloorDB count as active;
// everything before the first and after the last active frame, less
// trimPadFrames, is dropped. RAVDESS clips carry about a second of silence
// around each sentence, and users' files more: trimming makes training and
// tagging see the same thing and saves their compute.
const (
	trimFrameSamples = 160
	trimRangeDB      = 40
	trimFloorDB      = -55
	trimPadFrames    = 10
)

// Trim returns the stretch of x (16 kHz) from its first to its last active
// frame, padded by 100 ms, and whether any frame was active. The result
// aliases x.
func Trim(x []float32) ([]float32, bool) {
	frames := len(x) / trimFrameSamples
	if frames == 0 {
		return x[:0], false
	}
	db := make([]float64, frames)
	peak := math.Inf(-1)
	for f := range db {
		var e float64
		for _, v := range x[f*trimFrameSamples : (f+1)*trimFrameSamples] {
			e += float64(v) * float64(v)
		}
		db[f] = 10 * math.Log10(e/trimFrameSamples+1e-12)
		peak = max(peak, db[f])
	}
	thr := max(peak-trimRangeDB, trimFloorDB)
	first, last := -1, -1
	for f, v := range db {
		if v >= thr {
			if first < 0 {
				first = f
			}
			last = f
		}
	}
	if first < 0 {
		return x[:0], false
	}
	start := max(0, first-trimPadFrames) * trimFrameSamples
	end := min(frames, last+1+trimPadFrames) * trimFrameSamples
	if last+1+trimPadFrames >= frames {
		end = len(x)
	}
	return x[start:end], true
}

var errEOF = io.EOF
