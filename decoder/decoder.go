package decoder

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mynah-speech/mynah/lm"
)

// Config holds the search's settings. It round-trips through JSON.
type Config struct {
	// BeamSize is how many prefixes survive each frame.
	BeamSize int `json:"beam_size"`
	// TokenMinLogProb skips tokens whose frame log-probability is below it
	// (the frame's best token is always kept).
	TokenMinLogProb float64 `json:"token_min_log_prob"`
	// BeamPrune drops prefixes scoring more than this many nats below the
	// frame's best.
	BeamPrune float64 `json:"beam_prune"`
	// LMWeight (α) scales ln P_lm in shallow fusion.
	LMWeight float64 `json:"lm_weight"`
	// WordBonus (β) is added per word, offsetting the LM's preference
	// for short outputs.
	WordBonus float64 `json:"word_bonus"`
	// OOVPenalty is subtracted, in lexicon-free mode, once per word whose
	// spelling leaves the lexicon, on top of the LM's <unk> score.
	OOVPenalty float64 `json:"oov_penalty"`
	// OOVCharPenalty is subtracted, in lexicon-free mode, for every further
	// token of a word after its spelling has left the lexicon. Without it a
	// weak acoustic model's beam glues a whole sentence into one unknown
	// word: one OOV charge is cheaper than an LM score per real word.
	OOVCharPenalty float64 `json:"oov_char_penalty"`
	// Constrained allows only the lexicon's words.
	Constrained bool `json:"constrained"`
	// NBest is how many hypotheses Finalize returns.
	NBest int `json:"n_best"`
	// FrameDuration converts frames to time.
	FrameDuration time.Duration `json:"frame_duration"`
	// SettleAfter commits a word of the best hypothesis once it ended this
	// long ago: hypotheses that disagree are dropped. It bounds how long a
	// streaming partial result stays unsettled; 0 never forces it.
	SettleAfter time.Duration `json:"settle_after"`
	// Confidence turns each word's ConfidenceFeatures into Word.Confidence;
	// the zero model reports the plain word posterior.
	Confidence ConfidenceModel `json:"confidence"`
	// Spotting tunes the hotword spotter that runs beside the beam when
	// a stream has hotwords; the zero value is its defaults.
	Spotting SpotConfig `json:"spotting"`
}

// DefaultConfig returns the settings issue 8 starts from: beam 100, token
// pruning below −8, α 0.5, β 1.5, 30 ms frames.
func DefaultConfig() Config {
	return Config{
		BeamSize:        100,
		TokenMinLogProb: -8,
		BeamPrune:       10,
		LMWeight:        0.5,
		WordBonus:       1.5,
		OOVPenalty:      4,
		OOVCharPenalty:  1,
		NBest:           10,
		FrameDuration:   30 * time.Millisecond,
		SettleAfter:     2 * time.Second,
		Confidence:      DefaultConfidenceModel(),
	}
}

// ErrConfig is wrapped by every error about an invalid Config.
var ErrConfig = errors.New("decoder: invalid config")

// Validate checks the config's ranges.
func (c Config) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.BeamSize < 1 || c.BeamSize > 1<<16:
		return fmt.Errorf("%w: beam size %d outside 1..65536", ErrConfig, c.BeamSize)
	case !finite(c.TokenMinLogProb) || c.TokenMinLogProb > 0:
		return fmt.Errorf("%w: token min log-prob %v must be finite and ≤ 0", ErrConfig, c.TokenMinLogProb)
	case !finite(c.BeamPrune) || c.BeamPrune <= 0:
		return fmt.Errorf("%w: beam prune %v must be finite and > 0", ErrConfig, c.BeamPrune)
	case !finite(c.LMWeight) || c.LMWeight < 0:
		return fmt.Errorf("%w: LM weight %v must be finite and ≥ 0", ErrConfig, c.LMWeight)
	case !finite(c.WordBonus):
		return fmt.Errorf("%w: word bonus %v must be finite", ErrConfig, c.WordBonus)
	case !finite(c.OOVPenalty) || c.OOVPenalty < 0:
		return fmt.Errorf("%w: OOV penalty %v must be finite and ≥ 0", ErrConfig, c.OOVPenalty)
	case !finite(c.OOVCharPenalty) || c.OOVCharPenalty < 0:
		return fmt.Errorf("%w: OOV character penalty %v must be finite and ≥ 0", ErrConfig, c.OOVCharPenalty)
	case c.NBest < 1:
		return fmt.Errorf("%w: n-best %d must be ≥ 1", ErrConfig, c.NBest)
	case c.FrameDuration <= 0:
		return fmt.Errorf("%w: frame duration %v must be > 0", ErrConfig, c.FrameDuration)
	case c.SettleAfter < 0:
		return fmt.Errorf("%w: settle-after %v must be ≥ 0", ErrConfig, c.SettleAfter)
	}
	if err := c.Spotting.Validate(); err != nil {
		return err
	}
	return c.Confidence.Validate()
}

