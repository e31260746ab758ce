package lm

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// NGrams is the explicit form of a backoff n-gram model: every n-gram with
// its log10 probability and the log10 backoff weight it has as a context,
// exactly the content of an ARPA file. Builders produce it, ReadARPA and
// WriteARPA convert it, Compile turns it into a queryable Model.
type NGrams struct {
	// Vocab[i] spells WordID i. The first three entries are <unk>, <s>
	// and </s>.
	Vocab []string
	// Orders[n-1] holds the n-grams of order n. Orders[0] has one entry
	// per vocabulary word, entry i being WordID i.
	Orders []OrderTable
}

// OrderTable holds the n-grams of one order as parallel slices.
type OrderTable struct {
	// Words holds n IDs per n-gram, in sentence order.
	Words []WordID
	// LogProb is log10 P(w_n | w_1 … w_{n-1}).
	LogProb []float32
	// Backoff is the log10 backoff weight of the n-gram as a context; the
	// highest order has none (nil).
	Backoff []float32
}

// Len returns the number of n-grams in the table.
func (t *OrderTable) Len() int { return len(t.LogProb) }

// Order returns the model's order: the length of its longest n-grams.
func (g *NGrams) Order() int { return len(g.Orders) }

// Counts returns the number of n-grams of each order, unigrams first.
func (g *NGrams) Counts() []int {
	counts := make([]int, len(g.Orders))
	for i := range g.Orders {
		counts[i] = g.Orders[i].Len()
	}
	return counts
}

// ErrInvalid is wrapped by every error that reports a malformed model.
var ErrInvalid = errors.New("lm: invalid model")

// Validate checks the invariants Compile and WriteARPA rely on.
func (g *NGrams) Validate() error {
	if err := checkOrder(g.Order()); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(g.Vocab) < 3 || g.Vocab[UnknownID] != Unknown || g.Vocab[BeginID] != Begin || g.Vocab[EndID] != End {
		return fmt.Errorf("%w: vocabulary must start with %s %s %s", ErrInvalid, Unknown, Begin, End)
	}
	if len(g.Vocab) > math.MaxUint32-1 {
		return fmt.Errorf("%w: vocabulary of %d words is too large", ErrInvalid, len(g.Vocab))
	}
	seen := make(map[string]struct{}, len(g.Vocab))
	for i, w := range g.Vocab {
		if w == "" || strings.ContainsAny(w, " \t\n\r\v\f") {
			return fmt.Errorf("%w: word %d %q is empty or holds whitespace", ErrInvalid, i, w)
		}
		if _, dup := seen[w]; dup {
			return fmt.Errorf("%w: word %q appears twice", ErrInvalid, w)
		}
		seen[w] = struct{}{}
	}
	vocab := WordID(len(g.Vocab))
	for o := range g.Orders {
		n := o + 1
		t := &g.Orders[o]
		if len(t.Words) != n*t.Len() {
			return fmt.Errorf("%w: order %d has %d words for %d n-grams", ErrInvalid, n, len(t.Words), t.Len())
		}
		if n < g.Order() && len(t.Backoff) != t.Len() {
			return fmt.Errorf("%w: order %d has %d backoffs for %d n-grams", ErrInvalid, n, len(t.Backoff), t.Len())
		}
		if n == g.Order() && len(t.Backoff) != 0 && len(t.Backoff) != t.Len() {
			return fmt.Errorf("%w: order %d has %d backoffs for %d n-grams", ErrInvalid, n, len(t.Backoff), t.Len())
		}
		if n == 1 {
			if t.Len() != len(g.Vocab) {
				return fmt.Errorf("%w: %d unigrams for %d words", ErrInvalid, t.Len(), len(g.Vocab))
			}
			for i, w := range t.Words {
				if w != WordID(i) {
					return fmt.Errorf("%w: unigram %d is word %d", ErrInvalid, i, w)
				}
			}
		}
		for _, w := range t.Words {
			if w >= vocab {
				return fmt.Errorf("%w: order %d uses word ID %d outside a vocabulary of %d", ErrInvalid, n, w, vocab)
			}
		}
		for i, p := range t.LogProb {
			if math.IsNaN(float64(p)) || math.IsInf(float64(p), 0) || p > 0 {
				return fmt.Errorf("%w: order %d n-gram %d has log10 probability %v", ErrInvalid, n, i, p)
			}
		}
		for i, b := range t.Backoff {
			if math.IsNaN(float64(b)) || math.IsInf(float64(b), 0) {
				return fmt.Errorf("%w: order %d n-gram %d has backoff %v", ErrInvalid, n, i, b)
			}
		}
	}
	return nil
}

// Compile builds the hashed, queryable form of g.
func (g *NGrams) Compile() (*Model, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	m := &Model{order: g.Order()}
	size := 0
	for _, w := range g.Vocab {
		size += len(w)
	}
	if size > math.MaxUint32 {
		return nil, fmt.Errorf("%w: vocabulary spelling of %d bytes is too large", ErrInvalid, size)
	}
	m.blob = make([]byte, 0, size)
	m.offsets = make([]uint32, 0, len(g.Vocab)+1)
	for _, w := range g.Vocab {
		m.offsets = append(m.offsets, uint32(len(m.blob)))
		m.blob = append(m.blob, w...)
	}
	m.offsets = append(m.offsets, uint32(len(m.blob)))
	m.wordHash = make([]uint32, tableSize(len(g.Vocab)))
	n := uint64(len(m.wordHash))
	for id, w := range g.Vocab {
		i := reduce(hashString(w), n)
		for m.wordHash[i] != 0 {
			if i++; i == n {
				i = 0
			}
		}
		m.wordHash[i] = uint32(id) + 1
	}

	uni := &g.Orders[0]
	m.uniProb = make([]float32, uni.Len())
	m.uniBackoff = make([]float32, uni.Len())
	for i := range m.uniProb {
		m.uniProb[i] = float32(float64(uni.LogProb[i]) * log10ToLn)
		if len(uni.Backoff) > 0 {
			m.uniBackoff[i] = float32(float64(uni.Backoff[i]) * log10ToLn)
		}
	}
	for o := 1; o < g.Order(); o++ {
		order := o + 1
		src := &g.Orders[o]
		t := &m.tables[o-1]
		slots := tableSize(src.Len())
		t.keys = make([]uint64, slots)
		t.prob = make([]float32, slots)
		if order < g.Order() {
			t.backoff = make([]float32, slots)
		}
		for i := 0; i < src.Len(); i++ {
			words := src.Words[i*order : (i+1)*order]
			slot, dup := t.insert(hashNGram(words))
			if dup {
				return nil, fmt.Errorf("%w: order %d n-gram %q appears twice (or collides)", ErrInvalid, order, g.spell(words))
			}
			t.prob[slot] = float32(float64(src.LogProb[i]) * log10ToLn)
			if t.backoff != nil {
				t.backoff[slot] = float32(float64(src.Backoff[i]) * log10ToLn)
			}
		}
	}
	return m, nil
}

func (g *NGrams) spell(words []WordID) string {
	parts := make([]string, len(words))
	for i, w := range words {
		if int(w) < len(g.Vocab) {
			parts[i] = g.Vocab[w]
		}
	}
	return strings.Join(parts, " ")
}
