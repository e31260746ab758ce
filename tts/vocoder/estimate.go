package vocoder

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/internal/vec"
)

// estimator holds what the pure-DSP estimate needs from the filterbank.
type estimator struct {
	bandScale []float64 // 1/Σ_b w_jb: a band's mean bin power per unit of its mel energy
	hFrac     []float64 // harmonic share of a voiced frame's envelope, per grid point
	// resp[q] is the mel energy a unit-amplitude sinusoid at q·respStep Hz
	// puts into filters respFirst[q] .. respFirst[q]+respWidth−1.
	resp      []float64
	respFirst []int
	respStep  float64
	// Per-frame scratch of the harmonic refinement.
	kIdx   []int     // harmonic k's grid interval
	kFrac  []float64 // and position in it
	kResp  []int     // the offset of its row of resp
	kFirst []int     // and the first filter that row reaches
	pred   []float64 // predicted harmonic mel energies
	ratio  []float64
	num    []float64
	den    []float64
	target []float64
	hPow   []float64 // harmonic amplitude² on the grid
	exp32  []float32
}

// respWidth bounds how many mel filters one sinusoid reaches through the
// window's main lobe: adjacent triangles overlap pairwise, and the lobe
// spreads two bins either side.
const respWidth = 6

// hannLobe is |Ŵ(δ)|²/(W/2)² for a periodic Hann window of many points, δ
// bins from its centre: (sinc δ / (1 − δ²))².
func hannLobe(d float64) float64 {
	d = math.Abs(d)
	switch {
	case d < 1e-9:
		return 1
	case math.Abs(d-1) < 1e-9:
		return 0.25
	}
	v := math.Sin(math.Pi*d) / (math.Pi * d) / (1 - d*d)
	return v * v
}

func newEstimator(c Config, grid []float64) estimator {
	fb := feature.NewFilterbank(c.Features())
	e := estimator{bandScale: make([]float64, c.NumMels), hFrac: make([]float64, len(grid))}
	for j := range e.bandScale {
		var sum float64
		for _, w := range fb.Weights(j) {
			sum += float64(w)
		}
		if sum > 0 {
			e.bandScale[j] = 1 / sum
		}
	}
	for i, hz := range grid {
		r := hz / c.VoicingCutoffHz
		e.hFrac[i] = (1 - c.NoiseFloor) / (1 + r*r*r*r)
	}
	// A sinusoid of amplitude A at f gives |X_b|² = (A·W/4)²·lobe(b − f/Δf)
	// in the TTS frames; the filters weigh those bins. The table's
	// frequencies are eighths of a bin, so the lobe takes only 8×8 values,
	// and each bin is under at most two triangles: building it costs
	// little at start-up.
	binHz := float64(c.SampleRate) / float64(c.FFTSize)
	const sub = 8
	e.respStep = binHz / sub
	nq := int(min(c.HarmonicMaxHz, c.FMaxHz)/e.respStep) + 2
	type tap struct {
		j int
		w float64
	}
	byBin := make([][]tap, fb.NumBins())
	for j := range c.NumMels {
		for b, w := range fb.Weights(j) {
			if w != 0 {
				byBin[b] = append(byBin[b], tap{j, float64(w)})
			}
		}
	}
	peak := float64(c.WindowSamples) * float64(c.WindowSamples) / 16
	var lobe [sub][8]float64 // lobe[q mod sub][b − (q/sub − 3)]
	for f := range sub {
		for d := range 8 {
			lobe[f][d] = peak * hannLobe(float64(d-3)-float64(f)/sub)
		}
	}
	e.resp = make([]float64, nq*respWidth)
	e.respFirst = make([]int, nq)
	row := make([]float64, c.NumMels)
	for q := range nq {
		clear(row)
		lo, hi := c.NumMels, -1
		base := q/sub - 3
		for d := range 8 {
			b := base + d
			if b < 0 || b >= len(byBin) {
				continue
			}
			g := lobe[q%sub][d]
			for _, tp := range byBin[b] {
				row[tp.j] += tp.w * g
				lo, hi = min(lo, tp.j), max(hi, tp.j)
			}
		}
		first := 0
		if hi >= 0 {
			first = min(lo, c.NumMels-respWidth)
		}
		e.respFirst[q] = first
		copy(e.resp[q*respWidth:(q+1)*respWidth], row[first:])
	}
	e.pred = make([]float64, c.NumMels)
	e.ratio = make([]float64, c.NumMels)
	e.target = make([]float64, c.NumMels)
	e.hPow = make([]float64, len(grid))
	e.exp32 = make([]float32, c.NumMels)
	e.num = make([]float64, len(grid))
	e.den = make([]float64, len(grid))
	return e
}

