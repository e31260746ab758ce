package augment

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mynah-speech/mynah/dsp/fft"
)

// SpeedOfSound in air at about 20 °C, in m/s.
const SpeedOfSound = 343.0

// Room is a shoebox room for the image-source method: its size, the
// reverberation time that sets its walls' reflection coefficient, and the
// source and microphone positions, all in metres from one corner.
type Room struct {
	Size        [3]float64
	RT60        float64 // seconds
	Source, Mic [3]float64
}

// Validate reports a room the method cannot simulate.
func (r Room) Validate() error {
	for i := range 3 {
		if !(r.Size[i] > 0.5 && r.Size[i] < 100) {
			return fmt.Errorf("room size %v: each side must be 0.5-100 m", r.Size)
		}
		if r.Source[i] <= 0 || r.Source[i] >= r.Size[i] || r.Mic[i] <= 0 || r.Mic[i] >= r.Size[i] {
			return errors.New("room: source and microphone must be inside")
		}
	}
	if !(r.RT60 >= 0.05 && r.RT60 <= 3) {
		return fmt.Errorf("room RT60 %v s: must be 0.05-3 s", r.RT60)
	}
	return nil
}

// reflection is the walls' pressure reflection coefficient from Sabine's
// formula, RT60 = 0.161 V / (S alpha), with alpha = 1 - beta^2.
func (r Room) reflection() float64 {
	v := r.Size[0] * r.Size[1] * r.Size[2]
	s := 2 * (r.Size[0]*r.Size[1] + r.Size[0]*r.Size[2] + r.Size[1]*r.Size[2])
	alpha := math.Min(1, 0.161*v/(s*r.RT60))
	return math.Sqrt(1 - alpha)
}

// RandomRoom draws a room like those a phone or laptop hears speech in:
// sides 3-10 m by 2.4-4 m high, RT60 0.15-0.8 s, the talker and the
// microphone at least 0.5 m from the walls and 0.3-3 m apart.
func RandomRoom(rng *rand.Rand) Room {
	var r Room
	r.Size = [3]float64{uniform(rng, 3, 10), uniform(rng, 3, 8), uniform(rng, 2.4, 4)}
	r.RT60 = uniform(rng, 0.15, 0.8)
	for {
		for i := range 3 {
			r.Source[i] = uniform(rng, 0.5, r.Size[i]-0.5)
		}
		r.Source[2] = uniform(rng, 1.2, math.Min(1.9, r.Size[2]-0.3))
		for i := range 3 {
			r.Mic[i] = uniform(rng, 0.5, r.Size[i]-0.5)
		}
		r.Mic[2] = uniform(rng, 0.7, math.Min(1.6, r.Size[2]-0.3))
		if d := dist(r.Source, r.Mic); d >= 0.3 && d <= 3 {
			return r
		}
	}
}

