package acoustic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/mynah-speech/mynah/nn"
)

// Model holds the weights. It is immutable after New or Load and safe for
// concurrent use: every pass records on the caller's nn.Tape.
type Model struct {
	tapes  sync.Pool // of *nn.Tape, for Synthesize(nil, ...)
	cfg    Config
	index  map[string]int
	params []*nn.Param

	embed    *nn.Param // [V, D]
	encoder  []convBlock
	encLnG   *nn.Param
	encLnB   *nn.Param
	duration predictor
	pitch    predictor
	energy   predictor
	pitchW   *nn.Param // [D, 1, K]: phone pitch → D
	pitchB   *nn.Param
	energyW  *nn.Param
	energyB  *nn.Param
	posW     *nn.Param // [D, 2]: position inside the symbol → D
	decoder  []convBlock
	decLnG   *nn.Param
	decLnB   *nn.Param
	outW     *nn.Param // [Mels+3, D]: mels, ln F0, two voicing logits
	outB     *nn.Param

	// Aligner (training only; shipped so training can resume from a file).
	keyW1, keyB1 *nn.Param // [2A, D, 3]
	keyW2, keyB2 *nn.Param // [A, 2A, 1]
	qW1, qB1     *nn.Param // [2A, Mels, 3]
	qW2, qB2     *nn.Param // [A, 2A, 1]
}

// convBlock is a pre-norm residual block of two convolutions with a ReLU
// between them: x + Conv(ReLU(Conv(LN(x)))).
type convBlock struct {
	lnG, lnB *nn.Param
	w1, b1   *nn.Param // [D, D, K]
	w2, b2   *nn.Param
	dilation int
}

// predictor is FastSpeech's variance predictor: two kernel-K convolutions
// with ReLU and layer norm, then a linear map to one value per symbol.
type predictor struct {
	w1, b1   *nn.Param // [P, D, K]
	ln1G     *nn.Param
	ln1B     *nn.Param
	w2, b2   *nn.Param // [P, P, K]
	ln2G     *nn.Param
	ln2B     *nn.Param
	outW     *nn.Param // [1, P]
	outB     *nn.Param
	inputDim int
}

// New returns a model with weights initialised from seed.
func New(cfg Config, seed uint64) (*Model, error) {
	return build(cfg, rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)))
}

// newUninitialised returns a model of cfg whose tensors are allocated but
// hold zeros, for a loader that overwrites every one of them: it draws no
// random numbers (drawing them was most of the embedded voice's load time).
func newUninitialised(cfg Config) (*Model, error) { return build(cfg, nil) }

// build lays out the parameters of cfg in their fixed order. With rng it
// initialises them as New documents (the draws, and so a seed's weights,
// are those of every earlier version); with rng nil every tensor is left
// zero for a loader to fill.
func build(cfg Config, rng *rand.Rand) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, index: make(map[string]int, len(cfg.Symbols))}
	m.tapes.New = func() any { return nn.NewTape(0) }
	for i, s := range cfg.Symbols {
		m.index[s] = i
	}
	weight := func(name string, fanIn int, shape ...int) *nn.Param {
		p := nn.NewParam(name, shape...)
		if rng != nil {
			bound := float32(math.Sqrt(3.0 / float64(fanIn)))
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
		p := bias(name, n)
		if rng != nil {
			for i := range p.Value {
				p.Value[i] = 1
			}
		}
		return p
	}
	D, K, P, A := cfg.Dim, cfg.Kernel, cfg.PredictorDim, cfg.AlignDim
	block := func(pre string, dilation int) convBlock {
		b := convBlock{
			lnG: gain(pre+".norm.weight", D), lnB: bias(pre+".norm.bias", D),
			w1: weight(pre+".conv1.weight", D*K, D, D, K), b1: bias(pre+".conv1.bias", D),
			w2: weight(pre+".conv2.weight", D*K, D, D, K), b2: bias(pre+".conv2.bias", D),
			dilation: dilation,
		}
		if rng != nil {
			scaleParam(b.w2, 0.5) // the residual path dominates at the start
		}
		return b
	}
	pred := func(pre string) predictor {
		return predictor{
			w1: weight(pre+".conv1.weight", D*K, P, D, K), b1: bias(pre+".conv1.bias", P),
			ln1G: gain(pre+".norm1.weight", P), ln1B: bias(pre+".norm1.bias", P),
			w2: weight(pre+".conv2.weight", P*K, P, P, K), b2: bias(pre+".conv2.bias", P),
			ln2G: gain(pre+".norm2.weight", P), ln2B: bias(pre+".norm2.bias", P),
			outW: weight(pre+".out.weight", P, 1, P), outB: bias(pre+".out.bias", 1),
			inputDim: D,
		}
	}
	m.embed = weight("embed.weight", 1, len(cfg.Symbols), D)
	if rng != nil {
		scaleParam(m.embed, 0.3)
	}
	for i := 0; i < cfg.EncoderBlocks; i++ {
		m.encoder = append(m.encoder, block(fmt.Sprintf("encoder.%d", i), 1))
	}
	m.encLnG, m.encLnB = gain("encoder.norm.weight", D), bias("encoder.norm.bias", D)
	m.duration = pred("duration")
	m.pitch = pred("pitch")
	m.energy = pred("energy")
	m.pitchW, m.pitchB = weight("pitch_embed.weight", K, D, 1, K), bias("pitch_embed.bias", D)
	m.energyW, m.energyB = weight("energy_embed.weight", K, D, 1, K), bias("energy_embed.bias", D)
	m.posW = weight("position.weight", 2, D, 2)
	for i := 0; i < cfg.DecoderBlocks; i++ {
		m.decoder = append(m.decoder, block(fmt.Sprintf("decoder.%d", i), 1<<(i%cfg.DecoderDilation)))
	}
	m.decLnG, m.decLnB = gain("decoder.norm.weight", D), bias("decoder.norm.bias", D)
	m.outW, m.outB = weight("out.weight", D, cfg.Mels+3, D), bias("out.bias", cfg.Mels+3)
	m.keyW1, m.keyB1 = weight("align.key1.weight", 3*D, 2*A, D, 3), bias("align.key1.bias", 2*A)
	m.keyW2, m.keyB2 = weight("align.key2.weight", 2*A, A, 2*A, 1), bias("align.key2.bias", A)
	m.qW1, m.qB1 = weight("align.query1.weight", 3*cfg.Mels, 2*A, cfg.Mels, 3), bias("align.query1.bias", 2*A)
	m.qW2, m.qB2 = weight("align.query2.weight", 2*A, A, 2*A, 1), bias("align.query2.bias", A)
	return m, nil
}

