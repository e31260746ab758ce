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
	parent int32
	token  int32 // -1 at the root
	depth  int32

	// CTC prefix probabilities (Hannun et al., "First-pass large vocabulary
	// continuous speech recognition using bidirectional recurrent DNNs",
	// 2014, Algorithm 1): ending in blank, ending in the last token.
	pb, pnb float64
	// Viterbi (max) scores of the same two states, and the timing of the
	// best path into each: word times follow the best alignment of each
	// prefix, not of whichever prefix touched a node last.
	vb, vnb float64
	tb, tnb timing
	// stamp is the last frame that touched the node, and acc its
	// accumulator in Stream.accs during that frame; inBeam equals the
	// stream's frame count while the node is in the beam.
	stamp, acc, inBeam int32
	// kids has bit t set when the node may have a child by token t < 64
	// (all bits when the vocabulary is larger), so most lookups of
	// children that do not exist skip the child table.
	kids uint64

	textState
}

// textState is what a prefix's text alone determines.
type textState struct {
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
	spot   *spotter // nil without hotwords or with spotting off
	nodes  []node
	beam   []int32
	accs   []accum
	totals []float64 // ln(pb + pnb) of each beam prefix
	props  []proposal
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
	// children maps (parent, token) to the child node: an open-addressing
	// table, one probe per extension instead of walking sibling lists.
	childKeys []uint64 // parent·tokens + token + 1; 0 is empty
	childVals []int32
	slack     float64 // the most a token can raise the fused score
	// letterSlack is the most a token other than the separator can raise
	// it: no word bonus, only hotword boosts.
	letterSlack float64
	// noFloor turns the early cut off (tests compare against it).
	noFloor bool
	// frameTop is each frame's largest token probability, for the
	// confidence features.
	frameTop []float32
	// bases, keep and byBase are keepUnion's buffers.
	bases  []float64
	keep   []bool
	byBase []int32
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

// accum gathers one candidate's probabilities during a frame; kept apart
// from the nodes so a node stays small and the frame's working set is one
// short array.
type accum struct {
	node             int32
	pb, pnb, vb, vnb float64
	tb, tnb          timing
}

// proposal is an extension into a prefix the tree does not hold yet. Most
// are pruned in the frame that proposes them, so the node is created only
// for those that enter the beam. A new prefix has one parent and no
// paths of its own, so this one contribution is all its mass.
type proposal struct {
	parent, token int32
	fromBlank     bool
	v, vit        float64
	bound         float64 // v + the parent's fusion + the most tok can add
	text          textState
}

// candidate is an accumulator (acc ≥ 0) or a proposal (−acc−1) with its
// fused score, and that score without unconfirmed hotword bonus.
type candidate struct {
	acc   int32
	score float64
	base  float64
}

// NewStream starts an utterance; hot may be nil.
func (d *Decoder) NewStream(hot *Hotwords) *Stream {
	s := &Stream{d: d, hot: hot}
	s.slack = max(0, d.cfg.WordBonus)
	if hot != nil {
		s.slack += hot.maxBoost
		s.letterSlack = hot.maxBoost
		if !d.cfg.Spotting.Off && len(hot.spots) > 0 {
			s.spot = newSpotter(hot, d.cfg.Spotting, d.blank, d.sep)
		}
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
	root := node{parent: -1, token: -1, pb: 0, pnb: negInf,
		vb: 0, vnb: negInf, tb: timing{-1, -1, -1, -1}, tnb: timing{-1, -1, -1, -1},
		stamp: -1, inBeam: 0, textState: textState{lex: -1}}
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
	s.rehash(1024)
	s.beam = append(s.beam[:0], 0)
	s.recs = s.recs[:0]
	s.frame = 0
	s.frameTop = s.frameTop[:0]
	s.gcAt = max(4096, 64*s.d.cfg.BeamSize)
	s.final = false
	if s.spot != nil {
		s.spot.reset()
	}
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
		row := logProbs[off : off+v]
		if s.spot != nil {
			s.spot.step(row)
		}
		s.step(row)
	}
	return nil
}

func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if b-a < -40 || b == negInf { // below e^-40 the sum rounds to a
		return a
	}
	// ln(1+x) by Log rather than Log1p: absolute error stays at a few
	// ulps, all a sum of log-probabilities needs, and Log is faster.
	return a + math.Log(1+math.Exp(b-a))
}

