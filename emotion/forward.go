package emotion

import (
	"fmt"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
)

// InputWidth is the number of values per input frame of a model of this
// config: the descriptors (one frame), the log-mel bins, or the encoder's
// hidden states of every layer.
func (c Config) InputWidth() int {
	switch c.Kind {
	case KindBaseline:
		return c.descriptorCount()
	case KindCNN:
		return c.Mels
	case KindTransfer:
		return c.EncoderDim * c.EncoderLayers
	}
	return 0
}

// Batch is a zero-padded batch of model inputs, as a Featurizer makes
// them.
type Batch struct {
	// Inputs is [Size, Frames, Config.InputWidth()], row-major.
	Inputs []float32
	Size   int
	Frames int
	// Lengths holds each item's valid frames (≤ Frames).
	Lengths []int
}

// Logits records the model's forward pass on b into t and returns the
// unnormalised label scores [Size, NumLabels]. t's training mode decides
// whether dropout is active.
func (m *Model) Logits(t *nn.Tape, b Batch) (*nn.Var, error) {
	cfg := m.cfg
	w := cfg.InputWidth()
	if b.Size <= 0 || b.Frames <= 0 || len(b.Lengths) != b.Size || len(b.Inputs) != b.Size*b.Frames*w {
		return nil, fmt.Errorf("emotion: batch of %d×%d frames with %d values and %d lengths does not match width %d", b.Size, b.Frames, len(b.Inputs), len(b.Lengths), w)
	}
	for i, n := range b.Lengths {
		if n < 0 || n > b.Frames {
			return nil, fmt.Errorf("emotion: item %d has length %d outside 0..%d", i, n, b.Frames)
		}
	}
	if cfg.Kind == KindBaseline {
		if b.Frames != 1 {
			return nil, fmt.Errorf("emotion: baseline takes one descriptor frame, got %d", b.Frames)
		}
		x := t.Input([]int{b.Size, w}, b.Inputs)
		x = t.Mul(t.Sub(x, t.Param(m.mean)), t.Param(m.scale))
		return t.Linear(x, t.Param(m.outW), t.Param(m.outB)), nil
	}
	x := t.Input([]int{b.Size, b.Frames, w}, b.Inputs)
	lens := make([]int, b.Size)
	var h *nn.Var
	switch cfg.Kind {
	case KindCNN:
		x = t.Reshape(x, b.Size, 1, b.Frames, w)
		for i := range 3 {
			x = t.ReLU(t.Conv2D(x, t.Param(m.convW[i]), t.Param(m.convB[i]), 2, 2, 1, 1))
		}
		frames := x.Dim(2)
		x = t.Permute(x, 0, 2, 1, 3) // [B, T', C, F']
		x = t.Reshape(x, b.Size, frames, x.Dim(2)*x.Dim(3))
		h = t.LinearReLU(x, t.Param(m.projW), t.Param(m.projB))
		for i, n := range b.Lengths {
			lens[i] = convOut(convOut(convOut(n)))
		}
	case KindTransfer:
		// Each frame holds [Dim][Layers]: one product with the softmax
		// weights of the layers is the weighted sum (SUPERB).
		L := cfg.EncoderLayers
		lw := t.Reshape(t.Softmax(t.Param(m.layerW)), L, 1)
		x = t.MatMul(t.Reshape(x, b.Size*b.Frames*cfg.EncoderDim, L), lw)
		x = t.Reshape(x, b.Size, b.Frames, cfg.EncoderDim)
		h = t.LinearReLU(x, t.Param(m.projW), t.Param(m.projB))
		copy(lens, b.Lengths)
	}
	scores := t.Reshape(t.Linear(h, t.Param(m.attnW), t.Param(m.attnB)), b.Size, h.Dim(1))
	pooled := t.AttentionPool(h, scores, lens)
	pooled = t.Dropout(pooled, cfg.Dropout)
	return t.Linear(pooled, t.Param(m.outW), t.Param(m.outB)), nil
}

// cnnFeatureScale brings mean-normalised natural-log mel energies (a
// standard deviation of about 2 on speech) near unit scale.
const cnnFeatureScale = 0.5

// Featurizer turns 16 kHz audio into a model's input frames. It owns
// scratch buffers (and, for a transfer model, an inference tape), so it
// is not safe for concurrent use: make one per goroutine.
type Featurizer struct {
	m    *Model
	mel  *feature.Extractor
	desc *describer
	run  *acoustic.Runner
	tape *nn.Tape
	buf  []float32
	dbuf []float64
}

// NewFeaturizer returns a Featurizer for m.
func (m *Model) NewFeaturizer() (*Featurizer, error) {
	f := &Featurizer{m: m}
	var err error
	switch m.cfg.Kind {
	case KindBaseline:
		f.desc, err = newDescriber()
	case KindCNN:
		f.mel, err = feature.New(frontConfig(m.cfg.Mels))
	case KindTransfer:
		f.run, err = m.enc.NewRunner()
		f.tape = nn.NewTape(0)
		f.tape.SetTraining(false)
	}
	if err != nil {
		return nil, fmt.Errorf("emotion: featurizer: %w", err)
	}
	return f, nil
}

// Inputs returns the model's input frames for x (16 kHz, trimmed of
// leading and trailing silence as Trim does): frames × InputWidth values
// in a buffer valid until the next call.
func (f *Featurizer) Inputs(x []float32) ([]float32, int, error) {
	cfg := f.m.cfg
	switch cfg.Kind {
	case KindBaseline:
		f.dbuf = f.desc.describe(f.dbuf, x, cfg.descriptorCount())
		f.buf = f.buf[:0]
		for _, v := range f.dbuf {
			f.buf = append(f.buf, float32(v))
		}
		return f.buf, 1, nil
	case KindCNN:
		if len(x) == 0 {
			return f.buf[:0], 0, nil
		}
		frames, n := f.mel.Compute(x)
		f.buf = append(f.buf[:0], frames...)
		feature.CMVN(f.buf, cfg.Mels, false)
		for i := range f.buf {
			f.buf[i] *= cnnFeatureScale
		}
		return f.buf, n, nil
	case KindTransfer:
		feats, n := f.run.Features(x)
		if n == 0 {
			return f.buf[:0], 0, nil
		}
		f.tape.Reset()
		outs, lens, err := f.m.enc.BlockOutputs(f.tape, acoustic.Batch{Features: feats, Size: 1, Frames: n, Lengths: []int{n}})
		if err != nil {
			return nil, 0, fmt.Errorf("emotion: encoder: %w", err)
		}
		T, D, L := lens[0], cfg.EncoderDim, len(outs)
		f.buf = append(f.buf[:0], make([]float32, T*D*L)...)
		for l, o := range outs {
			for t := range T {
				row := o.Data[t*D : (t+1)*D]
				dst := f.buf[t*D*L:]
				for d, v := range row {
					dst[d*L+l] = v
				}
			}
		}
		return f.buf, T, nil
	}
	return nil, 0, fmt.Errorf("%w: kind %q", ErrConfig, cfg.Kind)
}
