package feature

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/fft"
	"github.com/mynah-speech/mynah/internal/vec"
)

// Extractor computes the features of one Config. Its tables (window,
// filterbank) are built once by New and never change; its scratch buffers
// make it unsafe for concurrent use: give each goroutine its own
// Extractor, or a Stream each.
type Extractor struct {
	cfg    Config
	window []float32
	bank   *Filterbank
	scr    frameScratch
	frames []float32 // Compute's output, reused
}

// frameScratch is what computing one frame needs, so that a warm extractor
// or stream allocates nothing per frame.
type frameScratch struct {
	plan  *fft.Real
	frame []float32 // fft size; samples beyond the window stay zero
	spec  []float32 // fft/2 + 1
}

// New validates c and builds its extractor.
func New(c Config) (*Extractor, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("new feature extractor: %w", err)
	}
	e := &Extractor{cfg: c, window: Window(c.Window, c.WindowSamples), bank: NewFilterbank(c)}
	e.scr = e.newScratch()
	return e, nil
}

func (e *Extractor) newScratch() frameScratch {
	plan, err := fft.NewReal(e.cfg.FFTSize)
	if err != nil {
		panic("feature: validated fft size rejected: " + err.Error()) // Validate checked it
	}
	return frameScratch{
		plan:  plan,
		frame: make([]float32, e.cfg.FFTSize),
		spec:  make([]float32, e.cfg.FFTSize/2+1),
	}
}

// Config returns the configuration the extractor was built from.
func (e *Extractor) Config() Config { return e.cfg }

// Filterbank returns the extractor's mel filterbank.
func (e *Extractor) Filterbank() *Filterbank { return e.bank }

// Compute returns the features of a whole signal, row-major
// numFrames × NumMels. The returned slice is the extractor's own buffer,
// valid until the next call; copy it to keep it.
func (e *Extractor) Compute(samples []float32) (frames []float32, numFrames int) {
	c := e.cfg
	numFrames = c.NumFrames(len(samples))
	need := numFrames * c.NumMels
	if cap(e.frames) < need {
		e.frames = make([]float32, need)
	}
	frames = e.frames[:need]
	off := c.windowOffset()
	for t := 0; t < numFrames; t++ {
		gather(e.scr.frame[:c.WindowSamples], samples, 0, len(samples), t*c.HopSamples-off, c.Center)
		e.frame(&e.scr, frames[t*c.NumMels:(t+1)*c.NumMels])
	}
	return frames, numFrames
}

// gather copies the samples [start, start+len(dst)) of a signal of total
// length total into dst. data holds the signal's samples from index
// dataStart on (at least those dst needs, after reflection); samples
// outside [0, total) come from the padding rule.
func gather(dst, data []float32, dataStart, total, start int, pad Padding) {
	if start >= 0 && start+len(dst) <= total {
		copy(dst, data[start-dataStart:])
		return
	}
	for i := range dst {
		idx := start + i
		if idx < 0 || idx >= total {
			if pad != Reflect || total == 0 {
				dst[i] = 0
				continue
			}
			idx = reflect(idx, total)
		}
		dst[i] = data[idx-dataStart]
	}
}

// reflect maps an index outside [0, n) into it by mirroring about the end
// samples (numpy "reflect": x[−1] = x[1]), repeatedly for short signals.
func reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// frame turns the window samples in s.frame[:WindowSamples] into one row
// of features. Batch and streaming both call it, which is what makes them
// bit-identical.
func (e *Extractor) frame(s *frameScratch, out []float32) {
	c := e.cfg
	x := s.frame[:c.WindowSamples]
	if c.RemoveDC {
		var sum float32
		for _, v := range x {
			sum += v
		}
		mean := sum / float32(len(x))
		for i := range x {
			x[i] -= mean
		}
	}
	if c.Preemphasis != 0 {
		for i := len(x) - 1; i > 0; i-- {
			x[i] -= c.Preemphasis * x[i-1]
		}
		x[0] -= c.Preemphasis * x[0]
	}
	vec.Mul(x, x, e.window[:len(x)])
	s.plan.Power(s.spec, s.frame)
	if c.Spectrum == Magnitude {
		for i, v := range s.spec {
			s.spec[i] = float32(math.Sqrt(float64(v)))
		}
	}
	e.bank.Apply(out, s.spec)
	vec.LogFloorInPlace(out, c.LogFloor)
}
