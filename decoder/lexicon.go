package decoder

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/mynah-speech/mynah/lm"
)

// Lexicon is a trie of words spelled in a vocabulary's tokens. In
// lexicon-free decoding it is the LM's vocabulary, and a partial word that
// leaves it pays the OOV penalty; in lexicon-constrained decoding it is the
// grammar (digits, commands), and a partial word that leaves it is dropped.
// A Lexicon is immutable and safe for concurrent use.
type Lexicon struct {
	// Children of node i are edges first[i] .. first[i+1]-1, sorted by token.
	first   []int32
	edgeTok []int32
	edgeDst []int32
	// mask[i] has bit t set when node i has an edge for token t < 64, so
	// next finds the edge by counting bits below t (edges are sorted by
	// token) instead of scanning; nil when some token is ≥ 64.
	mask []uint64
	// wordAt[i] is the index in words of the word ending at node i, or -1.
	wordAt []int32
	words  []string

	// spell, when set, replaces all of the above: the LM's own trie of its
	// vocabulary, read in place from the LM file (lm.Spelling), with
	// tokLabel mapping each token to its byte's label (-1 for none).
	spell    *lm.Spelling
	tokLabel []int32
	lmWords  *lm.Model
}

// lexiconFromLM returns the lexicon of m's vocabulary without building one,
// by looking through the LM's spelling trie, or nil when m carries none or
// vocab's tokens are not single bytes (the trie spells byte by byte).
func lexiconFromLM(vocab Vocabulary, m *lm.Model) *Lexicon {
	spell := m.Spelling()
	if spell == nil {
		return nil
	}
	lex := &Lexicon{spell: spell, tokLabel: make([]int32, len(vocab.Tokens)), lmWords: m}
	for i, t := range vocab.Tokens {
		lex.tokLabel[i] = -1
		if i == vocab.Blank || i == vocab.Separator {
			continue
		}
		if len(t) != 1 {
			return nil
		}
		lex.tokLabel[i] = int32(spell.Label(t[0]))
	}
	return lex
}

// lexRoot is the trie's root node.
const lexRoot = 0

