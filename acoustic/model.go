package acoustic

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mynah-speech/mynah/nn"
)

// Model holds the network's weights. It is immutable after construction
// or loading and safe for concurrent use: every forward pass records into
// the caller's own nn.Tape.
type Model struct {
	cfg    Config
	front  FrontEnd
	id     string
	params []*nn.Param

	conv1W, conv1B *nn.Param // [C1, 1, 3, 3]
	conv2W, conv2B *nn.Param // [C2, C1, 3, 3]
	freq           *axialAttention
	inW, inB       *nn.Param // [Dim, C2·F2]
	blocks         []*block
	outW, outB     *nn.Param // [V, Dim]
	phoneW, phoneB *nn.Param // [P, Dim] or nil
}

// axialAttention is self-attention across the frequency bins of each frame
// of the convolution map (Ho et al., 2019, "Axial Attention").
type axialAttention struct {
	lnG, lnB       *nn.Param
	wq, wk, wv, wo *nn.Param
	bq, bk, bv, bo *nn.Param
}

// block is one Conformer-like block: half feed-forward, self-attention
// over time, causal convolution module, half feed-forward, layer norm.
type block struct {
	ff1, ff2 feedForward
	attn     *selfAttention
	conv     convModule
	lnG, lnB *nn.Param
}

type feedForward struct {
	lnG, lnB *nn.Param
	w1, b1   *nn.Param // [FF·Dim, Dim]
	w2, b2   *nn.Param // [Dim, FF·Dim]
}

type selfAttention struct {
	lnG, lnB       *nn.Param
	wq, wk, wv, wo *nn.Param
	bq, bk, bv, bo *nn.Param
}

type convModule struct {
	lnG, lnB   *nn.Param
	pw1W, pw1B *nn.Param // [2·Dim, Dim], then GLU
	dwW, dwB   *nn.Param // [Dim, K], causal
	ln2G, ln2B *nn.Param
	pw2W, pw2B *nn.Param // [Dim, Dim]
}

// New returns a model of the given architecture and front-end with weights
// initialised from seed (uniform with unit-variance fan-in scaling, biases
// at zero and norm gains at one).
func New(cfg Config, front FrontEnd, seed uint64) (*Model, error) {
	return build(cfg, front, rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)))
}

// newUninitialised returns a model whose tensors are allocated but hold
// zeros, for Load, which overwrites every one: it draws no random numbers.
func newUninitialised(cfg Config, front FrontEnd) (*Model, error) { return build(cfg, front, nil) }

