package augment

import (
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mynah-speech/mynah/dsp/fft"
)

var errEOF = io.EOF

// Power is the mean square of x (0 for an empty slice).
func Power(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s / float64(len(x))
}

// activeFrame is 20 ms at 16 kHz; activeRange is how far below the loud
// frames a frame may be and still count as speech.
const (
	activeFrame   = 320
	activeRangeDB = 35
)

// ActivePower is the mean square of x over its active frames: 20 ms frames
// whose power is within 35 dB of the 95th-percentile frame. It is a
// simplified ITU-T P.56 active speech level: pauses and leading silence do
// not count, and one click does not set the reference. Signals shorter than
// a frame, or with no active frame, fall back to Power.
func ActivePower(x []float32) float64 {
	nf := len(x) / activeFrame
	if nf < 2 {
		return Power(x)
	}
	fp := make([]float64, nf)
	for i := range fp {
		fp[i] = Power(x[i*activeFrame : (i+1)*activeFrame])
	}
	sorted := slices.Clone(fp)
	slices.Sort(sorted)
	ref := sorted[int(0.95*float64(nf-1))]
	if ref == 0 {
		return Power(x)
	}
	thr := ref * math.Pow(10, -activeRangeDB/10)
	var s float64
	var n int
	for _, p := range fp {
		if p >= thr {
			s += p
			n++
		}
	}
	return s / float64(n)
}

// MixAtSNR adds noise to speech in place, scaled so that the speech's
// active power over the noise's power is snrDB decibels. noise must be at
// least as long as speech (only the first len(speech) samples are used).
// It returns the gain applied to the noise; silent speech or noise adds
// nothing and returns 0.
func MixAtSNR(speech, noise []float32, snrDB float64) float64 {
	noise = noise[:len(speech)]
	ps, pn := ActivePower(speech), Power(noise)
	if ps == 0 || pn == 0 {
		return 0
	}
	g := math.Sqrt(ps / (pn * math.Pow(10, snrDB/10)))
	gf := float32(g)
	for i, v := range noise {
		speech[i] += gf * v
	}
	return g
}

// Segment returns n samples of clip from a random start, wrapping around
// to its beginning when the clip is shorter than n (noise loops).
func Segment(clip []float32, n int, rng *rand.Rand) []float32 {
	out := make([]float32, n)
	if len(clip) == 0 {
		return out
	}
	pos := rng.IntN(len(clip))
	for i := 0; i < n; {
		k := copy(out[i:], clip[pos:])
		i += k
		pos = 0
	}
	return out
}

// Named noise colours: the exponent beta of a 1/f^beta power spectrum.
const (
	White  = 0.0
	Pink   = 1.0
	Brown  = 2.0
	Blue   = -1.0
	Violet = -2.0
)

// Coloured returns n samples of Gaussian noise with a 1/f^beta power
// spectrum and unit power, shaped in the frequency domain: white noise is
// transformed, bin k scaled by k^(-beta/2) (DC removed), and transformed
// back.
func Coloured(n int, beta float64, rng *rand.Rand) []float32 {
	if n <= 0 {
		return nil
	}
	size := 64
	for size < n {
		size *= 2
	}
	plan, err := fft.NewReal(size)
	if err != nil {
		panic("augment: power-of-two FFT refused: " + err.Error()) // impossible: 2^k is always planned
	}
	x := make([]float32, size)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	if beta != 0 {
		spec := make([]complex64, plan.Bins())
		plan.Forward(spec, x)
		spec[0] = 0
		for k := 1; k < len(spec); k++ {
			spec[k] *= complex(float32(math.Pow(float64(k), -beta/2)), 0)
		}
		plan.Inverse(x, spec)
	}
	x = x[:n]
	if p := Power(x); p > 0 {
		g := float32(1 / math.Sqrt(p))
		for i := range x {
			x[i] *= g
		}
	}
	return x
}

// Babble returns n samples of babble: the talkers (other utterances of the
// training set) each normalised to unit active power, cut from a random
// start, looped to length and summed, then scaled to unit power. With no
// talkers it returns silence.
func Babble(n int, talkers [][]float32, rng *rand.Rand) []float32 {
	out := make([]float32, n)
	for _, t := range talkers {
		p := ActivePower(t)
		if p == 0 {
			continue
		}
		g := float32(1 / math.Sqrt(p))
		seg := Segment(t, n, rng)
		for i, v := range seg {
			out[i] += g * v
		}
	}
	if p := Power(out); p > 0 {
		g := float32(1 / math.Sqrt(p))
		for i := range out {
			out[i] *= g
		}
	}
	return out
}
