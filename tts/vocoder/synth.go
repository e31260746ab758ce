package vocoder

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"sort"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/dsp/fft"
)

// Frames are the per-frame parameters of the harmonic-plus-noise
// synthesiser (DDSP, Engel et al. 2020, "DDSP: Differentiable Digital
// Signal Processing", ICLR): frame t is centred on sample t·hop.
//
// Both branches are described by envelopes sampled on the same frequency
// grid (Synthesizer.Grid: the mel filters' edges, extended to Nyquist) and
// read between grid points by linear interpolation, so the parameter count
// does not depend on F0 and every synthesised sample is linear in the
// envelope values.
type Frames struct {
	// F0 in Hz per frame, 0 where unvoiced.
	F0 []float32
	// Harmonic is T×G: the amplitude of a sinusoid at each grid
	// frequency; harmonic k of frame t has amplitude Harmonic(t, k·F0[t]).
	Harmonic []float32
	// Noise is T×G: the noise branch's spectral magnitude at each grid
	// frequency (see Synthesizer for its scale).
	Noise []float32
}

// NumFrames returns T.
func (f *Frames) NumFrames() int { return len(f.F0) }

// Synthesizer turns Frames into samples and, for training, carries
// gradients of the samples back to the Frames. It holds scratch buffers
// and is not safe for concurrent use; it is cheap to make one per
// goroutine.
//
// The harmonic branch accumulates phase sample by sample from F0
// interpolated linearly between frame centres (unvoiced frames hold their
// voiced neighbour's F0, so phase stays continuous through a pause), and
// sums harmonics k·F0 below HarmonicMaxHz with amplitudes interpolated
// linearly across the hop. sin(kφ) comes from the Chebyshev recurrence
// s_k = 2cos(φ)·s_{k−1} − s_{k−2}, so a sample costs one cosine and four
// flops per harmonic.
//
// The noise branch is filtered Gaussian noise made in the frequency
// domain: per frame, a complex Gaussian spectrum of 2·hop points scaled
// by the interpolated noise envelope, inverse-transformed, shaped by a
// periodic sine window and overlap-added at hop (the squared windows sum
// to one, so the noise is stationary between frames). A noise magnitude M
// gives a TTS-frame power spectrum of 3·W·M²/(8·hop) for window W.
type Synthesizer struct {
	cfg       Config
	grid      []float64 // envelope grid frequencies, Hz, ascending
	nyq       float64
	noiseN    int // 2·hop
	plan      *fft.Real
	win       []float32 // periodic sine window of noiseN
	binIdx    []int32   // noise bin b's grid interval
	binFrac   []float32 // and position in it
	spec      []complex64
	buf       []float32
	ampA      []float64 // harmonic amplitudes at the segment's two ends
	ampB      []float64
	phase     []float64
	c2        []float64
	sPrev     []float64
	sCur      []float64
	acc       []float64
	gradSpec  []complex64
	dSeg0     []float64 // harmonic amplitude gradients at a segment's ends
	dSeg1     []float64
	dCarry    []float64 // the next frame's, carried from the segment before
	f0fill    []float64
	pcg       rand.PCG
	est       estimator
	flops     int64
	normal    *rand.Rand
	NoiseSeed uint64 // seed of the noise branch; Config.NoiseSeed by default
	// FrameOffset is added to frame indices when seeding each noise frame,
	// so that a signal made in pieces can have the noise of one piece.
	FrameOffset int
	// Phase is the harmonic phase (radians) at sample 0.
	Phase float64
}

// NewSynthesizer validates c and builds its synthesiser.
func NewSynthesizer(c Config) (*Synthesizer, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("new synthesizer: %w", err)
	}
	n := 2 * c.HopSamples
	plan, err := fft.NewReal(n)
	if err != nil {
		return nil, fmt.Errorf("new synthesizer: noise fft %d: %w", n, err)
	}
	s := &Synthesizer{cfg: c, grid: envelopeGrid(c), nyq: float64(c.SampleRate) / 2, noiseN: n, plan: plan, NoiseSeed: c.NoiseSeed}
	s.win = make([]float32, n)
	for i := range s.win {
		s.win[i] = float32(math.Sin(math.Pi * float64(i) / float64(n)))
	}
	bins := n/2 + 1
	s.binIdx = make([]int32, bins)
	s.binFrac = make([]float32, bins)
	for b := range bins {
		i, fr := s.locate(float64(b) * float64(c.SampleRate) / float64(n))
		s.binIdx[b], s.binFrac[b] = int32(i), float32(fr)
	}
	s.spec = make([]complex64, bins)
	s.gradSpec = make([]complex64, bins)
	s.buf = make([]float32, n)
	h := c.HopSamples
	s.phase = make([]float64, h)
	s.c2 = make([]float64, h)
	s.sPrev = make([]float64, h)
	s.sCur = make([]float64, h)
	s.acc = make([]float64, h)
	s.normal = rand.New(&s.pcg)
	return s, nil
}

