package g2p

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// The letter-to-sound model is a CTC model over letters with upsampling
// (Graves et al., "Connectionist Temporal Classification", 2006; for G2P,
// Rao et al., "Grapheme-to-phoneme conversion using LSTM RNNs", ICASSP
// 2015): letters to phones is monotonic, so no decoder and no attention
// over the output are needed. A small pre-norm transformer encoder
// (Vaswani et al., 2017) with rotary positions (Su et al., RoFormer, 2021)
// and a depthwise-convolution module per block (Gulati et al., Conformer,
// 2020) reads the word between boundary marks; a final projection turns
// each letter into Upsample output frames, so a letter may emit up to
// Upsample phones ("x" → K S) or none (the silent "e"). Greedy decoding
// reads the best path.

// Letter alphabet: pad, a–z, apostrophe, word start, word end.
const (
	letterPad   = 0
	letterApos  = 27
	letterBegin = 28
	letterEnd   = 29
	numLetters  = 30
	// MaxModelLetters is the longest letter run the model reads at once;
	// Predict splits longer words.
	MaxModelLetters = 40
)

// ModelConfig is the letter-to-sound model's shape. It is stored in the
// model file.
type ModelConfig struct {
	Dim      int  `json:"dim"`      // model width
	Layers   int  `json:"layers"`   // encoder blocks
	Heads    int  `json:"heads"`    // attention heads
	FFN      int  `json:"ffn"`      // feed-forward width
	Kernel   int  `json:"kernel"`   // depthwise convolution taps (odd)
	Upsample int  `json:"upsample"` // output frames per letter
	Stress   bool `json:"stress"`   // output vocabulary keeps stress marks
	// Dropout is the training dropout rate (ignored in inference).
	Dropout float32 `json:"dropout"`
}

// DefaultModelConfig is the shipped model's shape.
func DefaultModelConfig() ModelConfig {
	return ModelConfig{Dim: 128, Layers: 4, Heads: 4, FFN: 256, Kernel: 5, Upsample: 2, Stress: true, Dropout: 0.1}
}

// Validate reports a configuration that cannot be built.
func (c ModelConfig) Validate() error {
	switch {
	case c.Dim <= 0 || c.Dim > 4096:
		return fmt.Errorf("g2p: model dim %d out of range", c.Dim)
	case c.Layers < 1 || c.Layers > 64:
		return fmt.Errorf("g2p: %d layers out of range", c.Layers)
	case c.Heads < 1 || c.Dim%c.Heads != 0 || (c.Dim/c.Heads)%2 != 0:
		return fmt.Errorf("g2p: %d heads must divide dim %d into even widths", c.Heads, c.Dim)
	case c.FFN < 1 || c.FFN > 16384:
		return fmt.Errorf("g2p: ffn %d out of range", c.FFN)
	case c.Kernel < 1 || c.Kernel%2 == 0 || c.Kernel > 31:
		return fmt.Errorf("g2p: kernel %d must be odd and ≤ 31", c.Kernel)
	case c.Upsample < 1 || c.Upsample > 8:
		return fmt.Errorf("g2p: upsample %d out of range", c.Upsample)
	case c.Dropout < 0 || c.Dropout >= 1:
		return fmt.Errorf("g2p: dropout %v out of range", c.Dropout)
	}
	return nil
}

// numParams is the weight count NewModel allocates for c.
func (c ModelConfig) numParams() int {
	d, v := c.Dim, PhoneSet(c.Stress).Size()
	perBlock := 2*d + d*c.Kernel + d + 2*d + 3*d*d + 3*d + d*d + d + 2*d + c.FFN*d + c.FFN + d*c.FFN + d
	return numLetters*d + c.Layers*perBlock + 2*d + c.Upsample*v*d + c.Upsample*v
}

type block struct {
	ln1g, ln1b, convW, convB   *nn.Param
	ln2g, ln2b, wqkv, bqkv     *nn.Param
	wo, bo                     *nn.Param
	ln3g, ln3b, w1, b1, w2, b2 *nn.Param
}

