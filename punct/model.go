package punct

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// The tagger is a word-level temporal convolution network (Bai, Kolter
// and Koltun, "An Empirical Evaluation of Generic Convolutional and
// Recurrent Networks for Sequence Modeling", 2018): stacked dilated 1-D
// convolutions over word embeddings with pre-norm residual connections,
// and one linear head giving, per word, NumMarks punctuation scores and
// NumCases casing scores (the joint tagging of Tilk and Alumäe,
// "Bidirectional Recurrent Neural Network with Attention Mechanism for
// Punctuation Restoration", Interspeech 2016, with a convolution stack in
// place of the recurrent one for speed). Dilations 1, 2, 4, 8 reach 15
// words either side for a few hundred thousand multiply-adds per word.
//
// Two encoders share the embedding table: the full one sees its whole
// receptive field on both sides; the streaming one pads its convolutions
// mostly on the left so that it sees at most a few words ahead (its
// look-ahead is the sum of the layers' LookAhead), as live dictation
// needs. Both are trained together on the same batches.
//
// A word is the sum of two embedding rows: its own (the most frequent
// training words have one each; the rest share HashBuckets rows by
// hash, Weinberger et al., "Feature Hashing for Large Scale Multitask
// Learning", 2009) and its last SuffixLen letters' (hashed into
// SuffixBuckets rows), which tells unseen names and inflections apart.

// Variant chooses an encoder.
type Variant int

const (
	// Full sees the whole receptive field on both sides: for files.
	Full Variant = iota
	// Streaming sees at most Config.LookAhead(Streaming) words ahead: for
	// live dictation (Stream).
	Streaming
)

// String names the variant.
func (v Variant) String() string {
	if v == Streaming {
		return "streaming"
	}
	return "full"
}

// Layer is one dilated convolution of an encoder.
type Layer struct {
	Kernel   int `json:"kernel"`   // taps
	Dilation int `json:"dilation"` // words between taps
	// LookAhead is how many of the Dilation·(Kernel−1) padding words go
	// on the right (future) side; the rest go on the left.
	LookAhead int `json:"look_ahead"`
}

func (l Layer) span() int  { return l.Dilation * (l.Kernel - 1) }
func (l Layer) left() int  { return l.span() - l.LookAhead }
func (l Layer) right() int { return l.LookAhead }

// Decision turns scores into labels: a class wins with the largest score
// plus its bias. The biases are tuned on held-out text for F1 after
// training (a prior shift, as in threshold tuning for imbalanced
// classes), so rare marks are not drowned by None.
type Decision struct {
	MarkBias [NumMarks]float32 `json:"mark_bias"`
	CaseBias [NumCases]float32 `json:"case_bias"`
	// OpenerBias is added to the Question score of a word whose winning
	// mark ends a sentence, when that sentence opened with a question
	// word (a wh-word or an auxiliary: "where ...", "is it ...", or one
	// after a leading "and", "but", "well", "oh"...: "and why ..."). A
	// question is told by its first words, which can lie beyond the
	// encoder's reach or be outweighed by the words near its end; the
	// shift turns such a sentence's period into a question mark. Zero
	// leaves the scores' choice alone.
	OpenerBias float32 `json:"opener_bias,omitempty"`
}

// Config is the tagger's shape, vocabulary and decision rule. It is
// stored in the model file.
type Config struct {
	// Arch is the model kind: "" (or "cnn") for the convolutional tagger,
	// ArchLinear for the linear one, whose fields are Buckets, BagWords
	// and SuffixLen (the rest stay zero).
	Arch     string `json:"arch,omitempty"`
	Buckets  int    `json:"buckets,omitempty"`   // linear: feature rows (a power of two)
	BagWords int    `json:"bag_words,omitempty"` // linear: words before w₋₂ in the bag feature
	// Vocab lists the words that have their own embedding row, most
	// frequent first.
	Vocab         []string `json:"vocab"`
	HashBuckets   int      `json:"hash_buckets"`   // shared rows for other words
	SuffixBuckets int      `json:"suffix_buckets"` // rows for hashed suffixes
	SuffixLen     int      `json:"suffix_len"`     // letters in a suffix
	Dim           int      `json:"dim"`            // embedding width
	Channels      int      `json:"channels"`       // convolution width
	FullLayers    []Layer  `json:"full_layers"`
	StreamLayers  []Layer  `json:"stream_layers"`
	// Dropout is the training dropout rate (ignored in inference).
	Dropout        float32  `json:"dropout"`
	FullDecision   Decision `json:"full_decision"`
	StreamDecision Decision `json:"stream_decision"`
}

