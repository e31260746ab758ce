package punct

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mynah-speech/mynah/text"
)

// Mark is the punctuation that follows a word.
type Mark uint8

// The marks the tagger predicts. Print's other marks fold into these when
// text is read (Parse): ; : and dashes are commas, an ellipsis is a period
// at a sentence end and a comma inside one.
const (
	None Mark = iota
	Comma
	Period
	Question
	Exclamation
	numMarks
)

// NumMarks is the number of Mark classes.
const NumMarks = int(numMarks)

// String returns the mark as printed ("" for None).
func (m Mark) String() string {
	switch m {
	case Comma:
		return ","
	case Period:
		return "."
	case Question:
		return "?"
	case Exclamation:
		return "!"
	}
	return ""
}

// EndsSentence reports whether m closes a sentence (. ? !).
func (m Mark) EndsSentence() bool { return m == Period || m == Question || m == Exclamation }

// strength orders marks when several meet after one word ("?!", "!—"):
// a question outranks an exclamation, which outranks a period, then a comma.
func (m Mark) strength() int {
	switch m {
	case Comma:
		return 1
	case Period:
		return 2
	case Exclamation:
		return 3
	case Question:
		return 4
	}
	return 0
}

func stronger(a, b Mark) Mark {
	if b.strength() > a.strength() {
		return b
	}
	return a
}

// Case is how a word is written.
type Case uint8

// The casings the tagger predicts.
const (
	Lower       Case = iota // "word"
	Capitalized             // "Word" (and "I", "McDonald": first letter up)
	Upper                   // "WORD", two letters or more all up
	numCases
)

// NumCases is the number of Case classes.
const NumCases = int(numCases)

// String names the case.
func (c Case) String() string {
	switch c {
	case Capitalized:
		return "Capitalized"
	case Upper:
		return "UPPER"
	}
	return "lower"
}

// Token is one spoken-form word with how it is written: its case and the
// punctuation after it.
type Token struct {
	Word string // spoken form: lower case a–z and apostrophe (text.Normalize)
	Case Case
	Mark Mark
}

// Display returns the word as written: cased, with its mark attached.
func (t Token) Display() string {
	return applyCase(t.Word, t.Case) + t.Mark.String()
}

func applyCase(w string, c Case) string {
	switch c {
	case Capitalized:
		r, n := utf8.DecodeRuneInString(w)
		if n == 0 {
			return w
		}
		return string(unicode.ToUpper(r)) + w[n:]
	case Upper:
		return strings.ToUpper(w)
	}
	return w
}

// Render joins tokens into display text: each word cased, its mark
// attached, single spaces between.
func Render(tokens []Token) string {
	var b strings.Builder
	for i, t := range tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(applyCase(t.Word, t.Case))
		b.WriteString(t.Mark.String())
	}
	return b.String()
}

// Parse reads running text with punctuation and case (a book, a subtitle
// file) into spoken-form tokens labelled with their case and following
// mark: the training targets of the tagger, and the reference it is scored
// against. Sentences are found with text.SplitSentences, so the period of
// "Mr." or an initial is not a sentence end, while a sentence's last word
// takes the . ? ! or … that closes it. Words are normalised with
// text.Normalize one print word at a time; a print word that becomes
// several spoken words ("1842", "well-known") gives its case to the first
// (all of them when it is written in capitals) and its mark to the last.
// Quotes, brackets and other marks carry no label. Parse never fails: text
// it cannot read yields fewer tokens.
func Parse(s string) []Token {
	var out []Token
	for _, sentence := range text.SplitSentences(s) {
		out = parseSentence(out, sentence)
	}
	return out
}

// parseSentence appends the tokens of one sentence.
func parseSentence(out []Token, sentence string) []Token {
	start := len(out)
	fields := strings.Fields(sentence)
	for fi, field := range fields {
		last := fi == len(fields)-1
		parts := splitDashes(field)
		for pi, part := range parts {
			lastPart := pi == len(parts)-1
			lead, core, trail := trimPart(part)
			mark := marksIn(lead, false) // "?”" before a word belongs to the word before
			if mark != None && len(out) > start {
				out[len(out)-1].Mark = stronger(out[len(out)-1].Mark, mark)
			}
			// "Mr." is "mister" but "Mr" is "mr": a print word before a
			// single period is read with it.
			if strings.HasPrefix(trail, ".") && !strings.HasPrefix(trail, "..") {
				out = appendWords(out, core, core+".")
			} else {
				out = appendWords(out, core, core)
			}
			tm := marksIn(trail, last && lastPart)
			if !lastPart {
				tm = stronger(tm, Comma) // a dash between two words
			}
			if tm != None && len(out) > start {
				out[len(out)-1].Mark = stronger(out[len(out)-1].Mark, tm)
			}
		}
	}
	return out
}