func scaleParam(p *nn.Param, s float32) {
	for i := range p.Value {
		p.Value[i] *= s
	}
}

// Config returns the architecture and statistics.
func (m *Model) Config() Config { return m.cfg }

// Params returns the trainable tensors in a fixed order.
func (m *Model) Params() []*nn.Param { return m.params }

// Encode maps symbols to embedding rows; an unknown symbol is an error
// wrapping ErrUnknownSymbol.
func (m *Model) Encode(symbols []string) ([]int, error) {
	ids := make([]int, len(symbols))
	for i, s := range symbols {
		id, ok := m.index[s]
		if !ok {
			return nil, fmt.Errorf("tts acoustic: symbol %d %q: %w", i, s, ErrUnknownSymbol)
		}
		ids[i] = id
	}
	return ids, nil
}

// conv is a "same" convolution over time of x [B,T,Cin] with w [Cout,Cin,K].
func conv(t *nn.Tape, x *nn.Var, w, b *nn.Param, dilation int) *nn.Var {
	k := w.Shape[2]
	pad := dilation * (k - 1) / 2
	return t.Conv1D(x, t.Param(w), t.Param(b), 1, pad, pad, dilation, 1)
}

// The forward passes below hand each activation back to the tape
// (nn.Tape.Release) once its last reader has run. In inference that keeps
// a phrase's working set to a few activations instead of every one the
// pass makes (17 MB for 5 s of speech, each page a fault on first touch in
// a fresh process); while training Release does nothing. In inference
// Dropout is the identity, so a Var and its Dropout are one buffer and are
// released once.

func (blk *convBlock) forward(t *nn.Tape, x *nn.Var, lens []int, drop float32) *nn.Var {
	n := t.LayerNorm(x, t.Param(blk.lnG), t.Param(blk.lnB), 1e-5)
	c := conv(t, n, blk.w1, blk.b1, blk.dilation)
	t.Release(n)
	h := t.ReLU(c)
	t.Release(c)
	h = t.Dropout(h, drop)
	c = conv(t, h, blk.w2, blk.b2, blk.dilation)
	t.Release(h)
	h = t.Dropout(c, drop)
	s := t.Add(x, h)
	t.Release(h)
	y := t.MaskLengths(s, lens)
	t.Release(s)
	return y
}

