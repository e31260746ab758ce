package asr

import (
	"fmt"
	"math/rand/v2"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/dsp/feature"
)

// feeder turns utterances into padded, normalised, augmented feature
// batches. Each worker owns one (the extractor and buffers are reused).
type feeder struct {
	model   *acoustic.Model
	data    *corpusData
	opts    Options
	aug     *augment.Augmenter // nil: gain and speed only
	epoch   int
	ext     *feature.Extractor
	samples []float32
	feats   [][]float32
	frames  []int
	padded  []float32
	labels  [][]int
}

func newFeeder(m *acoustic.Model, data *corpusData, opts Options, aug *augment.Augmenter) (*feeder, error) {
	ext, err := feature.New(m.FrontEnd().Features)
	if err != nil {
		return nil, err
	}
	return &feeder{model: m, data: data, opts: opts, aug: aug, ext: ext}, nil
}

// batch builds the features of utts[idx...]; augment applies the training
// augmentations, seeded by (step, worker) so runs are reproducible.
func (f *feeder) batch(utts []utterance, idx []int, augment bool, step, worker uint64) (acoustic.Batch, [][]int, error) {
	rng := rand.New(rand.NewPCG(f.opts.Seed^step*0x9e3779b97f4a7c15, worker+1))
	mels := f.model.Config().Mels
	norm := f.model.FrontEnd().Norm
	f.feats = f.feats[:0]
	f.frames = f.frames[:0]
	f.labels = f.labels[:0]
	longest := 0
	for i, u := range idx {
		var err error
		f.samples, err = f.data.samples(utts[u].entry, f.samples)
		if err != nil {
			return acoustic.Batch{}, nil, err
		}
		x := f.samples
		if augment && f.aug != nil {
			if x, _, err = f.aug.Apply(x, utts[u].entry.Corpus+"/"+utts[u].entry.ID, f.epoch); err != nil {
				return acoustic.Batch{}, nil, err
			}
		}
		frames, n := f.ext.Compute(x)
		if i == cap(f.feats) {
			f.feats = append(f.feats, nil)
		}
		f.feats = f.feats[:i+1]
		f.feats[i] = append(f.feats[i][:0], frames...)
		norm.Apply(f.feats[i])
		if augment {
			specAugment(f.feats[i], n, mels, f.opts, rng)
		}
		f.frames = append(f.frames, n)
		f.labels = append(f.labels, utts[u].labels)
		longest = max(longest, n)
	}
	if longest == 0 {
		return acoustic.Batch{}, nil, fmt.Errorf("batch of %d empty utterances", len(idx))
	}
	need := len(idx) * longest * mels
	if cap(f.padded) < need {
		f.padded = make([]float32, need)
	}
	f.padded = f.padded[:need]
	clear(f.padded)
	for i, x := range f.feats {
		copy(f.padded[i*longest*mels:], x)
	}
	return acoustic.Batch{Features: f.padded, Size: len(idx), Frames: longest, Lengths: f.frames}, f.labels, nil
}

// specAugment masks frequency bands and time spans of normalised features
// with zeros, the normalised mean (Park et al., 2019).
func specAugment(feats []float32, frames, mels int, opts Options, rng *rand.Rand) {
	for m := 0; m < opts.FreqMasks; m++ {
		w := rng.IntN(opts.FreqMaskWidth + 1)
		if w == 0 || w >= mels {
			continue
		}
		f0 := rng.IntN(mels - w)
		for t := 0; t < frames; t++ {
			clear(feats[t*mels+f0 : t*mels+f0+w])
		}
	}
	if opts.TimeMaskWidth <= 0 || frames < 2*opts.TimeMaskWidth {
		return
	}
	masks := int(opts.TimeMaskShare * float64(frames) / float64(opts.TimeMaskWidth))
	for m := 0; m < masks; m++ {
		w := rng.IntN(opts.TimeMaskWidth + 1)
		t0 := rng.IntN(frames - w)
		clear(feats[t0*mels : (t0+w)*mels])
	}
}
