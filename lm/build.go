package lm

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/mynah-speech/mynah/text"
)

// BuildConfig sets how a Builder estimates a model. It round-trips
// through JSON.
type BuildConfig struct {
	// Order is the n-gram order, 2 to MaxOrder.
	Order int `json:"order"`
	// MinCounts[n-1] is the smallest raw count an n-gram of order n needs
	// to be kept; unigrams are always kept and 0 or 1 keeps everything.
	// N-grams that are the context or the suffix of a kept longer n-gram
	// are kept too, as the backoff model needs them.
	MinCounts []int `json:"min_counts,omitempty"`
	// PruneThreshold removes, after the cutoffs, every n-gram whose
	// removal raises the model's perplexity by less than this fraction
	// (Stolcke's relative-entropy criterion, SRILM's -prune); 0 keeps
	// them all. 1e-8 prunes lightly, 1e-7 to 1e-6 shrink a model several
	// times.
	PruneThreshold float64 `json:"prune_threshold,omitempty"`
}

// DefaultBuildConfig is a 4-gram with count cutoffs for a book corpus of
// a few million words: bigrams and trigrams seen twice, 4-grams three
// times. (Without the bigram cutoff, 75 of the shipped books give 1.06 M
// bigrams and a 35 MB binary.)
func DefaultBuildConfig() BuildConfig {
	return BuildConfig{Order: 4, MinCounts: []int{0, 2, 2, 3}}
}

// Validate checks the order and the cutoffs.
func (c BuildConfig) Validate() error {
	if c.Order < 2 || c.Order > MaxOrder {
		return fmt.Errorf("lm: build order %d outside 2..%d", c.Order, MaxOrder)
	}
	if len(c.MinCounts) > c.Order {
		return fmt.Errorf("lm: %d count cutoffs for order %d", len(c.MinCounts), c.Order)
	}
	for i, m := range c.MinCounts {
		if m < 0 {
			return fmt.Errorf("lm: negative cutoff %d for order %d", m, i+1)
		}
	}
	if !(c.PruneThreshold >= 0 && c.PruneThreshold < 1) {
		return fmt.Errorf("lm: prune threshold %v outside [0, 1)", c.PruneThreshold)
	}
	return nil
}

// gram is an n-gram stored reversed (w[0] is its last word) so that all
// n-grams ending in the same words sort together.
type gram struct {
	w [MaxOrder]WordID
	n uint8
}

type countedGram struct {
	gram
	count uint32
}

// Builder counts n-grams over sentences, streaming: memory grows with the
// number of distinct n-grams, not with the text. It is not safe for
// concurrent use.
type Builder struct {
	cfg       BuildConfig
	ids       map[string]WordID
	vocab     []string
	pending   []gram
	counted   []countedGram
	sentences int
	tokens    int
	sentIDs   []WordID
}

// flushAt bounds the unsorted buffer (about 50 MB of grams).
const flushAt = 1 << 21

// NewBuilder returns an empty Builder.
func NewBuilder(cfg BuildConfig) (*Builder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Builder{
		cfg:   cfg,
		ids:   map[string]WordID{Unknown: UnknownID, Begin: BeginID, End: EndID},
		vocab: []string{Unknown, Begin, End},
	}, nil
}

func (b *Builder) id(w string) WordID {
	if id, ok := b.ids[w]; ok {
		return id
	}
	id := WordID(len(b.vocab))
	b.ids[w] = id
	b.vocab = append(b.vocab, w)
	return id
}

// AddVocabulary adds words without counts: they receive only the
// interpolation mass of the unigram distribution, the "low-mass unigrams"
// a pronunciation dictionary's words get.
func (b *Builder) AddVocabulary(words ...string) {
	for _, w := range words {
		if w != "" && !strings.ContainsAny(w, " \t\n\r\v\f") {
			b.id(w)
		}
	}
}