func dist(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

// sincHalf is the half-length, in taps, of the windowed-sinc fractional
// delay each image is placed with (Peterson, "Simulating the response of
// multiple microphones to a single acoustic source in a reverberant room",
// JASA 80(5), 1986).
const sincHalf = 16

// RIR returns the room's impulse response at rate (Hz), scaled so the
// direct path has gain 1, and the index of the direct path's tap. It
// follows Allen and Berkley (1979): every image of the source in the
// mirrored lattice of rooms, up to the RT60 (at most 1 s), contributes
// beta^reflections / distance at its delay; the result is high-pass
// filtered at 80 Hz, as their paper does, to remove the method's DC bias.
func RIR(r Room, rate int) ([]float32, int, error) {
	if err := r.Validate(); err != nil {
		return nil, 0, err
	}
	if rate < 1000 || rate > 192000 {
		return nil, 0, fmt.Errorf("rir: sample rate %d", rate)
	}
	beta := r.reflection()
	tmax := math.Min(r.RT60, 1)
	n := int(tmax*float64(rate)) + 2*sincHalf + 1
	h := make([]float64, n)
	maxDist := tmax * SpeedOfSound
	direct := dist(r.Source, r.Mic)
	var order [3]int
	for i := range 3 {
		order[i] = int(math.Ceil(maxDist/(2*r.Size[i]))) + 1
	}
	betaPow := make([]float64, 2*(order[0]+order[1]+order[2])+8)
	betaPow[0] = 1
	for i := 1; i < len(betaPow); i++ {
		betaPow[i] = betaPow[i-1] * beta
	}
	var pos [3]float64
	for nx := -order[0]; nx <= order[0]; nx++ {
		for ny := -order[1]; ny <= order[1]; ny++ {
			for nz := -order[2]; nz <= order[2]; nz++ {
				for q := range 8 {
					qx, qy, qz := q&1, (q>>1)&1, (q>>2)&1
					pos[0] = float64(1-2*qx)*r.Source[0] + 2*float64(nx)*r.Size[0]
					pos[1] = float64(1-2*qy)*r.Source[1] + 2*float64(ny)*r.Size[1]
					pos[2] = float64(1-2*qz)*r.Source[2] + 2*float64(nz)*r.Size[2]
					d := dist(pos, r.Mic)
					if d > maxDist {
						continue
					}
					refl := iabs(nx-qx) + iabs(nx) + iabs(ny-qy) + iabs(ny) + iabs(nz-qz) + iabs(nz)
					amp := betaPow[refl] * direct / d
					addFractional(h, d/SpeedOfSound*float64(rate)+sincHalf, amp)
				}
			}
		}
	}
	highPass80(h, float64(rate))
	// Scale so the direct path is 1 whatever the filter did to it.
	directTap := int(math.Round(direct/SpeedOfSound*float64(rate))) + sincHalf
	peak := 0.0
	for i := max(0, directTap-2); i <= min(n-1, directTap+2); i++ {
		peak = math.Max(peak, math.Abs(h[i]))
	}
	out := make([]float32, n)
	if peak == 0 {
		peak = 1
	}
	for i, v := range h {
		out[i] = float32(v / peak)
	}
	return out, directTap, nil
}

func iabs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// sincRes is the resolution of the windowed-sinc table, in steps per
// sample; linear interpolation between steps keeps the error near 1e-4.
const sincRes = 64

// windowedSinc holds w(x)·sinc(x) for x = k/sincRes - sincHalf, with w the
// Hann window over [-sincHalf, sincHalf]: computed once, since evaluating
// sin and cos for every tap of hundreds of thousands of images was the
// whole cost of RIR.
var windowedSinc = func() []float64 {
	t := make([]float64, 2*sincHalf*sincRes+2)
	for k := range t {
		x := float64(k)/sincRes - sincHalf
		if math.Abs(x) <= sincHalf {
			t[k] = 0.5 * (1 + math.Cos(math.Pi*x/sincHalf)) * sinc(x)
		}
	}
	return t
}()

// addFractional adds amp times a Hann-windowed sinc centred at position t.
func addFractional(h []float64, t, amp float64) {
	c := int(math.Floor(t))
	for i := c - sincHalf + 1; i <= c+sincHalf; i++ {
		if i < 0 || i >= len(h) {
			continue
		}
		pos := (float64(i) - t + sincHalf) * sincRes
		k := int(pos)
		f := pos - float64(k)
		h[i] += amp * (windowedSinc[k]*(1-f) + windowedSinc[k+1]*f)
	}
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// highPass80 is Allen and Berkley's post-filter: a 2nd-order Butterworth
// high-pass at 80 Hz (bilinear transform), applied in place.
func highPass80(x []float64, rate float64) {
	bq := butterworth(80, rate, true)
	bq.run(x)
}

// Convolve returns x convolved with h, truncated to len(x) samples that
// start at the tap shift (the direct path's delay, so the reverberant
// speech stays aligned with its transcript). It uses the FFT of
// dsp/fft (overlap of the whole signal: one transform of the next power of
// two at or above len(x)+len(h)-1).
func Convolve(x, h []float32, shift int) []float32 {
	if len(x) == 0 || len(h) == 0 {
		return make([]float32, len(x))
	}
	need := len(x) + len(h) - 1
	size := 64
	for size < need {
		size *= 2
	}
	plan, err := fft.NewReal(size)
	if err != nil {
		panic("augment: power-of-two FFT refused: " + err.Error()) // cannot happen: 2^k >= 64 is always planned
	}
	a := make([]float32, size)
	b := make([]float32, size)
	copy(a, x)
	copy(b, h)
	fa := make([]complex64, plan.Bins())
	fb := make([]complex64, plan.Bins())
	plan.Forward(fa, a)
	plan.Forward(fb, b)
	for i := range fa {
		fa[i] *= fb[i]
	}
	plan.Inverse(a, fa)
	shift = max(0, min(shift, size-len(x)))
	return append([]float32(nil), a[shift:shift+len(x)]...)
}
