package lm

import (
	"math/bits"
	"slices"
	"strings"
)

// Spelling is the trie of a model's vocabulary spelled byte by byte, kept
// in the binary form so that a decoder checking partial words against the
// vocabulary (lexicon-free CTC search) needs not build one when it starts:
// building the trie of the shipped LM's 146,835 words took 0.13 s of CPU,
// most of a recogniser's start-up. It is immutable and safe for concurrent
// use; in a loaded model it aliases the file's bytes.
//
// The layout is a LOUDS-like numbering (Jacobson, "Space-efficient static
// trees and graphs", 1989): nodes are numbered breadth first, so the
// children of a node are consecutive and the first of them is one plus the
// number of edges leaving earlier nodes. Each node stores one 32-bit mask,
// bit a set when it has a child labelled Alphabet()[a] and bit 31 when a
// word ends there; per block of eight nodes the file keeps the running
// edge and word counts, so finding a child or a word costs at most eight
// population counts and no search. The index takes about 7 bytes per node
// (2.3 MB for the shipped LM).
type Spelling struct {
	alphabet  []byte    // sorted distinct bytes of the words, at most 31
	label     [256]int8 // label of each byte, -1 when not in the alphabet
	mask      []uint32  // per node, breadth-first order
	childBase []uint32  // per block: 1 + edges leaving the nodes before it
	wordBase  []uint32  // per block: words ending at the nodes before it
	words     []uint32  // WordID of each word-ending node, in node order
}

const (
	spellWordBit    = uint32(1) << 31
	spellBlockShift = 3 // eight nodes per block
	// MaxSpellingAlphabet bounds the distinct bytes a vocabulary may use to
	// get a Spelling: one mask bit each, bit 31 marking word ends.
	MaxSpellingAlphabet = 31
)

// SpellingRoot is the trie node of the empty prefix.
const SpellingRoot int32 = 0

// Alphabet returns the distinct bytes of the vocabulary's words, sorted;
// label a of Next is Alphabet()[a].
func (s *Spelling) Alphabet() []byte { return slices.Clone(s.alphabet) }

// Label returns the label of byte b, or -1 when no word uses it.
func (s *Spelling) Label(b byte) int { return int(s.label[b]) }

// Nodes returns the number of trie nodes, the root included.
func (s *Spelling) Nodes() int { return len(s.mask) }

// Words returns the number of words in the trie.
func (s *Spelling) Words() int { return len(s.words) }

// Next returns the child of node along label, or -1 when no word continues
// that way. node must be a node of the trie (SpellingRoot or a value Next
// returned).
func (s *Spelling) Next(node int32, label int) int32 {
	m := s.mask[node]
	if uint(label) >= uint(len(s.alphabet)) {
		return -1
	}
	bit := uint32(1) << uint(label)
	if m&bit == 0 {
		return -1
	}
	block := node >> spellBlockShift
	child := s.childBase[block]
	for j := block << spellBlockShift; j < node; j++ {
		child += uint32(bits.OnesCount32(s.mask[j] &^ spellWordBit))
	}
	return int32(child) + int32(bits.OnesCount32(m&(bit-1)))
}

// Word returns the ID of the word spelled by the path to node, and whether
// a word ends there.
func (s *Spelling) Word(node int32) (WordID, bool) {
	if s.mask[node]&spellWordBit == 0 {
		return UnknownID, false
	}
	block := node >> spellBlockShift
	k := s.wordBase[block]
	for j := block << spellBlockShift; j < node; j++ {
		k += s.mask[j] >> 31
	}
	return WordID(s.words[k]), true
}

// Spelling returns the trie of the vocabulary, or nil when the model has
// none: it comes with models loaded from the binary form (MYNAHLM2) whose
// vocabulary uses at most MaxSpellingAlphabet distinct bytes. Models
// compiled from NGrams or read from ARPA text get one only once written
// and loaded again.
func (m *Model) Spelling() *Spelling { return m.spell }