// NewLexicon builds the trie of words as spell writes them in vocab's
// tokens; spell may be nil for SpellChars(vocab). Words with no spelling are
// skipped and counted in skipped; an alternative using a symbol the
// vocabulary lacks is an error, since it means spell and vocab disagree.
func NewLexicon(vocab Vocabulary, words []string, spell SpellFunc) (lex *Lexicon, skipped int, err error) {
	if err := vocab.Validate(); err != nil {
		return nil, 0, err
	}
	// Character vocabularies spelled letter by letter (spell nil, every
	// symbol one byte) take a table instead of SpellChars: an LM's
	// vocabulary of 150k words then builds without an allocation per word.
	var byteTok [256]int32
	fast := spell == nil
	for i := range byteTok {
		byteTok[i] = -1
	}
	for i, t := range vocab.Tokens {
		if i == vocab.Blank || i == vocab.Separator {
			continue
		}
		if len(t) != 1 {
			fast = false
			break
		}
		byteTok[t[0]] = int32(i)
	}
	if spell == nil {
		spell = SpellChars(vocab)
	}
	index := vocab.tokenIndex()
	// During the build each node keeps its children as a linked list
	// (first child, next sibling): a few hundred thousand small maps would
	// cost more than the short scans.
	type buildNode struct {
		token, child, sibling, word int32
	}
	nodes := []buildNode{{token: -1, child: -1, sibling: -1, word: -1}}
	lex = &Lexicon{}
	child := func(at, tok int32) int32 {
		next := nodes[at].child
		for next >= 0 && nodes[next].token != tok {
			next = nodes[next].sibling
		}
		if next < 0 {
			next = int32(len(nodes))
			nodes = append(nodes, buildNode{token: tok, child: -1, sibling: nodes[at].child, word: -1})
			nodes[at].child = next
		}
		return next
	}
	for _, w := range words {
		if fast {
			spellable := w != ""
			for i := 0; i < len(w) && spellable; i++ {
				spellable = byteTok[w[i]] >= 0
			}
			if !spellable {
				skipped++
				continue
			}
			at := int32(0)
			for i := 0; i < len(w); i++ {
				at = child(at, byteTok[w[i]])
			}
			if nodes[at].word >= 0 {
				skipped++
				continue
			}
			nodes[at].word = int32(len(lex.words))
			lex.words = append(lex.words, w)
			continue
		}
		spellings := spell(w)
		if len(spellings) == 0 {
			skipped++
			continue
		}
		wordIndex := int32(len(lex.words))
		added := false
		for _, symbols := range spellings {
			if len(symbols) == 0 {
				continue
			}
			at := int32(0)
			for _, sym := range symbols {
				tok, ok := index[sym]
				if !ok || tok == int32(vocab.Separator) {
					return nil, skipped, fmt.Errorf("lexicon word %q: symbol %q is not a vocabulary token", w, sym)
				}
				at = child(at, tok)
			}
			if nodes[at].word < 0 {
				nodes[at].word = wordIndex
				added = true
			}
		}
		if added {
			lex.words = append(lex.words, w)
		} else {
			skipped++
		}
	}
	lex.first = make([]int32, len(nodes)+1)
	lex.wordAt = make([]int32, len(nodes))
	lex.edgeTok = make([]int32, 0, len(nodes)-1)
	lex.edgeDst = make([]int32, 0, len(nodes)-1)
	for i, n := range nodes {
		lex.first[i] = int32(len(lex.edgeTok))
		lex.wordAt[i] = n.word
		start := len(lex.edgeDst)
		for ch := n.child; ch >= 0; ch = nodes[ch].sibling {
			lex.edgeDst = append(lex.edgeDst, ch)
		}
		edges := lex.edgeDst[start:]
		slices.SortFunc(edges, func(a, b int32) int { return int(nodes[a].token) - int(nodes[b].token) })
		for _, ch := range edges {
			lex.edgeTok = append(lex.edgeTok, nodes[ch].token)
		}
	}
	lex.first[len(nodes)] = int32(len(lex.edgeTok))
	if len(vocab.Tokens) <= 64 {
		lex.mask = make([]uint64, len(nodes))
		for i := range nodes {
			for e := lex.first[i]; e < lex.first[i+1]; e++ {
				lex.mask[i] |= 1 << uint(lex.edgeTok[e])
			}
		}
	}
	return lex, skipped, nil
}

// Len returns the number of words in the lexicon.
func (l *Lexicon) Len() int {
	if l.spell != nil {
		return l.spell.Words()
	}
	return len(l.words)
}

// Words returns the lexicon's words in insertion order (for a lexicon
// that is an LM's vocabulary, in the LM's ID order).
func (l *Lexicon) Words() []string {
	if l.spell != nil {
		words := make([]string, 0, l.spell.Words())
		for id := lm.EndID + 1; int(id) < l.lmWords.VocabSize(); id++ {
			if w := l.lmWords.Word(id); w != "" {
				words = append(words, w)
			}
		}
		return words
	}
	return slices.Clone(l.words)
}

// next follows token from node; -1 when the trie has no such edge.
func (l *Lexicon) next(node, token int32) int32 {
	if l.spell != nil {
		return l.spell.Next(node, int(l.tokLabel[token]))
	}
	if l.mask != nil {
		m := l.mask[node]
		bit := uint64(1) << uint(token&63)
		if token >= 64 || m&bit == 0 {
			return -1
		}
		return l.edgeDst[l.first[node]+int32(bits.OnesCount64(m&(bit-1)))]
	}
	for e := l.first[node]; e < l.first[node+1]; e++ {
		if l.edgeTok[e] == token {
			return l.edgeDst[e]
		}
	}
	return -1
}

// Contains reports whether word, spelled by the given tokens, is in the
// lexicon.
func (l *Lexicon) contains(tokens []int32) bool {
	at := int32(lexRoot)
	for _, t := range tokens {
		if at = l.next(at, t); at < 0 {
			return false
		}
	}
	if l.spell != nil {
		_, ok := l.spell.Word(at)
		return ok
	}
	return l.wordAt[at] >= 0
}