// DefaultConfig returns the shipped shape with the given vocabulary.
func DefaultConfig(vocab []string) Config {
	return Config{
		Vocab: vocab, HashBuckets: 4096, SuffixBuckets: 4096, SuffixLen: 3,
		Dim: 64, Channels: 128,
		FullLayers: []Layer{{3, 1, 1}, {3, 2, 2}, {3, 4, 4}, {3, 8, 8}},
		// Look-ahead 1 + 2 = 3 words; left context 1 + 2 + 8 + 16 = 27.
		StreamLayers: []Layer{{3, 1, 1}, {3, 2, 2}, {3, 4, 0}, {3, 8, 0}},
		Dropout:      0.1,
	}
}

// Validate reports a configuration that cannot be built.
func (c Config) Validate() error {
	_, err := c.validate()
	return err
}

// validate is Validate, returning the vocabulary's index (word → row) it
// builds to find repeated words, so that the model need not build it
// again (20,000 words in the shipped model).
func (c Config) validate() (map[string]int32, error) {
	switch c.Arch {
	case ArchLinear:
		if err := c.validateLinear(); err != nil {
			return nil, err
		}
		index := make(map[string]int32, len(c.Vocab))
		for i, w := range c.Vocab {
			index[w] = int32(i)
		}
		return index, nil
	case "", "cnn":
	default:
		return nil, fmt.Errorf("punct: unknown arch %q", c.Arch)
	}
	if err := c.validateCNN(); err != nil {
		return nil, err
	}
	index := make(map[string]int32, len(c.Vocab))
	for i, w := range c.Vocab {
		if _, seen := index[w]; w == "" || seen {
			return nil, fmt.Errorf("punct: vocabulary word %q empty or repeated", w)
		}
		index[w] = int32(i)
	}
	return index, nil
}

// validateCNN checks the sizes of the convolutional model.
func (c Config) validateCNN() error {
	switch {
	case len(c.Vocab) > 1<<20:
		return fmt.Errorf("punct: vocabulary of %d words above 2^20", len(c.Vocab))
	case c.HashBuckets < 1 || c.HashBuckets > 1<<20:
		return fmt.Errorf("punct: %d hash buckets out of range", c.HashBuckets)
	case c.SuffixBuckets < 1 || c.SuffixBuckets > 1<<20:
		return fmt.Errorf("punct: %d suffix buckets out of range", c.SuffixBuckets)
	case c.SuffixLen < 1 || c.SuffixLen > 8:
		return fmt.Errorf("punct: suffix length %d out of range", c.SuffixLen)
	case c.Dim < 1 || c.Dim > 1024:
		return fmt.Errorf("punct: dim %d out of range", c.Dim)
	case c.Channels < 1 || c.Channels > 2048:
		return fmt.Errorf("punct: %d channels out of range", c.Channels)
	case c.Dropout < 0 || c.Dropout >= 1:
		return fmt.Errorf("punct: dropout %v out of range", c.Dropout)
	}
	for _, ls := range [][]Layer{c.FullLayers, c.StreamLayers} {
		if len(ls) < 1 || len(ls) > 16 {
			return fmt.Errorf("punct: %d layers out of range", len(ls))
		}
		for i, l := range ls {
			if l.Kernel < 1 || l.Kernel > 15 || l.Dilation < 1 || l.Dilation > 64 || l.LookAhead < 0 || l.LookAhead > l.span() {
				return fmt.Errorf("punct: layer %d %+v out of range", i, l)
			}
		}
	}
	return nil
}

// LookAhead returns how many words after a word the variant reads before
// labelling it.
func (c Config) LookAhead(v Variant) int {
	if c.Arch == ArchLinear {
		return linearLookAhead
	}
	n := 0
	for _, l := range c.layers(v) {
		n += l.right()
	}
	return n
}

// Context returns how many words before a word can change its label.
func (c Config) Context(v Variant) int {
	if c.Arch == ArchLinear {
		return c.BagWords + 2
	}
	n := 0
	for _, l := range c.layers(v) {
		n += l.left()
	}
	return n
}

func (c Config) layers(v Variant) []Layer {
	if v == Streaming {
		return c.StreamLayers
	}
	return c.FullLayers
}