// build lays out the parameters of cfg in their fixed order. With rng it
// initialises them as New documents (the same draws, so the same weights
// for a seed, as every earlier version); with rng nil it leaves every
// tensor zero for a loader to fill.
func build(cfg Config, front FrontEnd, rng *rand.Rand) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := front.Validate(cfg); err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, front: front}
	weight := func(name string, fanIn int, shape ...int) *nn.Param {
		p := nn.NewParam(name, shape...)
		if rng != nil {
			bound := float32(math.Sqrt(3.0 / float64(fanIn))) // unit output variance for unit input variance
			for i := range p.Value {
				p.Value[i] = (2*rng.Float32() - 1) * bound
			}
		}
		m.params = append(m.params, p)
		return p
	}
	bias := func(name string, n int) *nn.Param {
		p := nn.NewParam(name, n)
		m.params = append(m.params, p)
		return p
	}
	gain := func(name string, n int) *nn.Param {
		p := nn.NewParam(name, n)
		if rng != nil {
			for i := range p.Value {
				p.Value[i] = 1
			}
		}
		m.params = append(m.params, p)
		return p
	}
	c1, c2, d := cfg.ConvChannels[0], cfg.ConvChannels[1], cfg.Dim
	m.conv1W = weight("front.conv1.weight", 9, c1, 1, 3, 3)
	m.conv1B = bias("front.conv1.bias", c1)
	m.conv2W = weight("front.conv2.weight", 9*c1, c2, c1, 3, 3)
	m.conv2B = bias("front.conv2.bias", c2)
	if cfg.FreqAttentionHeads > 0 {
		m.freq = &axialAttention{
			lnG: gain("front.freq_attn.norm.weight", c2), lnB: bias("front.freq_attn.norm.bias", c2),
			wq: weight("front.freq_attn.q.weight", c2, c2, c2), bq: bias("front.freq_attn.q.bias", c2),
			wk: weight("front.freq_attn.k.weight", c2, c2, c2), bk: bias("front.freq_attn.k.bias", c2),
			wv: weight("front.freq_attn.v.weight", c2, c2, c2), bv: bias("front.freq_attn.v.bias", c2),
			wo: weight("front.freq_attn.out.weight", c2, c2, c2), bo: bias("front.freq_attn.out.bias", c2),
		}
		if rng != nil {
			scaleParam(m.freq.wo, 0.5) // start near identity: the residual dominates
		}
	}
	flat := c2 * cfg.freqBins()
	m.inW = weight("front.proj.weight", flat, d, flat)
	m.inB = bias("front.proj.bias", d)
	ff := cfg.FFMult * d
	for i := 0; i < cfg.Blocks; i++ {
		pre := fmt.Sprintf("blocks.%d.", i)
		mkFF := func(name string) feedForward {
			f := feedForward{
				lnG: gain(pre+name+".norm.weight", d), lnB: bias(pre+name+".norm.bias", d),
				w1: weight(pre+name+".w1.weight", d, ff, d), b1: bias(pre+name+".w1.bias", ff),
				w2: weight(pre+name+".w2.weight", ff, d, ff), b2: bias(pre+name+".w2.bias", d),
			}
			return f
		}
		b := &block{ff1: mkFF("ff1")}
		if cfg.TimeAttention {
			b.attn = &selfAttention{
				lnG: gain(pre+"attn.norm.weight", d), lnB: bias(pre+"attn.norm.bias", d),
				wq: weight(pre+"attn.q.weight", d, d, d), bq: bias(pre+"attn.q.bias", d),
				wk: weight(pre+"attn.k.weight", d, d, d), bk: bias(pre+"attn.k.bias", d),
				wv: weight(pre+"attn.v.weight", d, d, d), bv: bias(pre+"attn.v.bias", d),
				wo: weight(pre+"attn.out.weight", d, d, d), bo: bias(pre+"attn.out.bias", d),
			}
		}
		b.conv = convModule{
			lnG: gain(pre+"conv.norm.weight", d), lnB: bias(pre+"conv.norm.bias", d),
			pw1W: weight(pre+"conv.pw1.weight", d, 2*d, d), pw1B: bias(pre+"conv.pw1.bias", 2*d),
			dwW: weight(pre+"conv.dw.weight", cfg.ConvKernel, d, cfg.ConvKernel), dwB: bias(pre+"conv.dw.bias", d),
			ln2G: gain(pre+"conv.norm2.weight", d), ln2B: bias(pre+"conv.norm2.bias", d),
			pw2W: weight(pre+"conv.pw2.weight", d, d, d), pw2B: bias(pre+"conv.pw2.bias", d),
		}
		b.ff2 = mkFF("ff2")
		b.lnG, b.lnB = gain(pre+"norm.weight", d), bias(pre+"norm.bias", d)
		m.blocks = append(m.blocks, b)
	}
	m.outW = weight("ctc.weight", d, len(cfg.Vocab), d)
	m.outB = bias("ctc.bias", len(cfg.Vocab))
	if len(cfg.PhoneVocab) > 0 {
		m.phoneW = weight("phone_ctc.weight", d, len(cfg.PhoneVocab), d)
		m.phoneB = bias("phone_ctc.bias", len(cfg.PhoneVocab))
	}
	return m, nil
}

func scaleParam(p *nn.Param, s float32) {
	for i := range p.Value {
		p.Value[i] *= s
	}
}

// Config returns the architecture.
func (m *Model) Config() Config { return m.cfg }

// Params returns the trainable tensors in a fixed order.
func (m *Model) Params() []*nn.Param { return m.params }

// Vocab returns the output vocabulary.
func (m *Model) Vocab() Vocab { return NewVocab(m.cfg.Vocab) }
