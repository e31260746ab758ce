package acoustic

import (
	"fmt"

	"github.com/mynah-speech/mynah/nn"
)

// Batch is a zero-padded batch of normalised log-mel features.
type Batch struct {
	// Features is [Size, Frames, Mels], row-major.
	Features []float32
	Size     int
	Frames   int
	// Lengths holds each utterance's valid feature frames (≤ Frames).
	Lengths []int
}

// ForwardOptions select the attention context.
type ForwardOptions struct {
	// ChunkSize, in output frames, limits attention to the frame's own
	// chunk and those before it (streaming); 0 gives full context.
	ChunkSize int
	// LeftChunks limits how many earlier chunks are visible; 0: all.
	LeftChunks int
	// InterBlock, when > 0, also returns the CTC logits of that block's
	// output through the shared output layer (intermediate CTC, Lee and
	// Watanabe 2021): a training aid that shortens the gradient path of a
	// deep encoder. It adds no parameters.
	InterBlock int
}

// Output is what a forward pass yields.
type Output struct {
	// Logits is [Size, OutFrames, len(Vocab)] (unnormalised).
	Logits *nn.Var
	// PhoneLogits is [Size, OutFrames, len(PhoneVocab)], or nil without
	// the phone head.
	PhoneLogits *nn.Var
	// InterLogits is [Size, OutFrames, len(Vocab)] from block InterBlock,
	// or nil.
	InterLogits *nn.Var
	// Lengths are the valid output frames per utterance.
	Lengths []int
}

const layerNormEps = 1e-5

// Forward runs the network on b, recording into t (which decides, by its
// training mode, whether dropout is active and gradients are kept).
func (m *Model) Forward(t *nn.Tape, b Batch, opt ForwardOptions) (Output, error) {
	cfg := m.cfg
	if b.Size <= 0 || b.Frames <= 0 || len(b.Lengths) != b.Size || len(b.Features) != b.Size*b.Frames*cfg.Mels {
		return Output{}, fmt.Errorf("acoustic: batch of %d×%d frames with %d values and %d lengths does not match %d mels", b.Size, b.Frames, len(b.Features), len(b.Lengths), cfg.Mels)
	}
	outFrames := cfg.OutputFrames(b.Frames)
	lengths := make([]int, b.Size)
	for i, n := range b.Lengths {
		if n < 0 || n > b.Frames {
			return Output{}, fmt.Errorf("acoustic: utterance %d has length %d outside 0..%d", i, n, b.Frames)
		}
		lengths[i] = cfg.OutputFrames(n)
	}

	x, err := m.frontForward(t, t.Input([]int{b.Size, b.Frames, cfg.Mels}, b.Features))
	if err != nil {
		return Output{}, err
	}
	if x.Dim(1) != outFrames {
		return Output{}, fmt.Errorf("acoustic: front produced %v, want %d frames", x.Shape, outFrames)
	}

	left := opt.LeftChunks
	if left <= 0 {
		left = -1 // unlimited
	}
	mask := nn.AttnMask{KeyLens: lengths, ChunkSize: opt.ChunkSize, LeftChunks: left}
	var phone, inter *nn.Var
	for i, blk := range m.blocks {
		x = blk.forward(t, x, cfg, mask)
		if m.phoneW != nil && i+1 == cfg.PhoneHeadBlock {
			phone = t.Linear(x, t.Param(m.phoneW), t.Param(m.phoneB))
		}
		if i+1 == opt.InterBlock && i+1 < len(m.blocks) {
			inter = t.Linear(x, t.Param(m.outW), t.Param(m.outB))
		}
	}
	logits := t.Linear(x, t.Param(m.outW), t.Param(m.outB))
	return Output{Logits: logits, PhoneLogits: phone, InterLogits: inter, Lengths: lengths}, nil
}

