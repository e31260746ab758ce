package tts

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/text"
)

// Special symbols of a phrase (see the package comment).
const (
	// Silence opens and closes every phrase.
	Silence = "<sil>"
	// WordBoundary separates the words of a phrase.
	WordBoundary = "#"
)

// Phrase lengths in symbols. A sentence longer than SoftPhraseSymbols is cut
// at its next clause break (, ; :), and one longer than MaxPhraseSymbols at a
// word boundary: about 20 and 40 words, 6 and 12 seconds of speech, enough
// for natural prosody while bounding the acoustic model's work per call.
const (
	SoftPhraseSymbols = 200
	MaxPhraseSymbols  = 400
)

// Default pauses after a phrase. The acoustic model already speaks the
// closing <sil> (trained on clips with their natural leading and trailing
// silence), so these are the extra silence between phrases.
const (
	// SentencePause follows a phrase that ends a sentence.
	SentencePause = 250 * time.Millisecond
	// ClausePause follows a phrase cut from a long sentence.
	ClausePause = 100 * time.Millisecond
)

// ErrNoWords reports text that holds nothing to speak: empty, only
// punctuation, or only characters with no English spelling.
var ErrNoWords = errors.New("tts: no words to speak")

// Prosody scales how a phrase is spoken. The zero value is the voice's own
// manner; fields multiply with the Synthesizer's options.
type Prosody struct {
	// Rate is the speaking-rate multiplier: 2 speaks twice as fast (half the
	// duration). 0 means 1.
	Rate float64
	// Pitch multiplies F0: 2 is an octave up. 0 means 1.
	Pitch float64
	// VolumeDB is a gain in decibels: 0 leaves the level alone, -6 halves
	// the amplitude, math.Inf(-1) is silence.
	VolumeDB float64
}

// RateScale returns Rate, or 1 when it is unset.
func (p Prosody) RateScale() float64 {
	if p.Rate <= 0 || math.IsNaN(p.Rate) {
		return 1
	}
	return p.Rate
}

// PitchScale returns Pitch, or 1 when it is unset.
func (p Prosody) PitchScale() float64 {
	if p.Pitch <= 0 || math.IsNaN(p.Pitch) {
		return 1
	}
	return p.Pitch
}

// Gain returns VolumeDB as an amplitude factor (10^(dB/20)).
func (p Prosody) Gain() float64 {
	if math.IsNaN(p.VolumeDB) {
		return 1
	}
	return math.Pow(10, p.VolumeDB/20)
}

// Phrase is one call of the acoustic model: the symbols of a sentence or of
// part of a long one, the silence that follows it and how it is spoken.
// A Phrase with no Symbols is silence alone (an SSML <break> before any
// words).
type Phrase struct {
	// Symbols are the acoustic model's input: <sil>, phones, "#" between
	// words, breaks, <sil>.
	Symbols []string
	// Text is the words and breaks spoken, as text.NormalizeTTS wrote them
	// ("hello , world ."), for display and debugging.
	Text string
	// Pause is the silence after the phrase.
	Pause time.Duration
	// Prosody scales rate, pitch and volume for this phrase.
	Prosody Prosody
}

// phoneSymbol holds each valid g2p.Phone's ARPAbet spelling, so that
// building symbols allocates no strings. Computed once, never written.
var phoneSymbol = func() (t [256]string) {
	for i := range t {
		if p := g2p.Phone(i); p.Valid() {
			t[i] = p.String()
		}
	}
	return t
}()

// isBreak reports whether s is one of the phrase-break symbols.
func isBreak(s string) bool { return len(s) == 1 && strings.Contains(",.?!;:", s) }

// isSentenceEnd reports whether the break s closes a sentence.
func isSentenceEnd(s string) bool { return s == "." || s == "?" || s == "!" }

