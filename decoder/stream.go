package decoder

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/lm"
)

var negInf = math.Inf(-1)

// node is one prefix in the prefix tree. Prefixes share their ancestors, so
// a beam of 100 costs 100 nodes per frame at most, and everything that
// depends only on the prefix's text (LM state, fusion score, lexicon and
// hotword positions) is computed once, when the node is created.
type node struct {
	parent  int32
	token   int32 // -1 at the root
	child   int32 // first child, -1 when none
	sibling int32
	depth   int32

	// CTC prefix probabilities (Hannun et al., "First-pass large vocabulary
	// continuous speech recognition using bidirectional recurrent DNNs",
	// 2014, Algorithm 1): ending in blank, ending in the last token.
	pb, pnb float64
	// Viterbi (max) scores of the same two states, and the timing of the
	// best path into each: word times follow the best alignment of each
	// prefix, not of whichever prefix touched a node last.
	vb, vnb float64
	tb, tnb timing
	// Accumulators for the frame being computed, valid when stamp is
	// that frame.
	npb, npnb, nvb, nvnb float64
	ntb, ntnb            timing
	stamp                int32

	// Text-determined scores.
	fusion     float64 // α·ln P_lm + β·words − OOV penalties + hotword bonus
	lmLogProb  float64 // unweighted ln P_lm of the completed words
	lmState    lm.State
	lex        int32 // lexicon node of the word being spelled; -1 outside
	hot        int32
	hotPending float64
	oovCharged bool
	dead       bool // constrained mode: no allowed word continues this prefix
}

// Stream decodes one utterance incrementally: Push frames as they arrive,
// read Partial at any time, Finalize at the end. It is not safe for
// concurrent use; Reset readies it for the next utterance.
type Stream struct {
	d      *Decoder
	hot    *Hotwords
	nodes  []node
	beam   []int32
	cands  []int32
	order  []candidate
	active []int32
	frame  int32
	gcAt   int
	marks  []int32
	recs   []wordRec
	ends   []int32
	final  bool
	// settleFrames is Config.SettleAfter in frames, 0 when off.
	settleFrames int32
	childTab     []int32 // token → child of the node being extended, -1
	bestScore    float64 // best fused score of the current beam
	slack        float64 // the most a token can raise the fused score
}

// timing describes the best path into a state: when the node's token was
// emitted and last active, when the word being spelled began, and the
// chain of completed words (an index into Stream.recs, -1 for none).
type timing struct {
	tokStart, tokEnd, wordStart, words int32
}

// wordRec is a completed word's frames on some path; records form
// persistent lists shared by the prefixes that extend them.
var noTiming = timing{-1, -1, -1, -1}

type wordRec struct {
	start, end, prev int32
}

type candidate struct {
	node  int32
	score float64
}

// NewStream starts an utterance; hot may be nil.
func (d *Decoder) NewStream(hot *Hotwords) *Stream {
	s := &Stream{d: d, hot: hot, childTab: make([]int32, d.numTokens)}
	for i := range s.childTab {
		s.childTab[i] = -1
	}
	s.slack = max(0, d.cfg.WordBonus)
	if hot != nil {
		s.slack += hot.maxBoost
	}
	if d.cfg.SettleAfter > 0 {
		s.settleFrames = int32(max(1, d.cfg.SettleAfter/d.cfg.FrameDuration))
	}
	s.Reset()
	return s
}

// Reset discards the utterance so the stream can decode another one with
// the same hotwords.
func (s *Stream) Reset() {
	s.nodes = s.nodes[:0]
	root := node{parent: -1, token: -1, child: -1, sibling: -1, pb: 0, pnb: negInf,
		vb: 0, vnb: negInf, tb: timing{-1, -1, -1, -1}, tnb: timing{-1, -1, -1, -1},
		stamp: -1, lex: -1}
	if s.d.lex != nil {
		root.lex = lexRoot
	}
	if s.d.lm != nil {
		root.lmState = s.d.lm.BeginState()
	}
	if s.hot != nil {
		root.hot = s.hot.start
	}
	s.nodes = append(s.nodes, root)
	s.beam = append(s.beam[:0], 0)
	s.recs = s.recs[:0]
	s.frame = 0
	s.bestScore = 0
	s.gcAt = max(4096, 64*s.d.cfg.BeamSize)
	s.final = false
}

// Frames returns how many frames have been pushed.
func (s *Stream) Frames() int { return int(s.frame) }

