package lm

import (
	"fmt"
	"math"
	"math/bits"
)

// MaxOrder is the largest n-gram order mynah estimates, reads or loads.
const MaxOrder = 5

// WordID indexes a model's vocabulary. The first three IDs are fixed.
type WordID uint32

// The reserved vocabulary entries, present in every model.
const (
	UnknownID WordID = 0 // <unk>: every word outside the vocabulary
	BeginID   WordID = 1 // <s>: the context a sentence starts in; never predicted
	EndID     WordID = 2 // </s>: predicted after a sentence's last word
)

// The spellings of the reserved words, as ARPA files write them.
const (
	Unknown = "<unk>"
	Begin   = "<s>"
	End     = "</s>"
)

// State is the part of a history that can still change a prediction: at
// most Order-1 most recent words, cut to the longest suffix the model has
// n-grams for, with those contexts' backoff weights cached so Score needs
// one chain of hash probes. It is comparable: two hypotheses with equal
// States predict every continuation identically.
type State struct {
	words   [MaxOrder - 1]WordID // words[0] is the most recent
	backoff [MaxOrder - 1]float32
	length  uint8
}

// Len returns how many words of history the state keeps.
func (s State) Len() int { return int(s.length) }

// Model is the compiled, query-only form of an n-gram model. It is
// immutable and safe for concurrent use. Scores are natural logarithms.
type Model struct {
	order int

	// vocabulary: word i is blob[offsets[i]:offsets[i+1]]
	blob     []byte
	offsets  []uint32
	wordHash []uint32 // ID+1, 0 for an empty slot

	uniProb    []float32 // indexed by WordID
	uniBackoff []float32

	tables [MaxOrder - 1]probeTable // tables[n-2] holds order n

	// spell is the vocabulary's trie, when the binary form carried one.
	spell *Spelling

	// mix, when set, makes the model an interpolation of others; the
	// tables above are then empty.
	mix *mixture
}

// probeTable is an open-addressing table keyed by the 64-bit hash of an
// n-gram (KenLM's probing layout). Like KenLM it keeps only the hash, not the
// words: two n-grams colliding in 64 bits is vanishingly unlikely.
type probeTable struct {
	keys    []uint64 // 0 marks an empty slot
	prob    []float32
	backoff []float32 // nil for the highest order
	count   uint64
}

// Order returns the model's n-gram order.
func (m *Model) Order() int { return m.order }

// VocabSize returns the number of words, the reserved three included.
func (m *Model) VocabSize() int { return len(m.uniProb) }

// Word returns the spelling of id, or "" when id is out of range.
func (m *Model) Word(id WordID) string {
	if int(id) >= m.VocabSize() {
		return ""
	}
	return string(m.blob[m.offsets[id]:m.offsets[id+1]])
}

// Lookup returns the ID of word and whether the vocabulary holds it.
func (m *Model) Lookup(word string) (WordID, bool) {
	n := uint64(len(m.wordHash))
	if n == 0 {
		return UnknownID, false
	}
	i := reduce(hashString(word), n)
	for range n {
		slot := m.wordHash[i]
		if slot == 0 {
			return UnknownID, false
		}
		id := slot - 1
		if int(id) < m.VocabSize() && string(m.blob[m.offsets[id]:m.offsets[id+1]]) == word {
			return WordID(id), true
		}
		if i++; i == n {
			i = 0
		}
	}
	return UnknownID, false
}

// ID returns the ID of word, or UnknownID when the vocabulary lacks it.
func (m *Model) ID(word string) WordID {
	id, _ := m.Lookup(word)
	return id
}

// NullState is the empty history: scoring from it gives unigram
// probabilities.
func (m *Model) NullState() State { return State{} }

// BeginState is the history at the start of a sentence: <s>.
func (m *Model) BeginState() State {
	var s State
	if m.order > 1 {
		s.words[0] = BeginID
		if m.mix == nil {
			s.backoff[0] = m.uniBackoff[BeginID]
		}
		s.length = 1
	}
	return s
}