// Symbols returns the front-end's whole symbol inventory, the acoustic
// model's input vocabulary: <sil>, #, the six breaks, the 24 consonants and
// the 15 vowels with each stress digit 0, 1, 2 (77 symbols). The slice is
// new on each call.
func Symbols() []string {
	out := []string{Silence, WordBoundary, ",", ".", "?", "!", ";", ":"}
	for _, p := range g2p.BasePhones() {
		if !p.IsVowel() {
			out = append(out, phoneSymbol[p])
			continue
		}
		for _, s := range []g2p.Stress{g2p.Unstressed, g2p.Primary, g2p.Secondary} {
			out = append(out, phoneSymbol[p.WithStress(s)])
		}
	}
	return out
}

// PhraseBuilder assembles phrases from text, pronounced words, breaks,
// pauses and prosody changes: the one place where phrasing rules live, used
// by Phonemize and by tts/ssml. The zero value is ready to use. It is not
// safe for concurrent use.
type PhraseBuilder struct {
	symbols  []string // the open phrase; empty or starting with <sil>
	words    []string // the open phrase's text tokens
	nwords   int
	prosody  Prosody
	done     []Phrase
	explicit bool // the last done phrase's Pause was set by Pause, not by default
}

// Text adds running text: normalised by text.NormalizeTTS, each word
// pronounced by g2p, each break added with Break.
func (b *PhraseBuilder) Text(s string) {
	for _, tk := range text.NormalizeTTS(s) {
		if tk.Kind == text.Break {
			b.Break(tk.Text)
		} else {
			b.Word(tk.Text)
		}
	}
}

// Word adds one word, pronounced by g2p.Phones. A word with no letters adds
// nothing.
func (b *PhraseBuilder) Word(word string) {
	b.Pronounced(word, g2p.Phones(word))
}

// Pronounced adds a word with the given pronunciation (an SSML <phoneme>, a
// spelled letter). A vowel without a stress mark gets 0, or 1 when the
// word has no primary stress at all, so that the symbols stay within
// Symbols(). Invalid phones are skipped; a word with none adds nothing.
func (b *PhraseBuilder) Pronounced(word string, phones []g2p.Phone) {
	n := 0
	primary := false
	for _, p := range phones {
		if p.Valid() {
			n++
			primary = primary || p.Stress() == g2p.Primary
		}
	}
	if n == 0 {
		return
	}
	if b.nwords > 0 && len(b.symbols)+n+2 > MaxPhraseSymbols {
		b.endPhrase(ClausePause)
	}
	if b.nwords == 0 {
		b.symbols = append(b.symbols[:0], Silence)
		b.words = b.words[:0]
	} else {
		b.symbols = append(b.symbols, WordBoundary)
	}
	for _, p := range phones {
		if !p.Valid() {
			continue
		}
		if p.IsVowel() && p.Stress() == g2p.Unmarked {
			if primary {
				p = p.WithStress(g2p.Unstressed)
			} else {
				p, primary = p.WithStress(g2p.Primary), true
			}
		}
		b.symbols = append(b.symbols, phoneSymbol[p])
	}
	b.words = append(b.words, word)
	b.nwords++
}

// Break adds a phrase-break symbol (, . ? ! ; :) after the last word. A
// sentence end closes the phrase with SentencePause; a clause break closes
// it with ClausePause once it is longer than SoftPhraseSymbols. A break
// with no word before it in the phrase, a second break in a row, or any
// other string is ignored.
func (b *PhraseBuilder) Break(sym string) {
	if !isBreak(sym) || b.nwords == 0 || isBreak(b.symbols[len(b.symbols)-1]) {
		return
	}
	b.symbols = append(b.symbols, sym)
	b.words = append(b.words, sym)
	switch {
	case isSentenceEnd(sym):
		b.endPhrase(SentencePause)
	case len(b.symbols) >= SoftPhraseSymbols:
		b.endPhrase(ClausePause)
	}
}

// EndSentence closes the open phrase, if any, with SentencePause: for a
// sentence that ends without punctuation (a heading, a line of a list).
func (b *PhraseBuilder) EndSentence() { b.endPhrase(SentencePause) }