// envelopeGrid is the mel filterbank's edge frequencies (the centre of
// filter j is edge j+1), continued with the same mel step up to Nyquist,
// whose frequency closes the grid.
func envelopeGrid(c Config) []float64 {
	low, high := feature.HzToMel(c.FMinHz, feature.Slaney), feature.HzToMel(c.FMaxHz, feature.Slaney)
	step := (high - low) / float64(c.NumMels+1)
	nyq := float64(c.SampleRate) / 2
	var grid []float64
	for i := 0; ; i++ {
		hz := feature.MelToHz(low+step*float64(i), feature.Slaney)
		if i > c.NumMels+1 && hz >= nyq-1 || hz > nyq {
			break
		}
		grid = append(grid, hz)
	}
	if grid[len(grid)-1] < nyq {
		grid = append(grid, nyq)
	}
	return grid
}

// FLOPs returns an estimate of the floating-point operations done so far
// by Synthesize, Backward and Estimate (a sine and cosine counted as 20).
func (s *Synthesizer) FLOPs() int64 { return s.flops }

// Config returns the synthesiser's configuration.
func (s *Synthesizer) Config() Config { return s.cfg }

// Grid returns the envelope grid's frequencies in Hz (G values, ascending,
// from FMinHz to Nyquist). The slice is the synthesiser's own.
func (s *Synthesizer) Grid() []float64 { return s.grid }

// locate returns the grid interval i (grid[i] ≤ hz ≤ grid[i+1]) and the
// position of hz in it, clamped to the grid's ends.
func (s *Synthesizer) locate(hz float64) (int, float64) {
	g := s.grid
	if hz <= g[0] {
		return 0, 0
	}
	if hz >= g[len(g)-1] {
		return len(g) - 2, 1
	}
	i := sort.SearchFloat64s(g, hz) - 1 // g[i] < hz ≤ g[i+1]
	return i, (hz - g[i]) / (g[i+1] - g[i])
}

// check panics when fr's slices disagree with each other or the grid:
// callers build Frames from the grid they asked for, so a mismatch is a
// programming error.
func (s *Synthesizer) check(fr *Frames) int {
	T, G := len(fr.F0), len(s.grid)
	if len(fr.Harmonic) != T*G || len(fr.Noise) != T*G {
		panic(fmt.Sprintf("vocoder: %d frames need %d harmonic and noise values, have %d and %d", T, T*G, len(fr.Harmonic), len(fr.Noise)))
	}
	return T
}

// Synthesize writes the T·hop samples of fr to dst (grown as needed) and
// returns it.
func (s *Synthesizer) Synthesize(dst []float32, fr *Frames) []float32 {
	T := s.check(fr)
	n := T * s.cfg.HopSamples
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	clear(dst)
	s.harmonic(dst, fr, nil, nil)
	s.noise(dst, fr, nil, nil)
	return dst
}

// Backward adds to dHarmonic and dNoise (each T×G) the gradient of a loss
// with respect to fr's envelopes, given gradOut, the loss's gradient with
// respect to the T·hop samples Synthesize made from fr (with the same
// NoiseSeed, FrameOffset and Phase). F0 gets no gradient.
func (s *Synthesizer) Backward(fr *Frames, gradOut, dHarmonic, dNoise []float32) {
	T := s.check(fr)
	if len(gradOut) != T*s.cfg.HopSamples || len(dHarmonic) != len(fr.Harmonic) || len(dNoise) != len(fr.Noise) {
		panic(fmt.Sprintf("vocoder: Backward of %d frames given %d output gradients, %d and %d envelope gradients", T, len(gradOut), len(dHarmonic), len(dNoise)))
	}
	s.harmonic(nil, fr, gradOut, dHarmonic)
	s.noise(nil, fr, gradOut, dNoise)
}