// AddSentence counts one sentence of words, already normalised. Every
// position yields the longest n-gram ending there (up to Order words, <s>
// included), which is all Kneser-Ney needs: shorter n-grams are its
// suffixes.
func (b *Builder) AddSentence(words []string) {
	ids := append(b.sentIDs[:0], BeginID)
	for _, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\n\r\v\f") {
			continue
		}
		ids = append(ids, b.id(w))
	}
	if len(ids) == 1 {
		b.sentIDs = ids
		return
	}
	ids = append(ids, EndID)
	b.sentIDs = ids
	b.sentences++
	b.tokens += len(ids) - 1
	for j := 1; j < len(ids); j++ {
		var g gram
		g.n = uint8(min(b.cfg.Order, j+1))
		for k := 0; k < int(g.n); k++ {
			g.w[k] = ids[j-k]
		}
		b.pending = append(b.pending, g)
	}
	if len(b.pending) >= flushAt {
		b.flush()
	}
}

// AddText splits running text into sentences and normalises each with
// text.Normalize before counting it.
func (b *Builder) AddText(r io.Reader) error {
	sc := text.NewSentenceScanner(r)
	for sc.Scan() {
		b.AddSentence(strings.Fields(text.Normalize(sc.Text())))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("lm: read text after %d sentences: %w", b.sentences, err)
	}
	return nil
}

// Stats reports how much text the builder has counted.
func (b *Builder) Stats() (sentences, tokens, vocabulary int) {
	return b.sentences, b.tokens, len(b.vocab)
}

func compareGrams(a, b *gram) int {
	n := min(a.n, b.n)
	for k := uint8(0); k < n; k++ {
		if c := cmp.Compare(a.w[k], b.w[k]); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.n, b.n)
}

// flush sorts the pending grams, merges duplicates and merges the result
// into the counted list.
func (b *Builder) flush() {
	if len(b.pending) == 0 {
		return
	}
	slices.SortFunc(b.pending, func(x, y gram) int { return compareGrams(&x, &y) })
	run := make([]countedGram, 0, len(b.pending)/2)
	for _, g := range b.pending {
		if k := len(run) - 1; k >= 0 && run[k].gram == g {
			run[k].count++
			continue
		}
		run = append(run, countedGram{gram: g, count: 1})
	}
	b.pending = b.pending[:0]
	if len(b.counted) == 0 {
		b.counted = run
		return
	}
	merged := make([]countedGram, 0, len(b.counted)+len(run))
	i, j := 0, 0
	for i < len(b.counted) && j < len(run) {
		switch c := compareGrams(&b.counted[i].gram, &run[j].gram); {
		case c < 0:
			merged = append(merged, b.counted[i])
			i++
		case c > 0:
			merged = append(merged, run[j])
			j++
		default:
			x := b.counted[i]
			x.count = uint32(min(uint64(x.count)+uint64(run[j].count), math.MaxUint32))
			merged = append(merged, x)
			i++
			j++
		}
	}
	merged = append(merged, b.counted[i:]...)
	merged = append(merged, run[j:]...)
	b.counted = merged
}

// entry is an n-gram in sentence order with its counts and estimates.
type entry struct {
	words    [MaxOrder]WordID
	raw, adj uint32
	prob     float64 // ln, interpolated
	backoff  float64 // ln γ as a context
	keep     bool
	// needed marks the context or suffix of a kept longer n-gram, which
	// the backoff structure cannot lose.
	needed bool
	// suffix and context index the n-gram's last and first n-1 words in
	// the level below (-1 for none), found once so that pruning, which
	// EstimateWithin repeats, needs no searches.
	suffix, context int32
}

func samePrefix(a, b *gram, n int) bool {
	for k := 0; k < n; k++ {
		if a.w[k] != b.w[k] {
			return false
		}
	}
	return true
}

func compareForward(a, b *[MaxOrder]WordID, n int) int {
	for k := 0; k < n; k++ {
		if c := cmp.Compare(a[k], b[k]); c != 0 {
			return c
		}
	}
	return 0
}

// ErrNoText is returned by Estimate when no sentence was added.
var ErrNoText = errors.New("lm: no text to estimate from")

// Estimate computes the interpolated modified Kneser-Ney model of the text
// counted so far, applies the count cutoffs and renormalises the backoff
// weights they disturb. The Builder may go on counting afterwards.
func (b *Builder) Estimate() (*NGrams, error) {
	levels, err := b.estimate()
	if err != nil {
		return nil, err
	}
	b.prune(levels, b.cfg.PruneThreshold)
	return b.assemble(levels), nil
}