// refineHarmonic improves a voiced frame's harmonic power envelope p (on
// the grid; harmonic k has power p(k·f0) by linear interpolation) so that
// the mel energies its harmonics would produce through the window and the
// filterbank match target: iterations of the multiplicative update for
// the generalised Kullback–Leibler divergence (Lee and Seung 2001,
// "Algorithms for non-negative matrix factorization", NIPS), which
// keeps p non-negative and weighs errors relatively, as the log-mels do.
// Grid points no harmonic reaches keep their values.
func (e *estimator) refineHarmonic(p []float64, f0 float64, grid []float64, maxHz float64, iterations int) {
	K := int(min(maxHz, float64(len(e.respFirst)-2)*e.respStep) / f0)
	if K < 1 || iterations <= 0 {
		return
	}
	e.kIdx, e.kFrac, e.kResp, e.kFirst = e.kIdx[:0], e.kFrac[:0], e.kResp[:0], e.kFirst[:0]
	i := 0
	for k := 1; k <= K; k++ {
		hz := float64(k) * f0
		for i < len(grid)-2 && grid[i+1] < hz {
			i++
		}
		e.kIdx = append(e.kIdx, i)
		e.kFrac = append(e.kFrac, min(max((hz-grid[i])/(grid[i+1]-grid[i]), 0), 1))
		q := int(hz/e.respStep + 0.5)
		e.kResp = append(e.kResp, q*respWidth)
		e.kFirst = append(e.kFirst, e.respFirst[q])
	}
	kIdx, kFrac, kResp, kFirst := e.kIdx[:K], e.kFrac[:K], e.kResp[:K], e.kFirst[:K]
	// The denominators Σ_k (share of grid point i)·Σ_w resp are the same
	// every iteration: sum them once, in the order the update always did,
	// so the result is bit for bit what it was.
	clear(e.den)
	for k := range K {
		var d float64
		for _, r := range (*[respWidth]float64)(e.resp[kResp[k]:]) {
			d += r
		}
		i, fr := kIdx[k], kFrac[k]
		e.den[i] += (1 - fr) * d
		e.den[i+1] += fr * d
	}
	tiny := 1e-30
	// The loops over a row of resp are written out (respWidth is 6): the
	// compiler does not unroll them, and their counters cost as much as the
	// arithmetic. The operations and their order are those of the loops.
	target := e.target
	predAll, ratioAll := e.pred[:len(target)], e.ratio[:len(target)]
	num, den := e.num, e.den[:len(e.num)]
	p = p[:len(num)]
	for range iterations {
		clear(predAll)
		for k, i := range kIdx {
			fr := kFrac[k]
			a2 := p[i] + fr*(p[i+1]-p[i])
			// Fixed-size views: respFirst[q] ≤ NumMels−respWidth by
			// construction, and the sums run without bounds checks.
			r := (*[respWidth]float64)(e.resp[kResp[k]:])
			pred := (*[respWidth]float64)(predAll[kFirst[k]:])
			pred[0] += r[0] * a2
			pred[1] += r[1] * a2
			pred[2] += r[2] * a2
			pred[3] += r[3] * a2
			pred[4] += r[4] * a2
			pred[5] += r[5] * a2
		}
		for j, t := range target {
			ratioAll[j] = t / (predAll[j] + tiny)
		}
		clear(num)
		for k, i := range kIdx {
			r := (*[respWidth]float64)(e.resp[kResp[k]:])
			ratio := (*[respWidth]float64)(ratioAll[kFirst[k]:])
			var n float64
			n += r[0] * ratio[0]
			n += r[1] * ratio[1]
			n += r[2] * ratio[2]
			n += r[3] * ratio[3]
			n += r[4] * ratio[4]
			n += r[5] * ratio[5]
			fr := kFrac[k]
			num[i] += (1 - fr) * n
			num[i+1] += fr * n
		}
		for i, d := range den {
			if d > 0 {
				p[i] *= num[i] / d
			}
		}
	}
}