// Model is a trained letter-to-sound model. It is immutable and safe for
// concurrent use; each Predict call borrows a tape from a pool.
type Model struct {
	cfg    ModelConfig
	vocab  Vocab
	embed  *nn.Param
	blocks []block
	lnfG   *nn.Param
	lnfB   *nn.Param
	outW   *nn.Param
	outB   *nn.Param
	params []*nn.Param
	tapes  sync.Pool
	// rawDecode turns off the one-primary-stress rule (for measuring it).
	rawDecode bool
}

// NewModel returns an untrained model with weights drawn from seed, for
// training.
func NewModel(cfg ModelConfig, seed uint64) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, vocab: PhoneSet(cfg.Stress)}
	d, v := cfg.Dim, m.vocab.Size()
	add := func(name string, shape ...int) *nn.Param {
		p := nn.NewParam(name, shape...)
		m.params = append(m.params, p)
		return p
	}
	m.embed = add("embed", numLetters, d)
	for i := range cfg.Layers {
		pre := fmt.Sprintf("block%d.", i)
		m.blocks = append(m.blocks, block{
			ln1g: add(pre+"conv_ln.g", d), ln1b: add(pre+"conv_ln.b", d),
			convW: add(pre+"conv.w", d, cfg.Kernel), convB: add(pre+"conv.b", d),
			ln2g: add(pre+"attn_ln.g", d), ln2b: add(pre+"attn_ln.b", d),
			wqkv: add(pre+"attn.wqkv", 3*d, d), bqkv: add(pre+"attn.bqkv", 3*d),
			wo: add(pre+"attn.wo", d, d), bo: add(pre+"attn.bo", d),
			ln3g: add(pre+"ffn_ln.g", d), ln3b: add(pre+"ffn_ln.b", d),
			w1: add(pre+"ffn.w1", cfg.FFN, d), b1: add(pre+"ffn.b1", cfg.FFN),
			w2: add(pre+"ffn.w2", d, cfg.FFN), b2: add(pre+"ffn.b2", d),
		})
	}
	m.lnfG, m.lnfB = add("final_ln.g", d), add("final_ln.b", d)
	m.outW, m.outB = add("out.w", cfg.Upsample*v, d), add("out.b", cfg.Upsample*v)

	rng := nn.NewRand(seed)
	nn.InitNormal(m.embed, rng, 0, 1)
	scaleOut := 1 / math.Sqrt(2*float64(cfg.Layers)) // GPT-2's residual scaling
	for _, b := range m.blocks {
		for _, g := range []*nn.Param{b.ln1g, b.ln2g, b.ln3g} {
			nn.InitConst(g, 1)
		}
		nn.InitKaimingUniform(b.convW, rng, cfg.Kernel)
		nn.InitXavierUniform(b.wqkv, rng)
		nn.InitXavierUniform(b.wo, rng)
		nn.InitKaimingUniform(b.w1, rng, d)
		nn.InitKaimingUniform(b.w2, rng, cfg.FFN)
		for _, w := range []*nn.Param{b.wo, b.w2} {
			for i := range w.Value {
				w.Value[i] *= float32(scaleOut)
			}
		}
	}
	nn.InitConst(m.lnfG, 1)
	nn.InitXavierUniform(m.outW, rng)
	return m, nil
}

// Config returns the model's configuration.
func (m *Model) Config() ModelConfig { return m.cfg }

// Vocab returns the model's output vocabulary.
func (m *Model) Vocab() Vocab { return m.vocab }

// Params returns the model's weights, in a fixed order (for training).
func (m *Model) Params() []*nn.Param { return m.params }

// modelMeta is the JSON config stored in a model file.
type modelMeta struct {
	Format string      `json:"format"`
	Model  ModelConfig `json:"model"`
	// Card holds free-form facts for the model card (training data,
	// figures), written by the trainer.
	Card map[string]string `json:"card,omitempty"`
}

const modelFormat = "mynah-g2p-ctc-1"

// WriteModel writes m as a model file (safetensors with the config in its
// metadata), with weights stored as dtype (safetensors.F16 halves the size
// at no measurable cost to accuracy; F32 for checkpoints). card is stored
// beside the config.
func (m *Model) WriteModel(w io.Writer, dtype safetensors.DType, card map[string]string) error {
	return nn.WriteModel(w, modelMeta{Format: modelFormat, Model: m.cfg, Card: card}, m.params, dtype)
}

