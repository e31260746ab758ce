package augment

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mynah-speech/mynah/audio"
)

// HeldOutNoiseTypes are the noise types of ../shared/noise that training
// never hears: the noisy dev evaluation (10 and 5 dB) uses only these, so
// its figures measure robustness to unseen noise. Chosen to span tonal
// (music, market_bells: bells over a market) and broadband stationary
// (water_tap) noise; they are 3 of the 11 types, 6 of the 23 clips and
// 107 of the 540 s.
var HeldOutNoiseTypes = []string{"music", "water_tap", "market_bells"}

// NoiseClip is one decoded noise recording.
type NoiseClip struct {
	ID, Type string
	Samples  []float32
}

// NoiseBank is a set of noise clips to draw from. It is immutable after
// loading and safe for concurrent use.
type NoiseBank struct {
	Clips []NoiseClip
}

// NoiseRow is one line of a noise manifest.tsv.
type NoiseRow struct {
	ID, Audio, Type string
}

// ReadNoiseManifest parses a noise manifest.tsv as ../shared/noise writes
// it: tab-separated, a header line naming at least id, audio and type.
func ReadNoiseManifest(r io.Reader) ([]NoiseRow, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	col := map[string]int{}
	var rows []NoiseRow
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		f := strings.Split(s, "\t")
		if len(col) == 0 {
			for i, h := range f {
				col[strings.ToLower(strings.TrimSpace(h))] = i
			}
			for _, need := range []string{"id", "audio", "type"} {
				if _, ok := col[need]; !ok {
					return nil, fmt.Errorf("noise manifest: no %q column", need)
				}
			}
			continue
		}
		get := func(name string) (string, error) {
			i := col[name]
			if i >= len(f) {
				return "", fmt.Errorf("noise manifest line %d: %d fields, no %s", line, len(f), name)
			}
			return strings.TrimSpace(f[i]), nil
		}
		var row NoiseRow
		var err error
		if row.ID, err = get("id"); err != nil {
			return nil, err
		}
		if row.Audio, err = get("audio"); err != nil {
			return nil, err
		}
		if row.Type, err = get("type"); err != nil {
			return nil, err
		}
		if row.ID == "" || row.Audio == "" {
			return nil, fmt.Errorf("noise manifest line %d: empty id or audio", line)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("noise manifest: %w", err)
	}
	return rows, nil
}

// LoadNoiseBank decodes the clips of a noise folder (manifest.tsv, audio
// relative to it) at rate, keeping those whose type keep accepts.
func LoadNoiseBank(dir string, rate audio.Rate, keep func(typ string) bool) (*NoiseBank, error) {
	f, err := os.Open(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		return nil, err
	}
	rows, err := ReadNoiseManifest(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	b := &NoiseBank{}
	for _, r := range rows {
		if keep != nil && !keep(r.Type) {
			continue
		}
		s, err := audio.Load(filepath.Join(dir, filepath.FromSlash(r.Audio)), rate)
		if err != nil {
			return nil, fmt.Errorf("noise %s: %w", r.ID, err)
		}
		b.Clips = append(b.Clips, NoiseClip{r.ID, r.Type, s})
	}
	return b, nil
}

// TrainNoise loads the noise training may hear: every type but
// HeldOutNoiseTypes.
func TrainNoise(dir string, rate audio.Rate) (*NoiseBank, error) {
	return LoadNoiseBank(dir, rate, func(t string) bool { return !slices.Contains(HeldOutNoiseTypes, t) })
}

// DevNoise loads the held-out noise types for the noisy dev evaluation.
func DevNoise(dir string, rate audio.Rate) (*NoiseBank, error) {
	return LoadNoiseBank(dir, rate, func(t string) bool { return slices.Contains(HeldOutNoiseTypes, t) })
}

// Pick draws a clip, each type equally likely and then each clip of it,
// so the six street recordings do not outweigh the one rain recording.
func (b *NoiseBank) Pick(rng *rand.Rand) (NoiseClip, bool) {
	if b == nil || len(b.Clips) == 0 {
		return NoiseClip{}, false
	}
	var types []string
	for _, c := range b.Clips {
		if !slices.Contains(types, c.Type) {
			types = append(types, c.Type)
		}
	}
	t := types[rng.IntN(len(types))]
	var of []int
	for i, c := range b.Clips {
		if c.Type == t {
			of = append(of, i)
		}
	}
	return b.Clips[of[rng.IntN(len(of))]], true
}

// noisyDevSeed keeps the noisy dev sets apart from any training seed.
const noisyDevSeed = 0x6d796e6168646576 // "mynahdev"

// NoisyDev returns a copy of x with noise of bank (DevNoise: the held-out
// types) added at snrDB, and the clip's id. The clip and its offset depend
// only on key, so the 10 dB and 5 dB versions of an utterance carry the
// same noise at two levels, and every run scores the same noisy dev set.
// With an empty bank it returns a plain copy and "".
func NoisyDev(x []float32, key string, snrDB float64, bank *NoiseBank) ([]float32, string) {
	y := slices.Clone(x)
	rng := NewRNG(noisyDevSeed, key, 0)
	clip, ok := bank.Pick(rng)
	if !ok || len(y) == 0 {
		return y, ""
	}
	MixAtSNR(y, Segment(clip.Samples, len(y), rng), snrDB)
	return y, clip.ID
}