// EstimateWithin is Estimate for a size budget: when the model's binary
// form (its n-gram sections: the MYNAHLM1 form; the spelling trie of
// MYNAHLM2 depends only on the vocabulary, which pruning never changes, and
// is not counted) would exceed maxBytes, it raises the entropy-pruning threshold
// (doubling from PruneThreshold, or from 1e-9 when that is 0, then
// bisecting on a log scale between the last two) and prunes the same
// estimates again, until the model fits. It returns the model and the
// threshold it used; the Builder's config is unchanged.
func (b *Builder) EstimateWithin(maxBytes int) (*NGrams, float64, error) {
	levels, err := b.estimate()
	if err != nil {
		return nil, 0, err
	}
	orig := make([][]float64, len(levels))
	for n, level := range levels {
		orig[n] = make([]float64, len(level))
		for i := range level {
			orig[n][i] = level[i].backoff
		}
	}
	try := func(threshold float64) bool {
		for n, level := range levels {
			for i := range level {
				level[i].backoff = orig[n][i]
				level[i].keep, level[i].needed = false, false
			}
		}
		b.prune(levels, threshold)
		return b.binarySize(levels) <= maxBytes
	}
	threshold := b.cfg.PruneThreshold
	if try(threshold) {
		return b.assemble(levels), threshold, nil
	}
	lo, hi := threshold, 2*threshold // lo is too big
	if hi == 0 {
		hi = 1e-9
	}
	for !try(hi) {
		if hi > 0.5 {
			return nil, 0, fmt.Errorf("lm: no pruning threshold fits the model in %d bytes", maxBytes)
		}
		lo, hi = hi, 2*hi
	}
	if lo > 0 {
		// Two log-scale bisection steps: within 2^(1/4) of the smallest
		// threshold that fits.
		for range 2 {
			mid := math.Sqrt(lo * hi)
			if try(mid) {
				hi = mid
			} else {
				lo = mid
			}
		}
	}
	try(hi)
	return b.assemble(levels), hi, nil
}

// binarySize is the size of the binary form of the kept n-grams.
func (b *Builder) binarySize(levels [][]entry) int {
	order := len(levels)
	spelling := 0
	for _, w := range b.vocab {
		spelling += len(w)
	}
	v := uint64(len(b.vocab))
	size := align8(headerSize)
	size = align8(size + 4*(v+1))
	size = align8(size + uint64(spelling))
	size = align8(size + 4*uint64(tableSize(len(b.vocab))))
	size = align8(size+4*v) + 4*v
	for o := 1; o < order; o++ {
		kept := 0
		for i := range levels[o] {
			if levels[o][i].keep {
				kept++
			}
		}
		slots := uint64(tableSize(kept))
		size = align8(size) + 8*slots
		size = align8(size) + 4*slots
		if o+1 < order {
			size = align8(size) + 4*slots
		}
	}
	return int(align8(size))
}

// estimate computes the unpruned estimates of every order.
func (b *Builder) estimate() ([][]entry, error) {
	b.flush()
	if b.sentences == 0 {
		return nil, ErrNoText
	}
	order := b.cfg.Order
	levels := make([][]entry, order)
	for n := 1; n <= order; n++ {
		levels[n-1] = b.collect(n)
	}
	// <s> is a unigram (a context) though never predicted; its count as a
	// history is the number of sentences.
	levels[0] = append(levels[0], entry{words: [MaxOrder]WordID{BeginID}, raw: uint32(min(b.sentences, math.MaxUint32))})
	// So is every vocabulary word, counted or not.
	seen := make([]bool, len(b.vocab))
	for _, e := range levels[0] {
		seen[e.words[0]] = true
	}
	for id := range b.vocab {
		if !seen[id] {
			levels[0] = append(levels[0], entry{words: [MaxOrder]WordID{WordID(id)}})
		}
	}
	for n := 1; n <= order; n++ {
		slices.SortFunc(levels[n-1], func(x, y entry) int { return compareForward(&x.words, &y.words, n) })
	}
	for n := 1; n <= order; n++ {
		if err := b.estimateOrder(levels, n); err != nil {
			return nil, err
		}
	}
	return levels, nil
}