func (c Config) decision(v Variant) Decision {
	if v == Streaming {
		return c.StreamDecision
	}
	return c.FullDecision
}

// numOutputs is the width of the head: mark scores then case scores.
const numOutputs = NumMarks + NumCases

type convLayer struct {
	lnG, lnB, w, b *nn.Param // lnG, lnB nil on the first layer
	layer          Layer
}

type encoder struct {
	layers           []convLayer
	lnG, lnB, oW, oB *nn.Param
}

// Model is a trained punctuation and casing tagger. It is immutable and
// safe for concurrent use; each call borrows scratch space from a pool.
type Model struct {
	cfg     Config
	vocab   map[string]int32
	embed   *nn.Param
	enc     [2]encoder
	linear  *nn.Param // [Buckets, NumMarks+NumCases], the linear tagger
	params  []*nn.Param
	scratch *sync.Pool
}

// NewModel returns an untrained model with weights drawn from seed, for
// training.
func NewModel(cfg Config, seed uint64) (*Model, error) {
	m, err := newUninitialised(cfg)
	if err != nil || cfg.Arch == ArchLinear {
		return m, err
	}
	rng := nn.NewRand(seed)
	nn.InitNormal(m.embed, rng, 0, 0.1)
	for _, e := range m.enc {
		for _, cl := range e.layers {
			if cl.lnG != nil {
				nn.InitConst(cl.lnG, 1)
			}
			nn.InitKaimingNormal(cl.w, rng)
		}
		nn.InitConst(e.lnG, 1)
		nn.InitXavierUniform(e.oW, rng)
	}
	return m, nil
}

// newUninitialised lays out the weights of cfg, all zero, in their fixed
// order: NewModel initialises them, and Load overwrites every one without
// drawing random numbers first.
func newUninitialised(cfg Config) (*Model, error) {
	vocab, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, vocab: vocab, scratch: &sync.Pool{}}
	var ps nn.ParamSet
	if cfg.Arch == ArchLinear {
		m.linear = ps.New("linear.w", cfg.Buckets, numOutputs)
		m.params = ps.Params()
		return m, nil
	}
	rows := len(cfg.Vocab) + cfg.HashBuckets + cfg.SuffixBuckets
	m.embed = ps.New("embed", rows, cfg.Dim)
	for v, name := range []string{"full", "stream"} {
		ls := cfg.layers(Variant(v))
		var e encoder
		in := cfg.Dim
		for i, l := range ls {
			pre := fmt.Sprintf("%s.conv%d.", name, i)
			var cl convLayer
			if i > 0 {
				cl.lnG, cl.lnB = ps.New(pre+"ln.g", in), ps.New(pre+"ln.b", in)
			}
			cl.w, cl.b = ps.New(pre+"w", cfg.Channels, in, l.Kernel), ps.New(pre+"b", cfg.Channels)
			cl.layer = l
			e.layers = append(e.layers, cl)
			in = cfg.Channels
		}
		e.lnG, e.lnB = ps.New(name+".out_ln.g", in), ps.New(name+".out_ln.b", in)
		e.oW, e.oB = ps.New(name+".out.w", numOutputs, in), ps.New(name+".out.b", numOutputs)
		m.enc[v] = e
	}
	m.params = ps.Params()
	return m, nil
}

// Load reads a model file (as written by Write), for example the embedded
// models.Punctuation().
func Load(data []byte) (*Model, error) {
	f, err := nn.LoadModel(data)
	if err != nil {
		return nil, fmt.Errorf("punct: %w", err)
	}
	var cfg Config
	if err := f.UnmarshalConfig(&cfg); err != nil {
		return nil, fmt.Errorf("punct: config: %w", err)
	}
	m, err := newUninitialised(cfg) // f.Load overwrites every tensor
	if err != nil {
		return nil, err
	}
	if err := f.Load(m.params); err != nil {
		return nil, fmt.Errorf("punct: %w", err)
	}
	return m, nil
}

