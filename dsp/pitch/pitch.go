package pitch

import (
	"errors"
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/fft"
)

// Config describes a pitch tracker; it round-trips through JSON.
type Config struct {
	SampleRate int     `json:"sample_rate"`
	HopSamples int     `json:"hop_samples"`
	MinHz      float64 `json:"min_hz"`
	MaxHz      float64 `json:"max_hz"`
	// Threshold is YIN's absolute threshold on the cumulative mean
	// normalised difference d': the period is the first dip below it
	// (followed to its minimum), or the global minimum if there is none.
	Threshold float64 `json:"threshold"`
	// VoicingThreshold: a frame is voiced when d' at the chosen period is
	// below it. Separating it from Threshold keeps the period choice
	// strict (few octave errors) while weaker periodicity still counts as
	// voiced, as in Praat.
	VoicingThreshold float64 `json:"voicing_threshold"`
	// SilenceRatio: frames whose peak amplitude is below this fraction of
	// the utterance's peak are unvoiced; 0 disables the check.
	SilenceRatio float64 `json:"silence_ratio"`
}

// Default returns the tracker configuration for a sample rate: 10 ms hop,
// 50–500 Hz, threshold 0.2, voicing threshold 0.35, silence ratio 0.03.
// The two thresholds were chosen on the Praat goldens in testdata (see
// golden_test.go).
func Default(sampleRate int) Config {
	return Config{
		SampleRate:       sampleRate,
		HopSamples:       sampleRate / 100,
		MinHz:            50,
		MaxHz:            500,
		Threshold:        0.2,
		VoicingThreshold: 0.35,
		SilenceRatio:     0.03,
	}
}

// ErrConfig is wrapped by every validation failure.
var ErrConfig = errors.New("invalid pitch config")

// Validate reports the first problem with c, wrapping ErrConfig.
func (c Config) Validate() error {
	switch {
	case c.SampleRate < 1000 || c.SampleRate > 384000:
		return fmt.Errorf("%w: sample_rate %d outside 1000..384000", ErrConfig, c.SampleRate)
	case c.HopSamples <= 0:
		return fmt.Errorf("%w: hop_samples %d not positive", ErrConfig, c.HopSamples)
	case !(c.MinHz >= 10) || !(c.MaxHz > c.MinHz) || c.MaxHz > float64(c.SampleRate)/4:
		return fmt.Errorf("%w: need 10 <= min_hz (%g) < max_hz (%g) <= sample_rate/4", ErrConfig, c.MinHz, c.MaxHz)
	case !(c.Threshold > 0 && c.Threshold < 1):
		return fmt.Errorf("%w: threshold %g outside (0, 1)", ErrConfig, c.Threshold)
	case !(c.VoicingThreshold > 0 && c.VoicingThreshold < 1):
		return fmt.Errorf("%w: voicing_threshold %g outside (0, 1)", ErrConfig, c.VoicingThreshold)
	case !(c.SilenceRatio >= 0 && c.SilenceRatio < 1):
		return fmt.Errorf("%w: silence_ratio %g outside [0, 1)", ErrConfig, c.SilenceRatio)
	}
	return nil
}

// FrameRate returns frames per second.
func (c Config) FrameRate() float64 { return float64(c.SampleRate) / float64(c.HopSamples) }

// Track is the per-frame result of a Tracker; all slices have one value
// per frame.
type Track struct {
	// F0 in Hz, 0 where the frame is unvoiced.
	F0 []float32
	// Aperiodicity is the YIN dip d'(τ) at the chosen period (0 perfectly
	// periodic, near 1 noise); 1 where no period was found.
	Aperiodicity []float32
	// RMS is the root-mean-square amplitude of the hop-long stretch centred
	// on the frame (frame energy; square it for power).
	RMS []float32
}

// Tracker runs YIN with one Config. Its scratch buffers make it unsafe for
// concurrent use; give each goroutine its own.
type Tracker struct {
	cfg            Config
	tauMin, tauMax int
	win            int // integration window W
	plan           *fft.Real
	seg, a         []float32 // segment (W + tauMax) and its first W, zero-padded
	specA, specB   []complex64
	corr           []float32
	cum            []float64 // prefix sums of squares over the segment
	cmnd           []float64
	diff           []float64 // d(τ)
	track          Track
}

// New validates c and builds its tracker.
func New(c Config) (*Tracker, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("new pitch tracker: %w", err)
	}
	t := &Tracker{cfg: c}
	t.tauMax = int(math.Ceil(float64(c.SampleRate) / c.MinHz))
	t.tauMin = max(2, int(math.Floor(float64(c.SampleRate)/c.MaxHz)))
	t.win = t.tauMax
	n := fftSize(t.win + t.tauMax + t.win)
	plan, err := fft.NewReal(n)
	if err != nil {
		return nil, fmt.Errorf("new pitch tracker: %w", err)
	}
	t.plan = plan
	t.seg = make([]float32, n)
	t.a = make([]float32, n)
	t.specA = make([]complex64, n/2+1)
	t.specB = make([]complex64, n/2+1)
	t.corr = make([]float32, n)
	t.cum = make([]float64, t.win+t.tauMax+1)
	t.cmnd = make([]float64, t.tauMax+2)
	t.diff = make([]float64, t.tauMax+2)
	return t, nil
}

