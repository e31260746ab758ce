package augment

import (
	"fmt"
	"math/rand/v2"
)

// SpecAugmentConfig sets the masks of SpecAugment (Park et al., "SpecAugment:
// A simple data augmentation method for automatic speech recognition",
// Interspeech 2019). Time warping is left out: the paper found it the least
// useful part and it is the costliest.
type SpecAugmentConfig struct {
	// FreqMasks bands of up to MaxFreqWidth bins (the paper's mF and F).
	FreqMasks, MaxFreqWidth int
	// TimeMasks spans of up to MaxTimeWidth frames (mT and T), each at most
	// MaxTimeShare of the utterance (p).
	TimeMasks, MaxTimeWidth int
	MaxTimeShare            float64
	// TimeMasksPerFrame, when > 0, makes the number of time masks grow with
	// the utterance: max(TimeMasks, frames x TimeMasksPerFrame), the
	// adaptive policy of Park et al., ICASSP 2020.
	TimeMasksPerFrame float64
	// Value fills the masks; 0 is the mean of normalised features.
	Value float32
}

// DefaultSpecAugment is the LibriSpeech "LD" policy scaled to 80 mel bins
// with 10 ms frames, with adaptive time masks (0.04 per frame, as the 2020
// paper), which suits the short utterances here.
var DefaultSpecAugment = SpecAugmentConfig{
	FreqMasks: 2, MaxFreqWidth: 27,
	TimeMasks: 2, MaxTimeWidth: 40, MaxTimeShare: 0.05,
	TimeMasksPerFrame: 0.01,
}

// SpecAugment masks feat in place: a frames x bins matrix, row-major (one
// frame per row). It returns an error only for a matrix of the wrong size.
func SpecAugment(feat []float32, frames, bins int, cfg SpecAugmentConfig, rng *rand.Rand) error {
	if frames < 0 || bins < 0 || len(feat) != frames*bins {
		return fmt.Errorf("specaugment: %d values for %d x %d", len(feat), frames, bins)
	}
	if frames == 0 || bins == 0 {
		return nil
	}
	for range cfg.FreqMasks {
		w := rng.IntN(min(cfg.MaxFreqWidth, bins) + 1)
		if w == 0 {
			continue
		}
		f0 := rng.IntN(bins - w + 1)
		for t := range frames {
			row := feat[t*bins : (t+1)*bins]
			for f := f0; f < f0+w; f++ {
				row[f] = cfg.Value
			}
		}
	}
	masks := cfg.TimeMasks
	if cfg.TimeMasksPerFrame > 0 {
		masks = max(masks, int(float64(frames)*cfg.TimeMasksPerFrame))
	}
	maxW := cfg.MaxTimeWidth
	if cfg.MaxTimeShare > 0 {
		maxW = min(maxW, int(cfg.MaxTimeShare*float64(frames)))
	}
	maxW = min(maxW, frames)
	for range masks {
		if maxW <= 0 {
			break
		}
		w := rng.IntN(maxW + 1)
		if w == 0 {
			continue
		}
		t0 := rng.IntN(frames - w + 1)
		block := feat[t0*bins : (t0+w)*bins]
		for i := range block {
			block[i] = cfg.Value
		}
	}
	return nil
}