// fillF0 writes the F0 the phase follows: voiced frames' own, unvoiced
// frames' previous voiced one (or the next, before the first). It reports
// whether any frame is voiced.
func (s *Synthesizer) fillF0(f0 []float32) bool {
	T := len(f0)
	if cap(s.f0fill) < T {
		s.f0fill = make([]float64, T)
	}
	s.f0fill = s.f0fill[:T]
	last := -1.0
	for t, v := range f0 {
		if v > 0 && !math.IsInf(float64(v), 0) {
			last = min(float64(v), s.nyq/2)
		}
		s.f0fill[t] = last
	}
	if last < 0 {
		return false
	}
	first := -1.0
	for t := T - 1; t >= 0; t-- {
		if s.f0fill[t] > 0 {
			first = s.f0fill[t]
		} else {
			s.f0fill[t] = first
		}
	}
	return true
}

// amplitudes writes frame t's harmonic amplitudes a_k (index k−1) for
// k·F0 ≤ HarmonicMaxHz into dst and returns it; unvoiced frames have
// none.
func (s *Synthesizer) amplitudes(dst []float64, fr *Frames, t int) []float64 {
	dst = dst[:0]
	if !(fr.F0[t] > 0) {
		return dst
	}
	f0 := s.f0fill[t]
	G := len(s.grid)
	env := fr.Harmonic[t*G : (t+1)*G]
	K := int(s.cfg.HarmonicMaxHz / f0)
	i := 0
	for k := 1; k <= K; k++ {
		hz := float64(k) * f0
		for i < G-2 && s.grid[i+1] < hz {
			i++
		}
		fr := (hz - s.grid[i]) / (s.grid[i+1] - s.grid[i])
		fr = min(max(fr, 0), 1)
		dst = append(dst, float64(env[i])+fr*float64(env[i+1]-env[i]))
	}
	return dst
}

// scatterAmplitudes adds the amplitude gradients dA (index k−1) of frame
// t to its envelope gradient, the transpose of amplitudes.
func (s *Synthesizer) scatterAmplitudes(dEnv []float32, dA []float64, fr *Frames, t int) {
	if !(fr.F0[t] > 0) || len(dA) == 0 {
		return
	}
	f0 := s.f0fill[t]
	G := len(s.grid)
	d := dEnv[t*G : (t+1)*G]
	i := 0
	for k := 1; k <= len(dA); k++ {
		hz := float64(k) * f0
		for i < G-2 && s.grid[i+1] < hz {
			i++
		}
		fr := (hz - s.grid[i]) / (s.grid[i+1] - s.grid[i])
		fr = min(max(fr, 0), 1)
		d[i] += float32(dA[k-1] * (1 - fr))
		d[i+1] += float32(dA[k-1] * fr)
	}
}

