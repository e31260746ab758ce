package decoder

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// SpotConfig tunes hotword spotting: a CTC word spotter (CTC-WS,
// Andrusenko et al., 2024, "Fast context-biasing for CTC and transducer
// ASR models with CTC-based word spotter") that runs beside the beam
// search. Each hotword's CTC topology is matched against the frames with
// token passing, free to start at any frame; a match whose score beats
// the greedy alignment's words over the same frames replaces them in the
// final hypotheses. The beam's prefix boosts cannot rescue a word whose
// letters the acoustic model ranks far below the beam's survivors (an
// unfamiliar name, a child's voice); the spotter scores the whole word at
// once and so can. The zero value selects the defaults below.
type SpotConfig struct {
	// Off disables spotting: hotwords then act through the beam's
	// boosts alone.
	Off bool `json:"off"`
	// TokenWeight is the bonus, in nats, a spotted path earns for each
	// frame on one of the word's tokens (NeMo's cb_weight). Zero means
	// DefaultSpotTokenWeight.
	TokenWeight float64 `json:"token_weight"`
	// AlignTokenWeight is the bonus each token of the greedy alignment's
	// words earns in the comparison (NeMo's ctc_ali_token_weight). Zero
	// means DefaultSpotAlignTokenWeight.
	AlignTokenWeight float64 `json:"align_token_weight"`
	// MinScore is the least score of a spotted word (NeMo's
	// keyword_threshold). Zero means DefaultSpotMinScore.
	MinScore float64 `json:"min_score"`
	// BeamPrune drops spotting paths this far below the frame's best.
	// Zero means DefaultSpotBeamPrune.
	BeamPrune float64 `json:"beam_prune"`
	// StartMaxBlank: a match may not start on a frame whose blank
	// probability exceeds it. Zero means DefaultSpotStartMaxBlank.
	StartMaxBlank float64 `json:"start_max_blank"`
	// StartMinProb: nor on a frame where the word's first token is less
	// likely than this. Zero means DefaultSpotStartMinProb.
	StartMinProb float64 `json:"start_min_prob"`
	// MinOverlap is the share of a hypothesis word's frames a spotted word
	// must cover to replace it. Zero means DefaultSpotMinOverlap.
	MinOverlap float64 `json:"min_overlap"`
}

// The spotter's defaults, NeMo's published ones except where noted.
const (
	DefaultSpotTokenWeight      = 1.5
	DefaultSpotAlignTokenWeight = 0.5
	DefaultSpotMinScore         = -5.0
	DefaultSpotBeamPrune        = 5.0
	DefaultSpotStartMaxBlank    = 0.8
	DefaultSpotStartMinProb     = 0.001
	DefaultSpotMinOverlap       = 0.3
)

// resolved returns c with its zero fields replaced by the defaults.
func (c SpotConfig) resolved() SpotConfig {
	def := func(x *float64, d float64) {
		if *x == 0 {
			*x = d
		}
	}
	def(&c.TokenWeight, DefaultSpotTokenWeight)
	def(&c.AlignTokenWeight, DefaultSpotAlignTokenWeight)
	def(&c.MinScore, DefaultSpotMinScore)
	def(&c.BeamPrune, DefaultSpotBeamPrune)
	def(&c.StartMaxBlank, DefaultSpotStartMaxBlank)
	def(&c.StartMinProb, DefaultSpotStartMinProb)
	def(&c.MinOverlap, DefaultSpotMinOverlap)
	return c
}

// Validate checks the ranges of the fields that are set.
func (c SpotConfig) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	r := c.resolved()
	switch {
	case !finite(r.TokenWeight) || r.TokenWeight < 0 || r.TokenWeight > 100:
		return fmt.Errorf("%w: spotting token weight %v outside [0, 100]", ErrConfig, c.TokenWeight)
	case !finite(r.AlignTokenWeight) || r.AlignTokenWeight < 0 || r.AlignTokenWeight > 100:
		return fmt.Errorf("%w: spotting alignment token weight %v outside [0, 100]", ErrConfig, c.AlignTokenWeight)
	case !finite(r.MinScore):
		return fmt.Errorf("%w: spotting min score %v must be finite", ErrConfig, c.MinScore)
	case !finite(r.BeamPrune) || r.BeamPrune <= 0:
		return fmt.Errorf("%w: spotting beam prune %v must be finite and > 0", ErrConfig, c.BeamPrune)
	case !(r.StartMaxBlank > 0 && r.StartMaxBlank <= 1):
		return fmt.Errorf("%w: spotting start max blank %v outside (0, 1]", ErrConfig, c.StartMaxBlank)
	case !(r.StartMinProb > 0 && r.StartMinProb <= 1):
		return fmt.Errorf("%w: spotting start min prob %v outside (0, 1]", ErrConfig, c.StartMinProb)
	case !(r.MinOverlap > 0 && r.MinOverlap <= 1):
		return fmt.Errorf("%w: spotting min overlap %v outside (0, 1]", ErrConfig, c.MinOverlap)
	}
	return nil
}

