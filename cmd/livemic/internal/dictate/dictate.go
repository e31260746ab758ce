package dictate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mynah-speech/mynah/punct"
)

// command is one spoken punctuation command: the words that say it and
// the text it becomes.
type command struct {
	words []string
	mark  string
	// ends reports whether the mark ends a sentence (the next word gets a
	// capital).
	ends bool
	// newline marks are line breaks: no space after them.
	newline bool
}

// commands are matched longest first at each position, so "new paragraph"
// wins over a lone "new".
var commands = []command{
	{words: []string{"new", "paragraph"}, mark: "\n\n", ends: true, newline: true},
	{words: []string{"new", "line"}, mark: "\n", newline: true},
	{words: []string{"question", "mark"}, mark: "?", ends: true},
	{words: []string{"exclamation", "mark"}, mark: "!", ends: true},
	{words: []string{"exclamation", "point"}, mark: "!", ends: true},
	{words: []string{"full", "stop"}, mark: ".", ends: true},
	{words: []string{"period"}, mark: ".", ends: true},
	{words: []string{"comma"}, mark: ","},
}

// maxCommandWords is the length of the longest command: a word can be
// told from the start of a command once this many words from it are known.
const maxCommandWords = 2

// Formatter formats successive utterances of one dictation. The zero
// value starts a new dictation without a punctuation model: spoken
// punctuation and sentence capitals only. It is not safe for concurrent
// use.
type Formatter struct {
	// model is the punctuation tagger; nil: spoken punctuation only.
	model *punct.Model
	// started is set once anything was written; until then the next word
	// starts a sentence.
	started bool
	// midSentence is false when the next word starts a sentence.
	midSentence bool
	// utt is what the partials of the utterance in progress have read.
	utt utterance
}

// utterance holds the words of the utterance in progress that the tagger
// has read: a prefix of every later partial (their stable words) and of
// the final.
type utterance struct {
	tagger *punct.Stream // nil until a plain word is fed (and with no model)
	fed    []string      // raw words read so far, plain and command words
	items  []item        // fed parsed into plain words and commands
	next   int           // index in items of the first plain word without a label
}

// item is a plain word, with the tagger's label once it has one, or a
// command.
type item struct {
	word    string // plain spoken-form word; "" for a command
	cmd     command
	label   string // the tagger's display form ("Hello,"), "" until labelled
	labeled bool
}

// New returns a Formatter that also punctuates and cases the words with
// model's streaming variant (issue 13); a nil model gives the zero
// Formatter.
func New(model *punct.Model) *Formatter {
	return &Formatter{model: model}
}

// Format formats one whole utterance of spoken-form words (as the
// recogniser writes them: lower case, separated by spaces) and advances
// the sentence state. It is Final of the utterance's words.
func (f *Formatter) Format(words string) string {
	return f.Final(strings.Fields(words))
}

// Peek formats like Format without advancing the sentence state and
// without feeding the tagger: for partial hypotheses, which the final
// result replaces.
func (f *Formatter) Peek(words string) string {
	return f.Partial(strings.Fields(words), 0)
}

// Final formats the finished utterance words and advances the sentence
// state. Spoken punctuation attaches to the word before it; a command at
// the start of an utterance stands alone, since the words before it were
// already shown.
//
// With a model, the words also get the tagger's punctuation and case; the
// last word gets a sentence mark unless a command ends the utterance
// (punct.Stream.Flush). A command the speaker said overrides the mark the
// tagger chose for the word before it: what was dictated is what is
// written.
func (f *Formatter) Final(words []string) string {
	f.catchUp(words, len(words), true)
	if f.utt.tagger != nil {
		f.label(f.utt.tagger.Flush())
	}
	out, next := f.compose(f.utt.items, nil)
	f.started, f.midSentence = next.started, next.midSentence
	f.utt = utterance{}
	return out
}

// Partial formats the utterance in progress, words, of which the first
// stable will not change (mynah.Stream.PartialWords). It does not advance
// the sentence state. With a model, stable words are fed to the tagger as
// they come, and those it has labelled (three words behind) show with
// their punctuation and case, exactly as the final will show them; the
// rest show with spoken punctuation and sentence capitals only.
func (f *Formatter) Partial(words []string, stable int) string {
	stable = min(max(stable, 0), len(words))
	if f.model != nil {
		f.catchUp(words, stable, false)
	} else if !hasPrefix(words, f.utt.fed) {
		f.utt = utterance{}
	}
	if !hasPrefix(words, f.utt.fed) {
		// The tagger read words the hypothesis no longer has (it should
		// not happen: they were stable); show the words untagged.
		out, _ := f.compose(nil, words)
		return out
	}
	out, _ := f.compose(f.utt.items, words[len(f.utt.fed):])
	return out
}