// harmonic adds the harmonic branch to out (forward), or with gradOut set
// accumulates the envelope gradient into dEnv (backward).
func (s *Synthesizer) harmonic(out []float32, fr *Frames, gradOut, dEnv []float32) {
	T := len(fr.F0)
	if T == 0 || !s.fillF0(fr.F0) {
		return
	}
	hop := s.cfg.HopSamples
	// Harmonic amplitudes use the F0 of their frame, clamped into the
	// configured range so that the bank never exceeds maxK harmonics.
	for t := range s.f0fill {
		s.f0fill[t] = min(max(s.f0fill[t], s.cfg.F0MinHz), s.nyq/2)
	}
	maxK := int(s.cfg.HarmonicMaxHz/s.cfg.F0MinHz) + 1
	if cap(s.ampA) < maxK {
		s.ampA, s.ampB = make([]float64, 0, maxK), make([]float64, 0, maxK)
		s.dCarry, s.dSeg0, s.dSeg1 = make([]float64, maxK), make([]float64, maxK), make([]float64, maxK)
	}
	w := 2 * math.Pi / float64(s.cfg.SampleRate)
	phase := s.Phase
	bufA, bufB := s.ampA, s.ampB
	a := s.amplitudes(bufA[:0], fr, 0)
	carry := s.dCarry[:maxK]
	clear(carry)
	for t := 0; t < T; t++ {
		next := min(t+1, T-1)
		b := s.amplitudes(bufB[:0], fr, next)
		fa, fb := s.f0fill[t], s.f0fill[next]
		// Phase for the segment [t·hop, (t+1)·hop).
		for i := 0; i < hop; i++ {
			phase += w * (fa + (fb-fa)*float64(i)/float64(hop))
			if phase > 2*math.Pi {
				phase -= 2 * math.Pi
			}
			s.phase[i] = phase
		}
		K := max(len(a), len(b))
		if K > 0 {
			for i, p := range s.phase {
				sn, cs := math.Sincos(p)
				s.c2[i], s.sCur[i], s.sPrev[i] = 2*cs, sn, 0
			}
			s.flops += int64(hop) * (20 + 6*int64(K))
			if gradOut == nil {
				s.bank(out[t*hop:(t+1)*hop], a, b, K)
			} else {
				d0, d1 := s.dSeg0[:K], s.dSeg1[:K]
				clear(d0)
				clear(d1)
				s.bankBackward(gradOut[t*hop:(t+1)*hop], d0, d1, K)
				for k := range a {
					carry[k] += d0[k]
					if next == t {
						// The last frame holds its amplitudes: both ends are a.
						carry[k] += d1[k]
					}
				}
				s.scatterAmplitudes(dEnv, carry[:len(a)], fr, t)
				clear(carry)
				copy(carry, d1)
			}
		} else if gradOut != nil {
			clear(carry)
		}
		a = b
		bufA, bufB = bufB, bufA
	}
}

// bank adds Σ_k amp_k(i)·sin(k·φ_i) for k = 1..K to out, amp_k going
// linearly from a[k−1] to b[k−1] across the segment (missing entries are
// 0). s.c2, s.sCur, s.sPrev hold 2cos φ, sin φ and 0. Harmonics go two at
// a time, so each pass over the segment loads and stores the recurrence
// and the accumulator once for two.
func (s *Synthesizer) bank(out []float32, a, b []float64, K int) {
	hop := len(out)
	acc := s.acc[:hop]
	clear(acc)
	c2, sCur, sPrev := s.c2[:hop], s.sCur[:hop], s.sPrev[:hop]
	inv := 1 / float64(hop)
	ends := func(k int) (float64, float64) {
		var a0, a1 float64
		if k < len(a) {
			a0 = a[k]
		}
		if k < len(b) {
			a1 = b[k]
		}
		return a0, (a1 - a0) * inv
	}
	k := 0
	// Four harmonics a pass where there are four: the same arithmetic per
	// sample, in the same order, as two passes of two (so the same bits),
	// with half the loads and stores of the recurrence and accumulator.
	for ; k+3 < K; k += 4 {
		amp1, da1 := ends(k)
		amp2, da2 := ends(k + 1)
		amp3, da3 := ends(k + 2)
		amp4, da4 := ends(k + 3)
		c2, sCur, sPrev := c2[:len(acc)], sCur[:len(acc)], sPrev[:len(acc)]
		for i, c := range c2 {
			s1 := sCur[i]
			s2 := c*s1 - sPrev[i]
			v := acc[i] + (amp1*s1 + amp2*s2)
			s3 := c*s2 - s1
			s4 := c*s3 - s2
			acc[i] = v + (amp3*s3 + amp4*s4)
			amp1 += da1
			amp2 += da2
			amp3 += da3
			amp4 += da4
			sPrev[i], sCur[i] = s4, c*s4-s3
		}
	}
	for ; k+1 < K; k += 2 {
		amp1, da1 := ends(k)
		amp2, da2 := ends(k + 1)
		for i := range acc {
			s1, c := sCur[i], c2[i]
			s2 := c*s1 - sPrev[i]
			acc[i] += amp1*s1 + amp2*s2
			amp1 += da1
			amp2 += da2
			sPrev[i], sCur[i] = s2, c*s2-s1
		}
	}
	if k < K {
		amp, da := ends(k)
		for i := range acc {
			acc[i] += amp * sCur[i]
			amp += da
		}
	}
	for i := range out {
		out[i] += float32(acc[i])
	}
}