// spotPhrase is one hotword phrase as the spotter sees it: its tokens,
// words joined by the separator (its text is Hotwords.phrases' at the
// same index).
type spotPhrase struct {
	tokens []int32
}

// spotHit is a spotted phrase over frames [start, end] (inclusive).
type spotHit struct {
	phrase     int
	start, end int32
	score      float64
}

// alignWord is a word of the greedy (per-frame argmax) alignment with its
// score: the log-probs of its token frames plus AlignTokenWeight a token.
type alignWord struct {
	start, end int32
	score      float64
	// tokens indexes the word's token frames in spotter.tokFrames:
	// [firstTok, firstTok+tokens).
	firstTok, tokens int32
}

// spotter runs the CTC word spotter frame by frame. Each phrase of n
// tokens has the CTC states 0..2n-1: token i at 2i, the blank after it
// at 2i+1; a match enters state 0 from outside at any frame.
type spotter struct {
	cfg     SpotConfig
	hot     *Hotwords
	phrases []spotPhrase
	blank   int32
	sep     int32
	// score and start hold, per phrase, each state's best path score and
	// the frame it started on; offsets index the phrases' runs.
	offsets     []int
	score, next []float64
	start, nst  []int32
	hits        []spotHit
	lastHit     []int32 // each phrase's latest hit, -1 for none
	// The greedy alignment, built as frames arrive.
	words     []alignWord
	tokFrames []int32 // the frame each greedy token starts on
	inWord    bool
	prevTok   int32
	frame     int32
	logStart  float64 // ln StartMaxBlank
	logMin    float64 // ln StartMinProb
}

func newSpotter(h *Hotwords, cfg SpotConfig, blank, sep int32) *spotter {
	sp := &spotter{cfg: cfg.resolved(), hot: h, phrases: h.spots, blank: blank, sep: sep}
	sp.offsets = make([]int, len(h.spots)+1)
	for i, p := range h.spots {
		sp.offsets[i+1] = sp.offsets[i] + 2*len(p.tokens)
	}
	n := sp.offsets[len(h.spots)]
	sp.score, sp.next = make([]float64, n), make([]float64, n)
	sp.start, sp.nst = make([]int32, n), make([]int32, n)
	sp.logStart, sp.logMin = math.Log(sp.cfg.StartMaxBlank), math.Log(sp.cfg.StartMinProb)
	sp.reset()
	return sp
}

func (sp *spotter) reset() {
	for i := range sp.score {
		sp.score[i] = negInf
	}
	sp.hits = sp.hits[:0]
	sp.lastHit = sp.lastHit[:0]
	for range sp.phrases {
		sp.lastHit = append(sp.lastHit, -1)
	}
	sp.words = sp.words[:0]
	sp.tokFrames = sp.tokFrames[:0]
	sp.inWord, sp.prevTok, sp.frame = false, -1, 0
}

// step consumes one frame of log-probabilities.
func (sp *spotter) step(row []float32) {
	t := sp.frame
	sp.frame++
	sp.align(row, t)
	w := sp.cfg.TokenWeight
	// NaN counts as impossible, as in the beam.
	logp := func(k int32) float64 {
		if v := float64(row[k]); v == v {
			return v
		}
		return negInf
	}
	blank := logp(sp.blank)
	canStart := blank <= sp.logStart
	best := negInf
	for pi, p := range sp.phrases {
		off := sp.offsets[pi]
		cur, nxt := sp.score[off:sp.offsets[pi+1]], sp.next[off:sp.offsets[pi+1]]
		st, nst := sp.start[off:sp.offsets[pi+1]], sp.nst[off:sp.offsets[pi+1]]
		for i, tok := range p.tokens {
			s := 2 * i
			lp := logp(tok) + w
			// Into token i: stay, from the blank after token i-1, from
			// token i-1 when the tokens differ, or a fresh start.
			v, from := cur[s], st[s]
			if i > 0 {
				if cur[s-1] > v {
					v, from = cur[s-1], st[s-1]
				}
				if tok != p.tokens[i-1] && cur[s-2] > v {
					v, from = cur[s-2], st[s-2]
				}
			} else if canStart && logp(tok) >= sp.logMin && 0 > v {
				v, from = 0, t
			}
			nxt[s], nst[s] = v+lp, from
			// The blank after token i: stay, or from token i.
			v, from = cur[s+1], st[s+1]
			if cur[s] > v {
				v, from = cur[s], st[s]
			}
			nxt[s+1], nst[s+1] = v+blank, from
		}
		for _, v := range nxt {
			best = max(best, v)
		}
	}
	floor := best - sp.cfg.BeamPrune
	for pi := range sp.phrases {
		off, end := sp.offsets[pi], sp.offsets[pi+1]
		for k := off; k < end; k++ {
			if sp.next[k] < floor {
				sp.next[k] = negInf
			}
		}
		last := end - 2 // the phrase's last token
		if v := sp.next[last]; v > sp.cfg.MinScore {
			hit := spotHit{phrase: pi, start: sp.nst[last], end: t, score: v}
			// Paths from one start frame hit on many end frames: keep the
			// best of them.
			if j := sp.lastHit[pi]; j >= 0 && sp.hits[j].start == hit.start {
				if v > sp.hits[j].score {
					sp.hits[j] = hit
				}
			} else {
				sp.lastHit[pi] = int32(len(sp.hits))
				sp.hits = append(sp.hits, hit)
			}
		}
	}
	sp.score, sp.next = sp.next, sp.score
	sp.start, sp.nst = sp.nst, sp.start
}