// collect lists the n-grams of order n with raw and adjusted counts from
// the reversed, sorted counts.
func (b *Builder) collect(n int) []entry {
	var out []entry
	c := b.counted
	for i := 0; i < len(c); {
		if int(c[i].n) < n {
			i++
			continue
		}
		// The group: every gram whose first n reversed words match c[i]'s.
		var e entry
		for k := 0; k < n; k++ {
			e.words[k] = c[i].w[n-1-k]
		}
		var raw uint64
		var distinct uint32
		last := WordID(math.MaxUint32)
		hasLeft := false
		j := i
		for ; j < len(c) && int(c[j].n) >= n && samePrefix(&c[j].gram, &c[i].gram, n); j++ {
			raw += uint64(c[j].count)
			if int(c[j].n) > n {
				if !hasLeft || c[j].w[n] != last {
					distinct++
					last = c[j].w[n]
					hasLeft = true
				}
			}
		}
		e.raw = uint32(min(raw, math.MaxUint32))
		if n == b.cfg.Order || e.words[0] == BeginID {
			e.adj = e.raw
		} else {
			e.adj = distinct
		}
		out = append(out, e)
		i = j
	}
	return out
}

// discounts computes D1, D2, D3+ from the counts of adjusted counts (Chen
// and Goodman 1998, eq. 26), falling back to 0.5, 1, 1.5 where the corpus
// is too small for the formula to give a discount between 0 and the count.
func discounts(level []entry) [4]float64 {
	var t [5]float64
	for _, e := range level {
		if e.adj >= 1 && e.adj <= 4 {
			t[e.adj]++
		}
	}
	d := [4]float64{0, 0.5, 1, 1.5}
	if t[1] == 0 || t[2] == 0 || t[3] == 0 || t[4] == 0 {
		return d
	}
	y := t[1] / (t[1] + 2*t[2])
	est := [4]float64{0, 1 - 2*y*t[2]/t[1], 2 - 3*y*t[3]/t[2], 3 - 4*y*t[4]/t[3]}
	for k := 1; k <= 3; k++ {
		if !(est[k] > 0 && est[k] < float64(k)) {
			return d
		}
	}
	return est
}

func discount(d [4]float64, adj uint32) float64 {
	return d[min(adj, 3)]
}

// find returns the index of words in a sorted level, or -1.
func find(level []entry, words []WordID) int {
	n := len(words)
	var key [MaxOrder]WordID
	copy(key[:], words)
	i, ok := slices.BinarySearchFunc(level, key, func(e entry, k [MaxOrder]WordID) int { return compareForward(&e.words, &k, n) })
	if !ok {
		return -1
	}
	return i
}

// estimateOrder fills in the interpolated probabilities of order n and the
// backoff weights (γ) of their contexts in order n-1.
func (b *Builder) estimateOrder(levels [][]entry, n int) error {
	level := levels[n-1]
	d := discounts(level)
	// Group by context: the first n-1 words, contiguous in forward order.
	for i := 0; i < len(level); {
		j := i
		var total float64
		var nk [4]float64
		for ; j < len(level) && compareForward(&level[j].words, &level[i].words, n-1) == 0; j++ {
			e := &level[j]
			e.suffix, e.context = -1, -1
			if n == 1 && e.words[0] == BeginID {
				continue
			}
			total += float64(e.adj)
			if e.adj > 0 {
				nk[min(e.adj, 3)]++
			}
		}
		if total == 0 {
			if n == 1 {
				return ErrNoText
			}
			i = j
			continue
		}
		gamma := (d[1]*nk[1] + d[2]*nk[2] + d[3]*nk[3]) / total
		for k := i; k < j; k++ {
			e := &level[k]
			if n == 1 && e.words[0] == BeginID {
				e.prob = math.Inf(-1)
				continue
			}
			p := 0.0
			if e.adj > 0 {
				p = (float64(e.adj) - discount(d, e.adj)) / total
			}
			var lower float64
			if n == 1 {
				lower = 1 / float64(len(b.vocab)-1) // uniform over all but <s>
			} else {
				lo := find(levels[n-2], e.words[1:n])
				if lo < 0 {
					return fmt.Errorf("lm: internal error: suffix of an order-%d n-gram missing", n)
				}
				e.suffix = int32(lo)
				lower = math.Exp(levels[n-2][lo].prob)
			}
			e.prob = math.Log(p + gamma*lower)
		}
		if n > 1 {
			h := find(levels[n-2], level[i].words[:n-1])
			if h >= 0 {
				levels[n-2][h].backoff = math.Log(gamma)
			}
			for k := i; k < j; k++ {
				level[k].context = int32(h)
			}
		}
		i = j
	}
	return nil
}

