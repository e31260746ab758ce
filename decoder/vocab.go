package decoder

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Vocabulary names the acoustic model's output tokens: the columns of the
// log-probability matrix the decoder reads.
type Vocabulary struct {
	// Tokens[i] is the symbol of column i. Every token other than the blank
	// and the separator appends its symbol to the word being spelled.
	Tokens []string `json:"tokens"`
	// Blank is the CTC blank's column.
	Blank int `json:"blank"`
	// Separator is the column of the word separator (a space).
	Separator int `json:"separator"`
}

// CharVocabulary is mynah's character vocabulary: blank, space, apostrophe,
// then a to z, 29 tokens.
func CharVocabulary() Vocabulary {
	tokens := []string{"<blank>", " ", "'"}
	for c := 'a'; c <= 'z'; c++ {
		tokens = append(tokens, string(c))
	}
	return Vocabulary{Tokens: tokens, Blank: 0, Separator: 1}
}

// ErrVocabulary is wrapped by every error about a malformed Vocabulary.
var ErrVocabulary = errors.New("decoder: invalid vocabulary")

// Validate checks that the blank and separator are distinct valid columns
// and that every other token has a non-empty, unique symbol.
func (v Vocabulary) Validate() error {
	n := len(v.Tokens)
	if n < 3 {
		return fmt.Errorf("%w: %d tokens; need blank, separator and at least one symbol", ErrVocabulary, n)
	}
	if v.Blank < 0 || v.Blank >= n || v.Separator < 0 || v.Separator >= n || v.Blank == v.Separator {
		return fmt.Errorf("%w: blank %d and separator %d must be distinct columns of %d", ErrVocabulary, v.Blank, v.Separator, n)
	}
	seen := map[string]int{}
	for i, t := range v.Tokens {
		if i == v.Blank || i == v.Separator {
			continue
		}
		if t == "" || !utf8.ValidString(t) {
			return fmt.Errorf("%w: token %d has an empty or invalid symbol %q", ErrVocabulary, i, t)
		}
		if strings.Contains(t, v.Tokens[v.Separator]) && v.Tokens[v.Separator] != "" {
			return fmt.Errorf("%w: token %d %q contains the separator", ErrVocabulary, i, t)
		}
		if j, dup := seen[t]; dup {
			return fmt.Errorf("%w: tokens %d and %d are both %q", ErrVocabulary, j, i, t)
		}
		seen[t] = i
	}
	return nil
}

// SpellFunc returns the ways a word can be written as token symbols, one
// slice per alternative. Character models spell words letter by letter
// (SpellChars); a phone model's pronunciation dictionary plus grapheme-to-
// phoneme fallback plugs in here, without the decoder importing either.
type SpellFunc func(word string) [][]string

// SpellChars returns a SpellFunc that splits a word into the vocabulary's
// symbols by greedy longest match, so it serves character and multi-
// character (word-piece) vocabularies alike. Words it cannot spell give no
// alternative.
func SpellChars(v Vocabulary) SpellFunc {
	symbols := map[string]bool{}
	longest := 0
	for i, t := range v.Tokens {
		if i == v.Blank || i == v.Separator {
			continue
		}
		symbols[t] = true
		longest = max(longest, len(t))
	}
	return func(word string) [][]string {
		var out []string
		for rest := word; rest != ""; {
			n := min(longest, len(rest))
			for ; n > 0; n-- {
				if symbols[rest[:n]] {
					break
				}
			}
			if n == 0 {
				return nil
			}
			out = append(out, rest[:n])
			rest = rest[n:]
		}
		if out == nil {
			return nil
		}
		return [][]string{out}
	}
}

// tokenIndex maps symbols to columns.
func (v Vocabulary) tokenIndex() map[string]int32 {
	index := make(map[string]int32, len(v.Tokens))
	for i, t := range v.Tokens {
		if i != v.Blank {
			index[t] = int32(i)
		}
	}
	return index
}