// Score returns ln P(word | state) and the state after word, following the
// ARPA backoff rule: the probability of the longest n-gram the model holds,
// plus the backoff weights of every longer context it had to leave.
// Out-of-range IDs score as <unk>.
func (m *Model) Score(state State, word WordID) (logProb float32, next State) {
	if m.mix != nil {
		return m.scoreMix(state, word)
	}
	if int(word) >= len(m.uniProb) {
		word = UnknownID
	}
	logProb = m.uniProb[word]
	matched := 1 // length of the longest n-gram found
	if m.order > 1 {
		next.words[0] = word
		next.backoff[0] = m.uniBackoff[word]
		next.length = 1
	}
	hash := ngramStart(word)
	history := min(int(state.length), m.order-1)
	for i := 0; i < history; i++ {
		hash = ngramExtend(hash, state.words[i])
		slot, ok := m.tables[i].find(hash)
		if !ok {
			break
		}
		t := &m.tables[i]
		logProb = t.prob[slot]
		matched = i + 2
		if matched < m.order {
			next.words[i+1] = state.words[i]
			next.backoff[i+1] = t.backoff[slot]
			next.length = uint8(matched)
		}
	}
	// Contexts longer than the one used back off with their weights.
	for j := matched - 1; j < history; j++ {
		logProb += state.backoff[j]
	}
	return logProb, next
}

// ScoreWord is Score with the word looked up by spelling.
func (m *Model) ScoreWord(state State, word string) (float32, State) {
	return m.Score(state, m.ID(word))
}

// SentenceLogProb returns ln P(words </s> | <s>) and how many of the words
// were out of the vocabulary.
func (m *Model) SentenceLogProb(words []string) (logProb float64, oov int) {
	state := m.BeginState()
	for _, w := range words {
		id, ok := m.Lookup(w)
		if !ok {
			oov++
		}
		var lp float32
		lp, state = m.Score(state, id)
		logProb += float64(lp)
	}
	lp, _ := m.Score(state, EndID)
	return logProb + float64(lp), oov
}

func (t *probeTable) find(key uint64) (int, bool) {
	n := uint64(len(t.keys))
	if n == 0 {
		return 0, false
	}
	i := reduce(key, n)
	for range n {
		k := t.keys[i]
		if k == key {
			return int(i), true
		}
		if k == 0 {
			return 0, false
		}
		if i++; i == n {
			i = 0
		}
	}
	return 0, false
}

// insert stores key in an empty slot or returns the slot it already holds.
func (t *probeTable) insert(key uint64) (slot int, existed bool) {
	n := uint64(len(t.keys))
	i := reduce(key, n)
	for {
		k := t.keys[i]
		if k == key {
			return int(i), true
		}
		if k == 0 {
			t.keys[i] = key
			t.count++
			return int(i), false
		}
		if i++; i == n {
			i = 0
		}
	}
}

// tableSize gives a load factor of at most 3/4, so probe runs stay short.
func tableSize(count int) int { return count + count/3 + 1 }

// reduce maps a hash onto [0, n) by Lemire's multiply-shift, which needs no
// power-of-two table size.
func reduce(hash, n uint64) uint64 {
	hi, _ := bits.Mul64(hash, n)
	return hi
}

// mix is the splitmix64 finaliser (Steele, Lea and Flood, 2014).
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// ngramStart and ngramExtend hash an n-gram from its last word backwards,
// as KenLM does, so Score finds every n-gram ending in the predicted word
// with one running hash.
func ngramStart(w WordID) uint64 { return nonZero(mix(uint64(w) + 0x9e3779b97f4a7c15)) }

func ngramExtend(hash uint64, w WordID) uint64 {
	return nonZero(mix(bits.RotateLeft64(hash, 23) ^ (uint64(w)+1)*0x9e3779b97f4a7c15))
}

func nonZero(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// hashString is 64-bit FNV-1a, finished with mix for the low bits' sake.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}

// hashNGram hashes words given in sentence order.
func hashNGram(words []WordID) uint64 {
	h := ngramStart(words[len(words)-1])
	for i := len(words) - 2; i >= 0; i-- {
		h = ngramExtend(h, words[i])
	}
	return h
}

// log10ToLn converts ARPA's base-10 logarithms to nats.
const log10ToLn = math.Ln10

func checkOrder(order int) error {
	if order < 1 || order > MaxOrder {
		return fmt.Errorf("order %d outside 1..%d", order, MaxOrder)
	}
	return nil
}
