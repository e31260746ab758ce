package emotion

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/emotion"
)

// clip is one labelled recording, trimmed, at 16 kHz.
type clip struct {
	id      string
	speaker string
	label   emotion.Label
	samples []float32
}

// loadEntries reads the emotion-labelled entries of the manifests (or of
// the shared corpus folder), never the reserved ones.
func loadEntries(manifests []string, corpusDir string) ([]corpora.Entry, error) {
	var all []corpora.Entry
	if corpusDir != "" {
		es, err := corpora.Shared(corpusDir, corpora.Options{})
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", corpusDir, err)
		}
		all = append(all, es...)
	}
	for _, m := range manifests {
		es, err := corpora.ReadManifestFile(m)
		if err != nil {
			return nil, fmt.Errorf("manifest %s: %w", m, err)
		}
		all = append(all, es...)
	}
	var out []corpora.Entry
	seen := map[string]bool{}
	for _, e := range all {
		if e.Emotion == "" || corpora.Reserved(e) || seen[e.Corpus+"/"+e.ID] {
			continue
		}
		seen[e.Corpus+"/"+e.ID] = true
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// loadClips decodes (from the PCM cache when it holds them) and trims the
// entries' audio.
func loadClips(entries []corpora.Entry, cacheDir string, progress io.Writer) ([]clip, error) {
	var cache *corpora.Cache
	if cacheDir != "" {
		if c, err := corpora.OpenCache(cacheDir); err == nil {
			cache = c
			defer c.Close()
		}
	}
	clips := make([]clip, 0, len(entries))
	fromCache := 0
	for _, e := range entries {
		label, err := emotion.ParseLabel(e.Emotion)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.ID, err)
		}
		var x []float32
		if cache != nil && cache.Has(e) {
			x, err = cache.Samples(e)
			fromCache++
		} else {
			x, err = audio.Load(e.Audio, emotion.SampleRate)
		}
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", e.ID, err)
		}
		trimmed, ok := emotion.Trim(x)
		if !ok {
			continue
		}
		clips = append(clips, clip{id: e.ID, speaker: e.SpeakerKey(), label: label, samples: append([]float32(nil), trimmed...)})
	}
	fmt.Fprintf(progress, "emotion: %d clips (%d from the PCM cache), %.0f s after trimming\n", len(clips), fromCache, seconds(clips))
	return clips, nil
}

func seconds(clips []clip) float64 {
	var n int
	for _, c := range clips {
		n += len(c.samples)
	}
	return float64(n) / float64(emotion.SampleRate)
}

// assignFolds deals the speakers, sorted, into n speaker-disjoint folds
// in snake order (0..n-1, then n-1..0, ...). RAVDESS numbers its actors
// male, female, male, ..., so the snake mixes genders in every fold where
// plain round-robin would put only men in some.
func assignFolds(clips []clip, n int) (map[string]int, [][]string) {
	set := map[string]bool{}
	for _, c := range clips {
		set[c.speaker] = true
	}
	speakers := make([]string, 0, len(set))
	for s := range set {
		speakers = append(speakers, s)
	}
	sort.Strings(speakers)
	fold := map[string]int{}
	members := make([][]string, n)
	for i, s := range speakers {
		pass, pos := i/n, i%n
		f := pos
		if pass%2 == 1 {
			f = n - 1 - pos
		}
		fold[s] = f
		members[f] = append(members[f], s)
	}
	return fold, members
}

// augmenter perturbs training clips: gain, noise, speed, and codec or
// band-limit variation, each with its probability, drawn per clip and
// epoch so that a resumed run repeats them.
type augmenter struct {
	seed  uint64
	noise *augment.NoiseBank
}

// Probabilities of the waveform augmentations.
const (
	pNoise = 0.4
	pSpeed = 0.5
	pCodec = 0.4
)

