package ssml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/text"
	"github.com/mynah-speech/mynah/tts"
)

// MaxDepth bounds element nesting; deeper documents are an error, so a
// hostile document cannot grow the prosody stack without limit.
const MaxDepth = 64

// MaxBreak is the longest pause one <break> may ask for.
const MaxBreak = 10 * time.Second

// ErrUnsupported is wrapped by errors for elements, attributes and values
// outside the subset this package reads.
var ErrUnsupported = errors.New("unsupported")

// Error is a malformed or unsupported SSML document, with the position (line
// and column, both from 1) where reading stopped or the offending element
// starts.
type Error struct {
	Line, Column int
	Err          error
}

func (e *Error) Error() string { return fmt.Sprintf("ssml:%d:%d: %v", e.Line, e.Column, e.Err) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Parse reads a whole SSML document into phrases. It is Phrases collected.
func Parse(doc []byte) ([]tts.Phrase, error) {
	var out []tts.Phrase
	for p, err := range Phrases(bytes.NewReader(doc)) {
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Phrases reads an SSML document from r and yields its phrases as each is
// complete, so memory is bounded by the longest run of text between two
// tags (encoding/xml reads a text run whole) rather than by the document.
// A malformed document yields the phrases before the fault and then an
// *Error; a document with nothing to speak yields tts.ErrNoWords. As with
// tts.PhraseStream, the last phrase has no pause after it unless a <break>
// ends the document.
func Phrases(r io.Reader) iter.Seq2[tts.Phrase, error] {
	return func(yield func(tts.Phrase, error) bool) {
		p := parser{dec: xml.NewDecoder(r)}
		p.dec.Strict = true
		some := false
		for {
			done, err := p.step()
			if err != nil {
				for _, ph := range p.b.Finish() { // the phrases before the fault
					if !yield(ph, nil) {
						return
					}
				}
				yield(tts.Phrase{}, err)
				return
			}
			if done {
				break
			}
			for _, ph := range p.b.Phrases() {
				if !yield(ph, nil) {
					return
				}
				some = true
			}
		}
		p.flushText(true)
		for _, ph := range p.b.Finish() {
			if !yield(ph, nil) {
				return
			}
			some = true
		}
		if !some {
			yield(tts.Phrase{}, tts.ErrNoWords)
		}
	}
}

// element is one open element.
type element struct {
	name    string
	prosody tts.Prosody // prosody in effect before it opened
	// content receives the text of say-as, phoneme and sub instead of the
	// running text.
	content *strings.Builder
	start   xml.StartElement
	line    int
	col     int
}

type parser struct {
	dec     *xml.Decoder
	b       tts.PhraseBuilder
	stack   []element
	pending strings.Builder // running text not yet given to the builder
	sawRoot bool
}

// errAt wraps err with a position.
func errAt(line, col int, err error) *Error { return &Error{Line: line, Column: col, Err: err} }

// step reads one token; done reports the end of the input.
func (p *parser) step() (done bool, err error) {
	line, col := p.dec.InputPos()
	tok, err := p.dec.Token()
	if err == io.EOF {
		if !p.sawRoot {
			return true, errAt(line, col, errors.New("no <speak> element"))
		}
		return true, nil
	}
	if err != nil {
		var se *xml.SyntaxError
		l, c := p.dec.InputPos()
		if errors.As(err, &se) {
			return true, errAt(l, c, errors.New(se.Msg))
		}
		return true, errAt(l, c, err)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if err := p.start(t, line, col); err != nil {
			return true, err
		}
	case xml.EndElement:
		if err := p.end(); err != nil {
			return true, err
		}
	case xml.CharData:
		if len(p.stack) == 0 {
			if len(bytes.TrimSpace(t)) > 0 {
				return true, errAt(line, col, errors.New("text outside <speak>"))
			}
			return false, nil
		}
		top := &p.stack[len(p.stack)-1]
		if top.content != nil {
			top.content.Write(t)
		} else {
			p.pending.Write(t)
		}
	case xml.Directive:
		return true, errAt(line, col, fmt.Errorf("%w: directive <!%s>", ErrUnsupported, firstWord(string(t))))
	}
	// Comments and processing instructions (<?xml ...?>) are skipped.
	return false, nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// flushText gives the pending running text to the builder, sentence by
// sentence as text.SplitSentences finds them, so that a plain document
// phrases exactly as tts.Phonemize would. The last sentence stays open
// unless final.
func (p *parser) flushText(final bool) {
	s := p.pending.String()
	p.pending.Reset()
	if strings.TrimSpace(s) == "" {
		if final {
			p.b.EndSentence()
		}
		return
	}
	// text.NormalizeTTS drops a break before the first word, but here the
	// word before it was spoken by an element ("<say-as ...>5</say-as>.").
	if b := leadingBreak(s); b != "" {
		p.b.Break(b)
	}
	sentences := text.SplitSentences(s)
	for i, sent := range sentences {
		p.b.Text(sent)
		if i < len(sentences)-1 || final {
			p.b.EndSentence()
		}
	}
}

// leadingBreak returns the strongest break symbol among the punctuation
// that opens s ("." for "?!." is "?" ...), or "" when s opens with a word
// or a decimal point.
func leadingBreak(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	end := 0
	for end < len(s) && strings.IndexByte(".?!;:,", s[end]) >= 0 {
		end++
	}
	if end == 0 || (end < len(s) && s[end] >= '0' && s[end] <= '9') {
		return ""
	}
	for _, b := range []string{"?", "!", ".", ";", ":", ","} {
		if strings.Contains(s[:end], b) {
			return b
		}
	}
	return ""
}

func (p *parser) start(t xml.StartElement, line, col int) error {
	name := t.Name.Local
	if len(p.stack) == 0 {
		if p.sawRoot {
			return errAt(line, col, errors.New("a second root element"))
		}
		if name != "speak" {
			return errAt(line, col, fmt.Errorf("root element <%s>, want <speak>", name))
		}
		p.sawRoot = true
		p.stack = append(p.stack, element{name: name, prosody: p.b.Prosody(), start: t, line: line, col: col})
		return nil
	}
	if len(p.stack) >= MaxDepth {
		return errAt(line, col, fmt.Errorf("elements nested deeper than %d", MaxDepth))
	}
	parent := &p.stack[len(p.stack)-1]
	if parent.content != nil {
		return errAt(line, col, fmt.Errorf("<%s> inside <%s>, which holds only text", name, parent.name))
	}
	el := element{name: name, prosody: p.b.Prosody(), start: t, line: line, col: col}
	switch name {
	case "break":
		p.flushText(false)
		d, err := breakTime(t)
		if err != nil {
			return errAt(line, col, err)
		}
		p.b.Pause(d)
		el.content = new(strings.Builder) // must stay empty
	case "prosody":
		p.flushText(false)
		pr, err := prosodyOf(t, p.b.Prosody())
		if err != nil {
			return errAt(line, col, err)
		}
		p.b.SetProsody(pr)
	case "say-as":
		if _, err := interpretAs(t); err != nil {
			return errAt(line, col, err)
		}
		p.flushText(false)
		el.content = new(strings.Builder)
	case "phoneme":
		if _, err := phonemeOf(t); err != nil {
			return errAt(line, col, err)
		}
		p.flushText(false)
		el.content = new(strings.Builder)
	case "sub":
		if _, ok := attr(t, "alias"); !ok {
			return errAt(line, col, errors.New("<sub> without alias"))
		}
		el.content = new(strings.Builder) // the written form, not spoken
	case "p", "s":
		p.flushText(true)
	case "speak":
		return errAt(line, col, errors.New("<speak> inside <speak>"))
	default:
		return errAt(line, col, fmt.Errorf("%w: element <%s>", ErrUnsupported, name))
	}
	p.stack = append(p.stack, el)
	return nil
}

func (p *parser) end() error {
	el := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	at := func(err error) error { return errAt(el.line, el.col, err) }
	switch el.name {
	case "break":
		if strings.TrimSpace(el.content.String()) != "" {
			return at(errors.New("<break> must be empty"))
		}
	case "prosody":
		p.flushText(false)
		p.b.SetProsody(el.prosody)
	case "say-as":
		kind, _ := interpretAs(el.start)
		if err := p.sayAs(kind, el.start, strings.TrimSpace(el.content.String())); err != nil {
			return at(err)
		}
	case "phoneme":
		pron, _ := phonemeOf(el.start)
		word := strings.TrimSpace(el.content.String())
		if word == "" {
			word = "phoneme"
		}
		p.b.Pronounced(word, pron)
	case "sub":
		alias, _ := attr(el.start, "alias")
		p.pending.WriteString(" " + alias + " ")
	case "p", "s", "speak":
		p.flushText(true)
	}
	return nil
}

func attr(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// breakStrengths are the pauses of <break strength>, in the range SSML 1.1
// suggests and close to what commercial engines use.
var breakStrengths = map[string]time.Duration{
	"none": 0, "x-weak": 100 * time.Millisecond, "weak": 200 * time.Millisecond,
	"medium": 400 * time.Millisecond, "strong": 700 * time.Millisecond, "x-strong": 1200 * time.Millisecond,
}

// breakTime reads <break time="500ms|2s"> or strength; time wins when
// both are given (SSML 1.1 §3.2.3), and neither means medium.
func breakTime(t xml.StartElement) (time.Duration, error) {
	if v, ok := attr(t, "time"); ok {
		v = strings.TrimSpace(v)
		var num string
		var unit time.Duration
		switch {
		case strings.HasSuffix(v, "ms"):
			num, unit = v[:len(v)-2], time.Millisecond
		case strings.HasSuffix(v, "s"):
			num, unit = v[:len(v)-1], time.Second
		default:
			return 0, fmt.Errorf("break time %q: want a number of s or ms", v)
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f < 0 || math.IsNaN(f) || num == "" || num[0] == '+' || num[0] == '-' {
			return 0, fmt.Errorf("break time %q: want a non-negative number of s or ms", v)
		}
		d := f * float64(unit)
		if d > float64(MaxBreak) {
			return 0, fmt.Errorf("break time %q: longer than %v", v, MaxBreak)
		}
		return time.Duration(d), nil
	}
	if v, ok := attr(t, "strength"); ok {
		d, ok := breakStrengths[v]
		if !ok {
			return 0, fmt.Errorf("break strength %q: want none, x-weak, weak, medium, strong or x-strong", v)
		}
		return d, nil
	}
	return breakStrengths["medium"], nil
}

// Keyword values of <prosody>. Rates follow common engines (x-slow half,
// x-fast nearly double); pitches move by about two semitones a step;
// volumes by 6 dB (half or double the amplitude) a step.
var (
	rateWords   = map[string]float64{"x-slow": 0.5, "slow": 0.75, "medium": 1, "fast": 1.3, "x-fast": 1.75, "default": 1}
	pitchWords  = map[string]float64{"x-low": 0.8, "low": 0.9, "medium": 1, "high": 1.12, "x-high": 1.25, "default": 1}
	volumeWords = map[string]float64{"silent": math.Inf(-1), "x-soft": -12, "soft": -6, "medium": 0, "loud": 6, "x-loud": 12, "default": 0}
)

// Limits on prosody, so a typo cannot ask for absurd audio.
const (
	minScale = 0.25
	maxScale = 4.0
	maxDB    = 24
)

// prosodyOf returns the prosody inside t, given the prosody outside it:
// keywords and percentages are relative to the voice's default as SSML 1.1
// defines them for rate; relative values (+10%, -2st, +3dB) scale the
// enclosing prosody.
func prosodyOf(t xml.StartElement, outer tts.Prosody) (tts.Prosody, error) {
	p := outer
	for _, a := range t.Attr {
		v := strings.TrimSpace(a.Value)
		switch a.Name.Local {
		case "rate":
			r, err := scaleValue(v, rateWords, outer.RateScale(), false)
			if err != nil {
				return p, fmt.Errorf("prosody rate: %w", err)
			}
			p.Rate = r
		case "pitch":
			r, err := scaleValue(v, pitchWords, outer.PitchScale(), true)
			if err != nil {
				return p, fmt.Errorf("prosody pitch: %w", err)
			}
			p.Pitch = r
		case "volume":
			db, err := volumeValue(v, outer.VolumeDB)
			if err != nil {
				return p, fmt.Errorf("prosody volume: %w", err)
			}
			p.VolumeDB = db
		case "duration", "contour", "range":
			return p, fmt.Errorf("%w: prosody attribute %q", ErrUnsupported, a.Name.Local)
		}
	}
	return p, nil
}

// scaleValue reads a rate or pitch: a keyword, "N%" (N percent of the
// default; for a signed "+N%"/"-N%", of the enclosing value), a bare
// number (a multiple of the default), or for pitch "+Nst"/"-Nst"
// (semitones from the enclosing value).
func scaleValue(v string, words map[string]float64, outer float64, semitones bool) (float64, error) {
	if s, ok := words[v]; ok {
		return s, nil
	}
	signed := strings.HasPrefix(v, "+") || strings.HasPrefix(v, "-")
	var s float64
	switch {
	case strings.HasSuffix(v, "%"):
		f, err := strconv.ParseFloat(v[:len(v)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("%q: bad percentage", v)
		}
		if signed {
			s = outer * (1 + f/100)
		} else {
			s = f / 100
		}
	case semitones && strings.HasSuffix(v, "st"):
		f, err := strconv.ParseFloat(v[:len(v)-2], 64)
		if err != nil {
			return 0, fmt.Errorf("%q: bad semitones", v)
		}
		s = outer * math.Pow(2, f/12)
	case semitones && strings.HasSuffix(strings.ToLower(v), "hz"):
		return 0, fmt.Errorf("%w: pitch %q in Hz (use %% or st)", ErrUnsupported, v)
	default:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || signed {
			return 0, fmt.Errorf("%q: want a keyword, a percentage or a number", v)
		}
		s = f
	}
	if !(s >= minScale && s <= maxScale) {
		return 0, fmt.Errorf("%q: gives %.3g, outside %g to %g", v, s, minScale, maxScale)
	}
	return s, nil
}

// volumeValue reads a volume in decibels: a keyword, "+NdB"/"-NdB"
// relative to the enclosing volume, or a bare number 0–100 (SSML 1.0's
// absolute scale; 100 is the default level, 50 half the amplitude).
func volumeValue(v string, outer float64) (float64, error) {
	if db, ok := volumeWords[v]; ok {
		return db, nil
	}
	var db float64
	if strings.HasSuffix(v, "dB") {
		f, err := strconv.ParseFloat(v[:len(v)-2], 64)
		if err != nil {
			return 0, fmt.Errorf("%q: bad decibels", v)
		}
		db = outer + f
	} else {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 100 || strings.HasPrefix(v, "+") {
			return 0, fmt.Errorf("%q: want a keyword, +NdB or 0 to 100", v)
		}
		if f == 0 {
			return math.Inf(-1), nil
		}
		db = 20 * math.Log10(f/100)
	}
	if math.IsNaN(db) || db > maxDB {
		return 0, fmt.Errorf("%q: louder than +%d dB", v, maxDB)
	}
	return db, nil
}

// interpretAs checks a say-as element's kind.
func interpretAs(t xml.StartElement) (string, error) {
	v, ok := attr(t, "interpret-as")
	if !ok {
		return "", errors.New("<say-as> without interpret-as")
	}
	switch v {
	case "characters", "spell-out", "verbatim":
		return "characters", nil
	case "cardinal", "number":
		return "cardinal", nil
	case "ordinal", "date", "telephone":
		return v, nil
	}
	return "", fmt.Errorf("%w: say-as interpret-as=%q (want characters, cardinal, ordinal, date or telephone)", ErrUnsupported, v)
}

// phonemeOf reads <phoneme alphabet="arpabet" ph="...">.
func phonemeOf(t xml.StartElement) (g2p.Pronunciation, error) {
	alpha, _ := attr(t, "alphabet")
	if !strings.EqualFold(alpha, "arpabet") {
		return nil, fmt.Errorf("%w: phoneme alphabet %q (want arpabet)", ErrUnsupported, alpha)
	}
	ph, ok := attr(t, "ph")
	if !ok || strings.TrimSpace(ph) == "" {
		return nil, errors.New("<phoneme> without ph")
	}
	pron, err := g2p.ParsePronunciation(ph)
	if err != nil {
		return nil, fmt.Errorf("phoneme ph=%q: %w", ph, err)
	}
	return pron, nil
}

// sayAs speaks the content of a say-as element.
func (p *parser) sayAs(kind string, t xml.StartElement, s string) error {
	if s == "" {
		return nil
	}
	switch kind {
	case "characters":
		p.spell(s)
	case "cardinal":
		words, ok := cardinalOf(s)
		if !ok {
			return fmt.Errorf("say-as cardinal %q: not a number", s)
		}
		p.words(words)
	case "ordinal":
		n, ok := parseInteger(strings.TrimRight(strings.ToLower(s), "stndrh."))
		if !ok {
			return fmt.Errorf("say-as ordinal %q: not a whole number", s)
		}
		p.words(ordinalWords(nil, n))
	case "date":
		format, _ := attr(t, "format")
		words, err := dateWords(s, format)
		if err != nil {
			return fmt.Errorf("say-as date: %w", err)
		}
		p.words(words)
	case "telephone":
		if !p.telephone(s) {
			return fmt.Errorf("say-as telephone %q: no digits", s)
		}
	}
	return nil
}

func (p *parser) words(ws []string) {
	for _, w := range ws {
		p.b.Word(w)
	}
}

// spell says each letter by name and each digit as a number; anything else
// is skipped.
func (p *parser) spell(s string) {
	for _, r := range s {
		switch {
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			i := unicode.ToLower(r) - 'a'
			p.b.Pronounced(string(unicode.ToLower(r)), letterPhones[i])
		case r >= '0' && r <= '9':
			p.b.Word(smallNumbers[r-'0'])
		}
	}
}

// telephone reads digits one by one with a comma between groups, as
// text.NormalizeTTS reads a telephone number, "+" as "plus".
func (p *parser) telephone(s string) bool {
	digits := false
	pendingBreak := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if pendingBreak && digits {
				p.b.Break(",")
			}
			pendingBreak = false
			p.b.Word(smallNumbers[r-'0'])
			digits = true
		case r == '+' && !digits:
			p.b.Word("plus")
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			if pendingBreak && digits {
				p.b.Break(",")
			}
			pendingBreak = false
			p.b.Word(string(unicode.ToLower(r))) // "x" of an extension, vanity letters
		default:
			pendingBreak = true
		}
	}
	return digits
}

// parseInteger reads a non-negative integer with optional thousands commas.
func parseInteger(s string) (uint64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// cardinalOf reads an integer (optional sign and thousands commas) or a
// decimal ("three point one four").
func cardinalOf(s string) ([]string, bool) {
	var out []string
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "\u2212") {
		out = append(out, "minus")
		s = strings.TrimLeft(s, "-\u2212")
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	n, ok := parseInteger(whole)
	if !ok {
		if !(hasPoint && whole == "") {
			return nil, false
		}
		n = 0
	}
	out = cardinalWords(out, n)
	if hasPoint {
		if frac == "" {
			return nil, false
		}
		out = append(out, "point")
		for i := 0; i < len(frac); i++ {
			if frac[i] < '0' || frac[i] > '9' {
				return nil, false
			}
			out = append(out, smallNumbers[frac[i]-'0'])
		}
	}
	return out, true
}

// dateWords reads a date in the order format gives (SSML's say-as date
// formats: mdy dmy ymd md dm ym my y m d); without a format, a four-digit
// first field means ymd and otherwise mdy. Fields are separated by - / .
// or spaces; months may be names. It is read the American way: "january
// fifth twenty twenty four".
func dateWords(s, format string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == ',' || unicode.IsSpace(r) })
	if format == "" {
		switch {
		case len(fields) == 3 && len(fields[0]) == 4:
			format = "ymd"
		case len(fields) == 3:
			format = "mdy"
		case len(fields) == 2 && len(fields[0]) == 4:
			format = "ym"
		case len(fields) == 2 && len(fields[1]) == 4:
			format = "my"
		case len(fields) == 2:
			format = "md"
		case len(fields) == 1 && len(fields[0]) == 4:
			format = "y"
		}
	}
	if len(format) != len(fields) || len(format) == 0 || strings.Trim(format, "dmy") != "" {
		return nil, fmt.Errorf("%q does not match format %q", s, format)
	}
	year, month, day := -1, 0, 0
	for i, f := range fields {
		var ok bool
		switch format[i] {
		case 'y':
			year, ok = parseSmall(f)
			if ok && len(f) == 2 {
				year += 1900
				if year < 1950 {
					year += 100
				}
			}
		case 'm':
			month, ok = parseMonth(f)
		case 'd':
			day, ok = parseSmall(strings.TrimRight(strings.ToLower(f), "stndrh"))
			ok = ok && day >= 1 && day <= 31
		}
		if !ok {
			return nil, fmt.Errorf("%q: bad field %q for %c in format %q", s, f, format[i], format)
		}
	}
	var out []string
	if month > 0 {
		out = append(out, monthNames[month-1])
	}
	if day > 0 {
		if month == 0 {
			out = append(out, "the")
		}
		out = ordinalWords(out, uint64(day))
	}
	if year >= 0 {
		out = yearWords(out, year)
	}
	return out, nil
}