// Pause closes the open phrase and makes d the silence after it. Pauses in
// a row add up; a pause before any words becomes a Phrase of silence alone.
func (b *PhraseBuilder) Pause(d time.Duration) {
	if d < 0 {
		d = 0
	}
	b.endPhrase(0)
	switch {
	case len(b.done) == 0:
		b.done = append(b.done, Phrase{Pause: d, Prosody: b.prosody})
	case b.explicit:
		b.done[len(b.done)-1].Pause += d
	default:
		b.done[len(b.done)-1].Pause = d
	}
	b.explicit = true
}

// SetProsody makes p the prosody of the words that follow; a change closes
// the open phrase (with no pause), since prosody is per phrase.
func (b *PhraseBuilder) SetProsody(p Prosody) {
	if p != b.prosody {
		b.endPhrase(0)
	}
	b.prosody = p
}

// Prosody returns the prosody in effect.
func (b *PhraseBuilder) Prosody() Prosody { return b.prosody }

// Phrases returns the phrases that are complete and final, and forgets
// them. The phrase closed last is held back while no word follows it,
// since a Pause may still lengthen its silence; Finish returns it.
func (b *PhraseBuilder) Phrases() []Phrase {
	n := len(b.done)
	if b.nwords == 0 && n > 0 {
		n--
	}
	if n == 0 {
		return nil
	}
	out := b.done[:n:n]
	b.done = append([]Phrase(nil), b.done[n:]...)
	return out
}

// Finish closes the open phrase like EndSentence and returns every phrase
// not yet returned. The last phrase of the text gets no pause after it,
// unless a Pause set one. The builder is then empty, ready for a new text.
func (b *PhraseBuilder) Finish() []Phrase {
	b.EndSentence()
	out := b.done
	if n := len(out); n > 0 && !b.explicit {
		out[n-1].Pause = 0
	}
	*b = PhraseBuilder{symbols: b.symbols[:0], words: b.words[:0]}
	return out
}

func (b *PhraseBuilder) endPhrase(pause time.Duration) {
	if b.nwords == 0 {
		return
	}
	b.symbols = append(b.symbols, Silence)
	b.done = append(b.done, Phrase{
		Symbols: append([]string(nil), b.symbols...),
		Text:    strings.Join(b.words, " "),
		Pause:   pause,
		Prosody: b.prosody,
	})
	b.explicit = false
	b.symbols = b.symbols[:0]
	b.words = b.words[:0]
	b.nwords = 0
}

// Phonemize turns text into phrases for the acoustic model (see the package
// comment for their symbols). The last phrase has no pause after it. Text
// with nothing to speak gives ErrNoWords.
func Phonemize(s string) ([]Phrase, error) {
	var out []Phrase
	for p, err := range PhraseStream(strings.NewReader(s)) {
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

// PhraseStream is Phonemize over a reader, streaming: it reads one sentence
// at a time (text.SentenceScanner) and holds at most one sentence's
// phrases, so book-length input runs in bounded memory. A read error is
// yielded last, after the phrases before it; input with nothing to speak
// yields ErrNoWords.
func PhraseStream(r io.Reader) iter.Seq2[Phrase, error] {
	return func(yield func(Phrase, error) bool) {
		sc := text.NewSentenceScanner(r)
		var b PhraseBuilder
		some := false
		for sc.Scan() {
			b.Text(sc.Text())
			b.EndSentence()
			for _, p := range b.Phrases() {
				if !yield(p, nil) {
					return
				}
				some = true
			}
		}
		for _, p := range b.Finish() {
			if !yield(p, nil) {
				return
			}
			some = true
		}
		if err := sc.Err(); err != nil {
			yield(Phrase{}, fmt.Errorf("tts: read text: %w", err))
		} else if !some {
			yield(Phrase{}, ErrNoWords)
		}
	}
}