// LoadModel reads a model file written by WriteModel.
func LoadModel(data []byte) (*Model, error) {
	f, err := nn.LoadModel(data)
	if err != nil {
		return nil, fmt.Errorf("g2p: load model: %w", err)
	}
	var meta modelMeta
	if err := f.UnmarshalConfig(&meta); err != nil {
		return nil, fmt.Errorf("g2p: load model config: %w", err)
	}
	if meta.Format != modelFormat {
		return nil, fmt.Errorf("g2p: load model: format %q, want %q", meta.Format, modelFormat)
	}
	if err := meta.Model.Validate(); err != nil {
		return nil, fmt.Errorf("g2p: load model: %w", err)
	}
	// The config is only a claim: allocate nothing before the stored
	// tensors (bounded by the file's size) add up to what it describes.
	stored := 0
	for _, t := range f.Tensors() {
		if !strings.HasSuffix(t.Name, nn.QScaleSuffix) {
			stored += t.NumElements()
		}
	}
	if want := meta.Model.numParams(); stored != want {
		return nil, fmt.Errorf("g2p: load model: file holds %d weights, config needs %d", stored, want)
	}
	m, err := NewModel(meta.Model, 0)
	if err != nil {
		return nil, fmt.Errorf("g2p: load model: %w", err)
	}
	if err := f.Load(m.params); err != nil {
		return nil, fmt.Errorf("g2p: %w", err)
	}
	return m, nil
}

// ModelCard returns the card facts stored in a model file.
func ModelCard(data []byte) (map[string]string, error) {
	f, err := nn.LoadModel(data)
	if err != nil {
		return nil, err
	}
	var meta modelMeta
	if err := f.UnmarshalConfig(&meta); err != nil {
		return nil, err
	}
	return meta.Card, nil
}

// ErrNotSpellable is returned for a word holding no letter the model reads.
var ErrNotSpellable = errors.New("g2p: no letters to pronounce")

// EncodeLetters appends the model's input ids for word (letters a–z in
// either case and the apostrophe; other bytes are skipped) between the
// boundary marks. It returns dst unchanged and false when no letter is left
// or the word is longer than MaxModelLetters.
func EncodeLetters(dst []int, word string) ([]int, bool) {
	start := len(dst)
	dst = append(dst, letterBegin)
	for i := 0; i < len(word); i++ {
		c := word[i] | 0x20
		switch {
		case c >= 'a' && c <= 'z':
			dst = append(dst, int(c-'a')+1)
		case word[i] == '\'':
			dst = append(dst, letterApos)
		}
	}
	n := len(dst) - start - 1
	if n == 0 || n > MaxModelLetters {
		return dst[:start], false
	}
	return append(dst, letterEnd), true
}