// prune applies the count cutoffs and then entropy pruning, one order at a
// time from the highest down, so that what an order keeps decides which of
// the next order's n-grams are needed as contexts and suffixes. After each
// step the backoff weights of contexts that lost extensions are
// renormalised so each conditional distribution still sums to one.
func (b *Builder) prune(levels [][]entry, threshold float64) {
	order := len(levels)
	for i := range levels[0] {
		levels[0][i].keep = true
	}
	for n := order; n >= 2; n-- {
		minCount := 0
		if n-1 < len(b.cfg.MinCounts) {
			minCount = b.cfg.MinCounts[n-1]
		}
		level := levels[n-1]
		for i := range level {
			e := &level[i]
			e.keep = e.needed || int(e.raw) >= minCount
		}
		b.renormalise(levels, n)
		if threshold > 0 && b.entropyPrune(levels, n, threshold) {
			b.renormalise(levels, n)
		}
		if n == 2 {
			break
		}
		lower := levels[n-2]
		for i := range level {
			e := &level[i]
			if !e.keep {
				continue
			}
			if e.context >= 0 {
				lower[e.context].needed = true
			}
			if e.suffix >= 0 {
				lower[e.suffix].needed = true
			}
		}
	}
}

// contextGroups calls f for each run [i, j) of order-n entries that share
// their first n-1 words.
func contextGroups(level []entry, n int, f func(i, j int)) {
	for i := 0; i < len(level); {
		j := i + 1
		for j < len(level) && compareForward(&level[j].words, &level[i].words, n-1) == 0 {
			j++
		}
		f(i, j)
		i = j
	}
}

// keptMass returns, for the order-n entries [i, j) of one context h, the
// total probability the kept ones carry, Σ P(w | h), and what the backoff
// distribution gives the same words, Σ P(w | h'), h' being h without its
// first word. Every kept n-gram's suffix is kept, so both are explicit.
func keptMass(levels [][]entry, n, i, j int) (kept, keptLower float64, pruned bool) {
	level, lower := levels[n-1], levels[n-2]
	for k := i; k < j; k++ {
		e := &level[k]
		if !e.keep {
			pruned = true
			continue
		}
		kept += math.Exp(e.prob)
		if e.suffix >= 0 {
			keptLower += math.Exp(lower[e.suffix].prob)
		}
	}
	return kept, keptLower, pruned
}

// renormalise recomputes the backoff weight of every order-(n-1) context
// whose order-n extensions were pruned: α(h) = (1 − Σ P(w | h)) /
// (1 − Σ P(w | h')) over the kept extensions w (Stolcke 1998, eq. 9).
func (b *Builder) renormalise(levels [][]entry, n int) {
	level, lower := levels[n-1], levels[n-2]
	contextGroups(level, n, func(i, j int) {
		kept, keptLower, pruned := keptMass(levels, n, i, j)
		if !pruned {
			return
		}
		if h := level[i].context; h >= 0 {
			num, den := 1-kept, 1-keptLower
			if num > 0 && den > 0 {
				lower[h].backoff = math.Log(num / den)
			}
		}
	})
}