// bankBackward is bank's transpose: it adds to dA[k] and dB[k] the
// gradients of the segment's start and end amplitudes given the samples'
// gradient g.
func (s *Synthesizer) bankBackward(g []float32, dA, dB []float64, K int) {
	hop := len(g)
	c2, sCur, sPrev := s.c2[:hop], s.sCur[:hop], s.sPrev[:hop]
	gw := s.acc[:hop] // g·(i/hop): the end amplitude's weight
	inv := 1 / float64(hop)
	for i, v := range g {
		gw[i] = float64(v) * float64(i) * inv
	}
	k := 0
	for ; k+1 < K; k += 2 {
		var t1, e1, t2, e2 float64 // Σ g·s and Σ g·α·s for both harmonics
		for i := range gw {
			s1, c := sCur[i], c2[i]
			s2 := c*s1 - sPrev[i]
			gi, wi := float64(g[i]), gw[i]
			t1 += gi * s1
			e1 += wi * s1
			t2 += gi * s2
			e2 += wi * s2
			sPrev[i], sCur[i] = s2, c*s2-s1
		}
		dA[k] += t1 - e1
		dB[k] += e1
		dA[k+1] += t2 - e2
		dB[k+1] += e2
	}
	if k < K {
		var t1, e1 float64
		for i := range gw {
			t1 += float64(g[i]) * sCur[i]
			e1 += gw[i] * sCur[i]
		}
		dA[k] += t1 - e1
		dB[k] += e1
	}
}

// noiseSpectrum fills s.spec with frame t's Gaussian spectrum (unit
// expected power per bin, DC and Nyquist zero), unscaled.
func (s *Synthesizer) noiseSpectrum(t int) {
	s.pcg.Seed(s.NoiseSeed, uint64(int64(t+s.FrameOffset)))
	half := float32(math.Sqrt(0.5))
	s.spec[0] = 0
	for b := 1; b < len(s.spec)-1; b++ {
		s.spec[b] = complex(half*float32(s.normal.NormFloat64()), half*float32(s.normal.NormFloat64()))
	}
	s.spec[len(s.spec)-1] = 0
}

// noise adds the noise branch to out (forward), or with gradOut set
// accumulates the envelope gradient into dEnv (backward).
func (s *Synthesizer) noise(out []float32, fr *Frames, gradOut, dEnv []float32) {
	T := len(fr.F0)
	hop, n := s.cfg.HopSamples, s.noiseN
	G := len(s.grid)
	total := T * hop
	for t := 0; t < T; t++ {
		env := fr.Noise[t*G : (t+1)*G]
		start := t*hop - n/2
		s.noiseSpectrum(t)
		s.flops += int64(5*n/2*bits.Len(uint(n))) + int64(10*n)
		if gradOut == nil {
			spec, binIdx, binFrac := s.spec[:len(s.spec)-1], s.binIdx[:len(s.spec)-1], s.binFrac[:len(s.spec)-1]
			for b := 1; b < len(spec); b++ {
				i, f := binIdx[b], binFrac[b]
				m := env[i] + f*(env[i+1]-env[i])
				// A real gain scales both parts: what multiplying by
				// complex(m, 0) gives, without its four products.
				spec[b] = complex(real(spec[b])*m, imag(spec[b])*m)
			}
			s.plan.Inverse(s.buf, s.spec)
			// Overlap-add the samples that fall inside the signal.
			lo, hi := max(0, -start), min(n, total-start)
			if lo < hi {
				dst, win := out[start+lo:start+hi], s.win[lo:hi]
				for i, v := range s.buf[lo:hi] {
					dst[i] += v * win[i]
				}
			}
			continue
		}
		// dL/dM_b = (2/n)·Re(Z_b·conj(U_b)), U the spectrum of the
		// windowed output gradient.
		for i := range s.buf {
			var v float32
			if j := start + i; j >= 0 && j < total {
				v = gradOut[j] * s.win[i]
			}
			s.buf[i] = v
		}
		z := s.spec
		s.plan.Forward(s.gradSpec, s.buf)
		d := dEnv[t*G : (t+1)*G]
		scale := 2 / float32(n)
		for b := 1; b < len(z)-1; b++ {
			ub := s.gradSpec[b]
			dm := scale * (real(z[b])*real(ub) + imag(z[b])*imag(ub))
			i, f := s.binIdx[b], s.binFrac[b]
			d[i] += dm * (1 - f)
			d[i+1] += dm * f
		}
	}
}
