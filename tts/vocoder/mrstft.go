package vocoder

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/dsp/fft"
)

// Resolution is one STFT of the multi-resolution loss: periodic Hann
// windows of WindowSamples every HopSamples, zero-padded to FFTSize.
type Resolution struct {
	FFTSize       int `json:"fft_size"`
	HopSamples    int `json:"hop_samples"`
	WindowSamples int `json:"window_samples"`
}

// DefaultResolutions are the three STFTs of the training loss at 22.05
// kHz: 512, 1024 and 2048 points with hops of a quarter window (23, 46
// and 93 ms windows).
func DefaultResolutions() []Resolution {
	return []Resolution{{512, 128, 512}, {1024, 256, 1024}, {2048, 512, 2048}}
}

// Loss is a multi-resolution STFT distance and its two terms, each the
// mean over resolutions.
type Loss struct {
	Total               float64 `json:"total"`
	SpectralConvergence float64 `json:"spectral_convergence"`
	LogMagnitude        float64 `json:"log_magnitude"`
}

// MRSTFT computes the multi-resolution STFT loss of Parallel WaveGAN
// (Yamamoto, Song and Kim 2020, "Parallel WaveGAN", ICASSP, eq. 1–4):
// for each resolution the spectral convergence ‖|S| − |Ŝ|‖_F / ‖|S|‖_F
// plus the mean absolute log-magnitude difference, averaged over
// resolutions, and its exact gradient with respect to the predicted
// samples (the adjoint of each STFT is an inverse real FFT per frame). It
// holds scratch buffers and is not safe for concurrent use.
type MRSTFT struct {
	res   []Resolution
	plans []*fft.Real
	wins  [][]float32
	frame []float32
	specP []complex64
	specT []complex64
	magP  []float32 // per frame and bin, one resolution at a time
	magT  []float32
	reP   []float32
	imP   []float32
}

// magnitudeFloor is the smallest power |X|² the magnitudes see (Parallel
// WaveGAN's clamp), so silence has a finite log.
const magnitudeFloor = 1e-7

// NewMRSTFT builds the loss for the given resolutions.
func NewMRSTFT(res []Resolution) (*MRSTFT, error) {
	if len(res) == 0 {
		return nil, fmt.Errorf("mrstft: no resolutions")
	}
	m := &MRSTFT{res: append([]Resolution(nil), res...)}
	maxN := 0
	for _, r := range res {
		if r.HopSamples < 1 || r.WindowSamples < 1 || r.WindowSamples > r.FFTSize {
			return nil, fmt.Errorf("mrstft: resolution %+v", r)
		}
		p, err := fft.NewReal(r.FFTSize)
		if err != nil {
			return nil, fmt.Errorf("mrstft: %w", err)
		}
		m.plans = append(m.plans, p)
		m.wins = append(m.wins, feature.Window(feature.Hann, r.WindowSamples))
		maxN = max(maxN, r.FFTSize)
	}
	m.frame = make([]float32, maxN)
	m.specP = make([]complex64, maxN/2+1)
	m.specT = make([]complex64, maxN/2+1)
	return m, nil
}

// Resolutions returns the loss's STFTs.
func (m *MRSTFT) Resolutions() []Resolution { return m.res }

// Loss returns the distance between pred and target (equal lengths;
// frames start at sample 0 and only whole windows count). When grad is
// not nil (len(pred)) the gradient of Total with respect to pred is added
// to it. A signal shorter than a resolution's window contributes nothing
// at that resolution.
func (m *MRSTFT) Loss(pred, target, grad []float32) Loss {
	if len(pred) != len(target) || grad != nil && len(grad) != len(pred) {
		panic(fmt.Sprintf("vocoder: MRSTFT of %d predicted, %d target samples, %d gradients", len(pred), len(target), len(grad)))
	}
	var out Loss
	R := float64(len(m.res))
	for ri, r := range m.res {
		if len(pred) < r.WindowSamples {
			continue
		}
		nf := 1 + (len(pred)-r.WindowSamples)/r.HopSamples
		bins := r.FFTSize/2 + 1
		m.magP = grow(m.magP, nf*bins)
		m.magT = grow(m.magT, nf*bins)
		if grad != nil {
			m.reP = grow(m.reP, nf*bins)
			m.imP = grow(m.imP, nf*bins)
		}
		var diff2, tgt2, logAbs float64
		for f := range nf {
			start := f * r.HopSamples
			m.spectrum(ri, pred[start:start+r.WindowSamples], m.specP)
			m.spectrum(ri, target[start:start+r.WindowSamples], m.specT)
			mp, mt := m.magP[f*bins:(f+1)*bins], m.magT[f*bins:(f+1)*bins]
			for b := range bins {
				p, t := m.specP[b], m.specT[b]
				pp := max(float64(real(p))*float64(real(p))+float64(imag(p))*float64(imag(p)), magnitudeFloor)
				tt := max(float64(real(t))*float64(real(t))+float64(imag(t))*float64(imag(t)), magnitudeFloor)
				ap, at := math.Sqrt(pp), math.Sqrt(tt)
				mp[b], mt[b] = float32(ap), float32(at)
				d := ap - at
				diff2 += d * d
				tgt2 += tt
				logAbs += math.Abs(0.5 * math.Log(pp/tt))
				if grad != nil {
					m.reP[f*bins+b], m.imP[f*bins+b] = real(p), imag(p)
				}
			}
		}
		count := float64(nf * bins)
		sc := math.Sqrt(diff2) / math.Sqrt(tgt2)
		lm := logAbs / count
		out.SpectralConvergence += sc / R
		out.LogMagnitude += lm / R
		if grad == nil {
			continue
		}
		// d SC/d|P| = (|P| − |T|)/(‖P−T‖·‖T‖); d LM/d|P| = sign(log|P|/|T|)/(count·|P|);
		// d|P|/d(re, im) = (re, im)/|P| unless the floor clamped it.
		scK := 0.0
		if diff2 > 0 {
			scK = 1 / (math.Sqrt(diff2) * math.Sqrt(tgt2) * R)
		}
		lmK := 1 / (count * R)
		n := r.FFTSize
		plan, win := m.plans[ri], m.wins[ri]
		for f := range nf {
			for b := range bins {
				i := f*bins + b
				ap, at := float64(m.magP[i]), float64(m.magT[i])
				re, im := float64(m.reP[i]), float64(m.imP[i])
				if re*re+im*im < magnitudeFloor {
					m.specP[b] = 0
					continue
				}
				g := scK * (ap - at)
				switch {
				case ap > at:
					g += lmK / ap
				case ap < at:
					g -= lmK / ap
				}
				g /= ap
				gr, gi := float32(g*re), float32(g*im)
				if b != 0 && b != n/2 {
					gr, gi = gr/2, gi/2
				}
				m.specP[b] = complex(gr, gi)
			}
			plan.Inverse(m.frame[:n], m.specP[:bins])
			start := f * r.HopSamples
			dst := grad[start : start+r.WindowSamples]
			for j, w := range win {
				dst[j] += float32(n) * w * m.frame[j]
			}
		}
	}
	out.Total = out.SpectralConvergence + out.LogMagnitude
	return out
}

// spectrum windows x (one window long) into the zero-padded FFT frame of
// resolution ri and transforms it.
func (m *MRSTFT) spectrum(ri int, x []float32, dst []complex64) {
	n := m.res[ri].FFTSize
	fr := m.frame[:n]
	win := m.wins[ri]
	for j, w := range win {
		fr[j] = w * x[j]
	}
	clear(fr[len(win):])
	m.plans[ri].Forward(dst, fr)
}