// Estimate writes to dst the pure-DSP parameters for T frames of TTS
// log-mels (T×NumMels, frame-major) and F0 (T values, 0 unvoiced),
// growing its slices as needed.
//
// The envelope is the filterbank's band-average inverse: mel band j's
// energy divided by its weight sum is the mean power of the FFT bins under
// it, placed at the band's centre, interpolated linearly between centres
// by the grid and extended above FMaxHz with TopBandGain times the last
// band. A voiced frame splits that power between harmonics and noise by a
// fixed voicing profile (Config.VoicingCutoffHz, NoiseFloor); an unvoiced
// frame is all noise. Powers become amplitudes by the periodogram of each
// branch under the TTS window W (periodic Hann, Σw² = 3W/8):
//
//	harmonics F0 apart, amplitude A:  mean bin power P = 3·W·fs·A²/(32·F0)
//	noise of magnitude M:             P = 3·W·M²/(8·hop)
//
// so each branch reproduces its share of the mel energy.
func (s *Synthesizer) Estimate(dst *Frames, logMels, f0 []float32) error {
	c := s.cfg
	T := len(f0)
	if len(logMels) != T*c.NumMels {
		return fmt.Errorf("vocoder estimate: %d log-mels for %d frames of %d mels", len(logMels), T, c.NumMels)
	}
	if s.est.bandScale == nil {
		s.est = newEstimator(c, s.grid)
	}
	G := len(s.grid)
	dst.F0 = grow(dst.F0, T)
	dst.Harmonic = grow(dst.Harmonic, T*G)
	dst.Noise = grow(dst.Noise, T*G)
	W := float64(c.WindowSamples)
	fs := float64(c.SampleRate)
	noiseScale := 8 * float64(c.HopSamples) / (3 * W)
	floor := math.Log(float64(c.LogFloor))
	for t := 0; t < T; t++ {
		v := f0[t]
		if !(v > 0) || math.IsInf(float64(v), 0) {
			v = 0
		} else {
			// A predicted F0 may stray: outside the tracker's range the
			// harmonic count would run away (below) or alias (above).
			v = float32(min(max(float64(v), c.F0MinHz), float64(c.SampleRate)/4))
		}
		dst.F0[t] = v
		mel := logMels[t*c.NumMels : (t+1)*c.NumMels]
		h := dst.Harmonic[t*G : (t+1)*G]
		nz := dst.Noise[t*G : (t+1)*G]
		harmScale := 32 * float64(v) / (3 * W * fs)
		hp := s.est.hPow
		bandPow := s.est.target // band j's energy, exp(mel_j)
		e32 := s.est.exp32
		for j, lm := range mel {
			if !(lm >= float32(floor)) { // also catches NaN
				lm = float32(floor)
			}
			e32[j] = min(lm, 30)
		}
		vec.ExpInPlace(e32)
		for j, v := range e32 {
			bandPow[j] = float64(v)
		}
		for i := range G {
			j := min(max(i-1, 0), c.NumMels-1) // grid point i+1 is band i's centre
			p := bandPow[j] * s.est.bandScale[j]
			if i > c.NumMels {
				p *= c.TopBandGain
			}
			hf := 0.0
			if v > 0 {
				hf = s.est.hFrac[i]
			}
			hp[i] = hf * p * harmScale
			nz[i] = float32(math.Sqrt((1 - hf) * p * noiseScale))
		}
		if v > 0 && c.EstimateIterations > 0 {
			for j := range bandPow {
				bandPow[j] *= s.est.hFrac[j+1] // the harmonics' share is their target
			}
			s.est.refineHarmonic(hp, float64(v), s.grid, c.HarmonicMaxHz, c.EstimateIterations)
			s.flops += int64(c.EstimateIterations) * int64(c.HarmonicMaxHz/float64(v)*30+float64(3*c.NumMels))
		}
		for i, v := range hp {
			h[i] = float32(math.Sqrt(v))
		}
		s.flops += int64(G) * 60
	}
	return nil
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