// catchUp feeds the tagger the words of words[:upto] it has not read: all
// of them when final, else those far enough from upto that a command
// cannot straddle it. A changed prefix starts the utterance over.
func (f *Formatter) catchUp(words []string, upto int, final bool) {
	u := &f.utt
	if !hasPrefix(words, u.fed) {
		*u = utterance{}
	}
	limit := upto
	if !final {
		limit = upto - (maxCommandWords - 1)
	}
	var plain []string
	i := len(u.fed)
	for i < limit {
		if c, n := match(words[i:upto]); n > 0 {
			u.items = append(u.items, item{cmd: c})
			i += n
			continue
		}
		u.items = append(u.items, item{word: words[i]})
		plain = append(plain, words[i])
		i++
	}
	u.fed = append(u.fed, words[len(u.fed):max(i, len(u.fed))]...)
	if f.model == nil || len(plain) == 0 {
		return
	}
	if u.tagger == nil {
		u.tagger = f.model.NewStream()
	}
	f.label(u.tagger.Accept(plain...))
}

// label gives the tagger's display forms to the next plain words, in
// order.
func (f *Formatter) label(labels []string) {
	u := &f.utt
	for _, l := range labels {
		for u.next < len(u.items) && u.items[u.next].word == "" {
			u.next++
		}
		if u.next == len(u.items) {
			return
		}
		u.items[u.next].label, u.items[u.next].labeled = l, true
		u.next++
	}
}

// compose writes items, then the words of tail (parsed, untagged), from
// the current sentence state, and returns the text and the state after it.
func (f *Formatter) compose(items []item, tail []string) (string, Formatter) {
	st := Formatter{started: f.started, midSentence: f.midSentence}
	if !st.started {
		st.started, st.midSentence = true, false
	}
	if len(tail) > 0 {
		items = append(items[:len(items):len(items)], parse(tail)...)
	}
	var b strings.Builder
	atLineStart := true // no space before the next word
	// overriddenEnd: the tagger began a sentence before the next word
	// that the text does not (it starts every utterance with one).
	overriddenEnd := true
	for i, it := range items {
		if it.word == "" {
			b.WriteString(it.cmd.mark)
			if it.cmd.ends {
				st.midSentence = false
			}
			atLineStart = it.cmd.newline
			continue
		}
		if !atLineStart {
			b.WriteByte(' ')
		}
		w, mark := it.word, ""
		if it.labeled {
			w, mark = splitLabel(it.label)
		}
		switch {
		case !st.midSentence:
			w = capitalize(w)
		case it.labeled && overriddenEnd:
			w = decapitalize(w)
		}
		b.WriteString(pronounI(w))
		st.midSentence = true
		atLineStart = false
		overriddenEnd = false
		if i+1 < len(items) && items[i+1].word == "" {
			// The speaker's command replaces the tagger's mark.
			overriddenEnd = endsSentence(mark) && !items[i+1].cmd.ends
			continue
		}
		b.WriteString(mark)
		if endsSentence(mark) {
			st.midSentence = false
		}
	}
	return b.String(), st
}

// parse splits words into plain words and commands.
func parse(words []string) []item {
	var out []item
	for i := 0; i < len(words); {
		if c, n := match(words[i:]); n > 0 {
			out = append(out, item{cmd: c})
			i += n
			continue
		}
		out = append(out, item{word: words[i]})
		i++
	}
	return out
}

// splitLabel splits a tagger's display form into the cased word and the
// mark after it (spoken-form words hold no punctuation, so every trailing
// mark is the tagger's).
func splitLabel(label string) (word, mark string) {
	w := strings.TrimRight(label, ",.?!")
	return w, label[len(w):]
}

func endsSentence(mark string) bool {
	return mark == "." || mark == "?" || mark == "!"
}

func hasPrefix(words, prefix []string) bool {
	if len(prefix) > len(words) {
		return false
	}
	for i, w := range prefix {
		if words[i] != w {
			return false
		}
	}
	return true
}

// match returns the command that fields starts with and how many words it
// takes, or 0.
func match(fields []string) (command, int) {
	for _, c := range commands {
		if len(fields) < len(c.words) {
			continue
		}
		ok := true
		for j, w := range c.words {
			if fields[j] != w {
				ok = false
				break
			}
		}
		if ok {
			return c, len(c.words)
		}
	}
	return command{}, 0
}

// capitalize upper-cases the first letter of w.
func capitalize(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return w
	}
	return string(unicode.ToUpper(r)) + w[size:]
}

// decapitalize lower-cases a word the tagger capitalised only because it
// took it for a sentence start ("Word", not "WORD" nor "I"), when the
// dictated text goes on with the sentence. A name there loses its
// capital: the display form does not say why a word was capitalised.
func decapitalize(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	if r == utf8.RuneError || !unicode.IsUpper(r) || w == "I" || strings.HasPrefix(w, "I'") {
		return w
	}
	rest := w[size:]
	if strings.ToLower(rest) != rest {
		return w
	}
	return string(unicode.ToLower(r)) + rest
}

// pronounI writes the pronoun "I" and its contractions (i'm, i'll, i'd,
// i've) with a capital, as English always does.
func pronounI(w string) string {
	if w == "i" || strings.HasPrefix(w, "i'") {
		return "I" + w[1:]
	}
	return w
}
