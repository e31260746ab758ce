package g2p

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/text"
)

// g2pModel is the shipped letter-to-sound model (see MODEL.md), trained by
// `train g2p` and stored in fp16.
//
//go:embed g2p.safetensors
var g2pModel []byte

var defaultModel = sync.OnceValues(func() (*Model, error) { return LoadModel(g2pModel) })

// DefaultModel returns the embedded letter-to-sound model, loaded on first
// use (about a millisecond).
func DefaultModel() (*Model, error) { return defaultModel() }

// Source says where a pronunciation came from.
type Source uint8

// The sources of Phones, best first.
const (
	FromDict  Source = iota // CMUdict's first pronunciation
	FromParts               // CMUdict pronunciations of the word's parts or stem
	FromModel               // the learned letter-to-sound model
	None                    // nothing to pronounce (no letters)
)

func (s Source) String() string {
	switch s {
	case FromDict:
		return "dict"
	case FromParts:
		return "parts"
	case FromModel:
		return "model"
	}
	return "none"
}

// Phones returns the best guess at word's pronunciation with stress: the
// dictionary's first variant; else, for a word the dictionary knows in
// parts, the parts ("ad-hoc" as "ad" + "hoc", "mynah's" as "mynah" plus
// the possessive suffix); else the learned model. A word with no letters
// gives nil.
func Phones(word string) []Phone {
	p, _ := PhonesSource(word)
	return p
}

// PhonesSource is Phones, also saying where the answer came from.
func PhonesSource(word string) ([]Phone, Source) {
	d := cmudict()
	if ps, ok := d.Lookup(word); ok {
		return ps[0], FromDict
	}
	var buf [maxWordBytes]byte
	key, ok := foldWord(buf[:0], word)
	if !ok {
		return modelPhones(word)
	}
	w := string(key)
	// Parts split by anything that is not a letter or an apostrophe.
	if parts := strings.FieldsFunc(w, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '\'') }); len(parts) != 1 || parts[0] != w {
		var out []Phone
		src := FromParts
		for _, part := range parts {
			p, s := PhonesSource(part)
			out = append(out, p...)
			if s > src && s != None {
				src = s
			}
		}
		if len(out) == 0 {
			return nil, None
		}
		return out, src
	}
	// Possessive or contracted "'s" on a known stem: the English plural
	// rule (sibilant + IH0 Z, voiceless + S, else Z).
	if stem, ok := strings.CutSuffix(w, "'s"); ok {
		if ps, ok := d.Lookup(stem); ok {
			return appendS(ps[0]), FromParts
		}
	}
	// Plural possessive: "tortoises'" sounds as "tortoises".
	if stem, ok := strings.CutSuffix(w, "'"); ok && strings.HasSuffix(stem, "s") {
		if ps, ok := d.Lookup(stem); ok {
			return ps[0], FromParts
		}
	}
	return modelPhones(w)
}

func appendS(stem Pronunciation) []Phone {
	out := make([]Phone, len(stem), len(stem)+2)
	copy(out, stem)
	switch stem[len(stem)-1].Base() {
	case S, Z, SH, ZH, CH, JH:
		return append(out, IH|Phone(Unstressed), Z)
	case P, T, K, F, TH:
		return append(out, S)
	}
	return append(out, Z)
}

func modelPhones(word string) ([]Phone, Source) {
	m, err := defaultModel()
	if err != nil {
		return nil, None
	}
	p, err := m.Predict(word)
	if err != nil {
		return nil, None
	}
	return p, FromModel
}

// Word is one normalised word of a text with its pronunciation.
type Word struct {
	Text   string
	Phones []Phone
	Source Source
}

// Pronounce normalises s with text.Normalize (numbers, symbols and
// abbreviations spelled out) and returns each word with its Phones.
func Pronounce(s string) []Word {
	fields := strings.Fields(text.Normalize(s))
	out := make([]Word, 0, len(fields))
	for _, f := range fields {
		p, src := PhonesSource(f)
		out = append(out, Word{Text: f, Phones: p, Source: src})
	}
	return out
}

// Variants returns every pronunciation worth trying for word: all of
// CMUdict's variants when it has the word, else the single best guess of
// Phones (nil when there is nothing to pronounce). It is the lexicon
// function for a phone-lexicon decoder and for hotwords.
func Variants(word string) []Pronunciation {
	if ps, ok := cmudict().Lookup(word); ok {
		return ps
	}
	if p := Phones(word); p != nil {
		return []Pronunciation{p}
	}
	return nil
}
