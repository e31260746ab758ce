package decoder

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Hotword is a phrase to favour at run time: names, jargon, commands, words
// the LM has never seen.
type Hotword struct {
	// Phrase is one or more words separated by spaces, in the spoken form
	// the vocabulary spells (lower case for CharVocabulary).
	Phrase string `json:"phrase"`
	// Boost is the bonus in nats for each token of the phrase matched,
	// earned at once so the beam keeps the phrase's prefixes alive, and
	// taken back when the match fails. Zero means DefaultHotwordBoost.
	Boost float64 `json:"boost"`
	// Keep is the bonus in nats each completed word of the phrase keeps:
	// on the word's separator the per-token boosts it earned are replaced
	// by Keep. Zero means DefaultHotwordKeepPerBoost·Boost; a negative
	// Keep keeps the per-token boosts, separator included, as icefall's
	// context graph does (a longer word then keeps more).
	Keep float64 `json:"keep"`
	// MinLMLogProb is the least ln P_lm the LM may give each word of the
	// phrase: a word the LM finds unlikely, or has never seen, is scored
	// as if it were this likely. Zero means DefaultHotwordMinLMLogProb; a
	// very low value (−1000) leaves the LM's scores alone.
	MinLMLogProb float64 `json:"min_lm_log_prob"`
}

// The defaults of a Hotword's terms, chosen on the 400-utterance dev subset
// with the shipped models (train decode; see the package documentation):
// the largest recall of 10 dev words in a list of 50 that keeps the WER of
// the dev utterances without them within +2% relative.
const (
	// DefaultHotwordBoost is the per-token bonus of a Hotword without one.
	DefaultHotwordBoost = 3.0
	// DefaultHotwordKeepPerBoost times Boost is what a completed word
	// keeps when Keep is zero, so a caller's boost scales both.
	DefaultHotwordKeepPerBoost = 4.0
	// DefaultHotwordMinLMLogProb is the least LM ln prob of a hotword's
	// word when MinLMLogProb is zero: about a word in 3,000.
	DefaultHotwordMinLMLogProb = -8.0
)

// Hotwords is a compiled set of Hotword phrases: an Aho-Corasick automaton
// over tokens (Aho and Corasick, 1975) whose states carry the bonus earned
// so far, as in icefall's context graph for contextual biasing (Yang et
// al., 2023). Every token that extends a match earns its boost at once, so
// the beam keeps the phrase's prefixes alive; when the match fails the
// unconfirmed bonus is taken back, and once the phrase is completed by a
// word separator it is kept. Phrases are bracketed by separators so they
// match whole words only. Hotwords is immutable and safe for concurrent use.
type Hotwords struct {
	first    []int32 // edges of state i: first[i] .. first[i+1]-1
	edgeTok  []int32
	edgeDst  []int32
	fail     []int32
	score    []float64 // bonus accumulated along the path to the state
	terminal []bool
	lmFloor  []float64 // the least LM ln prob of the word completed on entering the state; 0 for none
	start    int32     // state after the virtual separator before the first word
	phrases  []Hotword
	words    []string // every word of every phrase, for the OOV exemption
	maxBoost float64  // the largest per-token boost
	spots    []spotPhrase
}

