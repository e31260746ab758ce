package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/mynah-speech/mynah/audio"
)

// Config sets how often each perturbation is applied. Probabilities are per
// utterance and independent; the zero value of a field turns it off. See
// DefaultConfig.
type Config struct {
	// Seed makes every draw reproducible (with the utterance key and epoch).
	Seed uint64
	// Rate of the samples (16 kHz in mynah).
	Rate audio.Rate
	// SpeedFactors are drawn uniformly; {0.9, 1, 1.1} is Ko et al. 2015.
	SpeedFactors []float64
	// ReverbProb: convolve with a room from the RIR pool.
	ReverbProb float64
	// Rooms is the size of the RIR pool drawn once from Seed (default 64).
	Rooms int
	// NoiseProb: add noise at an SNR drawn uniformly from SNR (dB). The
	// noise is a bank clip, coloured noise or babble with the weights
	// NoiseWeights (bank, coloured, babble).
	NoiseProb    float64
	SNR          [2]float64
	NoiseWeights [3]float64
	// BabbleTalkers is how many other utterances make babble (a range).
	BabbleTalkers [2]int
	// TelephoneProb: band-limit to the telephone band (half with mu-law).
	TelephoneProb float64
	// GainDB is the range of a final level change.
	GainDB [2]float64
	// PadProb: surround the utterance with quiet room tone, PadSeconds
	// (a range) before and after, at PadLevelDB (a range, dB re full
	// scale, RMS). Trimmed training clips teach a streaming model nothing
	// about the silence before speech, and a corpus whose clips alone
	// start with silence (RAVDESS: two sentences) teaches it to hear
	// those sentences in any silence.
	PadProb    float64
	PadSeconds [2]float64
	PadLevelDB [2]float64
}

// DefaultConfig is the training recipe's default: speed 0.9/1/1.1, reverb
// 30%, noise 50% at 0-20 dB (real noise 60%, coloured 15%, babble 25%),
// telephone band 10%, gain -6..+6 dB.
var DefaultConfig = Config{
	Rate:          16000,
	SpeedFactors:  []float64{0.9, 1, 1.1},
	ReverbProb:    0.3,
	Rooms:         64,
	NoiseProb:     0.5,
	SNR:           [2]float64{0, 20},
	NoiseWeights:  [3]float64{0.6, 0.15, 0.25},
	BabbleTalkers: [2]int{3, 7},
	TelephoneProb: 0.1,
	GainDB:        [2]float64{-6, 6},
}

// Sources are the audio an Augmenter mixes in.
type Sources struct {
	// Noise is the bank of real noise (TrainNoise); nil leaves only
	// coloured noise and babble.
	Noise *NoiseBank
	// Talkers returns k utterances of other training speakers for babble;
	// nil turns babble off. It must draw only from rng to stay
	// reproducible.
	Talkers func(rng *rand.Rand, k int) [][]float32
}

// Augmenter applies a random chain of perturbations per utterance. It is
// immutable after New and safe for concurrent use.
type Augmenter struct {
	cfg   Config
	src   Sources
	rooms []roomIR
}

type roomIR struct {
	h      []float32
	direct int
	rt60   float64
}

// New prepares an Augmenter: it validates cfg and simulates the RIR pool.
func New(cfg Config, src Sources) (*Augmenter, error) {
	if cfg.Rate <= 0 {
		return nil, fmt.Errorf("augment: sample rate %d", cfg.Rate)
	}
	for _, f := range cfg.SpeedFactors {
		if f < 0.5 || f > 2 {
			return nil, fmt.Errorf("augment: speed factor %v outside [0.5, 2]", f)
		}
	}
	if cfg.SNR[0] > cfg.SNR[1] || cfg.GainDB[0] > cfg.GainDB[1] || cfg.BabbleTalkers[0] > cfg.BabbleTalkers[1] ||
		cfg.PadSeconds[0] > cfg.PadSeconds[1] || cfg.PadLevelDB[0] > cfg.PadLevelDB[1] {
		return nil, fmt.Errorf("augment: a range runs backwards: SNR %v, gain %v, talkers %v, pad %v s at %v dB",
			cfg.SNR, cfg.GainDB, cfg.BabbleTalkers, cfg.PadSeconds, cfg.PadLevelDB)
	}
	if cfg.PadSeconds[0] < 0 || cfg.PadSeconds[1] > 10 || cfg.PadLevelDB[1] > 0 {
		return nil, fmt.Errorf("augment: padding of %v s at %v dB outside 0..10 s and ≤ 0 dB", cfg.PadSeconds, cfg.PadLevelDB)
	}
	a := &Augmenter{cfg: cfg, src: src}
	if cfg.ReverbProb > 0 {
		n := cfg.Rooms
		if n <= 0 {
			n = 64
		}
		rng := NewRNG(cfg.Seed, "rooms", 0)
		for range n {
			r := RandomRoom(rng)
			h, d, err := RIR(r, int(cfg.Rate))
			if err != nil {
				return nil, err
			}
			a.rooms = append(a.rooms, roomIR{h, d, r.RT60})
		}
	}
	return a, nil
}

