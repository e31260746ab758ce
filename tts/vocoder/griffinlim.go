package vocoder

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/dsp/fft"
)

// GriffinLim inverts T frames of TTS log-mels to T·hop samples by the
// Griffin–Lim algorithm (Griffin and Lim 1984, "Signal estimation from
// modified short-time Fourier transform", IEEE TASSP 32(2)): magnitudes
// from the filterbank's band-average inverse, then iterations of
// alternating projections between those magnitudes and consistent STFTs.
// It is a debugging baseline for the vocoder, not a voice: slow and
// phasey.
func GriffinLim(c Config, logMels []float32, iterations int, seed uint64) ([]float32, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("griffin-lim: %w", err)
	}
	T := len(logMels) / max(c.NumMels, 1)
	if len(logMels) != T*c.NumMels {
		return nil, fmt.Errorf("griffin-lim: %d log-mels is not whole frames of %d", len(logMels), c.NumMels)
	}
	n, hop, W := c.FFTSize, c.HopSamples, c.WindowSamples
	plan, err := fft.NewReal(n)
	if err != nil {
		return nil, fmt.Errorf("griffin-lim: %w", err)
	}
	fb := feature.NewFilterbank(c.Features())
	bins := n/2 + 1
	// Each bin's power interpolates the band-average powers of the filters'
	// centres (linear in Hz).
	centres := make([]float64, c.NumMels)
	scale := make([]float64, c.NumMels)
	lowMel, highMel := feature.HzToMel(c.FMinHz, feature.Slaney), feature.HzToMel(c.FMaxHz, feature.Slaney)
	for j := range centres {
		centres[j] = feature.MelToHz(lowMel+(highMel-lowMel)*float64(j+1)/float64(c.NumMels+1), feature.Slaney)
		var sum float64
		for _, w := range fb.Weights(j) {
			sum += float64(w)
		}
		scale[j] = 1 / sum
	}
	mag := make([]float32, T*bins)
	for t := range T {
		mel := logMels[t*c.NumMels : (t+1)*c.NumMels]
		j := 0
		for b := range bins {
			hz := float64(b) * float64(c.SampleRate) / float64(n)
			for j < c.NumMels-2 && centres[j+1] < hz {
				j++
			}
			fr := min(max((hz-centres[j])/(centres[j+1]-centres[j]), 0), 1)
			p0 := math.Exp(float64(mel[j])) * scale[j]
			p1 := math.Exp(float64(mel[j+1])) * scale[j+1]
			p := p0 + fr*(p1-p0)
			if hz > c.FMaxHz {
				p *= c.TopBandGain
			}
			mag[t*bins+b] = float32(math.Sqrt(p))
		}
	}
	win := feature.Window(feature.Hann, W)
	off := n/2 - (n-W)/2 // where frame t's window starts before t·hop
	total := T * hop
	// Window-square normalisation of the overlap-add.
	norm := make([]float32, total)
	for t := range T {
		for i, w := range win {
			if j := t*hop - off + i; j >= 0 && j < total {
				norm[j] += w * w
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	spec := make([]complex64, T*bins)
	for i := range spec {
		ph := 2 * math.Pi * rng.Float64()
		spec[i] = complex(mag[i]*float32(math.Cos(ph)), mag[i]*float32(math.Sin(ph)))
	}
	x := make([]float32, total)
	frame := make([]float32, n)
	buf := make([]complex64, bins)
	istft := func() {
		clear(x)
		for t := range T {
			plan.Inverse(frame, spec[t*bins:(t+1)*bins])
			for i, w := range win {
				if j := t*hop - off + i; j >= 0 && j < total {
					x[j] += w * frame[i]
				}
			}
		}
		for i := range x {
			if norm[i] > 1e-3 {
				x[i] /= norm[i]
			}
		}
	}
	for range iterations {
		istft()
		for t := range T {
			clear(frame)
			for i, w := range win {
				if j := t*hop - off + i; j >= 0 && j < total {
					frame[i] = w * x[j]
				}
			}
			plan.Forward(buf, frame)
			for b := range bins {
				v := buf[b]
				a := float32(math.Hypot(float64(real(v)), float64(imag(v))))
				m := mag[t*bins+b]
				if a > 1e-12 {
					spec[t*bins+b] = complex(real(v)*m/a, imag(v)*m/a)
				} else {
					spec[t*bins+b] = complex(m, 0)
				}
			}
		}
	}
	istft()
	return x, nil
}
