package text

import (
	"bufio"
	"io"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	unicode16 "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// MaxSentenceBytes bounds one sentence: text that runs on this long
// without a sentence end (a table, a run-on list) is cut at the next
// whitespace, so memory stays bounded on any input.
const MaxSentenceBytes = 64 << 10

// SentenceScanner splits text from an io.Reader into sentences, streaming:
// it holds one sentence at a time, never the whole text. Use it like
// bufio.Scanner:
//
//	sc := text.NewSentenceScanner(r)
//	for sc.Scan() {
//		use(sc.Text())
//	}
//	if err := sc.Err(); err != nil { ... }
//
// A sentence ends at . ? ! or … (with any closing quotes and brackets
// after it) followed by whitespace and then a character that is not a
// lower-case letter, and at every blank line. A full stop does not end a
// sentence after a title or other abbreviation that precedes what it
// qualifies ("Mr.", "St.", "No.", "Jan."), after a single capital (an
// initial: "J. Smith"), or inside a dotted abbreviation ("U.S.", "e.g.");
// abbreviations that can close a sentence ("etc.", "Inc.", "a.m.") end it
// when a capital follows. Decimals ("3.14") never have the whitespace a
// sentence end needs. Line breaks inside a paragraph become spaces and runs
// of whitespace collapse, so each sentence is one line.
type SentenceScanner struct {
	r     *bufio.Reader
	cur   []byte
	text  string
	err   error
	carry rune // first rune of the next sentence, read ahead; 0 if none
	done  bool

	cand    bool // the last non-space rune ended a possible sentence
	noBreak bool // ...but it was the stop of a non-final abbreviation
	spaced  bool // whitespace since the last non-space rune
	lines   int  // newlines in that whitespace
}

// NewSentenceScanner returns a scanner reading r. Text is UTF-8, or
// UTF-16 with a byte-order mark; bytes that are not valid UTF-8 are read
// as Windows-1252 (Latin-1).
func NewSentenceScanner(r io.Reader) *SentenceScanner {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(2); len(bom) == 2 && (bom[0] == 0xff && bom[1] == 0xfe || bom[0] == 0xfe && bom[1] == 0xff) {
		dec := unicode16.BOMOverride(unicode16.UTF8.NewDecoder())
		br = bufio.NewReaderSize(transform.NewReader(br, dec), 64<<10)
	}
	return &SentenceScanner{r: br}
}

// Text returns the sentence the last Scan found, whitespace collapsed.
func (s *SentenceScanner) Text() string { return s.text }

// Err returns the first read error other than io.EOF.
func (s *SentenceScanner) Err() error { return s.err }

// Scan advances to the next sentence; it returns false at the end of the
// input or on a read error.
func (s *SentenceScanner) Scan() bool {
	if s.done {
		return false
	}
	if s.carry != 0 {
		s.add(s.carry)
		s.carry = 0
	}
	for {
		r, size, err := s.r.ReadRune()
		if r == utf8.RuneError && size == 1 && err == nil {
			// Not UTF-8: take the byte as Windows-1252, as fold does.
			s.r.UnreadRune()
			c, _ := s.r.ReadByte()
			r = cp1252(c)
		}
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			s.done = true
			return s.flush()
		}
		if r == 0 || unicode.IsSpace(r) {
			s.spaced = true
			if r == '\n' || r == '\u2029' {
				s.lines++
			}
			continue
		}
		if len(s.cur) > 0 && s.spaced && s.boundary(r) {
			s.carry = r
			s.spaced, s.lines = false, 0
			return s.flush()
		}
		s.add(r)
		if len(s.cur) >= 2*MaxSentenceBytes { // no whitespace for this long: cut anyway
			s.flush()
			return true
		}
	}
}

// boundary decides, at the first rune after whitespace, whether the text
// before the whitespace ended a sentence.
func (s *SentenceScanner) boundary(next rune) bool {
	switch {
	case s.lines >= 2:
		return true // a blank line ends a paragraph
	case len(s.cur) >= MaxSentenceBytes:
		return true
	case !s.cand || s.noBreak:
		return false
	}
	return !unicode.IsLower(next)
}

func (s *SentenceScanner) add(r rune) {
	if s.spaced && len(s.cur) > 0 {
		s.cur = append(s.cur, ' ')
	}
	s.spaced, s.lines = false, 0
	s.cur = utf8.AppendRune(s.cur, r)
	switch r {
	case '.':
		s.cand, s.noBreak = true, nonFinalStop(s.cur[:len(s.cur)-1])
	case '?', '!', '\u2026':
		s.cand, s.noBreak = true, false
	case '"', '\'', ')', ']', '\u201d', '\u2019', '\u00bb':
		// closing quotes and brackets after a sentence end keep it
	default:
		s.cand, s.noBreak = false, false
	}
}

func (s *SentenceScanner) flush() bool {
	if len(s.cur) == 0 {
		return false
	}
	s.text = string(s.cur)
	s.cur = s.cur[:0]
	s.cand, s.noBreak = false, false
	return true
}

// nonFinalStop reports whether a full stop after before (the sentence so
// far) belongs to an abbreviation that cannot end a sentence.
func nonFinalStop(before []byte) bool {
	start := len(before)
	for start > 0 && before[start-1] != ' ' {
		start--
	}
	w := before[start:]
	for len(w) > 0 && strings.IndexByte(`"'([`, w[0]) >= 0 {
		w = w[1:]
	}
	if len(w) == 0 {
		return false
	}
	if len(w) == 1 {
		return isUpper(w[0]) // an initial
	}
	if i := strings.LastIndexByte(string(w), '.'); i >= 0 {
		// dotted: "U.S", "e.g"; a.m. and p.m. may end a sentence
		l := strings.ToLower(string(w))
		return l != "a.m" && l != "p.m" && isLetter(w[len(w)-1])
	}
	a, ok := abbrevs[strings.ToLower(string(w))]
	if !ok || a.final {
		return false
	}
	return !a.needCap || isUpper(w[0])
}

// Sentences returns an iterator over the sentences of r (see
// SentenceScanner). A read error is yielded once, last, with an empty
// sentence.
func Sentences(r io.Reader) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		sc := NewSentenceScanner(r)
		for sc.Scan() {
			if !yield(sc.Text(), nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield("", err)
		}
	}
}

// SplitSentences splits s into sentences (see SentenceScanner).
func SplitSentences(s string) []string {
	var out []string
	sc := NewSentenceScanner(strings.NewReader(s))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