// apply returns a perturbed copy of c.samples (or c.samples itself when
// nothing was drawn) and a short description.
func (a *augmenter) apply(c clip, epoch int) ([]float32, string, error) {
	rng := augment.NewRNG(a.seed, c.id, epoch)
	x := c.samples
	var did []string
	copied := false
	own := func() {
		if !copied {
			x = append([]float32(nil), x...)
			copied = true
		}
	}
	if rng.Float64() < pSpeed {
		f := 0.9 + 0.2*rng.Float64()
		y, err := augment.Speed(x, emotion.SampleRate, f)
		if err != nil {
			return nil, "", fmt.Errorf("speed %s: %w", c.id, err)
		}
		x, copied = y, true
		did = append(did, fmt.Sprintf("speed %.2f", f))
	}
	if rng.Float64() < pCodec {
		var err error
		var y []float32
		switch k := rng.IntN(4); k {
		case 0: // narrowband telephone, half with mu-law
			mu := rng.IntN(2) == 0
			y, err = augment.Telephone(x, emotion.SampleRate, mu)
			did = append(did, fmt.Sprintf("telephone mu=%v", mu))
		case 1: // a file at 44.1 or 48 kHz: up and back down
			r := audio.Rate(44100)
			if rng.IntN(2) == 0 {
				r = 48000
			}
			y, err = roundTrip(x, r)
			did = append(did, fmt.Sprintf("via %v", r))
		case 2: // band limit of a low-rate codec
			cut := 3500 + 3000*rng.Float64()
			y = lowpass(x, cut)
			did = append(did, fmt.Sprintf("lowpass %.0f Hz", cut))
		case 3: // coarse quantisation (8 to 12 bits)
			bits := 8 + rng.IntN(5)
			y = quantise(x, bits)
			did = append(did, fmt.Sprintf("%d bits", bits))
		}
		if err != nil {
			return nil, "", fmt.Errorf("codec %s: %w", c.id, err)
		}
		x, copied = y, true
	}
	if rng.Float64() < pNoise {
		own()
		snr := 5 + 25*rng.Float64()
		var n []float32
		if clipN, ok := a.pickNoise(rng); ok {
			n = augment.Segment(clipN, len(x), rng)
			did = append(did, fmt.Sprintf("noise %.0f dB", snr))
		} else {
			n = augment.Coloured(len(x), float64(rng.IntN(3)), rng)
			did = append(did, fmt.Sprintf("coloured %.0f dB", snr))
		}
		augment.MixAtSNR(x, n, snr)
	}
	// Gain last, over ±10 dB: users' levels vary, and the descriptors
	// and the trim must not depend on it.
	own()
	g := -10 + 20*rng.Float64()
	augment.Gain(x, g)
	var peak float32
	for _, v := range x {
		peak = max(peak, float32(math.Abs(float64(v))))
	}
	if peak > 1 {
		for i := range x {
			x[i] /= peak
		}
	}
	return x, strings.Join(did, ", "), nil
}

func (a *augmenter) pickNoise(rng *rand.Rand) ([]float32, bool) {
	if a.noise == nil {
		return nil, false
	}
	c, ok := a.noise.Pick(rng)
	if !ok || len(c.Samples) == 0 {
		return nil, false
	}
	return c.Samples, true
}

// roundTrip resamples x to rate and back, as a user's 44.1/48 kHz file
// reaches the tagger.
func roundTrip(x []float32, rate audio.Rate) ([]float32, error) {
	up, err := audio.ReadAll(audio.Resample(&sliceSource{x: x, rate: emotion.SampleRate}, rate))
	if err != nil && err != io.EOF {
		return nil, err
	}
	return emotion.Resample(up, rate)
}

type sliceSource struct {
	x    []float32
	rate audio.Rate
}

func (s *sliceSource) SampleRate() audio.Rate { return s.rate }
func (s *sliceSource) Read(p []float32) (int, error) {
	if len(s.x) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.x)
	s.x = s.x[n:]
	return n, nil
}

// lowpass filters x with a 63-tap Hamming-windowed sinc at cutHz.
func lowpass(x []float32, cutHz float64) []float32 {
	const taps = 63
	fc := cutHz / float64(emotion.SampleRate)
	h := make([]float64, taps)
	var sum float64
	for i := range h {
		n := float64(i - taps/2)
		s := 2 * fc
		if n != 0 {
			s = math.Sin(2*math.Pi*fc*n) / (math.Pi * n)
		}
		h[i] = s * (0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/(taps-1)))
		sum += h[i]
	}
	y := make([]float32, len(x))
	for i := range y {
		var acc float64
		for k, hk := range h {
			j := i + k - taps/2
			if j >= 0 && j < len(x) {
				acc += hk * float64(x[j])
			}
		}
		y[i] = float32(acc / sum)
	}
	return y
}

// quantise rounds x to a uniform grid of the given bits.
func quantise(x []float32, bits int) []float32 {
	q := float32(int(1) << (bits - 1))
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(math.Round(float64(v*q))) / q
	}
	return y
}