// Resources are the immutable models a Decoder searches with.
type Resources struct {
	// LM is the word n-gram model for shallow fusion; nil decodes on the
	// acoustic scores alone.
	LM *lm.Model
	// Lexicon is the word list: the grammar in constrained mode (required
	// there), or the vocabulary of the partial-word check in lexicon-free
	// mode. When nil in lexicon-free mode with an LM, the LM's vocabulary
	// is used.
	Lexicon *Lexicon
}

// Decoder is a configured CTC prefix beam search. It is immutable and safe
// for concurrent use; each utterance runs in its own Stream.
type Decoder struct {
	cfg     Config
	vocab   Vocabulary
	lm      *lm.Model
	lex     *Lexicon
	lexLMID []lm.WordID // LM ID of each lexicon word
	// lexWords is the lexicon's word set when there is no LM to look
	// words up in (the confidence feature InVocabulary).
	lexWords  map[string]struct{}
	numTokens int
	blank     int32
	sep       int32
}

// New validates its arguments and builds a Decoder.
func New(vocab Vocabulary, cfg Config, res Resources) (*Decoder, error) {
	if err := vocab.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := &Decoder{
		cfg:       cfg,
		vocab:     vocab,
		lm:        res.LM,
		lex:       res.Lexicon,
		numTokens: len(vocab.Tokens),
		blank:     int32(vocab.Blank),
		sep:       int32(vocab.Separator),
	}
	if d.lm == nil && cfg.Confidence == DefaultConfidenceModel() {
		// The default weights lean on the LM features; without an LM
		// they would read every word as out of vocabulary.
		d.cfg.Confidence = ConfidenceModel{}
	}
	if cfg.Constrained && d.lex == nil {
		return nil, fmt.Errorf("%w: constrained mode needs a lexicon", ErrConfig)
	}
	if d.lex == nil && d.lm != nil {
		// The LM file's own trie, when it has one, costs nothing to
		// start; building one costs 0.13 s for the shipped LM.
		d.lex = lexiconFromLM(vocab, d.lm)
	}
	if d.lex == nil && d.lm != nil {
		words := make([]string, 0, d.lm.VocabSize())
		for id := lm.EndID + 1; int(id) < d.lm.VocabSize(); id++ {
			words = append(words, d.lm.Word(id))
		}
		lex, _, err := NewLexicon(vocab, words, nil)
		if err != nil {
			return nil, fmt.Errorf("lexicon from the LM vocabulary: %w", err)
		}
		d.lex = lex
	}
	if d.lex != nil && d.lex.spell == nil {
		d.lexLMID = make([]lm.WordID, len(d.lex.words))
		if d.lm != nil {
			for i, w := range d.lex.words {
				d.lexLMID[i] = d.lm.ID(w)
			}
		}
	}
	if d.lm == nil && d.lex != nil {
		d.lexWords = make(map[string]struct{}, len(d.lex.words))
		for _, w := range d.lex.words {
			d.lexWords[w] = struct{}{}
		}
	}
	return d, nil
}

// lexWord returns the LM ID of the word ending at lexicon node, and
// whether the lexicon has a word there.
func (d *Decoder) lexWord(node int32) (lm.WordID, bool) {
	if d.lex.spell != nil {
		return d.lex.spell.Word(node)
	}
	if w := d.lex.wordAt[node]; w >= 0 {
		return d.lexLMID[w], true
	}
	return lm.UnknownID, false
}

// Config returns the decoder's settings.
func (d *Decoder) Config() Config { return d.cfg }

// Vocabulary returns the token vocabulary.
func (d *Decoder) Vocabulary() Vocabulary { return d.vocab }

// Decode runs a whole utterance: frames×len(tokens) log-probabilities,
// row-major, with optional hotwords (nil for none). It returns up to NBest
// hypotheses, best first.
func (d *Decoder) Decode(logProbs []float32, hot *Hotwords) ([]Hypothesis, error) {
	s := d.NewStream(hot)
	if err := s.Push(logProbs); err != nil {
		return nil, err
	}
	return s.Finalize(), nil
}