// fftSize is the smallest 2^a·3^b·5^c ≥ n (even) that dsp/fft plans.
func fftSize(n int) int {
	best := 1 << 62
	for p2 := 2; p2 < 2*n+2; p2 *= 2 {
		for p3 := p2; p3 < 2*n+2; p3 *= 3 {
			for p5 := p3; p5 < 2*n+2; p5 *= 5 {
				if p5 >= n && p5 < best {
					best = p5
				}
			}
		}
	}
	return best
}

// Config returns the tracker's configuration.
func (t *Tracker) Config() Config { return t.cfg }

// NumFrames returns how many frames a signal of n samples gives.
func (c Config) NumFrames(n int) int {
	if n <= 0 {
		return 0
	}
	return 1 + n/c.HopSamples
}

// Track analyses a whole utterance. The returned Track's slices are the
// tracker's own buffers, valid until the next call.
func (t *Tracker) Track(samples []float32) Track {
	c := t.cfg
	n := c.NumFrames(len(samples))
	t.track.F0 = resize(t.track.F0, n)
	t.track.Aperiodicity = resize(t.track.Aperiodicity, n)
	t.track.RMS = resize(t.track.RMS, n)
	var peak float32
	for _, v := range samples {
		peak = max(peak, abs32(v))
	}
	silence := float32(c.SilenceRatio) * peak
	segLen := t.win + t.tauMax
	for f := 0; f < n; f++ {
		center := f * c.HopSamples
		// The integration window [center − W/2, center + W/2) is centred on
		// the frame; the lags reach forward from it. (Centring the whole
		// segment instead puts the analysis ~τ_max/2 early: on the Praat
		// goldens that costs 3 points of F0 agreement.)
		start := center - t.win/2
		var framePeak float32
		for i := 0; i < segLen; i++ {
			var v float32
			if j := start + i; j >= 0 && j < len(samples) {
				v = samples[j]
			}
			t.seg[i] = v
			framePeak = max(framePeak, abs32(v))
		}
		t.track.RMS[f] = rms(samples, center-c.HopSamples/2, c.HopSamples)
		period, dip := t.yin()
		t.track.Aperiodicity[f] = float32(dip)
		if period > 0 && dip < c.VoicingThreshold && framePeak > silence && peak > 0 {
			t.track.F0[f] = float32(float64(c.SampleRate) / period)
		} else {
			t.track.F0[f] = 0
		}
	}
	return t.track
}

// yin returns the period in samples (0 if none in range) and the
// normalised difference at it, for the segment in t.seg[:W+tauMax].
func (t *Tracker) yin() (period, dip float64) {
	w, tauMax := t.win, t.tauMax
	segLen := w + tauMax
	// r(τ) = Σ_{j<W} x_j·x_{j+τ} by FFT cross-correlation.
	copy(t.a[:w], t.seg[:w])
	t.plan.Forward(t.specA, t.a)
	t.plan.Forward(t.specB, t.seg)
	for k := range t.specA {
		t.specB[k] *= complex(real(t.specA[k]), -imag(t.specA[k]))
	}
	t.plan.Inverse(t.corr, t.specB)
	t.cum[0] = 0
	for i := 0; i < segLen; i++ {
		v := float64(t.seg[i])
		t.cum[i+1] = t.cum[i] + v*v
	}
	e0 := t.cum[w]
	if e0 == 0 {
		return 0, 1
	}
	// d'(τ) = d(τ)·τ / Σ_{k=1..τ} d(k), d'(0) = 1.
	t.cmnd[0] = 1
	var running float64
	for tau := 1; tau <= tauMax; tau++ {
		d := e0 + (t.cum[tau+w] - t.cum[tau]) - 2*float64(t.corr[tau])
		d = max(d, 0)
		t.diff[tau] = d
		running += d
		if running > 0 {
			t.cmnd[tau] = d * float64(tau) / running
		} else {
			t.cmnd[tau] = 1
		}
	}
	// First dip below the threshold, followed down to its minimum; else
	// the global minimum (reported with its dip, so the caller can see
	// the frame is aperiodic).
	best := -1
	for tau := t.tauMin; tau <= tauMax; tau++ {
		if t.cmnd[tau] < t.cfg.Threshold {
			for tau+1 <= tauMax && t.cmnd[tau+1] < t.cmnd[tau] {
				tau++
			}
			best = tau
			break
		}
	}
	if best < 0 {
		best = t.tauMin
		for tau := t.tauMin; tau <= tauMax; tau++ {
			if t.cmnd[tau] < t.cmnd[best] {
				best = tau
			}
		}
	}
	// A minimum on the edge of the range is no period.
	if best == tauMax {
		return 0, t.cmnd[best]
	}
	// Parabolic interpolation through the three points around the minimum
	// of the raw difference function d (YIN step 5; d' is biased by its
	// τ-dependent normalisation).
	y0, y1, y2 := t.diff[best-1], t.diff[best], t.diff[best+1]
	shift := 0.0
	if den := y0 - 2*y1 + y2; den > 0 {
		shift = 0.5 * (y0 - y2) / den
		shift = max(-1, min(1, shift))
	}
	return float64(best) + shift, t.cmnd[best]
}

func resize(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// rms is the root-mean-square of x[start : start+n], zeros outside x.
func rms(x []float32, start, n int) float32 {
	var sum float64
	for i := max(start, 0); i < min(start+n, len(x)); i++ {
		sum += float64(x[i]) * float64(x[i])
	}
	return float32(math.Sqrt(sum / float64(n)))
}