// buildSpelling builds the trie of the model's vocabulary (the reserved
// words excluded), or returns nil when the vocabulary has more than
// MaxSpellingAlphabet distinct bytes or no word to index.
func (m *Model) buildSpelling() *Spelling {
	var used [256]bool
	ids := make([]uint32, 0, m.VocabSize())
	for id := EndID + 1; int(id) < m.VocabSize(); id++ {
		w := m.blob[m.offsets[id]:m.offsets[id+1]]
		if len(w) == 0 {
			continue
		}
		for _, b := range w {
			used[b] = true
		}
		ids = append(ids, uint32(id))
	}
	s := &Spelling{}
	for b := range used {
		s.label[b] = -1
		if used[b] {
			s.label[b] = int8(min(len(s.alphabet), 127))
			s.alphabet = append(s.alphabet, byte(b))
		}
	}
	if len(s.alphabet) > MaxSpellingAlphabet || len(ids) == 0 {
		return nil
	}
	word := func(id uint32) string { return string(m.blob[m.offsets[id]:m.offsets[id+1]]) }
	slices.SortFunc(ids, func(a, b uint32) int { return strings.Compare(word(a), word(b)) })
	// Breadth-first over spans of the sorted list: the words of a span
	// share the node's prefix; a word equal to the prefix sorts first.
	type span struct{ lo, hi, depth int }
	queue := []span{{0, len(ids), 0}}
	for q := 0; q < len(queue); q++ {
		sp := queue[q]
		if q&(1<<spellBlockShift-1) == 0 {
			s.childBase = append(s.childBase, uint32(len(queue)))
			s.wordBase = append(s.wordBase, uint32(len(s.words)))
		}
		var mask uint32
		lo := sp.lo
		if lo < sp.hi && len(word(ids[lo])) == sp.depth {
			mask |= spellWordBit
			s.words = append(s.words, ids[lo])
			lo++
		}
		for i := lo; i < sp.hi; {
			b := word(ids[i])[sp.depth]
			j := i + 1
			for j < sp.hi && word(ids[j])[sp.depth] == b {
				j++
			}
			mask |= 1 << uint(s.label[b])
			queue = append(queue, span{i, j, sp.depth + 1})
			i = j
		}
		s.mask = append(s.mask, mask)
	}
	return s
}

// check validates a loaded trie against the vocabulary size: masks use
// only the alphabet's bits, the block counts are the running sums, every
// node but the root is the child of an earlier node (so it is a tree and
// Next only moves forward), and every word ID is a real word.
func (s *Spelling) check(vocab uint64) string {
	if len(s.mask) == 0 || s.mask[0]&spellWordBit != 0 {
		return "spelling trie has no root or an empty word"
	}
	allowed := uint32(1)<<uint(len(s.alphabet)) - 1 | spellWordBit
	children, words := uint32(1), uint32(0)
	for i, m := range s.mask {
		if i&(1<<spellBlockShift-1) == 0 {
			block := i >> spellBlockShift
			if s.childBase[block] != children || s.wordBase[block] != words {
				return "spelling trie block counts do not match its nodes"
			}
		}
		if m&^allowed != 0 {
			return "spelling trie uses a label outside its alphabet"
		}
		if i > 0 && uint64(children) <= uint64(i) {
			return "spelling trie node is nobody's child"
		}
		children += uint32(bits.OnesCount32(m &^ spellWordBit))
		words += m >> 31
		if uint64(children) > uint64(len(s.mask)) {
			return "spelling trie has more edges than nodes"
		}
	}
	if uint64(children) != uint64(len(s.mask)) || uint64(words) != uint64(len(s.words)) {
		return "spelling trie counts do not match its sections"
	}
	for _, id := range s.words {
		if id <= uint32(EndID) || uint64(id) >= vocab {
			return "spelling trie word outside the vocabulary"
		}
	}
	return ""
}