// Forward records the model on t for a padded batch of letter ids [B,T]
// (letterPad after each word's lens[b] ids) and returns the output scores
// [B, T·Upsample, V] for CTCLoss; frame lengths are lens[b]·Upsample.
func (m *Model) Forward(t *nn.Tape, ids []int, lens []int) (*nn.Var, error) {
	batch := len(lens)
	if batch == 0 || len(ids)%batch != 0 {
		return nil, fmt.Errorf("g2p: forward: %d ids for %d words", len(ids), batch)
	}
	steps := len(ids) / batch
	d := m.cfg.Dim
	x, err := t.Embedding(t.Param(m.embed), ids, batch, steps)
	if err != nil {
		return nil, fmt.Errorf("g2p: forward: %w", err)
	}
	mask := nn.AttnMask{KeyLens: lens}
	// Padding frames are zeroed before each convolution so that a word's
	// scores do not depend on what it was batched with: a padded batch
	// computes exactly what single words compute.
	var padMask *nn.Var
	for _, n := range lens {
		if n > steps || n < 1 {
			return nil, fmt.Errorf("g2p: forward: length %d outside 1..%d", n, steps)
		}
		if n < steps && padMask == nil {
			padMask = t.Zeros(batch, steps, 1)
			for b, n := range lens {
				for i := range n {
					padMask.Data[b*steps+i] = 1
				}
			}
		}
	}
	for _, b := range m.blocks {
		// Convolution module: local letter context (digraphs, "tion").
		h := t.LayerNorm(x, t.Param(b.ln1g), t.Param(b.ln1b), 1e-5)
		if padMask != nil {
			h = t.Mul(h, padMask)
		}
		h = t.SiLU(t.DepthwiseConv1D(h, t.Param(b.convW), t.Param(b.convB), false))
		x = t.Add(x, t.Dropout(h, m.cfg.Dropout))
		// Self-attention: whole-word context (stress, morphology).
		h = t.LayerNorm(x, t.Param(b.ln2g), t.Param(b.ln2b), 1e-5)
		qkv := t.Linear(h, t.Param(b.wqkv), t.Param(b.bqkv))
		q := t.RoPE(t.Slice(qkv, 2, 0, d), m.cfg.Heads, 0)
		k := t.RoPE(t.Slice(qkv, 2, d, 2*d), m.cfg.Heads, 0)
		v := t.Slice(qkv, 2, 2*d, 3*d)
		h = t.Linear(t.Attention(q, k, v, m.cfg.Heads, mask), t.Param(b.wo), t.Param(b.bo))
		x = t.Add(x, t.Dropout(h, m.cfg.Dropout))
		// Feed-forward.
		h = t.LayerNorm(x, t.Param(b.ln3g), t.Param(b.ln3b), 1e-5)
		h = t.Linear(t.SiLU(t.Linear(h, t.Param(b.w1), t.Param(b.b1))), t.Param(b.w2), t.Param(b.b2))
		x = t.Add(x, t.Dropout(h, m.cfg.Dropout))
	}
	x = t.LayerNorm(x, t.Param(m.lnfG), t.Param(m.lnfB), 1e-5)
	out := t.Linear(x, t.Param(m.outW), t.Param(m.outB)) // [B,T,U·V]
	return t.Reshape(out, batch, steps*m.cfg.Upsample, m.vocab.Size()), nil
}

// GreedyDecode reads the best CTC path of scores [frames, V] (one word):
// the argmax per frame, repeats merged, blanks removed.
func (m *Model) GreedyDecode(dst Pronunciation, scores []float32, frames int) Pronunciation {
	return m.decode(dst, scores, frames, false)
}

// decode is GreedyDecode, with oneStress choosing each vowel's stress so
// that the word has exactly one primary stress, as 98.6% of CMUdict's
// pronunciations do: with none, the vowel whose primary score is closest
// to its chosen one is promoted; with several, the most confident keeps it
// and the others take their better remaining mark.
func (m *Model) decode(dst Pronunciation, scores []float32, frames int, oneStress bool) Pronunciation {
	v := m.vocab.Size()
	type vowel struct {
		at    int        // index in dst
		score [3]float32 // best score of each stress mark over its frames
	}
	var vowelBuf [16]vowel
	vowels := vowelBuf[:0]
	prev := -1
	for f := range frames {
		row := scores[f*v : (f+1)*v]
		best := 0
		for j := 1; j < v; j++ {
			if row[j] > row[best] {
				best = j
			}
		}
		if best != Blank {
			p, ok := m.vocab.Phone(best)
			if ok && best != prev {
				dst = append(dst, p)
				if oneStress && m.vocab.stress && p.IsVowel() {
					vowels = append(vowels, vowel{at: len(dst) - 1, score: [3]float32{-1e30, -1e30, -1e30}})
				}
			}
			if ok && oneStress && m.vocab.stress && p.IsVowel() && len(vowels) > 0 {
				// Labels of one vowel's marks are adjacent: 0, 1, 2.
				base := best - int(p.Stress()-Unstressed)
				last := &vowels[len(vowels)-1]
				for k := range 3 {
					last.score[k] = max(last.score[k], row[base+k])
				}
			}
		}
		prev = best
	}
	if !oneStress || len(vowels) == 0 {
		return dst
	}
	const primary = int(Primary - Unstressed)
	var primaries []int
	for i, vw := range vowels {
		if dst[vw.at].Stress() == Primary {
			primaries = append(primaries, i)
		}
	}
	switch {
	case len(primaries) == 0:
		bestI, bestGap := 0, float32(-1e30)
		for i, vw := range vowels {
			chosen := vw.score[int(dst[vw.at].Stress()-Unstressed)]
			if gap := vw.score[primary] - chosen; gap > bestGap {
				bestI, bestGap = i, gap
			}
		}
		dst[vowels[bestI].at] = dst[vowels[bestI].at].WithStress(Primary)
	case len(primaries) > 1:
		keep, bestMargin := primaries[0], float32(-1e30)
		for _, i := range primaries {
			sc := vowels[i].score
			if margin := sc[primary] - max(sc[0], sc[2]); margin > bestMargin {
				keep, bestMargin = i, margin
			}
		}
		for _, i := range primaries {
			if i == keep {
				continue
			}
			sc := vowels[i].score
			mark := Unstressed
			if sc[2] > sc[0] {
				mark = Secondary
			}
			dst[vowels[i].at] = dst[vowels[i].at].WithStress(mark)
		}
	}
	return dst
}