// align extends the greedy alignment by frame t: tokens are the frames'
// argmax, repeats merge, the separator ends a word.
func (sp *spotter) align(row []float32, t int32) {
	arg := int32(0)
	for k, v := range row {
		if v > row[arg] {
			arg = int32(k)
		}
	}
	switch {
	case arg == sp.blank:
	case arg == sp.sep:
		sp.inWord = false
	case arg == sp.prevTok && sp.inWord:
		w := &sp.words[len(sp.words)-1]
		w.score += float64(row[arg])
		w.end = t
	default:
		if !sp.inWord {
			sp.words = append(sp.words, alignWord{start: t, end: t, firstTok: int32(len(sp.tokFrames))})
			sp.inWord = true
		}
		w := &sp.words[len(sp.words)-1]
		w.score += float64(row[arg]) + sp.cfg.AlignTokenWeight
		w.end = t
		w.tokens++
		sp.tokFrames = append(sp.tokFrames, t)
	}
	sp.prevTok = arg
}

// accepted returns the spotted phrases that survive: the best of each
// group of overlapping hits, then only those scoring at least as well as
// the greedy alignment's words they overlap (CTC-WS's false-accept
// filter) and not cutting into them, in time order.
func (sp *spotter) accepted() []spotHit {
	hits := slices.Clone(sp.hits)
	slices.SortStableFunc(hits, func(a, b spotHit) int { return cmp.Compare(b.score, a.score) })
	var kept []spotHit
	for _, h := range hits {
		clash := false
		for _, k := range kept {
			if overlapShare(h.start, h.end, k.start, k.end) > 0.1 || overlapShare(k.start, k.end, h.start, h.end) > 0.1 {
				clash = true
				break
			}
		}
		if clash {
			continue
		}
		covered, rival, outside := false, 0.0, 0
		for _, w := range sp.words {
			if share := overlapShare(w.start, w.end, h.start, h.end); share > 0 {
				covered = true
				rival += share * w.score
				for _, f := range sp.tokFrames[w.firstTok : w.firstTok+w.tokens] {
					if f < h.start || f > h.end {
						outside++
					}
				}
			}
		}
		// Whole words only: a match that leaves a third of its length in
		// letters of the words it cuts into ("aid" in "said") is inside
		// another word.
		if covered && h.score >= rival && 3*outside < len(sp.phrases[h.phrase].tokens) {
			kept = append(kept, h)
		}
	}
	slices.SortFunc(kept, func(a, b spotHit) int { return cmp.Compare(a.start, b.start) })
	return kept
}

// overlapShare is the share of frames [a0, a1] that [b0, b1] covers.
func overlapShare(a0, a1, b0, b1 int32) float64 {
	lo, hi := max(a0, b0), min(a1, b1)
	if hi < lo {
		return 0
	}
	return float64(hi-lo+1) / float64(a1-a0+1)
}

// merge puts the spotted phrases into words: each replaces the words it
// covers by at least MinOverlap of their frames, or goes in between.
func (sp *spotter) merge(words []Word, hits []spotHit, frameDur time.Duration) []Word {
	for _, h := range hits {
		spotted := Word{Text: sp.hot.phrases[h.phrase].Phrase, StartFrame: int(h.start), EndFrame: int(h.end) + 1}
		spotted.Start, spotted.End = time.Duration(spotted.StartFrame)*frameDur, time.Duration(spotted.EndFrame)*frameDur
		out := make([]Word, 0, len(words)+1)
		inserted := false
		for _, w := range words {
			covered := overlapShare(int32(w.StartFrame), int32(max(w.StartFrame, w.EndFrame-1)), h.start, h.end) >= sp.cfg.MinOverlap
			if !inserted && (covered || int32(w.StartFrame) > h.start) {
				out = append(out, spotted)
				inserted = true
			}
			if !covered {
				out = append(out, w)
			}
		}
		if !inserted {
			out = append(out, spotted)
		}
		words = out
	}
	return words
}

// spellPhrase returns a phrase's tokens, words joined by the separator.
func spellPhrase(words []string, spell SpellFunc, index map[string]int32, sep int32) ([]int32, error) {
	var toks []int32
	for wi, w := range words {
		if wi > 0 {
			toks = append(toks, sep)
		}
		spellings := spell(w)
		if len(spellings) == 0 {
			return nil, fmt.Errorf("cannot spell %q in the vocabulary", w)
		}
		for _, sym := range spellings[0] {
			tok, ok := index[sym]
			if !ok || tok == sep {
				return nil, fmt.Errorf("symbol %q is not a vocabulary token", sym)
			}
			toks = append(toks, tok)
		}
	}
	return toks, nil
}