// splitDashes cuts a print word at dashes ("word—word", "word--word"),
// keeping each dash at the end of the piece before it, so that it reads
// as that piece's trailing punctuation.
func splitDashes(field string) []string {
	var parts []string
	startPart := 0
	for i := 0; i < len(field); {
		r, n := utf8.DecodeRuneInString(field[i:])
		isDash := r == '—' || r == '–' || r == '―' || (r == '-' && i+1 < len(field) && field[i+1] == '-')
		if !isDash {
			i += n
			continue
		}
		j := i
		for j < len(field) {
			r2, n2 := utf8.DecodeRuneInString(field[j:])
			if r2 != '—' && r2 != '–' && r2 != '―' && r2 != '-' {
				break
			}
			j += n2
		}
		if j < len(field) { // something follows the dash: split after it
			parts = append(parts, field[startPart:j])
			startPart = j
		}
		i = j
	}
	return append(parts, field[startPart:])
}

// trimPart splits a print word into leading punctuation, the word, and
// trailing punctuation. The word starts and ends at a letter or digit (a
// currency sign or "£" may lead it, "%" may end it); an abbreviation's
// final period is trailing punctuation, which marksIn ignores inside a
// sentence.
func trimPart(p string) (lead, core, trail string) {
	i := 0
	for i < len(p) {
		r, n := utf8.DecodeRuneInString(p[i:])
		if isWordRune(r) || r == '$' || r == '£' || r == '€' {
			break
		}
		i += n
	}
	j := len(p)
	for j > i {
		r, n := utf8.DecodeLastRuneInString(p[:j])
		if isWordRune(r) || r == '%' {
			break
		}
		j -= n
	}
	return p[:i], p[i:j], p[j:]
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// marksIn returns the strongest mark among the punctuation runes of s.
// A period counts only at a sentence end (final): elsewhere it closes an
// abbreviation or an initial; an ellipsis inside a sentence is a pause,
// a comma.
func marksIn(s string, final bool) Mark {
	m := None
	dots := 0
	for _, r := range s {
		switch r {
		case '?':
			m = stronger(m, Question)
		case '!':
			m = stronger(m, Exclamation)
		case ',', ';', ':', '—', '–', '―', '-':
			m = stronger(m, Comma)
		case '.':
			dots++
		case '…':
			dots += 3
		}
	}
	switch {
	case dots > 0 && final:
		m = stronger(m, Period)
	case dots >= 3:
		m = stronger(m, Comma)
	}
	return m
}

// appendWords appends the spoken words of one print word with their case;
// read is what is normalised (the word, or the word and its period).
func appendWords(out []Token, core, read string) []Token {
	if core == "" {
		return out
	}
	c := caseOf(core)
	if core == read {
		if w, ok := plainWord(core); ok {
			return append(out, Token{Word: w, Case: c})
		}
	}
	words := strings.Fields(text.Normalize(read))
	for i, w := range words {
		wc := Lower
		if i == 0 || c == Upper {
			wc = c
		}
		if c == Upper && len(words) > 1 && len(w) == 1 {
			wc = Capitalized // "FBI" → "F B I", one letter each
		}
		out = append(out, Token{Word: w, Case: wc})
	}
	return out
}

// plainWord is the fast path of text.Normalize for the common print word
// of ASCII letters with apostrophes inside: its spoken form is itself in
// lower case.
func plainWord(s string) (string, bool) {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z':
			upper = true
		case c == '\'' && i > 0 && i < len(s)-1:
		default:
			return "", false
		}
	}
	if upper {
		return strings.ToLower(s), true
	}
	return s, true
}

// caseOf classifies how a print word is written from its letters.
func caseOf(s string) Case {
	letters, uppers := 0, 0
	first := true
	firstUpper := false
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		up := unicode.IsUpper(r)
		if up {
			uppers++
		}
		if first {
			firstUpper, first = up, false
		}
	}
	switch {
	case letters >= 2 && uppers == letters:
		return Upper
	case firstUpper:
		return Capitalized
	}
	return Lower
}