type predictScratch struct {
	tape *nn.Tape
	ids  []int
}

// scratch borrows an inference tape; put it back in m.tapes.
func (m *Model) scratch() *predictScratch {
	s, _ := m.tapes.Get().(*predictScratch)
	if s == nil {
		s = &predictScratch{tape: nn.NewTape(0)}
		s.tape.SetTraining(false)
		s.tape.SetGradEnabled(false)
	}
	return s
}

// Predict returns the model's pronunciation of one word (letters and
// apostrophes; anything else is ignored): the greedy CTC path with each
// vowel's stress chosen so that the word has one primary stress. Words
// longer than MaxModelLetters are pronounced in pieces.
func (m *Model) Predict(word string) (Pronunciation, error) {
	s := m.scratch()
	defer m.tapes.Put(s)
	var out Pronunciation
	letters := 0
	start := 0
	for i := 0; i <= len(word); i++ {
		if i < len(word) {
			c := word[i] | 0x20
			if (c >= 'a' && c <= 'z') || word[i] == '\'' {
				letters++
			}
			if letters < MaxModelLetters {
				continue
			}
		}
		piece := word[start:i]
		if i < len(word) {
			piece = word[start : i+1]
		}
		start, letters = i+1, 0
		ids, ok := EncodeLetters(s.ids[:0], piece)
		s.ids = ids
		if !ok {
			continue
		}
		s.tape.Reset()
		scores, err := m.Forward(s.tape, ids, []int{len(ids)})
		if err != nil {
			return nil, err
		}
		out = m.decode(out, scores.Data, len(ids)*m.cfg.Upsample, !m.rawDecode)
	}
	if out == nil {
		return nil, fmt.Errorf("%w: %q", ErrNotSpellable, word)
	}
	return out, nil
}

// PredictBatch pronounces many words in batches of similar length, which
// amortises the per-call overhead (the OOV words of a text, a held-out
// split). Words the model cannot read whole (no letters, or longer than
// MaxModelLetters) go through Predict; a word with no letters gives a nil
// pronunciation.
func (m *Model) PredictBatch(words []string) []Pronunciation {
	out := make([]Pronunciation, len(words))
	order := make([]int, 0, len(words))
	lens := make([]int, len(words))
	var scratch []int
	for i, w := range words {
		ids, ok := EncodeLetters(scratch[:0], w)
		if !ok {
			out[i], _ = m.Predict(w)
			continue
		}
		scratch = ids
		lens[i] = len(ids)
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return lens[a] - lens[b] })
	s := m.scratch()
	defer m.tapes.Put(s)
	t := s.tape
	const maxBatch = 256
	var ids []int
	var batchLens []int
	for start := 0; start < len(order); start += maxBatch {
		batch := order[start:min(start+maxBatch, len(order))]
		steps := lens[batch[len(batch)-1]]
		ids, batchLens = ids[:0], batchLens[:0]
		for _, i := range batch {
			before := len(ids)
			ids, _ = EncodeLetters(ids, words[i])
			for len(ids) < before+steps {
				ids = append(ids, letterPad)
			}
			batchLens = append(batchLens, lens[i])
		}
		t.Reset()
		scores, err := m.Forward(t, ids, batchLens)
		if err != nil {
			continue // cannot happen: ids are in range and shapes agree
		}
		frames := steps * m.cfg.Upsample
		v := m.vocab.Size()
		for b, i := range batch {
			row := scores.Data[b*frames*v : (b+1)*frames*v]
			out[i] = m.decode(nil, row, lens[i]*m.cfg.Upsample, !m.rawDecode)
		}
	}
	return out
}