// Write writes the model file: the config (vocabulary and decision rule
// included) and the weights as dtype (safetensors.F32, F16 or I8).
func (m *Model) Write(w io.Writer, dtype safetensors.DType) error {
	return nn.WriteModel(w, m.cfg, m.params, dtype)
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Params returns the weights in a fixed order, for training and files.
func (m *Model) Params() []*nn.Param { return m.params }

// WithDecision returns a model that shares m's weights and decides the
// variant's labels with d.
func (m *Model) WithDecision(v Variant, d Decision) *Model {
	c := *m
	if v == Streaming {
		c.cfg.StreamDecision = d
	} else {
		c.cfg.FullDecision = d
	}
	c.scratch = &sync.Pool{}
	return &c
}

// Features appends the two embedding rows of each word (its own or its
// hash bucket, then its suffix's) to ids. Words are looked up in lower
// case.
func (m *Model) Features(ids []int, words ...string) []int {
	v, h := len(m.cfg.Vocab), m.cfg.HashBuckets
	for _, w := range words {
		w = lowerASCII(w)
		row, ok := m.vocab[w]
		if ok {
			ids = append(ids, int(row))
		} else {
			ids = append(ids, v+int(fnv32(w, 0)%uint32(h)))
		}
		suf := w
		if len(suf) > m.cfg.SuffixLen {
			suf = suf[len(suf)-m.cfg.SuffixLen:]
		} else {
			suf = "^" + suf // short words are whole: mark the start
		}
		ids = append(ids, v+h+int(fnv32(suf, 1)%uint32(m.cfg.SuffixBuckets)))
	}
	return ids
}

// fnv32 is FNV-1a with a seed byte mixed in first.
func fnv32(s string, seed byte) uint32 {
	h := uint32(2166136261)
	h = (h ^ uint32(seed)) * 16777619
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// Forward records the variant's scores for a batch of word sequences on t:
// ids are Features of batch·steps words (batch-major), and the result is
// [batch, steps, NumMarks+NumCases], mark scores first. Scores are
// unnormalised log-probabilities of each head.
func (m *Model) Forward(t *nn.Tape, v Variant, ids []int, batch, steps int) (*nn.Var, error) {
	if m.linear != nil {
		return nil, fmt.Errorf("punct: Forward on a %s model", m.cfg.Arch)
	}
	if batch*steps*2 != len(ids) {
		return nil, fmt.Errorf("punct: %d ids for %d×%d words", len(ids), batch, steps)
	}
	table := t.Param(m.embed)
	words, err := t.Embedding(table, ids, batch, steps, 2)
	if err != nil {
		return nil, fmt.Errorf("punct: %w", err)
	}
	x := t.SumAxis(words, 2, false) // word row + suffix row
	if m.cfg.Dropout > 0 {
		x = t.Dropout(x, m.cfg.Dropout)
	}
	e := &m.enc[v]
	for i, cl := range e.layers {
		l := cl.layer
		in := x
		if i > 0 {
			in = t.LayerNorm(x, t.Param(cl.lnG), t.Param(cl.lnB), 1e-5)
		}
		y := t.ReLU(t.Conv1D(in, t.Param(cl.w), t.Param(cl.b), 1, l.left(), l.right(), l.Dilation, 1))
		if i > 0 {
			if m.cfg.Dropout > 0 {
				y = t.Dropout(y, m.cfg.Dropout)
			}
			y = t.Add(x, y)
		}
		x = y
	}
	x = t.LayerNorm(x, t.Param(e.lnG), t.Param(e.lnB), 1e-5)
	return t.Linear(x, t.Param(e.oW), t.Param(e.oB)), nil
}

// scratch is the per-call state of inference.
type scratch struct {
	info   []wordInfo
	feats  []int32
	tape   *nn.Tape
	ids    []int
	scores []float32
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.scratch.Get().(*scratch); ok {
		return s
	}
	t := nn.NewTape(0)
	t.SetTraining(false)
	return &scratch{tape: t}
}

// chunkWords bounds one forward pass; longer inputs are cut into chunks
// that overlap by the receptive field, so the scores are exactly those of
// one pass over the whole input.
const chunkWords = 512

// Scores returns the variant's scores for words, NumMarks+NumCases per
// word (mark scores first), before the decision biases.
func (m *Model) Scores(v Variant, words []string) []float32 {
	return m.scores(nil, v, words)
}

func (m *Model) scores(dst []float32, v Variant, words []string) []float32 {
	n := len(words)
	dst = grow(dst, n*numOutputs)
	if n == 0 {
		return dst
	}
	if m.linear != nil {
		m.linearScores(dst, words)
		return dst
	}
	s := m.getScratch()
	defer m.scratch.Put(s)
	left, right := m.cfg.Context(v), m.cfg.LookAhead(v)
	for start := 0; start < n; start += chunkWords {
		end := min(start+chunkWords, n)
		lo, hi := max(0, start-left), min(n, end+right)
		s.tape.Reset()
		s.ids = m.Features(s.ids[:0], words[lo:hi]...)
		out, err := m.Forward(s.tape, v, s.ids, 1, hi-lo)
		if err != nil { // Features only makes valid ids
			panic(err)
		}
		copy(dst[start*numOutputs:end*numOutputs], out.Data[(start-lo)*numOutputs:(end-lo)*numOutputs])
	}
	return dst
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// Decode labels words from their scores (as Scores returns them) with the
// decision d. Casing follows two rules on top of the scores: the first
// word, and a word after a predicted period, start with a capital.
// atStart says whether words[0] begins a text; when it does not, the
// sentence in progress is taken as not opened by a question word
// (Decision.OpenerBias).
func Decode(words []string, scores []float32, d Decision, prev Mark, atStart bool) []Token {
	st := decodeState{prev: prev, atStart: atStart}
	return st.decode(words, scores, d)
}

// decodeState is what deciding a word needs to know of the words before
// it; a Stream keeps it between calls.
type decodeState struct {
	prev    Mark // mark after the word before
	atStart bool // the next word begins a text
	// sentenceWords counts the words of the sentence in progress (up to
	// 2), leadWord says its first word is a lead-in ("and", "well"), and
	// opener that it opened with a question word.
	sentenceWords int
	leadWord      bool
	opener        bool
}

func (st *decodeState) decode(words []string, scores []float32, d Decision) []Token {
	out := make([]Token, len(words))
	for i, w := range words {
		w = lowerASCII(w)
		if st.atStart || st.prev.EndsSentence() {
			st.sentenceWords, st.leadWord, st.opener = 0, false, false
		}
		switch st.sentenceWords {
		case 0:
			st.opener, st.leadWord = questionOpeners[w], leadWords[w]
		case 1:
			st.opener = st.opener || (st.leadWord && questionOpeners[w])
		}
		st.sentenceWords = min(st.sentenceWords+1, 2)

		row := scores[i*numOutputs : (i+1)*numOutputs]
		mark := Mark(argmax(row[:NumMarks], d.MarkBias[:]))
		if d.OpenerBias != 0 && st.opener && mark != Question && mark.EndsSentence() &&
			row[Question]+d.MarkBias[Question]+d.OpenerBias > row[mark]+d.MarkBias[mark] {
			mark = Question
		}
		c := Case(argmax(row[NumMarks:], d.CaseBias[:]))
		if c == Lower && (st.atStart || st.prev == Period) {
			c = Capitalized
		}
		out[i] = Token{Word: w, Case: c, Mark: mark}
		st.prev, st.atStart = mark, false
	}
	return out
}

// leadWords may come before the question word that opens a question: "and
// why ...", "well, is it ...".
var leadWords = map[string]bool{
	"and": true, "but": true, "so": true, "well": true, "oh": true, "then": true,
	"now": true, "or": true, "ah": true, "yes": true, "no": true,
}

func argmax(x, bias []float32) int {
	best, bi := float32(math.Inf(-1)), 0
	for i, v := range x {
		if v += bias[i]; v > best {
			best, bi = v, i
		}
	}
	return bi
}

// Predict labels spoken-form words with the variant: their case and the
// mark after each. It treats words as a whole text (the first word starts
// a sentence) and adds no final mark.
func (m *Model) Predict(v Variant, words []string) []Token {
	s := m.scores(nil, v, words)
	st := decodeState{atStart: true}
	return st.decode(words, s, m.cfg.decision(v))
}

// Apply returns words as a person would write them, one display word per
// input word (so timings stay aligned): cased, with punctuation attached,
// and a period after the last word if no mark ends it.
func (m *Model) Apply(words []string) []string {
	toks := m.Predict(Full, words)
	endText(toks)
	return display(toks)
}

// Punctuate returns spoken-form text (lower-case words separated by
// spaces, as speech recognisers write) punctuated and cased, ending with
// a sentence mark.
func (m *Model) Punctuate(spoken string) string {
	words := strings.Fields(spoken)
	toks := m.Predict(Full, words)
	endText(toks)
	return Render(toks)
}

// endText ends a text with a sentence mark: a trailing comma or nothing
// becomes a period.
func endText(toks []Token) {
	if n := len(toks); n > 0 && !toks[n-1].Mark.EndsSentence() {
		toks[n-1].Mark = Period
	}
}