// touch puts node i in this frame's candidate list and returns its
// accumulator, valid until the next touch.
func (s *Stream) touch(i int32) *accum {
	n := &s.nodes[i]
	if n.stamp != s.frame {
		n.stamp = s.frame
		n.acc = int32(len(s.accs))
		s.accs = append(s.accs, accum{node: i, pb: negInf, pnb: negInf, vb: negInf, vnb: negInf, tb: noTiming, tnb: noTiming})
	}
	return &s.accs[n.acc]
}

// addBlank adds mass v to n's blank state; vit is the best path's score and
// tim its timing.
func (s *Stream) addBlank(i int32, v, vit float64, tim timing) {
	a := s.touch(i)
	a.pb = logAdd(a.pb, v)
	if vit > a.vb {
		a.vb, a.tb = vit, tim
	}
}

// addStay adds mass to n's token state from paths already in it.
func (s *Stream) addStay(i int32, v, vit float64, tim timing) {
	a := s.touch(i)
	a.pnb = logAdd(a.pnb, v)
	if vit > a.vnb {
		a.vnb, a.tnb = vit, tim
	}
}

// addEmit adds mass to child i from its parent emitting the child's token
// this frame; fromBlank says which parent state the best path left.
func (s *Stream) addEmit(i int32, v, vit float64, parent int32, fromBlank bool) {
	a := s.touch(i)
	a.pnb = logAdd(a.pnb, v)
	if vit <= a.vnb {
		return
	}
	n := &s.nodes[i]
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
	a.vnb, a.tnb = vit, tim
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
	s.frameTop = append(s.frameTop, float32(math.Exp(float64(best))))
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
	// Each prefix of the beam stays a candidate this frame, scoring at
	// least what blank, or a repeat of its last token, adds to it. The best
	// of these bounds lower-bounds this frame's best score, so an extension
	// that cannot come within BeamPrune of it, even with the largest bonus
	// a token can earn, would be pruned anyway; and when the beam is full,
	// BeamSize distinct candidates score at least the smallest bound, so an
	// extension below that cannot enter the beam either.
	floor := negInf
	s.totals = s.totals[:0]
	for _, ni := range s.beam {
		n := &s.nodes[ni]
		s.totals = append(s.totals, logAdd(n.pb, n.pnb))
	}
	if len(s.beam) > 0 && !s.noFloor {
		hi, lo := negInf, math.Inf(1)
		hiBase, loBase := negInf, math.Inf(1)
		for k, ni := range s.beam {
			n := &s.nodes[ni]
			bound := negInf
			if useBlank {
				bound = s.totals[k] + blankLP
			}
			if n.token >= 0 && n.token != d.sep && row[n.token] >= threshold {
				bound = max(bound, n.pnb+float64(row[n.token]))
			}
			bound += n.fusion
			hi, lo = max(hi, bound), min(lo, bound)
			hiBase, loBase = max(hiBase, bound-n.hotPending), min(loBase, bound-n.hotPending)
		}
		floor = hi - d.cfg.BeamPrune
		if len(s.beam) >= d.cfg.BeamSize {
			floor = max(floor, lo)
		}
		if s.hot != nil {
			// The beam also keeps the best prefixes by their scores
			// without unconfirmed bonus (see keepUnion); an extension
			// is cut only when it can make neither set, and its
			// score without bonus is at most its score with.
			floorBase := hiBase - d.cfg.BeamPrune
			if len(s.beam) >= d.cfg.BeamSize {
				floorBase = max(floorBase, loBase)
			}
			floor = min(floor, floorBase)
		}
		floor -= s.slack
	}
	exact := floor + s.slack // the floor once the bonus is known
	s.accs = s.accs[:0]
	s.props = s.props[:0]
	prev := s.frame - 1
	for k, ni := range s.beam {
		n := &s.nodes[ni]
		pb, pnb, vb, vnb, tb, tnb, tok := n.pb, n.pnb, n.vb, n.vnb, n.tb, n.tnb, n.token
		total := s.totals[k]
		reach := floor - total - n.fusion // the smallest useful token log-prob
		reachLetter := exact - s.letterSlack - total - n.fusion
		vbest, tbest, bestIsBlank := vnb, tnb, false
		if vb >= vnb {
			vbest, tbest, bestIsBlank = vb, tb, true
		}
		// A prefix's own paths come first and are never cut: the
		// prefix competes this frame anyway, so all its mass counts.
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
		if lp := row[d.sep]; lp >= threshold && (tok < 0 || tok == d.sep) {
			if tok < 0 {
				// Separators before the first word add nothing.
				s.addBlank(ni, total+float64(lp), vb+float64(lp), tb)
			} else {
				// Nor does a second separator.
				tim := tbest
				if bestIsBlank {
					tim.tokEnd = prev
				}
				s.addStay(ni, total+float64(lp), vbest+float64(lp), tim)
			}
		}
		if tok >= 0 && tok != d.sep && row[tok] >= threshold {
			// A repeat collapses unless a blank came between.
			lp := float64(row[tok])
			s.addStay(ni, pnb+lp, vnb+lp, tnb)
		}
		for _, c := range s.active {
			lp := float64(row[c])
			if lp < reach {
				break
			}
			if lp < reachLetter && c != d.sep {
				continue
			}
			switch {
			case c == d.sep && (tok < 0 || tok == d.sep):
				// Counted above.
			case c == tok:
				if pb > negInf {
					s.extend(ni, c, pb+lp, vb+lp, true, exact)
				}
			default:
				s.extend(ni, c, total+lp, vbest+lp, bestIsBlank, exact)
			}
		}
	}
	// A prefix in the beam competes whatever the cut, so its parent's
	// paths into it, when the parent is in the beam too, count in full.
	for _, ni := range s.beam {
		n := &s.nodes[ni]
		if n.parent < 0 || s.nodes[n.parent].inBeam != s.frame || row[n.token] < threshold {
			continue
		}
		p := &s.nodes[n.parent]
		lp := float64(row[n.token])
		switch {
		case n.token == p.token:
			if p.pb > negInf {
				s.addEmit(ni, p.pb+lp, p.vb+lp, n.parent, true)
			}
		case p.vb >= p.vnb:
			s.addEmit(ni, logAdd(p.pb, p.pnb)+lp, p.vb+lp, n.parent, true)
		default:
			s.addEmit(ni, logAdd(p.pb, p.pnb)+lp, p.vnb+lp, n.parent, false)
		}
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
	best, bestBase := negInf, negInf
	for i := range s.accs {
		a := &s.accs[i]
		n := &s.nodes[a.node]
		score := logAdd(a.pb, a.pnb) + n.fusion
		if score > best {
			best = score
		}
		base := score - n.hotPending
		bestBase = max(bestBase, base)
		s.order = append(s.order, candidate{int32(i), score, base})
	}
	// The prefixes in the tree have their final scores now; the BeamSize-th
	// best of them and the best less BeamPrune bound what a new prefix
	// must score, so only proposals whose bound reaches that need their
	// text (LM word, lexicon, hotwords) worked out.
	cut := best - s.d.cfg.BeamPrune
	if k := s.d.cfg.BeamSize; len(s.order) >= k {
		selectTop(s.order, k)
		kth := math.Inf(1)
		for _, c := range s.order[:k] {
			kth = min(kth, c.score)
		}
		cut = max(cut, kth)
	}
	if s.hot != nil {
		// The same bound for the set kept by scores without unconfirmed
		// bonus; a proposal is cut only when it makes neither.
		cutBase := bestBase - s.d.cfg.BeamPrune
		if k := s.d.cfg.BeamSize; len(s.order) >= k {
			s.bases = s.bases[:0]
			for _, c := range s.order {
				s.bases = append(s.bases, c.base)
			}
			slices.Sort(s.bases)
			cutBase = max(cutBase, s.bases[len(s.bases)-k])
		}
		cut = min(cut, cutBase)
	}
	for i := range s.props {
		p := &s.props[i]
		if p.bound < cut {
			continue
		}
		s.nextText(&p.text, &s.nodes[p.parent].textState, p.token)
		if p.text.dead {
			// Remember the dead end (constrained mode), so it is not
			// recomputed.
			_, slot := s.findChild(p.parent, p.token)
			s.insert(slot, s.childKey(p.parent, p.token), s.newNode(p.parent, p.token, &p.text))
			continue
		}
		score := p.v + p.text.fusion
		if score < cut {
			continue
		}
		if score > best {
			best = score
		}
		base := score - p.text.hotPending
		bestBase = max(bestBase, base)
		s.order = append(s.order, candidate{int32(-i - 1), score, base})
	}
	if best == negInf || math.IsNaN(best) {
		// Every path is impossible (all-NaN or −Inf input): keep the old
		// beam rather than lose the work done so far.
		return
	}
	var kept []candidate
	if s.hot != nil {
		kept = s.keepUnion(best, bestBase)
	} else {
		cut = best - s.d.cfg.BeamPrune
		kept = s.order[:0]
		for _, c := range s.order {
			if c.score >= cut {
				kept = append(kept, c)
			}
		}
		if len(kept) > s.d.cfg.BeamSize {
			selectTop(kept, s.d.cfg.BeamSize)
			kept = kept[:s.d.cfg.BeamSize]
		}
	}
	// New prefixes first, while their parents still hold the previous
	// frame's paths that addEmit reads.
	for k := range kept {
		if c := &kept[k]; c.acc < 0 {
			p := &s.props[-c.acc-1]
			_, slot := s.findChild(p.parent, p.token)
			ch := s.insert(slot, s.childKey(p.parent, p.token), s.newNode(p.parent, p.token, &p.text))
			s.addEmit(ch, p.v, p.vit, p.parent, p.fromBlank)
			c.acc = s.nodes[ch].acc
		}
	}
	s.beam = s.beam[:0]
	for _, c := range kept {
		a := &s.accs[c.acc]
		n := &s.nodes[a.node]
		n.pb, n.pnb, n.vb, n.vnb, n.tb, n.tnb = a.pb, a.pnb, a.vb, a.vnb, a.tb, a.tnb
		n.tnb.tokEnd = s.frame
		n.inBeam = s.frame + 1
		s.beam = append(s.beam, a.node)
	}
}

// selectTop moves the k best candidates to the front (Hoare's quickselect).
// keepUnion selects the beam when hotwords are on: the BeamSize best
// candidates within BeamPrune of the best by fused score, together with the
// BeamSize best within BeamPrune by that score less the unconfirmed hotword
// bonus. A hotword's prefix bonus can then bring prefixes into the beam
// but never push out those the search would keep without it, so a phrase
// that is begun and not finished does not leave the beam without the
// hypotheses it displaced (on dev, that loss, not false alarms, was most
// of the WER the hotwords cost utterances without any). The beam holds up
// to 2·BeamSize prefixes.
func (s *Stream) keepUnion(best, bestBase float64) []candidate {
	k, prune := s.d.cfg.BeamSize, s.d.cfg.BeamPrune
	order := s.order
	slices.SortFunc(order, func(a, b candidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.acc, b.acc)
	})
	s.keep = s.keep[:0]
	for i, c := range order {
		s.keep = append(s.keep, i < k && c.score >= best-prune)
	}
	s.byBase = s.byBase[:0]
	for i := range order {
		s.byBase = append(s.byBase, int32(i))
	}
	slices.SortFunc(s.byBase, func(a, b int32) int {
		if c := cmp.Compare(order[b].base, order[a].base); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for r, i := range s.byBase {
		if r >= k || order[i].base < bestBase-prune {
			break
		}
		s.keep[i] = true
	}
	kept := order[:0]
	for i, c := range order {
		if s.keep[i] {
			kept = append(kept, c)
		}
	}
	return kept
}

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

// childKey identifies the child of parent by token in the child table.
func (s *Stream) childKey(parent, tok int32) uint64 {
	return uint64(parent)*uint64(s.d.numTokens) + uint64(tok) + 1
}

// findChild returns the child of parent by tok, or -1 and the empty slot
// where it would go.
func (s *Stream) findChild(parent, tok int32) (int32, uint64) {
	if s.nodes[parent].kids&(1<<uint(tok&63)) == 0 {
		return -1, noSlot
	}
	key := s.childKey(parent, tok)
	mask := uint64(len(s.childKeys) - 1)
	h := hashKey(key) & mask
	for {
		switch s.childKeys[h] {
		case key:
			return s.childVals[h], h
		case 0:
			return -1, h
		}
		h = (h + 1) & mask
	}
}

// extend adds mass v (Viterbi score vit) to the child of parent by tok, or
// proposes that child, unless its fused score falls below floor.
func (s *Stream) extend(parent, tok int32, v, vit float64, fromBlank bool, floor float64) {
	ch, _ := s.findChild(parent, tok)
	if ch >= 0 {
		// A child in the beam gets its parent's mass in step, uncut;
		// any other has this one contribution, and its own fusion score
		// (its LM word, OOV penalty) may sink it below the floor.
		if n := &s.nodes[ch]; !n.dead && n.inBeam != s.frame && v+n.fusion >= floor {
			s.addEmit(ch, v, vit, parent, fromBlank)
		}
		return
	}
	// The new prefix's text is worked out in prune, and only if this
	// bound on its score can still make the beam then.
	bound := v + s.nodes[parent].fusion + s.letterSlack
	if tok == s.d.sep {
		bound = v + s.nodes[parent].fusion + s.slack
	}
	if bound >= floor {
		s.props = append(s.props, proposal{parent: parent, token: tok, fromBlank: fromBlank, v: v, vit: vit, bound: bound})
	}
}

// child returns the node extending parent by tok, creating it if needed,
// or -1 when constrained mode forbids the extension.
func (s *Stream) child(parent, tok int32) int32 {
	ch, slot := s.findChild(parent, tok)
	if ch < 0 {
		var t textState
		s.nextText(&t, &s.nodes[parent].textState, tok)
		ch = s.insert(slot, s.childKey(parent, tok), s.newNode(parent, tok, &t))
	}
	if s.nodes[ch].dead {
		return -1
	}
	return ch
}

// noSlot is findChild's answer when the kids mask alone rules a child out.
const noSlot = ^uint64(0)

// insert appends n to the arena and the child table at slot (noSlot:
// find it).
func (s *Stream) insert(slot, key uint64, n node) int32 {
	if slot == noSlot {
		mask := uint64(len(s.childKeys) - 1)
		slot = hashKey(key) & mask
		for s.childKeys[slot] != 0 {
			slot = (slot + 1) & mask
		}
	}
	s.nodes[n.parent].kids |= s.kidBit(n.token)
	i := int32(len(s.nodes))
	s.childKeys[slot], s.childVals[slot] = key, i
	s.nodes = append(s.nodes, n)
	if 2*len(s.nodes) > len(s.childKeys) {
		s.rehash(4 * len(s.nodes))
	}
	return i
}

// newNode returns the prefix extending parent by tok, with text t.
func (s *Stream) newNode(parent, tok int32, t *textState) node {
	return node{
		parent: parent, token: tok, depth: s.nodes[parent].depth + 1,
		pb: negInf, pnb: negInf, vb: negInf, vnb: negInf, stamp: -1, inBeam: -1,
		textState: *t,
	}
}

// nextText sets t to the text state of prefix p extended by tok: fusion
// score, LM state, lexicon and hotword positions.
func (s *Stream) nextText(t, p *textState, tok int32) {
	*t = *p
	d := s.d
	if tok == d.sep {
		s.completeWord(t)
		t.oovCharged = false
		if d.lex != nil {
			t.lex = lexRoot
		}
		return
	}
	if s.hot != nil {
		var delta float64
		t.hot, t.hotPending, delta = s.hot.step(t.hot, t.hotPending, tok)
		t.fusion += delta
	}
	if t.lex >= 0 {
		t.lex = d.lex.next(t.lex, tok)
		if t.lex < 0 && d.cfg.Constrained {
			t.dead = true
		}
	}
	if t.lex < 0 && d.lex != nil && d.lm != nil && !d.cfg.Constrained {
		// The first token outside the lexicon pays OOVPenalty, each
		// further one OOVCharPenalty.
		penalty := d.cfg.OOVCharPenalty
		if !t.oovCharged {
			penalty = d.cfg.OOVPenalty
			t.oovCharged = true
		}
		if s.hot != nil && s.hot.inside(t.hot) {
			// A hotword's spelling is waived the penalty, as bonus not
			// yet confirmed: taken back if the phrase is not completed.
			t.hotPending += penalty
		} else {
			t.fusion -= penalty
		}
	}
}

// kidBit is tok's bit in node.kids.
func (s *Stream) kidBit(tok int32) uint64 {
	if s.d.numTokens > 64 {
		return ^uint64(0)
	}
	return 1 << uint(tok)
}

// hashKey is the splitmix64 finaliser.
func hashKey(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// rehash rebuilds the child table with at least size slots from the
// nodes' parent links.
func (s *Stream) rehash(size int) {
	slots := 1024
	for slots < size {
		slots *= 2
	}
	if cap(s.childKeys) >= slots {
		s.childKeys = s.childKeys[:slots]
		s.childVals = s.childVals[:slots]
		clear(s.childKeys)
	} else {
		s.childKeys = make([]uint64, slots)
		s.childVals = make([]int32, slots)
	}
	mask := uint64(slots - 1)
	v := uint64(s.d.numTokens)
	for i := 1; i < len(s.nodes); i++ {
		n := &s.nodes[i]
		key := uint64(n.parent)*v + uint64(n.token) + 1
		h := hashKey(key) & mask
		for s.childKeys[h] != 0 {
			h = (h + 1) & mask
		}
		s.childKeys[h], s.childVals[h] = key, int32(i)
	}
}

// completeWord scores the word n ends with a separator: LM fusion, the
// word bonus, the OOV and constrained checks, the hotword step.
func (s *Stream) completeWord(n *textState) {
	d := s.d
	word := lm.UnknownID
	known := false
	if d.lex != nil && n.lex >= 0 {
		word, known = d.lexWord(n.lex)
	}
	if d.cfg.Constrained && !known {
		n.dead = true
		return
	}
	floor := 0.0
	inside, confirmed := false, false
	if s.hot != nil {
		var delta float64
		n.hot, n.hotPending, delta = s.hot.step(n.hot, n.hotPending, d.sep)
		n.fusion += delta
		floor = s.hot.minLMLogProb(n.hot)
		inside, confirmed = s.hot.inside(n.hot), s.hot.terminal[n.hot]
	}
	if d.lm != nil {
		if !known && !n.oovCharged && !d.cfg.Constrained {
			if !inside {
				n.fusion -= d.cfg.OOVPenalty
			} else if !confirmed {
				// Waived while the phrase may still fail (see nextText).
				n.hotPending += d.cfg.OOVPenalty
			}
		}
		lp, next := d.lm.Score(n.lmState, word)
		n.lmState = next
		n.lmLogProb += float64(lp)
		n.fusion += d.cfg.LMWeight*float64(lp) + d.cfg.WordBonus
		if floor < 0 && float64(lp) < floor {
			// A hotword's word scores at least floor; like any bonus,
			// the raise is unconfirmed until the phrase is complete.
			raise := d.cfg.LMWeight * (floor - float64(lp))
			n.fusion += raise
			if !confirmed {
				n.hotPending += raise
			}
		}
	}
}

// finalScore closes a prefix at the end of the utterance: the word being
// spelled is completed, unconfirmed hotword bonus is taken back, and the LM
// predicts </s>. It returns the fused score and the closed node.
func (s *Stream) finalScore(i int32) (float64, node, bool) {
	n := s.nodes[i]
	if n.token >= 0 && n.token != s.d.sep {
		s.completeWord(&n.textState)
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
	if s.spot != nil {
		// Hotwords the spotter found replace the words they cover in
		// every hypothesis.
		if hits := s.spot.accepted(); len(hits) > 0 {
			for i := range finals {
				finals[i].words = s.spot.merge(finals[i].words, hits, s.d.cfg.FrameDuration)
				finals[i].text = joinWords(finals[i].words)
			}
		}
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
			w.Features.Posterior = math.Exp(mass - total)
		}
		s.wordFeatures(f.words)
		for wi := range f.words {
			w := &f.words[wi]
			w.Confidence = s.d.cfg.Confidence.Confidence(w.Features)
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
		n.kids = 0
		s.nodes[to] = n
		if n.parent >= 0 {
			s.nodes[n.parent].kids |= s.kidBit(n.token)
		}
	}
	s.nodes = s.nodes[:kept]
	s.rehash(2 * s.gcAt)
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
		s.nodes[i].inBeam = -1 // until kept below
		a := i
		for s.nodes[a].depth > depth {
			a = s.nodes[a].parent
		}
		if a == anchor {
			kept = append(kept, i)
			s.nodes[i].inBeam = s.frame + 1
		}
	}
	s.beam = kept
}
