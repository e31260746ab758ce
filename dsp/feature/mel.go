package feature

import (
	"math"

	"github.com/mynah-speech/mynah/internal/vec"
)

// HzToMel converts a frequency to the given mel scale.
func HzToMel(hz float64, scale MelScale) float64 {
	if scale == HTK {
		return 2595 * math.Log10(1+hz/700)
	}
	// Slaney: 3 mels per 66.67 Hz below 1 kHz, then log-spaced with
	// 27 mels per factor 6.4.
	const fSp = 200.0 / 3
	const minLogHz, minLogMel = 1000.0, 1000.0 / fSp
	logStep := math.Log(6.4) / 27
	if hz >= minLogHz {
		return minLogMel + math.Log(hz/minLogHz)/logStep
	}
	return hz / fSp
}

// MelToHz is the inverse of HzToMel.
func MelToHz(mel float64, scale MelScale) float64 {
	if scale == HTK {
		return 700 * (math.Pow(10, mel/2595) - 1)
	}
	const fSp = 200.0 / 3
	const minLogHz, minLogMel = 1000.0, 1000.0 / fSp
	logStep := math.Log(6.4) / 27
	if mel >= minLogMel {
		return minLogHz * math.Exp(logStep*(mel-minLogMel))
	}
	return mel * fSp
}

// Filterbank is a mel filterbank stored sparsely: filter j weighs the
// spectrum bins start[j] .. start[j]+len(weights of j)−1. Where the vector
// kernels are assembly, Apply runs on a copy laid out as a
// vec.BandMatrix8 (eight filters per vector multiply); the pure-Go path
// keeps the sparse loop, which does less work without SIMD.
type Filterbank struct {
	numBins int
	start   []int
	offset  []int // weights[offset[j]:offset[j+1]] belong to filter j
	weights []float32
	band    *vec.BandMatrix8 // nil on the pure-Go path
}

// NewFilterbank builds the mel filterbank c describes over the c.FFTSize/2+1
// bins of a real FFT. Weights are computed in float64 and stored as
// float32.
func NewFilterbank(c Config) *Filterbank {
	numBins := c.FFTSize/2 + 1
	lowMel, highMel := HzToMel(c.FMinHz, c.MelScale), HzToMel(c.FMaxHz, c.MelScale)
	edgesMel := make([]float64, c.NumMels+2)
	edgesHz := make([]float64, c.NumMels+2)
	for i := range edgesMel {
		// torchaudio: linspace(m_min, m_max, n_mels+2); Kaldi:
		// low + i·delta. Both are this.
		edgesMel[i] = lowMel + (highMel-lowMel)*float64(i)/float64(c.NumMels+1)
		edgesHz[i] = MelToHz(edgesMel[i], c.MelScale)
	}
	fb := &Filterbank{numBins: numBins, offset: []int{0}}
	row := make([]float64, numBins)
	for j := 0; j < c.NumMels; j++ {
		for b := range row {
			hz := float64(b) * float64(c.SampleRate) / float64(c.FFTSize)
			var w float64
			if c.Triangles == MelTriangles {
				// Kaldi's MelBanks: linear in mel, open interval, and the
				// Nyquist bin is never weighed.
				mel := HzToMel(hz, c.MelScale)
				l, m, r := edgesMel[j], edgesMel[j+1], edgesMel[j+2]
				if b < numBins-1 && mel > l && mel < r {
					if mel <= m {
						w = (mel - l) / (m - l)
					} else {
						w = (r - mel) / (r - m)
					}
				}
			} else {
				// librosa / torchaudio melscale_fbanks: linear in Hz.
				l, m, r := edgesHz[j], edgesHz[j+1], edgesHz[j+2]
				w = math.Max(0, math.Min((hz-l)/(m-l), (r-hz)/(r-m)))
			}
			if c.MelNorm == SlaneyNorm {
				w *= 2 / (edgesHz[j+2] - edgesHz[j])
			}
			row[b] = w
		}
		// Store only the nonzero run (a triangle is one run).
		first, last := 0, -1
		for b, w := range row {
			if w != 0 {
				if last < 0 {
					first = b
				}
				last = b
			}
		}
		fb.start = append(fb.start, first)
		for b := first; b <= last; b++ {
			fb.weights = append(fb.weights, float32(row[b]))
		}
		fb.offset = append(fb.offset, len(fb.weights))
	}
	if vec.Path() != "purego" {
		runs := make([][]float32, c.NumMels)
		for j := range runs {
			runs[j] = fb.weights[fb.offset[j]:fb.offset[j+1]]
		}
		band, err := vec.NewBandMatrix8(numBins, fb.start, runs)
		if err != nil {
			panic("feature: filterbank runs outside the spectrum: " + err.Error()) // built in range above
		}
		fb.band = band
	}
	return fb
}

// NumMels returns the number of filters.
func (fb *Filterbank) NumMels() int { return len(fb.start) }

// NumBins returns the number of spectrum bins the filters weigh.
func (fb *Filterbank) NumBins() int { return fb.numBins }

// Weights returns the dense weight of filter j on every bin, for
// inspection and for inverting the filterbank (TTS vocoders).
func (fb *Filterbank) Weights(j int) []float32 {
	dense := make([]float32, fb.numBins)
	copy(dense[fb.start[j]:], fb.weights[fb.offset[j]:fb.offset[j+1]])
	return dense
}

// Apply writes dst[j] = Σ_b weight[j][b]·spectrum[b]. The spectrum must be
// finite (a power or magnitude spectrum is): the vector path multiplies
// the zeros between a filter and its neighbours too, and 0·Inf is NaN.
// The two paths add in different orders, so their last bits may differ.
func (fb *Filterbank) Apply(dst, spectrum []float32) {
	if fb.band != nil {
		fb.band.MulVec(dst, spectrum)
		return
	}
	fb.applySparse(dst, spectrum)
}

// applySparse is Apply on the sparse runs, one filter at a time.
func (fb *Filterbank) applySparse(dst, spectrum []float32) {
	dst = dst[:len(fb.start)]
	for j := range dst {
		ws := fb.weights[fb.offset[j]:fb.offset[j+1]]
		sp := spectrum[fb.start[j] : fb.start[j]+len(ws)]
		sp = sp[:len(ws)]
		// Two accumulators halve the add dependency chain.
		var acc0, acc1 float32
		i := 0
		for ; i+1 < len(ws); i += 2 {
			acc0 += ws[i] * sp[i]
			acc1 += ws[i+1] * sp[i+1]
		}
		if i < len(ws) {
			acc0 += ws[i] * sp[i]
		}
		dst[j] = acc0 + acc1
	}
}
