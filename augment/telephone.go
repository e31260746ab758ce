package augment

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/audio"
)

// telephoneRate is the narrowband telephone sample rate (ITU-T G.711).
const telephoneRate audio.Rate = 8000

// Telephone returns x (at rate) as a narrowband telephone line would pass
// it: resampled to 8 kHz, band-passed to 300-3400 Hz (4th-order Butterworth
// each side, the G.712 channel), optionally companded through 8-bit G.711
// mu-law, and resampled back to rate. The length is kept.
func Telephone(x []float32, rate audio.Rate, muLaw bool) ([]float32, error) {
	if rate <= 0 {
		return nil, fmt.Errorf("telephone: sample rate %d", rate)
	}
	nb, err := audio.ReadAll(audio.Resample(&sliceSource{x, rate}, telephoneRate))
	if err != nil {
		return nil, fmt.Errorf("telephone: %w", err)
	}
	for _, q := range []biquad{
		butterworth(300, float64(telephoneRate), true), butterworth(300, float64(telephoneRate), true),
		butterworth(3400, float64(telephoneRate), false), butterworth(3400, float64(telephoneRate), false),
	} {
		q.run32(nb)
	}
	if muLaw {
		for i, v := range nb {
			nb[i] = muLawRoundTrip(v)
		}
	}
	out, err := audio.ReadAll(audio.Resample(&sliceSource{nb, telephoneRate}, rate))
	if err != nil {
		return nil, fmt.Errorf("telephone: %w", err)
	}
	if len(out) > len(x) {
		out = out[:len(x)]
	}
	for len(out) < len(x) {
		out = append(out, 0)
	}
	return out, nil
}

// muLawRoundTrip quantises v to 8-bit mu-law (mu = 255, the continuous
// companding law of G.711) and back.
func muLawRoundTrip(v float32) float32 {
	const mu = 255.0
	x := math.Max(-1, math.Min(1, float64(v)))
	y := math.Copysign(math.Log1p(mu*math.Abs(x))/math.Log1p(mu), x)
	return muLawDecode[int(math.Round(y*127))+127]
}

// muLawDecode expands the 255 codes -127..127 (table: Pow per sample was
// a third of Telephone's time).
var muLawDecode = func() (t [255]float32) {
	const mu = 255.0
	for i := range t {
		q := float64(i-127) / 127
		t[i] = float32(math.Copysign((math.Pow(1+mu, math.Abs(q))-1)/mu, q))
	}
	return t
}()
