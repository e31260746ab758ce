package dictate

import (
	"strings"
	"unicode"
	"unicode/utf8"
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

// Formatter formats successive utterances of one dictation. The zero
// value starts a new dictation: its first word gets a capital. It is not
// safe for concurrent use.
type Formatter struct {
	// started is set once anything was written; until then the next word
	// starts a sentence.
	started bool
	// midSentence is false when the next word starts a sentence.
	midSentence bool
}

// Format rewrites one utterance of spoken-form words (as the recogniser
// writes them: lower case, separated by spaces) and advances the sentence
// state. Spoken punctuation attaches to the word before it; a command at
// the start of an utterance stands alone, since the words before it were
// already shown.
func (f *Formatter) Format(words string) string {
	out, next := f.format(words)
	*f = next
	return out
}

// Peek formats like Format without advancing the state: for partial
// hypotheses, which the final result replaces.
func (f *Formatter) Peek(words string) string {
	out, _ := f.format(words)
	return out
}

func (f *Formatter) format(words string) (string, Formatter) {
	st := *f
	if !st.started {
		st.started, st.midSentence = true, false
	}
	fields := strings.Fields(words)
	var b strings.Builder
	atLineStart := true // no space before the next word
	for i := 0; i < len(fields); {
		if c, n := match(fields[i:]); n > 0 {
			b.WriteString(c.mark)
			if c.ends {
				st.midSentence = false
			}
			atLineStart = c.newline
			i += n
			continue
		}
		if !atLineStart {
			b.WriteByte(' ')
		}
		w := fields[i]
		if !st.midSentence {
			w = capitalize(w)
		}
		b.WriteString(pronounI(w))
		st.midSentence = true
		atLineStart = false
		i++
	}
	return b.String(), st
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

// pronounI writes the pronoun "I" and its contractions (i'm, i'll, i'd,
// i've) with a capital, as English always does.
func pronounI(w string) string {
	if w == "i" || strings.HasPrefix(w, "i'") {
		return "I" + w[1:]
	}
	return w
}