// entropyPrune marks for removal the kept order-n n-grams that no kept
// longer n-gram needs and whose removal alone changes the model's relative entropy
// so little that the perplexity rises by less than PruneThreshold
// (Stolcke, "Entropy-based pruning of backoff language models", 1998,
// eqs. 5–11). Each n-gram is judged against the unpruned order, as SRILM
// does. Removing (h, w) makes P(w | h) = α'(h)·P(w | h') with
//
//	α'(h) = (1 − Σ P(v | h) + P(w | h)) / (1 − Σ P(v | h') + P(w | h')),
//
// which changes the relative entropy by
//
//	D = −P(h)·[P(w|h)·(ln P(w|h') + ln α'(h) − ln P(w|h))
//	          + (1 − Σ P(v|h))·(ln α'(h) − ln α(h))].
//
// P(h) is the history's relative frequency in the training text rather
// than the model's chain-rule estimate: Kneser-Ney's lower orders are
// continuation distributions, poor estimates of how often a history occurs,
// and Chelba et al. ("Study on interaction between entropy pruning and
// Kneser-Ney smoothing", 2010) show the model's own P(h) makes entropy
// pruning of KN models far worse. It reports whether it removed any.
func (b *Builder) entropyPrune(levels [][]entry, n int, threshold float64) bool {
	level, lower := levels[n-1], levels[n-2]
	tokens := float64(b.tokens)
	logThreshold := math.Log1p(threshold)
	removed := false
	contextGroups(level, n, func(i, j int) {
		h := level[i].context
		if h < 0 {
			return
		}
		kept, keptLower, _ := keptMass(levels, n, i, j)
		num, den := 1-kept, 1-keptLower
		if !(num > 0 && den > 0) {
			return
		}
		logAlpha := math.Log(num / den)
		ph := float64(lower[h].raw) / tokens
		for k := i; k < j; k++ {
			e := &level[k]
			if !e.keep || e.needed {
				continue
			}
			lo := e.suffix
			if lo < 0 {
				continue
			}
			if pruneDelta(ph, e.prob, lower[lo].prob, num, logAlpha, den) < logThreshold {
				e.keep = false
				removed = true
			}
		}
	})
	return removed
}

// pruneDelta is Stolcke's D for removing one n-gram (h, w): ph is P(h),
// logP and logQ are ln P(w | h) and ln P(w | h'), num and den are the
// backoff mass 1 − Σ P(v | h) and 1 − Σ P(v | h') of h's kept extensions,
// and logAlpha is ln(num/den).
func pruneDelta(ph, logP, logQ, num, logAlpha, den float64) float64 {
	p, q := math.Exp(logP), math.Exp(logQ)
	logNewAlpha := math.Log((num + p) / (den + q))
	return -ph * (p*(logQ+logNewAlpha-logP) + num*(logNewAlpha-logAlpha))
}

// assemble converts the kept entries to an NGrams in log10.
func (b *Builder) assemble(levels [][]entry) *NGrams {
	g := &NGrams{Vocab: slices.Clone(b.vocab), Orders: make([]OrderTable, len(levels))}
	const lnToLog10 = 1 / math.Ln10
	uni := &g.Orders[0]
	uni.Words = make([]WordID, len(b.vocab))
	uni.LogProb = make([]float32, len(b.vocab))
	uni.Backoff = make([]float32, len(b.vocab))
	for _, e := range levels[0] {
		id := e.words[0]
		uni.Words[id] = id
		if id == BeginID {
			uni.LogProb[id] = -99
		} else {
			uni.LogProb[id] = float32(e.prob * lnToLog10)
		}
		uni.Backoff[id] = float32(e.backoff * lnToLog10)
	}
	for n := 2; n <= len(levels); n++ {
		t := &g.Orders[n-1]
		for _, e := range levels[n-1] {
			if !e.keep {
				continue
			}
			t.Words = append(t.Words, e.words[:n]...)
			t.LogProb = append(t.LogProb, float32(e.prob*lnToLog10))
			if n < len(levels) {
				t.Backoff = append(t.Backoff, float32(e.backoff*lnToLog10))
			}
		}
	}
	return g
}

// BuildFromFiles is the one call `train lm` makes: it reads each file as
// running text (normalised with text.Normalize), adds the extra
// vocabulary words as low-mass unigrams, and estimates.
func BuildFromFiles(cfg BuildConfig, paths []string, extraVocabulary []string) (*NGrams, error) {
	b, err := NewBuilder(cfg)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("lm: %w", err)
		}
		err = b.AddText(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("lm: %s: %w", p, err)
		}
	}
	b.AddVocabulary(extraVocabulary...)
	return b.Estimate()
}
