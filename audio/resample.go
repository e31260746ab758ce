package audio

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// Filter design of the resampler. The stopband starts at the Nyquist
// frequency of the lower of the two rates, so nothing above it aliases
// (downsampling) or images (upsampling) by more than -stopbandDB; the
// transition band below it is transitionWidth of that Nyquist frequency
// (passband flat to 0.85 of it: 6.8 kHz for 16 kHz output).
const (
	stopbandDB      = 80.0 // designed; at least 70 dB is measured in tests
	transitionWidth = 0.15
	// maxPolyphase bounds the precomputed table (coefficients); rate pairs
	// whose reduced ratio needs more phases interpolate the filter instead.
	maxPolyphase = 1 << 20
	// fineSteps is how finely (per zero crossing of the sinc) the filter is
	// tabulated for interpolation; linear interpolation then errs by about
	// (π/fineSteps)²/8 of the peak, -100 dB.
	fineSteps = 512
	// maxBlock bounds the outputs computed as one block (4·up) and the
	// input stride (down); other rate pairs compute outputs one at a time.
	maxBlock = 4096
	// maxDownsampling bounds from/to: the filter's length grows with it
	// (about 200 taps per unit of ratio).
	maxDownsampling = 1000
)

// kaiserBeta is β for a given attenuation (Kaiser 1974; Oppenheim &
// Schafer eq. 7.62).
func kaiserBeta(attDB float64) float64 {
	switch {
	case attDB > 50:
		return 0.1102 * (attDB - 8.7)
	case attDB >= 21:
		return 0.5842*math.Pow(attDB-21, 0.4) + 0.07886*(attDB-21)
	}
	return 0
}

// besselI0 is the zeroth-order modified Bessel function of the first kind,
// by the polynomial approximations of Abramowitz & Stegun 9.8.1 and 9.8.2
// (relative error below 2e-7, far under what an 80 dB window needs), which
// keep building a resampler's table fast.
func besselI0(x float64) float64 {
	ax := math.Abs(x)
	if ax < 3.75 {
		y := (x / 3.75) * (x / 3.75)
		return 1 + y*(3.5156229+y*(3.0899424+y*(1.2067492+y*(0.2659732+y*(0.0360768+y*0.0045813)))))
	}
	y := 3.75 / ax
	return math.Exp(ax) / math.Sqrt(ax) * (0.39894228 + y*(0.01328592+y*(0.00225319+y*(-0.00157565+y*(0.00916281+
		y*(-0.02057706+y*(0.02635537+y*(-0.01647633+y*0.00392377))))))))
}

// lowpass is the continuous windowed-sinc kernel h(t), t in input samples:
// g·sinc(g·t)·w(t/half), where g is the cutoff as a fraction of the input
// Nyquist frequency and w the Kaiser window.
type lowpass struct {
	g, beta, i0beta float64
	half            int // the kernel is zero for |t| >= half
}

func designLowpass(from, to Rate) lowpass {
	low := float64(min(from, to))
	ratio := low / float64(from) // ≤ 1
	g := (1 - transitionWidth/2) * ratio
	// Kaiser length for the transition width, in input samples (O&S 7.63).
	dw := math.Pi * transitionWidth * ratio
	n := (stopbandDB - 8) / (2.285 * dw)
	beta := kaiserBeta(stopbandDB)
	return lowpass{g: g, beta: beta, i0beta: besselI0(beta), half: int(math.Ceil(n/2)) + 1}
}

func (lp lowpass) at(t float64) float64 {
	x := t / float64(lp.half)
	if x <= -1 || x >= 1 {
		return 0
	}
	s := 1.0
	if t != 0 {
		a := math.Pi * lp.g * t
		s = math.Sin(a) / a
	}
	return lp.g * s * besselI0(lp.beta*math.Sqrt(1-x*x)) / lp.i0beta
}

// resampler is a streaming polyphase resampler by the rational factor
// up/down (Crochiere & Rabiner, "Multirate Digital Signal Processing",
// 1983, §3.3). Output sample k sits at input time k·down/up; its value is
// Σ x[i]·h(k·down/up − i) over the taps around it. The filter is
// zero-phase, so the output is aligned with the input and ends at
// ceil(len·up/down) samples.
type resampler struct {
	src      Source
	to       Rate
	up, down int
	lp       lowpass
	taps     int       // 2·half, rounded up to a multiple of 8 with zero taps
	table    []float32 // up rows of taps coefficients, or nil
	blocks   bool      // outputs may be computed in blocks of 4·up
	fine     []float32 // h(t) for t ≥ 0 in steps of fineStep, when table is nil
	fineStep float64
	row      []float32 // scratch row when interpolating

	buf      []float32 // input samples from absolute index bufStart
	bufStart int64
	n        int64 // integer part of the next output's input time
	phase    int   // fractional part, in units of 1/up
	outDone  int64
	outTotal int64 // known once the input ended, else -1
	eof      bool
	srcErr   error
	err      error
}