// frontForward runs the convolution front, the frequency attention and the input
// projection: features [B, T, M] → [B, T', Dim].
func (m *Model) frontForward(t *nn.Tape, feats *nn.Var) (*nn.Var, error) {
	cfg := m.cfg
	batch, frames := feats.Dim(0), feats.Dim(1)
	x := t.Reshape(feats, batch, 1, frames, cfg.Mels)
	x = t.ReLU(t.Conv2D(x, t.Param(m.conv1W), t.Param(m.conv1B), 1, 2, 1, 1))
	x = t.ReLU(t.Conv2D(x, t.Param(m.conv2W), t.Param(m.conv2B), cfg.TimeStride, 2, 1, 1))
	c2, bins, outFrames := cfg.ConvChannels[1], cfg.freqBins(), x.Dim(2)
	if x.Dim(3) != bins {
		return nil, fmt.Errorf("acoustic: front produced %v, want %d frequency bins", x.Shape, bins)
	}
	x = t.Permute(x, 0, 2, 3, 1) // [B, T', F', C2]
	if m.freq != nil {
		x = t.Reshape(x, batch*outFrames, bins, c2)
		x = t.Add(x, m.freq.forward(t, x, cfg.FreqAttentionHeads))
	}
	x = t.Reshape(x, batch, outFrames, bins*c2)
	x = t.Linear(x, t.Param(m.inW), t.Param(m.inB))
	return t.Dropout(x, cfg.Dropout), nil
}

func (a *axialAttention) forward(t *nn.Tape, x *nn.Var, heads int) *nn.Var {
	h := t.LayerNorm(x, t.Param(a.lnG), t.Param(a.lnB), layerNormEps)
	q := t.Linear(h, t.Param(a.wq), t.Param(a.bq))
	k := t.Linear(h, t.Param(a.wk), t.Param(a.bk))
	v := t.Linear(h, t.Param(a.wv), t.Param(a.bv))
	o := t.Attention(q, k, v, heads, nn.AttnMask{})
	return t.Linear(o, t.Param(a.wo), t.Param(a.bo))
}

func (b *block) forward(t *nn.Tape, x *nn.Var, cfg Config, mask nn.AttnMask) *nn.Var {
	x = t.AddScaled(x, b.ff1.forward(t, x, cfg.Dropout), 0.5)
	if b.attn != nil {
		x = t.Add(x, b.attn.forward(t, x, cfg, mask))
	}
	x = t.Add(x, b.conv.forward(t, x, cfg.Dropout))
	x = t.AddScaled(x, b.ff2.forward(t, x, cfg.Dropout), 0.5)
	return t.LayerNorm(x, t.Param(b.lnG), t.Param(b.lnB), layerNormEps)
}

func (f *feedForward) forward(t *nn.Tape, x *nn.Var, dropout float32) *nn.Var {
	h := t.LayerNorm(x, t.Param(f.lnG), t.Param(f.lnB), layerNormEps)
	h = t.SiLU(t.Linear(h, t.Param(f.w1), t.Param(f.b1)))
	h = t.Dropout(h, dropout)
	h = t.Linear(h, t.Param(f.w2), t.Param(f.b2))
	return t.Dropout(h, dropout)
}

func (a *selfAttention) forward(t *nn.Tape, x *nn.Var, cfg Config, mask nn.AttnMask) *nn.Var {
	h := t.LayerNorm(x, t.Param(a.lnG), t.Param(a.lnB), layerNormEps)
	q := t.RoPE(t.Linear(h, t.Param(a.wq), t.Param(a.bq)), cfg.Heads, 0)
	k := t.RoPE(t.Linear(h, t.Param(a.wk), t.Param(a.bk)), cfg.Heads, 0)
	v := t.Linear(h, t.Param(a.wv), t.Param(a.bv))
	o := t.Attention(q, k, v, cfg.Heads, mask)
	return t.Dropout(t.Linear(o, t.Param(a.wo), t.Param(a.bo)), cfg.Dropout)
}

func (c *convModule) forward(t *nn.Tape, x *nn.Var, dropout float32) *nn.Var {
	h := t.LayerNorm(x, t.Param(c.lnG), t.Param(c.lnB), layerNormEps)
	h = t.GLU(t.Linear(h, t.Param(c.pw1W), t.Param(c.pw1B)))
	h = t.DepthwiseConv1D(h, t.Param(c.dwW), t.Param(c.dwB), true)
	h = t.SiLU(t.LayerNorm(h, t.Param(c.ln2G), t.Param(c.ln2B), layerNormEps))
	h = t.Linear(h, t.Param(c.pw2W), t.Param(c.pw2B))
	return t.Dropout(h, dropout)
}