// Push feeds whole frames of log-probabilities (row-major, one row of
// len(tokens) values per frame). NaN values count as impossible.
func (s *Stream) Push(logProbs []float32) error {
	if s.final {
		return fmt.Errorf("decoder: push after Finalize")
	}
	v := s.d.numTokens
	if len(logProbs)%v != 0 {
		return fmt.Errorf("decoder: %d log-probabilities are not whole frames of %d tokens", len(logProbs), v)
	}
	for off := 0; off < len(logProbs); off += v {
		s.step(logProbs[off : off+v])
	}
	return nil
}

func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if b == negInf {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// touch puts n in this frame's candidate list.
func (s *Stream) touch(n *node, i int32) {
	if n.stamp != s.frame {
		n.stamp = s.frame
		n.npb, n.npnb, n.nvb, n.nvnb = negInf, negInf, negInf, negInf
		n.ntb, n.ntnb = noTiming, noTiming
		s.cands = append(s.cands, i)
	}
}

// addBlank adds mass v to n's blank state; vit is the best path's score and
// tim its timing.
func (s *Stream) addBlank(i int32, v, vit float64, tim timing) {
	n := &s.nodes[i]
	s.touch(n, i)
	n.npb = logAdd(n.npb, v)
	if vit > n.nvb {
		n.nvb, n.ntb = vit, tim
	}
}

// addStay adds mass to n's token state from paths already in it.
func (s *Stream) addStay(i int32, v, vit float64, tim timing) {
	n := &s.nodes[i]
	s.touch(n, i)
	n.npnb = logAdd(n.npnb, v)
	if vit > n.nvnb {
		n.nvnb, n.ntnb = vit, tim
	}
}

// addEmit adds mass to child i from its parent emitting the child's token
// this frame; fromBlank says which parent state the best path left.
func (s *Stream) addEmit(i int32, v, vit float64, parent int32, fromBlank bool) {
	n := &s.nodes[i]
	s.touch(n, i)
	n.npnb = logAdd(n.npnb, v)
	if vit <= n.nvnb {
		return
	}
	p := &s.nodes[parent]
	pt, parentEnd := p.tnb, s.frame-1
	if fromBlank {
		pt, parentEnd = p.tb, p.tb.tokEnd
	}
	t := s.frame
	tim := timing{tokStart: t, tokEnd: t, wordStart: pt.wordStart, words: pt.words}
	switch {
	case n.token == s.d.sep:
		s.recs = append(s.recs, wordRec{start: pt.wordStart, end: parentEnd + 1, prev: pt.words})
		tim.wordStart, tim.words = -1, int32(len(s.recs)-1)
	case p.token < 0 || p.token == s.d.sep:
		tim.wordStart = t
	}
	n.nvnb, n.ntnb = vit, tim
}

func (s *Stream) step(row []float32) {
	d := s.d
	threshold := float32(d.cfg.TokenMinLogProb)
	best := float32(math.Inf(-1))
	for _, lp := range row {
		if lp > best {
			best = lp
		}
	}
	threshold = min(threshold, best)
	s.active = s.active[:0]
	for c, lp := range row {
		if lp >= threshold && int32(c) != d.blank {
			s.active = append(s.active, int32(c))
		}
	}
	// Best first, so the loop below can stop at the first token that
	// cannot reach the beam.
	slices.SortFunc(s.active, func(a, b int32) int { return cmp.Compare(row[b], row[a]) })
	blankLP := float64(row[d.blank])
	useBlank := row[d.blank] >= threshold
	// The best prefix followed by blank lower-bounds this frame's best
	// score, so an extension that cannot come within BeamPrune of it, even
	// with the largest bonus a token can earn, would be pruned anyway.
	floor := negInf
	if useBlank && s.bestScore > negInf {
		floor = s.bestScore + blankLP - d.cfg.BeamPrune - s.slack
	}
	s.cands = s.cands[:0]
	prev := s.frame - 1
	for _, ni := range s.beam {
		n := &s.nodes[ni]
		pb, pnb, vb, vnb, tb, tnb, tok := n.pb, n.pnb, n.vb, n.vnb, n.tb, n.tnb, n.token
		total := logAdd(pb, pnb)
		reach := floor - total - n.fusion // the smallest useful token log-prob
		s.indexChildren(ni)
		vbest, tbest, bestIsBlank := vnb, tnb, false
		if vb >= vnb {
			vbest, tbest, bestIsBlank = vb, tb, true
		}
		if useBlank {
			// Leaving the token state for blank fixes the token's end.
			ended := tnb
			ended.tokEnd = prev
			if vb >= vnb {
				s.addBlank(ni, total+blankLP, vb+blankLP, tb)
			} else {
				s.addBlank(ni, total+blankLP, vnb+blankLP, ended)
			}
		}
		for _, c := range s.active {
			lp := float64(row[c])
			if lp < reach {
				break
			}
			switch {
			case c == d.sep && tok < 0:
				// Separators before the first word add nothing.
				s.addBlank(ni, total+lp, vb+lp, tb)
			case c == d.sep && tok == d.sep:
				// Nor does a second separator.
				tim := tbest
				if bestIsBlank {
					tim.tokEnd = prev
				}
				s.addStay(ni, total+lp, vbest+lp, tim)
			case c == tok:
				// A repeat collapses unless a blank came between.
				s.addStay(ni, pnb+lp, vnb+lp, tnb)
				if pb > negInf {
					if ch := s.child(ni, c); ch >= 0 {
						s.addEmit(ch, pb+lp, vb+lp, ni, true)
					}
				}
			default:
				if ch := s.child(ni, c); ch >= 0 {
					s.addEmit(ch, total+lp, vbest+lp, ni, bestIsBlank)
				}
			}
		}
		s.clearChildren(ni)
	}
	s.prune()
	if s.settleFrames > 0 && s.frame%settleEvery == 0 {
		s.settle()
	}
	s.frame++
	if len(s.nodes) >= s.gcAt {
		s.collect()
	}
}

// prune keeps the best BeamSize candidates within BeamPrune of the best.
func (s *Stream) prune() {
	s.order = s.order[:0]
	best := negInf
	for _, i := range s.cands {
		n := &s.nodes[i]
		score := logAdd(n.npb, n.npnb) + n.fusion
		if score > best {
			best = score
		}
		s.order = append(s.order, candidate{i, score})
	}
	if best == negInf || math.IsNaN(best) {
		// Every path is impossible (all-NaN or −Inf input): keep the old
		// beam rather than lose the work done so far.
		return
	}
	s.bestScore = best
	cut := best - s.d.cfg.BeamPrune
	kept := s.order[:0]
	for _, c := range s.order {
		if c.score >= cut {
			kept = append(kept, c)
		}
	}
	if len(kept) > s.d.cfg.BeamSize {
		selectTop(kept, s.d.cfg.BeamSize)
		kept = kept[:s.d.cfg.BeamSize]
	}
	s.beam = s.beam[:0]
	for _, c := range kept {
		n := &s.nodes[c.node]
		n.pb, n.pnb, n.vb, n.vnb, n.tb, n.tnb = n.npb, n.npnb, n.nvb, n.nvnb, n.ntb, n.ntnb
		n.tnb.tokEnd = s.frame
		s.beam = append(s.beam, c.node)
	}
}

// selectTop moves the k best candidates to the front (Hoare's quickselect).
func selectTop(c []candidate, k int) {
	lo, hi := 0, len(c)-1
	for lo < hi {
		pivot := c[(lo+hi)/2].score
		i, j := lo, hi
		for i <= j {
			for c[i].score > pivot {
				i++
			}
			for c[j].score < pivot {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// child returns the node extending parent by tok, creating it if needed,
// or -1 when constrained mode forbids the extension.
func (s *Stream) child(parent, tok int32) int32 {
	if ch := s.childTab[tok]; ch >= 0 {
		if s.nodes[ch].dead {
			return -1
		}
		return ch
	}
	i := int32(len(s.nodes))
	s.childTab[tok] = i
	p := &s.nodes[parent]
	n := node{
		parent: parent, token: tok, child: -1, sibling: p.child, depth: p.depth + 1,
		pb: negInf, pnb: negInf, vb: negInf, vnb: negInf, stamp: -1,
		fusion: p.fusion, lmLogProb: p.lmLogProb, lmState: p.lmState,
		lex: p.lex, hot: p.hot, hotPending: p.hotPending, oovCharged: p.oovCharged,
	}
	p.child = i
	d := s.d
	if tok == d.sep {
		s.completeWord(&n)
		n.oovCharged = false
		if d.lex != nil {
			n.lex = lexRoot
		}
	} else {
		if s.hot != nil {
			var delta float64
			n.hot, n.hotPending, delta = s.hot.step(n.hot, n.hotPending, tok)
			n.fusion += delta
		}
		if n.lex >= 0 {
			n.lex = d.lex.next(n.lex, tok)
			if n.lex < 0 {
				if d.cfg.Constrained {
					n.dead = true
				} else if d.lm != nil && !n.oovCharged && (s.hot == nil || !s.hot.inside(n.hot)) {
					n.fusion -= d.cfg.OOVPenalty
					n.oovCharged = true
				}
			}
		}
	}
	s.nodes = append(s.nodes, n)
	if n.dead {
		return -1
	}
	return i
}

// indexChildren fills childTab with parent's children, so each token's
// lookup is one load rather than a walk of the sibling list.
func (s *Stream) indexChildren(parent int32) {
	for ch := s.nodes[parent].child; ch >= 0; ch = s.nodes[ch].sibling {
		s.childTab[s.nodes[ch].token] = ch
	}
}

func (s *Stream) clearChildren(parent int32) {
	for ch := s.nodes[parent].child; ch >= 0; ch = s.nodes[ch].sibling {
		s.childTab[s.nodes[ch].token] = -1
	}
}

// completeWord scores the word n ends with a separator: LM fusion, the
// word bonus, the OOV and constrained checks, the hotword step.
func (s *Stream) completeWord(n *node) {
	d := s.d
	word := lm.UnknownID
	known := false
	if d.lex != nil && n.lex >= 0 {
		if w := d.lex.wordAt[n.lex]; w >= 0 {
			known = true
			word = d.lexLMID[w]
		}
	}
	if d.cfg.Constrained && !known {
		n.dead = true
		return
	}
	if s.hot != nil {
		var delta float64
		n.hot, n.hotPending, delta = s.hot.step(n.hot, n.hotPending, d.sep)
		n.fusion += delta
	}
	if d.lm != nil {
		if !known && !n.oovCharged && !d.cfg.Constrained && (s.hot == nil || !s.hot.inside(n.hot)) {
			n.fusion -= d.cfg.OOVPenalty
		}
		lp, next := d.lm.Score(n.lmState, word)
		n.lmState = next
		n.lmLogProb += float64(lp)
		n.fusion += d.cfg.LMWeight*float64(lp) + d.cfg.WordBonus
	}
}

// finalScore closes a prefix at the end of the utterance: the word being
// spelled is completed, unconfirmed hotword bonus is taken back, and the LM
// predicts </s>. It returns the fused score and the closed node.
func (s *Stream) finalScore(i int32) (float64, node, bool) {
	n := s.nodes[i]
	if n.token >= 0 && n.token != s.d.sep {
		s.completeWord(&n)
		if n.dead {
			return negInf, n, false
		}
	}
	n.fusion -= n.hotPending
	n.hotPending = 0
	if s.d.lm != nil {
		lp, _ := s.d.lm.Score(n.lmState, lm.EndID)
		n.lmLogProb += float64(lp)
		n.fusion += s.d.cfg.LMWeight * float64(lp)
	}
	return logAdd(n.pb, n.pnb) + n.fusion, n, true
}

// Finalize ends the utterance and returns up to NBest hypotheses, best
// first. Prefixes that spell the same words are merged.
func (s *Stream) Finalize() []Hypothesis {
	s.final = true
	type final struct {
		node                int32
		score, acoustic, lm float64
		text                string
		words               []Word
	}
	byText := map[string]int{}
	var finals []final
	for _, i := range s.beam {
		score, closed, ok := s.finalScore(i)
		if !ok || math.IsInf(score, -1) || math.IsNaN(score) {
			continue
		}
		words := s.words(i)
		text := joinWords(words)
		acoustic := logAdd(closed.pb, closed.pnb)
		if j, dup := byText[text]; dup {
			f := &finals[j]
			// Same words, so the same LM terms: add the acoustic mass.
			merged := logAdd(f.acoustic, acoustic)
			f.score += merged - f.acoustic
			f.acoustic = merged
			continue
		}
		byText[text] = len(finals)
		finals = append(finals, final{node: i, score: score, acoustic: acoustic, lm: closed.lmLogProb, text: text, words: words})
	}
	slices.SortFunc(finals, func(a, b final) int { return cmp.Compare(b.score, a.score) })
	if len(finals) == 0 {
		return []Hypothesis{{Words: []Word{}}}
	}
	// Word posteriors over all final hypotheses (a lattice-free estimate
	// of the confusion-network posterior of Mangu et al., 2000).
	total := negInf
	for _, f := range finals {
		total = logAdd(total, f.score)
	}
	nbest := min(len(finals), s.d.cfg.NBest)
	out := make([]Hypothesis, nbest)
	for h := range nbest {
		f := finals[h]
		for wi := range f.words {
			w := &f.words[wi]
			mass := negInf
			for _, g := range finals {
				// g's words are in time order: skip to the first that
				// ends after w starts.
				k, _ := slices.BinarySearchFunc(g.words, w.StartFrame, func(v Word, start int) int { return cmp.Compare(v.EndFrame, start+1) })
				for ; k < len(g.words) && g.words[k].StartFrame < w.EndFrame; k++ {
					if g.words[k].Text == w.Text {
						mass = logAdd(mass, g.score)
						break
					}
				}
			}
			w.Confidence = math.Exp(mass - total)
		}
		out[h] = Hypothesis{Text: f.text, Words: f.words, Score: f.score, AcousticScore: f.acoustic, LMScore: f.lm}
	}
	return out
}

// Partial returns the best hypothesis so far and how many of its words are
// settled.
func (s *Stream) Partial() Partial {
	if len(s.beam) == 0 {
		return Partial{}
	}
	best, bestScore := s.beam[0], negInf
	for _, i := range s.beam {
		n := &s.nodes[i]
		if score := logAdd(n.pb, n.pnb) + n.fusion; score > bestScore {
			best, bestScore = i, score
		}
	}
	words := s.words(best)
	// Every future hypothesis descends from a node in the beam, so words
	// completed above the beam's common ancestor can no longer change.
	common := s.beam[0]
	for _, i := range s.beam[1:] {
		common = s.ancestor(common, i)
	}
	stable := 0
	for a := common; a > 0; a = s.nodes[a].parent {
		if s.nodes[a].token == s.d.sep {
			stable++
		}
	}
	return Partial{Words: words, Stable: min(stable, len(words))}
}

// ancestor returns the deepest common ancestor of nodes a and b.
func (s *Stream) ancestor(a, b int32) int32 {
	for s.nodes[a].depth > s.nodes[b].depth {
		a = s.nodes[a].parent
	}
	for s.nodes[b].depth > s.nodes[a].depth {
		b = s.nodes[b].parent
	}
	for a != b {
		a, b = s.nodes[a].parent, s.nodes[b].parent
	}
	return a
}

// words spells the prefix ending at node i, with each word's frames from
// the best alignment of that prefix.
func (s *Stream) words(i int32) []Word {
	n := &s.nodes[i]
	tim := n.tnb
	if n.vb >= n.vnb {
		tim = n.tb
	}
	var texts []string
	var b strings.Builder
	for a := i; a > 0; a = s.nodes[a].parent {
		tok := s.nodes[a].token
		if tok == s.d.sep {
			if b.Len() > 0 {
				texts = append(texts, b.String())
				b.Reset()
			}
			continue
		}
		b.WriteString(reverseToken(s.d.vocab.Tokens[tok]))
	}
	if b.Len() > 0 {
		texts = append(texts, b.String())
	}
	// texts holds the words reversed, last first; reverse each back.
	words := make([]Word, len(texts))
	k := len(texts) - 1
	if n.token >= 0 && n.token != s.d.sep {
		words[k] = Word{StartFrame: int(tim.wordStart), EndFrame: int(tim.tokEnd) + 1}
		k--
	}
	for r := tim.words; r >= 0 && k >= 0; r = s.recs[r].prev {
		words[k] = Word{StartFrame: int(s.recs[r].start), EndFrame: int(s.recs[r].end)}
		k--
	}
	frame := s.d.cfg.FrameDuration
	for j := range words {
		words[j].Text = reverseToken(texts[len(texts)-1-j])
		words[j].Start = time.Duration(words[j].StartFrame) * frame
		words[j].End = time.Duration(words[j].EndFrame) * frame
	}
	return words
}

// reverseToken reverses a string by runes; words() builds words backwards.
func reverseToken(t string) string {
	if len(t) == 1 {
		return t
	}
	r := []rune(t)
	slices.Reverse(r)
	return string(r)
}

// collect compacts the node arena to the beam's prefixes and their
// ancestors, so long streams run in bounded memory.
func (s *Stream) collect() {
	if cap(s.marks) < len(s.nodes) {
		s.marks = make([]int32, len(s.nodes))
	}
	marks := s.marks[:len(s.nodes)]
	for i := range marks {
		marks[i] = -1
	}
	marks[0] = 0
	for _, b := range s.beam {
		for a := b; marks[a] < 0; a = s.nodes[a].parent {
			marks[a] = 0
		}
	}
	// Parents precede children in the arena, so numbering the survivors in
	// order keeps that true, and one forward pass moves them.
	kept := int32(0)
	for i := range marks {
		if marks[i] == 0 {
			marks[i] = kept
			kept++
		}
	}
	recMarks := s.markRecords()
	remap := func(r int32) int32 {
		if r < 0 {
			return -1
		}
		return recMarks[r]
	}
	for i := range s.nodes {
		to := marks[i]
		if to < 0 {
			continue
		}
		n := s.nodes[i]
		if n.parent >= 0 {
			n.parent = marks[n.parent]
		}
		n.tb.words, n.tnb.words = remap(n.tb.words), remap(n.tnb.words)
		n.child, n.sibling = -1, -1
		s.nodes[to] = n
		if n.parent >= 0 {
			p := &s.nodes[n.parent]
			s.nodes[to].sibling = p.child
			p.child = to
		}
	}
	s.nodes = s.nodes[:kept]
	for k, b := range s.beam {
		s.beam[k] = marks[b]
	}
	s.gcAt = max(s.gcAt, 2*int(kept))
}

// markRecords compacts the word records to those the beam's timings reach
// and returns the old-to-new index map (-1 for dropped records).
func (s *Stream) markRecords() []int32 {
	marks := make([]int32, len(s.recs))
	for i := range marks {
		marks[i] = -1
	}
	for _, b := range s.beam {
		n := &s.nodes[b]
		for _, r := range [2]int32{n.tb.words, n.tnb.words} {
			for ; r >= 0 && marks[r] < 0; r = s.recs[r].prev {
				marks[r] = 0
			}
		}
	}
	kept := int32(0)
	for i := range marks {
		if marks[i] == 0 {
			marks[i] = kept
			kept++
		}
	}
	for i, rec := range s.recs {
		if to := marks[i]; to >= 0 {
			if rec.prev >= 0 {
				rec.prev = marks[rec.prev]
			}
			s.recs[to] = rec
		}
	}
	s.recs = s.recs[:kept]
	return marks
}

// settleEvery is how often, in frames, settle runs.
const settleEvery = 8

// settle commits the best hypothesis's words that ended more than
// SettleAfter ago: prefixes that disagree with them are dropped, so the
// partial result's settled words never change and stream latency stays
// bounded. Without it, near-tied histories that differ early can both
// survive to the end of a long stream.
func (s *Stream) settle() {
	if len(s.beam) < 2 {
		return
	}
	best, bestScore := s.beam[0], negInf
	for _, i := range s.beam {
		n := &s.nodes[i]
		if score := logAdd(n.pb, n.pnb) + n.fusion; score > bestScore {
			best, bestScore = i, score
		}
	}
	n := &s.nodes[best]
	tim := n.tnb
	if n.vb >= n.vnb {
		tim = n.tb
	}
	// Keep the oldest words up to the newest one that ended before the
	// limit (the chain lists words newest first).
	limit := s.frame - s.settleFrames
	s.ends = s.ends[:0]
	for r := tim.words; r >= 0; r = s.recs[r].prev {
		s.ends = append(s.ends, s.recs[r].end)
	}
	keep := 0
	for idx, end := range s.ends {
		if end <= limit {
			keep = len(s.ends) - idx
			break
		}
	}
	if keep == 0 {
		return
	}
	// Find the separator node that completes word number keep.
	var path []int32
	for a := best; a > 0; a = s.nodes[a].parent {
		if s.nodes[a].token == s.d.sep {
			path = append(path, a)
		}
	}
	if keep > len(path) {
		return
	}
	anchor := path[len(path)-keep]
	depth := s.nodes[anchor].depth
	kept := s.beam[:0]
	for _, i := range s.beam {
		a := i
		for s.nodes[a].depth > depth {
			a = s.nodes[a].parent
		}
		if a == anchor {
			kept = append(kept, i)
		}
	}
	s.beam = kept
}