// Resample converts src to the rate to with a band-limited (windowed-sinc,
// Kaiser) polyphase filter: at least 70 dB of rejection of everything above
// the lower Nyquist frequency, flat to within 0.01 dB below 0.85 of it. It
// streams: Read returns as soon as it has output, reading src at most until
// the first output sample is ready, so a live source adds no latency. When the rates
// match it returns src itself. A rate that is not positive gives a Source
// whose Read fails.
func Resample(src Source, to Rate) Source {
	from := src.SampleRate()
	if from == to {
		return src
	}
	if from <= 0 || to <= 0 || from > maxRate || to > maxRate {
		return &failedSource{rate: to, err: fmt.Errorf("resample: unsupported rates %d -> %d Hz", int(from), int(to))}
	}
	if from > maxDownsampling*to {
		// The filter grows with the ratio: refuse what would need an
		// absurd one rather than allocate it.
		return &failedSource{rate: to, err: fmt.Errorf("resample: %d -> %d Hz is more than %dx downsampling", int(from), int(to), maxDownsampling)}
	}
	g := gcd(int(from), int(to))
	r := &resampler{
		src: src, to: to, up: int(to) / g, down: int(from) / g,
		lp: designLowpass(from, to), outTotal: -1,
	}
	r.taps = (2*r.lp.half + 7) &^ 7
	// Row p holds the taps of phase p/up: tap j multiplies input index
	// n-half+1+j, at distance t = half-1-j+p/up from the output time.
	if r.up*r.taps <= maxPolyphase {
		// Every coefficient is h at a multiple of 1/up; h is even, so
		// evaluate each distance once.
		half := r.lp.half
		hm := make([]float32, half*r.up+1)
		for m := range hm {
			hm[m] = float32(r.lp.at(float64(m) / float64(r.up)))
		}
		r.table = make([]float32, r.up*r.taps)
		for p := range r.up {
			row := r.table[p*r.taps : (p+1)*r.taps]
			for j := range 2 * half {
				m := (half-1-j)*r.up + p
				if m < 0 {
					m = -m
				}
				if m < len(hm) {
					row[j] = hm[m]
				}
			}
		}
	} else {
		r.fineStep = 1 / (r.lp.g * fineSteps)
		size := int(float64(r.lp.half)/r.fineStep) + 2
		r.fine = make([]float32, size)
		for i := range r.fine {
			r.fine[i] = float32(r.lp.at(float64(i) * r.fineStep))
		}
		r.row = make([]float32, r.taps)
	}
	r.blocks = r.table != nil && 4*r.up <= maxBlock && r.down <= maxBlock
	extra := 0
	if r.blocks {
		extra = 4 * r.down
	}
	r.bufStart = -int64(r.lp.half - 1)
	r.buf = make([]float32, r.lp.half-1, extra+2*r.taps+4096)
	return r
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (r *resampler) SampleRate() Rate { return r.to }

// coefficients returns the taps for the current phase.
func (r *resampler) coefficients() []float32 {
	if r.table != nil {
		return r.table[r.phase*r.taps : (r.phase+1)*r.taps]
	}
	frac := float64(r.phase) / float64(r.up)
	for j := range 2 * r.lp.half {
		t := math.Abs(float64(r.lp.half-1-j) + frac)
		x := t / r.fineStep
		i := int(x)
		if i+1 >= len(r.fine) {
			r.row[j] = 0
			continue
		}
		f := float32(x - float64(i))
		r.row[j] = r.fine[i] + f*(r.fine[i+1]-r.fine[i])
	}
	return r.row
}

// Read implements Source.
func (r *resampler) Read(p []float32) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	out := 0
	half := int64(r.lp.half)
	for out < len(p) {
		if r.outTotal >= 0 && r.outDone >= r.outTotal {
			r.err = io.EOF
			break
		}
		// One past the last input this output reads (taps ≥ 2·half: the
		// rounding taps have zero coefficients but must exist).
		need := r.n - half + 1 + int64(r.taps)
		if block := 4 * r.up; r.blocks && len(p)-out >= block {
			// Outputs k+i and k+i+up share a phase (the same taps) and sit
			// down input samples apart, so four outputs per phase share
			// each coefficient load: a block of 4·up outputs is computed
			// phase by phase. Blocks use only input already buffered, so
			// they add no latency on a live source.
			blockNeed := need + 4*int64(r.down)
			if r.bufStart+int64(len(r.buf)) >= blockNeed && (r.outTotal < 0 || r.outTotal-r.outDone >= int64(block)) {
				r.block(p[out : out+block])
				out += block
				continue
			}
		}
		// Once some output is ready, return it rather than wait for more
		// input: a live source (a microphone) blocks in Read.
		for r.bufStart+int64(len(r.buf)) < need && out == 0 && r.fill() {
		}
		if r.bufStart+int64(len(r.buf)) < need {
			break // output so far, or the source failed
		}
		if r.outTotal >= 0 && r.outDone >= r.outTotal {
			r.err = io.EOF
			break
		}
		lo := int(r.n - half + 1 - r.bufStart)
		p[out] = dot(r.buf[lo:lo+r.taps], r.coefficients())
		out++
		r.outDone++
		r.phase += r.down
		r.n += int64(r.phase / r.up)
		r.phase %= r.up
	}
	if out > 0 {
		return out, nil
	}
	if r.err == nil {
		r.err = r.srcErr
	}
	return 0, r.err
}