// CompileHotwords builds the automaton; spell may be nil for
// SpellChars(vocab).
func CompileHotwords(vocab Vocabulary, hotwords []Hotword, spell SpellFunc) (*Hotwords, error) {
	if err := vocab.Validate(); err != nil {
		return nil, err
	}
	if spell == nil {
		spell = SpellChars(vocab)
	}
	index := vocab.tokenIndex()
	sep := int32(vocab.Separator)
	type buildState struct {
		children map[int32]int32
		score    float64
		terminal bool
		lmFloor  float64
	}
	states := []buildState{{}}
	h := &Hotwords{}
	child := func(at, tok int32, score float64) int32 {
		next, ok := states[at].children[tok]
		if !ok {
			next = int32(len(states))
			states = append(states, buildState{score: score})
			if states[at].children == nil {
				states[at].children = map[int32]int32{}
			}
			states[at].children[tok] = next
		} else if score > states[next].score {
			states[next].score = score
		}
		return next
	}
	for _, hw := range hotwords {
		words := strings.Fields(hw.Phrase)
		if len(words) == 0 {
			return nil, fmt.Errorf("hotword %q: empty phrase", hw.Phrase)
		}
		boost := hw.Boost
		if boost == 0 {
			boost = DefaultHotwordBoost
		}
		if !(boost > 0 && boost <= 100) {
			return nil, fmt.Errorf("hotword %q: boost %v outside (0, 100]", hw.Phrase, boost)
		}
		keep, floor := hw.Keep, hw.MinLMLogProb
		if keep == 0 {
			keep = DefaultHotwordKeepPerBoost * boost
		}
		if floor == 0 {
			floor = DefaultHotwordMinLMLogProb
		}
		if !(keep <= 100) { // NaN too
			return nil, fmt.Errorf("hotword %q: keep %v above 100", hw.Phrase, hw.Keep)
		}
		if !(floor <= 0) || math.IsInf(floor, -1) {
			return nil, fmt.Errorf("hotword %q: least LM ln prob %v must be finite and ≤ 0", hw.Phrase, hw.MinLMLogProb)
		}
		h.maxBoost = max(h.maxBoost, boost, keep)
		toks, err := spellPhrase(words, spell, index, sep)
		if err != nil {
			return nil, fmt.Errorf("hotword %q: %w", hw.Phrase, err)
		}
		h.spots = append(h.spots, spotPhrase{tokens: toks})
		// The leading separator anchors the match at a word start and earns
		// nothing; a separator after each word (the phrase's own between
		// words, one more at its end) completes the word.
		at := child(0, sep, 0)
		score, kept := 0.0, 0.0
		for _, tok := range append(toks, sep) {
			score += boost
			if tok != sep {
				at = child(at, tok, score)
				continue
			}
			if keep >= 0 {
				kept += keep
				score = kept
			}
			at = child(at, sep, score)
			if states[at].lmFloor == 0 || floor < states[at].lmFloor {
				states[at].lmFloor = floor
			}
		}
		h.words = append(h.words, words...)
		states[at].terminal = true
		h.phrases = append(h.phrases, Hotword{Phrase: strings.Join(words, " "), Boost: boost})
	}

	// Flatten, then compute failure links breadth first.
	n := len(states)
	h.first = make([]int32, n+1)
	h.score = make([]float64, n)
	h.terminal = make([]bool, n)
	h.lmFloor = make([]float64, n)
	h.fail = make([]int32, n)
	for i, s := range states {
		h.first[i] = int32(len(h.edgeTok))
		h.score[i] = s.score
		h.terminal[i] = s.terminal
		h.lmFloor[i] = s.lmFloor
		for tok := int32(0); tok < int32(len(vocab.Tokens)); tok++ {
			if dst, ok := s.children[tok]; ok {
				h.edgeTok = append(h.edgeTok, tok)
				h.edgeDst = append(h.edgeDst, dst)
			}
		}
	}
	h.first[n] = int32(len(h.edgeTok))
	queue := []int32{}
	for e := h.first[0]; e < h.first[1]; e++ {
		h.fail[h.edgeDst[e]] = 0
		queue = append(queue, h.edgeDst[e])
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for e := h.first[s]; e < h.first[s+1]; e++ {
			tok, dst := h.edgeTok[e], h.edgeDst[e]
			f := h.fail[s]
			for {
				if next := h.edge(f, tok); next >= 0 {
					h.fail[dst] = next
					break
				}
				if f == 0 {
					h.fail[dst] = 0
					break
				}
				f = h.fail[f]
			}
			queue = append(queue, dst)
		}
	}
	h.start = max(h.edge(0, sep), 0)
	return h, nil
}

// Len returns the number of phrases.
func (h *Hotwords) Len() int { return len(h.phrases) }

func (h *Hotwords) edge(state, tok int32) int32 {
	for e := h.first[state]; e < h.first[state+1]; e++ {
		if h.edgeTok[e] == tok {
			return h.edgeDst[e]
		}
	}
	return -1
}

// step consumes tok in state with pending unconfirmed bonus and returns the
// new state, the new pending bonus and the change in total score.
func (h *Hotwords) step(state int32, pending float64, tok int32) (int32, float64, float64) {
	if next := h.edge(state, tok); next >= 0 {
		delta := h.score[next] - h.score[state]
		pending += delta
		if h.terminal[next] {
			pending = 0
		}
		return next, pending, delta
	}
	// The match failed: take back what was not confirmed and continue from
	// the longest suffix that still matches some phrase.
	f := state
	next := int32(-1)
	for f != 0 {
		f = h.fail[f]
		if next = h.edge(f, tok); next >= 0 {
			break
		}
	}
	if next < 0 {
		next = h.edge(0, tok)
	}
	if next < 0 {
		return 0, 0, -pending
	}
	newPending := h.score[next]
	delta := newPending - pending
	if h.terminal[next] {
		newPending = 0
	}
	return next, newPending, delta
}

// minLMLogProb returns the least LM ln prob of the word whose separator
// led into state, or 0 when it is not a hotword's word.
func (h *Hotwords) minLMLogProb(state int32) float64 { return h.lmFloor[state] }

// inside reports whether state is within a phrase, past its leading
// separator: the partial word being spelled may be a hotword.
func (h *Hotwords) inside(state int32) bool { return state != 0 && state != h.start }

// has reports whether word is a word of some phrase; false for nil h.
func (h *Hotwords) has(word string) bool {
	return h != nil && slices.Contains(h.words, word)
}
