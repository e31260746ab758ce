package acoustic

import (
	"fmt"
	"strings"
)

// Vocab maps CTC output indices to symbols. Index 0 is the CTC blank; the
// word separator is the symbol " ".
type Vocab struct {
	Symbols []string `json:"symbols"`
	index   map[rune]int
}

// BlankSymbol and SpaceSymbol are the reserved symbols of a character
// vocabulary.
const (
	BlankSymbol = "<blank>"
	SpaceSymbol = " "
)

// EnglishChars is the character vocabulary: blank, space, apostrophe and
// a–z, the spoken-form alphabet of package text.
func EnglishChars() Vocab {
	symbols := []string{BlankSymbol, SpaceSymbol, "'"}
	for c := 'a'; c <= 'z'; c++ {
		symbols = append(symbols, string(c))
	}
	return NewVocab(symbols)
}

// NewVocab builds a vocabulary from its symbols; symbols[0] is the blank.
func NewVocab(symbols []string) Vocab {
	v := Vocab{Symbols: append([]string(nil), symbols...)}
	v.index = make(map[rune]int, len(symbols))
	for i, s := range symbols {
		if i == 0 {
			continue
		}
		r := []rune(s)
		if len(r) == 1 {
			v.index[r[0]] = i
		}
	}
	return v
}

// Size is the number of outputs including the blank.
func (v Vocab) Size() int { return len(v.Symbols) }

// Encode maps spoken-form text (a–z, apostrophe, single spaces) to token
// ids. Characters outside the vocabulary are an error naming them.
func (v Vocab) Encode(text string) ([]int, error) {
	if v.index == nil {
		v = NewVocab(v.Symbols)
	}
	ids := make([]int, 0, len(text))
	for _, r := range strings.TrimSpace(text) {
		id, ok := v.index[r]
		if !ok {
			return nil, fmt.Errorf("acoustic: character %q of %q is not in the vocabulary", r, text)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Decode maps token ids (already collapsed, blanks removed) to text.
func (v Vocab) Decode(ids []int) string {
	var b strings.Builder
	for _, id := range ids {
		if id > 0 && id < len(v.Symbols) {
			b.WriteString(v.Symbols[id])
		}
	}
	return b.String()
}

// GreedyDecode collapses the frame-wise argmax path of logProbs (T×V
// row-major): repeats merge, blanks drop. It is the no-LM baseline.
func (v Vocab) GreedyDecode(logProbs []float32, frames int) string {
	V := v.Size()
	var ids []int
	prev := -1
	for t := 0; t < frames; t++ {
		row := logProbs[t*V : (t+1)*V]
		best := 0
		for k := 1; k < V; k++ {
			if row[k] > row[best] {
				best = k
			}
		}
		if best != prev && best != 0 {
			ids = append(ids, best)
		}
		prev = best
	}
	return strings.Join(strings.Fields(v.Decode(ids)), " ")
}