// Apply returns an augmented copy of x (x is not changed) for the utterance
// key in epoch, and a description of what was done. The same Augmenter,
// key and epoch always give the same result.
func (a *Augmenter) Apply(x []float32, key string, epoch int) ([]float32, string, error) {
	rng := NewRNG(a.cfg.Seed, key, epoch)
	var did []string
	y := append([]float32(nil), x...)
	var err error
	if n := len(a.cfg.SpeedFactors); n > 0 {
		f := a.cfg.SpeedFactors[rng.IntN(n)]
		if f != 1 {
			if y, err = Speed(y, a.cfg.Rate, f); err != nil {
				return nil, "", err
			}
			did = append(did, fmt.Sprintf("speed=%.2f", f))
		}
	}
	// Draw every decision up front, so adding a source (e.g. babble) to
	// Sources does not shift the draws of the others.
	reverb, noise, tel := rng.Float64() < a.cfg.ReverbProb, rng.Float64() < a.cfg.NoiseProb, rng.Float64() < a.cfg.TelephoneProb
	snr := uniform(rng, a.cfg.SNR[0], a.cfg.SNR[1])
	kindDraw := rng.Float64()
	gain := uniform(rng, a.cfg.GainDB[0], a.cfg.GainDB[1])
	roomIdx := 0
	if len(a.rooms) > 0 {
		roomIdx = rng.IntN(len(a.rooms))
	}
	muLaw := rng.IntN(2) == 1

	// Padding draws from its own stream, so turning it on leaves every
	// other draw of the utterance as it was.
	if a.cfg.PadProb > 0 {
		padRNG := NewRNG(a.cfg.Seed, key+"/pad", epoch)
		if padRNG.Float64() < a.cfg.PadProb {
			var secs [2]float64
			y, secs = Pad(y, a.cfg.Rate, a.cfg.PadSeconds, a.cfg.PadLevelDB, padRNG)
			did = append(did, fmt.Sprintf("pad=%.2f+%.2fs", secs[0], secs[1]))
		}
	}
	if reverb && len(a.rooms) > 0 {
		r := a.rooms[roomIdx]
		y = Convolve(y, r.h, r.direct)
		did = append(did, fmt.Sprintf("room(rt60=%.2f)", r.rt60))
	}
	if noise && len(y) > 0 {
		kind, n := a.noise(len(y), kindDraw, rng)
		if n != nil {
			MixAtSNR(y, n, snr)
			did = append(did, fmt.Sprintf("%s@%.1fdB", kind, snr))
		}
	}
	if tel {
		if y, err = Telephone(y, a.cfg.Rate, muLaw); err != nil {
			return nil, "", err
		}
		if muLaw {
			did = append(did, "telephone+mulaw")
		} else {
			did = append(did, "telephone")
		}
	}
	if a.cfg.GainDB != [2]float64{} {
		Gain(y, gain)
		did = append(did, fmt.Sprintf("gain=%+.1fdB", gain))
	}
	// Keep within [-1, 1]: scale down rather than clip.
	peak := float32(0)
	for _, v := range y {
		peak = max(peak, float32(math.Abs(float64(v))))
	}
	if peak > 1 {
		g := 0.99 / peak
		for i := range y {
			y[i] *= g
		}
		did = append(did, "normalised")
	}
	return y, strings.Join(did, " "), nil
}

// noise draws the additive noise of one utterance: a bank clip, coloured
// noise or babble, by NoiseWeights among the sources available.
func (a *Augmenter) noise(n int, draw float64, rng *rand.Rand) (string, []float32) {
	w := a.cfg.NoiseWeights
	if a.src.Noise == nil || len(a.src.Noise.Clips) == 0 {
		w[0] = 0
	}
	if a.src.Talkers == nil {
		w[2] = 0
	}
	total := w[0] + w[1] + w[2]
	if total <= 0 {
		return "", nil
	}
	draw *= total
	switch {
	case draw < w[0]:
		c, _ := a.src.Noise.Pick(rng)
		return "noise:" + c.ID, Segment(c.Samples, n, rng)
	case draw < w[0]+w[1]:
		betas := []float64{White, Pink, Brown, Blue}
		names := []string{"white", "pink", "brown", "blue"}
		i := rng.IntN(len(betas))
		return names[i], Coloured(n, betas[i], rng)
	default:
		k := a.cfg.BabbleTalkers[0]
		if d := a.cfg.BabbleTalkers[1] - k; d > 0 {
			k += rng.IntN(d + 1)
		}
		return fmt.Sprintf("babble%d", k), Babble(n, a.src.Talkers(rng, max(k, 1)), rng)
	}
}

// Pad returns x between two stretches of quiet white noise (room tone),
// each of a length drawn from seconds, at an RMS level drawn from levelDB
// (dB re full scale), and the lengths drawn.
func Pad(x []float32, rate audio.Rate, seconds, levelDB [2]float64, rng *rand.Rand) ([]float32, [2]float64) {
	var secs [2]float64
	var n [2]int
	for i := range secs {
		secs[i] = uniform(rng, seconds[0], seconds[1])
		n[i] = int(secs[i] * float64(rate))
	}
	level := math.Pow(10, uniform(rng, levelDB[0], levelDB[1])/20)
	y := make([]float32, n[0]+len(x)+n[1])
	copy(y[n[0]:], x)
	for i := range n[0] {
		y[i] = float32(level * rng.NormFloat64())
	}
	for i := n[0] + len(x); i < len(y); i++ {
		y[i] = float32(level * rng.NormFloat64())
	}
	return y, secs
}