// forward returns the predictor's value per symbol, [B,N].
func (p *predictor) forward(t *nn.Tape, x *nn.Var, lens []int, drop float32) *nn.Var {
	c := conv(t, x, p.w1, p.b1, 1)
	h := t.ReLU(c)
	t.Release(c)
	n := t.LayerNorm(h, t.Param(p.ln1G), t.Param(p.ln1B), 1e-5)
	t.Release(h)
	h = t.Dropout(n, drop)
	c = conv(t, h, p.w2, p.b2, 1)
	t.Release(h)
	h = t.ReLU(c)
	t.Release(c)
	n = t.LayerNorm(h, t.Param(p.ln2G), t.Param(p.ln2B), 1e-5)
	t.Release(h)
	h = t.Dropout(n, drop)
	l := t.Linear(h, t.Param(p.outW), t.Param(p.outB))
	t.Release(h)
	y := t.MaskLengths(l, lens) // [B,N,1]
	t.Release(l)
	return t.Reshape(y, x.Shape[0], x.Shape[1])
}

// encode runs the embedding and the encoder: ids [B·N] → emb, enc [B,N,D].
func (m *Model) encode(t *nn.Tape, ids []int, B, N int, lens []int, drop float32) (emb, enc *nn.Var, err error) {
	emb, err = t.Embedding(t.Param(m.embed), ids, B, N)
	if err != nil {
		return nil, nil, err
	}
	e := emb
	emb = t.MaskLengths(e, lens)
	t.Release(e)
	n := stack(t, m.encoder, emb, lens, drop, m.encLnG, m.encLnB)
	x := t.MaskLengths(n, lens)
	t.Release(n)
	return emb, x, nil
}

// stack runs blocks over x and layer-normalises the result, releasing each
// intermediate activation after its last reader (never x, which the
// caller owns).
func stack(t *nn.Tape, blocks []convBlock, x *nn.Var, lens []int, drop float32, lnG, lnB *nn.Param) *nn.Var {
	in := x
	for i := range blocks {
		y := blocks[i].forward(t, x, lens, drop)
		if x != in {
			t.Release(x)
		}
		x = y
	}
	n := t.LayerNorm(x, t.Param(lnG), t.Param(lnB), 1e-5)
	if x != in {
		t.Release(x)
	}
	return n
}

// variance adds the embedded phone pitch and energy [B,N] to enc.
func (m *Model) variance(t *nn.Tape, enc, pitch, energy *nn.Var, lens []int) *nn.Var {
	B, N := enc.Shape[0], enc.Shape[1]
	pe := conv(t, t.Reshape(pitch, B, N, 1), m.pitchW, m.pitchB, 1)
	ee := conv(t, t.Reshape(energy, B, N, 1), m.energyW, m.energyB, 1)
	sum := t.Add(pe, ee)
	t.Release(pe, ee)
	s := t.Add(enc, sum)
	t.Release(sum)
	y := t.MaskLengths(s, lens)
	t.Release(s)
	return y
}

// regulate repeats each symbol's row of x [B,N,D] for its frames
// (FastSpeech's length regulator) and adds the embedded position inside
// the symbol; durations[b] holds utterance b's symbol durations, frames
// beyond its total are zero. T is the padded frame count.
func (m *Model) regulate(t *nn.Tape, x *nn.Var, durations [][]int, T int) (*nn.Var, []int, error) {
	B, N, D := x.Shape[0], x.Shape[1], x.Shape[2]
	ids := make([]int, B*T)
	pos := make([]float32, B*T*2)
	lens := make([]int, B)
	for b := 0; b < B; b++ {
		f := 0
		for n, d := range durations[b] {
			if n >= N {
				return nil, nil, fmt.Errorf("utterance %d: %d durations for %d symbols", b, len(durations[b]), N)
			}
			for k := 0; k < d; k++ {
				if f >= T {
					return nil, nil, fmt.Errorf("utterance %d: durations exceed %d frames", b, T)
				}
				ids[b*T+f] = b*N + n
				frac := (float32(k) + 0.5) / float32(d)
				pos[(b*T+f)*2] = frac
				pos[(b*T+f)*2+1] = 1 - frac
				f++
			}
		}
		lens[b] = f
		for ; f < T; f++ {
			ids[b*T+f] = b * N
		}
	}
	flat := t.Reshape(x, B*N, D)
	y, err := t.Embedding(flat, ids, B, T)
	if err != nil {
		return nil, nil, err
	}
	in := t.Input([]int{B, T, 2}, pos)
	p := t.Linear(in, t.Param(m.posW), nil)
	t.Release(in)
	s := t.Add(y, p)
	t.Release(y, p)
	out := t.MaskLengths(s, lens)
	t.Release(s)
	return out, lens, nil
}

// decode maps regulated frames [B,T,D] to outputs [B,T,Mels+3].
func (m *Model) decode(t *nn.Tape, x *nn.Var, lens []int, drop float32) *nn.Var {
	n := stack(t, m.decoder, x, lens, drop, m.decLnG, m.decLnB)
	y := t.Linear(n, t.Param(m.outW), t.Param(m.outB))
	t.Release(n)
	return y
}