// block computes len(dst) = 4·up outputs starting at the current position
// and advances past them.
func (r *resampler) block(dst []float32) {
	half := int64(r.lp.half)
	phase, n := r.phase, r.n
	for i := range r.up {
		lo := int(n - half + 1 - r.bufStart)
		var four [4]float32
		dot4(r.buf[lo:], r.down, r.table[phase*r.taps:(phase+1)*r.taps], four[:])
		dst[i], dst[i+r.up], dst[i+2*r.up], dst[i+3*r.up] = four[0], four[1], four[2], four[3]
		phase += r.down
		n += int64(phase / r.up)
		phase %= r.up
	}
	// After up outputs the phase is back where it started, down inputs on.
	r.n += 4 * int64(r.down)
	r.outDone += int64(len(dst))
}

// fill reads more input into buf, reporting false when no more will come.
func (r *resampler) fill() bool {
	if r.eof || r.srcErr != nil {
		return false
	}
	// Drop what no future output needs.
	if keep := int(r.n - int64(r.lp.half) + 1 - r.bufStart); keep > 0 && keep >= len(r.buf)/2 {
		r.buf = r.buf[:copy(r.buf, r.buf[keep:])]
		r.bufStart += int64(keep)
	}
	if cap(r.buf)-len(r.buf) < 1024 {
		r.buf = append(r.buf, make([]float32, 4096)...)[:len(r.buf)]
	}
	for tries := 0; ; tries++ {
		n, err := r.src.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		switch {
		case err == io.EOF:
			r.eof = true
			inEnd := r.bufStart + int64(len(r.buf))
			r.outTotal = ceilDiv(inEnd*int64(r.up), int64(r.down))
			// Zeros past the end feed the last outputs' right-hand taps.
			r.buf = append(r.buf, make([]float32, r.taps)...)
			return true
		case err != nil:
			r.srcErr = err
			return n > 0
		case n > 0:
			return true
		case tries > 100:
			r.srcErr = errors.Join(io.ErrNoProgress, errors.New("resample: source returned no samples"))
			return false
		}
	}
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// remaining reports how many samples are left when the source knows its
// own length.
func (r *resampler) remaining() (int64, bool) {
	if r.outTotal >= 0 {
		return r.outTotal - r.outDone, true
	}
	h, ok := r.src.(lengthHinter)
	if !ok {
		return 0, false
	}
	left, ok := h.remaining()
	if !ok {
		return 0, false
	}
	inEnd := r.bufStart + int64(len(r.buf)) + left
	return max(ceilDiv(inEnd*int64(r.up), int64(r.down))-r.outDone, 0), true
}

// dot is the inner product of two equal-length slices whose length is a
// multiple of 8; eight accumulators keep the FPU pipelines busy.
func dot(x, h []float32) float32 {
	x = x[:len(h)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	for len(h) >= 8 {
		hh := h[:8:8]
		xx := x[:8:8]
		s0 += xx[0] * hh[0]
		s1 += xx[1] * hh[1]
		s2 += xx[2] * hh[2]
		s3 += xx[3] * hh[3]
		s4 += xx[4] * hh[4]
		s5 += xx[5] * hh[5]
		s6 += xx[6] * hh[6]
		s7 += xx[7] * hh[7]
		h, x = h[8:], x[8:]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// dot4 computes four outputs whose inputs start stride samples apart:
// out[k] = Σ_j h[j]·x[k·stride+j]. Sharing each coefficient load among
// four products (and eight accumulators) roughly doubles dot's speed.
func dot4(x []float32, stride int, h []float32, out []float32) {
	n := len(h)
	x0 := x[:n]
	x1 := x[stride : stride+n]
	x2 := x[2*stride : 2*stride+n]
	x3 := x[3*stride : 3*stride+n]
	out = out[:4]
	var a0, a1, a2, a3, b0, b1, b2, b3 float32
	for i := 0; i+1 < n; i += 2 {
		h0, h1 := h[i], h[i+1]
		a0 += x0[i] * h0
		a1 += x1[i] * h0
		a2 += x2[i] * h0
		a3 += x3[i] * h0
		b0 += x0[i+1] * h1
		b1 += x1[i+1] * h1
		b2 += x2[i+1] * h1
		b3 += x3[i+1] * h1
	}
	out[0], out[1], out[2], out[3] = a0+b0, a1+b1, a2+b2, a3+b3
}

// failedSource is a Source whose Read always fails.
type failedSource struct {
	rate Rate
	err  error
}

func (f *failedSource) SampleRate() Rate            { return f.rate }
func (f *failedSource) Read([]float32) (int, error) { return 0, f.err }
