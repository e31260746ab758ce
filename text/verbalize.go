package text

import "strings"

// The verbaliser walks the tokens once, left to right, with a little
// lookahead, and writes spoken words (and, for the TTS form, phrase breaks)
// to a sink. Every rule that consumes several tokens checks that they are
// glued (no whitespace between) where print glues them, so "5 - 3" and
// "5-3" can read differently.

// TokenKind says whether a TTS Token is a word or a phrase break.
type TokenKind uint8

const (
	// Word is a spoken word in the spoken alphabet (a–z and apostrophe).
	Word TokenKind = iota
	// Break is phrase-break punctuation: one of , . ? ! ; :
	Break
)

// Token is one element of the TTS form: a spoken word or a phrase break.
type Token struct {
	Kind TokenKind
	Text string
}

// sink receives words and breaks. Words are cleaned here, so whatever a
// rule emits, the output is lower-case a–z with apostrophes only inside
// words.
type sink struct {
	buf  []byte // spoken form, words separated by single spaces
	tts  bool
	toks []Token
}

func breakStrength(p string) int {
	switch p {
	case ",":
		return 1
	case ";", ":":
		return 2
	}
	return 3 // . ? !
}

func (k *sink) brk(p string) {
	if !k.tts || len(k.toks) == 0 {
		return
	}
	last := &k.toks[len(k.toks)-1]
	if last.Kind == Break {
		if breakStrength(p) > breakStrength(last.Text) {
			last.Text = p
		}
		return
	}
	k.toks = append(k.toks, Token{Kind: Break, Text: p})
}

// word emits w, which may hold several words separated by spaces or any
// other non-letter.
func (k *sink) word(w string) {
	for len(w) > 0 {
		// skip to the next letter
		i := 0
		for i < len(w) && !isLetter(w[i]) {
			i++
		}
		w = w[i:]
		if w == "" {
			return
		}
		j := 0
		for j < len(w) && (isLetter(w[j]) || (w[j] == '\'' && j+1 < len(w) && isLetter(w[j+1]) && j > 0 && isLetter(w[j-1]))) {
			j++
		}
		k.piece(w[:j])
		w = w[j:]
	}
}

// piece emits one clean run of letters with inner apostrophes.
func (k *sink) piece(p string) {
	lower := true
	for i := 0; i < len(p); i++ {
		if isUpper(p[i]) {
			lower = false
			break
		}
	}
	if k.tts {
		if !lower {
			p = strings.ToLower(p)
		}
		k.toks = append(k.toks, Token{Kind: Word, Text: p})
		return
	}
	if len(k.buf) > 0 {
		k.buf = append(k.buf, ' ')
	}
	if lower {
		k.buf = append(k.buf, p...)
		return
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if isUpper(c) {
			c |= 0x20
		}
		k.buf = append(k.buf, c)
	}
}

type verbalizer struct {
	t       []token
	k       *sink
	allCaps bool     // the text has no lower-case letter: capitals say nothing
	w       []string // scratch for number words
}

func (v *verbalizer) run() {
	for i := 0; i < len(v.t); {
		i = v.step(i)
	}
}

func (v *verbalizer) at(j int) *token {
	if j < 0 || j >= len(v.t) {
		return nil
	}
	return &v.t[j]
}

// glued reports whether token j exists, has kind k, and follows its
// predecessor without whitespace.
func (v *verbalizer) glued(j int, k tokKind) bool {
	t := v.at(j)
	return t != nil && t.kind == k && !t.space
}

func (v *verbalizer) gluedPunct(j int, p string) bool {
	t := v.at(j)
	return t != nil && t.kind == tkPunct && !t.space && t.s == p
}

// emitWords emits number words built in the scratch slice, and keeps the
// slice's storage for the next number.
func (v *verbalizer) emitWords(ws []string) {
	for _, w := range ws {
		v.k.word(w)
	}
	if cap(ws) > cap(v.w) {
		v.w = ws[:0]
	}
}

func (v *verbalizer) step(i int) int {
	t := &v.t[i]
	switch t.kind {
	case tkWord:
		return v.word(i)
	case tkNum:
		return v.number(i)
	case tkDotted:
		l := strings.ToLower(t.s)
		if say, ok := dottedAbbrevs[l]; ok {
			v.k.word(say)
		} else {
			v.spell(t.s, "")
		}
		v.dottedStop(i)
		return i + 1
	case tkPunct:
		return v.punct(i)
	case tkSym:
		return v.symbol(i)
	case tkURL, tkEmail:
		v.address(t.s)
	case tkPhone:
		v.phone(t.s)
	case tkDate:
		v.date(t)
	}
	return i + 1
}

// dottedStop keeps, in the TTS form, the sentence end hidden in the last
// stop of a dotted abbreviation: at the end of the text, or "at 5 p.m.
// Then".
func (v *verbalizer) dottedStop(i int) {
	t := v.at(i)
	if t == nil || t.kind != tkDotted {
		return
	}
	l := strings.ToLower(t.s)
	if n := v.at(i + 1); n == nil || (n.kind == tkWord && isUpper(n.s[0]) && !v.allCaps && (l == "a.m." || l == "p.m.")) {
		v.k.brk(".")
	}
}

// spell reads letters one by one ("FBI" → "f b i"); tail is glued to the
// last letter ("FBI's" → "f b i's").
func (v *verbalizer) spell(s, tail string) {
	last := -1
	for i := 0; i < len(s); i++ {
		if isLetter(s[i]) {
			last = i
		}
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			continue
		}
		if i == last && tail != "" {
			v.k.word(s[i:i+1] + tail)
		} else {
			v.k.word(s[i : i+1])
		}
	}
}

func isAllUpper(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) {
			return false
		}
	}
	return true
}

func isTitleCase(s string) bool {
	if s == "" || !isUpper(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if isUpper(s[i]) {
			return false
		}
	}
	return true
}

// functionWords are capitalised at the start of a sentence but are not
// names, so "The" after "St." does not make it "saint".
var functionWords = map[string]struct{}{
	"this": {}, "that": {}, "these": {}, "those": {}, "there": {}, "then": {}, "when": {},
	"what": {}, "where": {}, "which": {}, "while": {}, "with": {}, "they": {}, "their": {},
	"them": {}, "from": {}, "into": {}, "have": {}, "here": {}, "were": {}, "will": {},
	"would": {}, "could": {}, "should": {}, "after": {}, "before": {}, "because": {},
	"some": {}, "very": {}, "just": {}, "also": {}, "only": {}, "well": {}, "upon": {},
	"but": {}, "and": {}, "she": {}, "his": {}, "her": {},
}

// isName reports whether token j is a capitalised word that is not a
// common function word: the evidence for "St." being "saint".
func (v *verbalizer) isName(j int) bool {
	t := v.at(j)
	if t == nil || t.kind != tkWord || !isUpper(t.s[0]) {
		return false
	}
	l := strings.ToLower(t.s)
	if _, ok := commonShort[l]; ok {
		return false
	}
	_, ok := functionWords[l]
	return !ok
}

func (v *verbalizer) word(i int) int {
	t := &v.t[i]
	w := t.s
	l := strings.ToLower(w)
	// Abbreviation closed by a stop.
	if v.gluedPunct(i+1, ".") {
		if a, ok := abbrevs[l]; ok && (!a.needCap || isUpper(w[0])) {
			if j, ok := v.abbrev(i, a, l, i+2); ok {
				return j
			}
		}
	}
	// Titles without the stop, British style: "Mr Smith", "St John".
	if a, ok := abbrevs[l]; ok && a.title && (isTitleCase(w) || v.allCaps) && v.isName(i+1) && v.at(i+1).space {
		if j, ok := v.abbrev(i, a, l, i+1); ok {
			return j
		}
	}
	// Month and day: "March 3", "May 5th".
	if m := monthIndex(w); m > 0 {
		v.k.word(monthNames[m])
		if j, ok := v.dayAfterMonth(i + 1); ok {
			return j
		}
		return i + 1
	}
	// Roman numerals: "Chapter IV" (cardinal), "Henry VIII" (regnal).
	if _, ok := titleWords[l]; ok {
		v.plainWord(w)
		if j, ok := v.romanCardinal(i+1, isUpper(w[0])); ok {
			return j
		}
		return i + 1
	}
	if j, ok := v.regnal(i); ok {
		return j
	}
	v.plainWord(w)
	return i + 1
}

// plainWord emits a word, spelling initialisms in mixed-case text.
func (v *verbalizer) plainWord(w string) {
	if v.allCaps || len(w) < 2 || !isUpper(w[0]) || !isUpper(w[1]) {
		v.k.word(w)
		return
	}
	stem, tail := w, ""
	if n := len(w); n > 2 && w[n-2] == '\'' && (w[n-1]|0x20) == 's' {
		stem, tail = w[:n-2], "'s"
	} else if n > 2 && w[n-1] == 's' {
		stem, tail = w[:n-1], "s"
	}
	if !isAllUpper(stem) || !isInitialism(strings.ToLower(stem)) {
		v.k.word(w)
		return
	}
	if tail == "s" {
		v.spell(stem, "")
		v.k.word("s")
		return
	}
	v.spell(stem, tail)
}

// isInitialism decides between reading letter by letter (FBI) and as a
// word (NASA) for a capitalised word in mixed-case text.
func isInitialism(l string) bool {
	if word, ok := acronyms[l]; ok {
		return !word
	}
	if _, ok := commonShort[l]; ok {
		return false
	}
	if len(l) > 6 {
		return false // long runs of capitals are emphasis or headings
	}
	return !pronounceable(l)
}

// abbrev expands the abbreviation at i; next is the token after it (and
// after its stop, if any).
func (v *verbalizer) abbrev(i int, a abbrev, l string, next int) (int, bool) {
	switch {
	case a.beforeNumber:
		n := v.at(next)
		if n == nil || (n.kind != tkNum && n.kind != tkDate) {
			return 0, false
		}
		v.k.word(a.say)
		return next, true
	case l == "st" || l == "dr":
		v.k.word(v.placeOrTitle(i, next, l))
	case a.month > 0:
		v.k.word(a.say)
		if j, ok := v.dayAfterMonth(next); ok {
			return j, true
		}
	default:
		v.k.word(a.say)
		if _, ok := titleWords[a.say]; ok {
			if j, ok := v.romanCardinal(next, true); ok {
				return j, true
			}
		}
	}
	if next > i+1 { // the stop was consumed: it may also end the sentence
		n := v.at(next)
		if n == nil || (a.final && n.kind == tkWord && isUpper(n.s[0]) && !v.allCaps) {
			v.k.brk(".")
		}
	}
	return next, true
}

// placeOrTitle applies the "St." context rule: before a name it is a title
// ("St. John" → saint, "Dr. Watson" → doctor); after a name or number,
// with no name following, a street ("John St." → street, "Elm Dr." →
// drive). So "St. John St." reads "saint john street".
func (v *verbalizer) placeOrTitle(i, next int, l string) string {
	title, place := "saint", "street"
	if l == "dr" {
		title, place = "doctor", "drive"
	}
	if v.isName(next) {
		return title
	}
	if p := v.at(i - 1); p != nil && (p.kind == tkNum || v.isName(i-1)) {
		return place
	}
	if l == "dr" {
		return title
	}
	return place
}

// romanValue parses a canonical Roman numeral (upper or lower case), or
// returns 0. Canonical means it re-encodes to itself, which rejects words
// like "DID" or "MIM".
func romanValue(s string) int {
	if s == "" || len(s) > 15 {
		return 0
	}
	val := func(c byte) int {
		switch c | 0x20 {
		case 'i':
			return 1
		case 'v':
			return 5
		case 'x':
			return 10
		case 'l':
			return 50
		case 'c':
			return 100
		case 'd':
			return 500
		case 'm':
			return 1000
		}
		return 0
	}
	total := 0
	for i := 0; i < len(s); i++ {
		a := val(s[i])
		if a == 0 {
			return 0
		}
		if i+1 < len(s) && val(s[i+1]) > a {
			total -= a
		} else {
			total += a
		}
	}
	if total <= 0 || total >= 4000 || !strings.EqualFold(toRoman(total), s) {
		return 0
	}
	return total
}

func toRoman(n int) string {
	vals := [...]int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := [...]string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, x := range vals {
		for n >= x {
			b.WriteString(syms[i])
			n -= x
		}
	}
	return b.String()
}

// romanCardinal reads a Roman numeral after a title word ("Chapter IV" →
// "chapter four"). A lone "I" needs a capitalised title word and nothing
// but punctuation after it, so that "in part I think" stays as it is;
// lower-case numerals ("Chapter iv") must be at least two letters and at
// most fifty.
func (v *verbalizer) romanCardinal(j int, titleCapital bool) (int, bool) {
	t := v.at(j)
	if t == nil || t.kind != tkWord || !t.space {
		return 0, false
	}
	n := romanValue(t.s)
	switch {
	case n == 0:
		return 0, false
	case isAllUpper(t.s):
		// A lone "I" is the pronoun unless the title is capitalised and
		// the numeral closes the phrase: "CHAPTER I." but "THE BOOK I
		// READ", "in part I think".
		if t.s == "I" {
			n := v.at(j + 1)
			closes := n == nil || (n.kind == tkPunct && n.s != "'") || (n.kind == tkWord && isUpper(n.s[0]) && !v.allCaps)
			if !titleCapital || !closes {
				return 0, false
			}
		}
	case !titleCapital || len(t.s) < 2 || n > 50 || strings.ToLower(t.s) != t.s:
		// Lower-case numerals only after a capitalised title ("Chapter
		// iv"): text without capitals, digits or punctuation is already
		// spoken form and must come out unchanged.
		return 0, false
	}
	v.emitWords(appendCardinal(v.w[:0], itoa(n)))
	return j + 1, true
}

// regnal reads "Henry VIII" as "henry the eighth". A capitalised word
// followed by a numeral of two or more capitals qualifies in mixed-case
// text; known monarchs' and popes' names take any numeral, a lone "I"
// only when nothing but punctuation, "of" or "and" follows.
func (v *verbalizer) regnal(i int) (int, bool) {
	t := &v.t[i]
	r := v.at(i + 1)
	if r == nil || r.kind != tkWord || !r.space || !isAllUpper(r.s) || !isUpper(t.s[0]) {
		return 0, false
	}
	n := romanValue(r.s)
	if n == 0 {
		return 0, false
	}
	l := strings.ToLower(t.s)
	_, known := regnalNames[l]
	switch {
	case known && r.s == "I":
		if a := v.at(i + 2); a != nil && a.kind == tkWord && a.s != "of" && a.s != "and" {
			return 0, false
		}
	case known:
	case v.allCaps || len(r.s) < 2 || !isTitleCase(t.s):
		return 0, false
	default:
		if _, ok := commonShort[l]; ok {
			return 0, false
		}
		if _, ok := functionWords[l]; ok {
			return 0, false
		}
	}
	v.k.word(t.s)
	v.k.word("the")
	v.emitWords(appendOrdinal(v.w[:0], itoa(n)))
	return i + 2, true
}

// dayAfterMonth reads the day after a month name as an ordinal ("Jan. 5"
// → "january fifth").
func (v *verbalizer) dayAfterMonth(j int) (int, bool) {
	t := v.at(j)
	if t == nil || t.kind != tkNum || !t.space || !isPlainInt(t.s) || len(t.s) > 2 {
		return 0, false
	}
	if t.suf != "" && !isOrdinalSuffix(t.suf) {
		return 0, false
	}
	d := atoiSmall(t.s)
	if d < 1 || d > 31 || v.gluedPunct(j+1, ":") || v.gluedPunct(j+1, "-") {
		return 0, false
	}
	v.emitWords(appendOrdinal(v.w[:0], t.s))
	return j + 1, true
}

// monthAt recognises a month name at j: "May", "January", or "Jan.".
// It returns the month and the index after it.
func (v *verbalizer) monthAt(j int) (int, int) {
	t := v.at(j)
	if t == nil || t.kind != tkWord || !t.space {
		return 0, 0
	}
	if m := monthIndex(t.s); m > 0 {
		return m, j + 1
	}
	if a, ok := abbrevs[strings.ToLower(t.s)]; ok && a.month > 0 && isUpper(t.s[0]) && v.gluedPunct(j+1, ".") {
		return a.month, j + 2
	}
	return 0, 0
}

func isPlainInt(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isOrdinalSuffix(s string) bool {
	switch strings.ToLower(s) {
	case "st", "nd", "rd", "th", "d": // "2d", "3d" in older print
		return true
	}
	return false
}

// yearish reports whether a bare integer is read as a year.
func yearish(s string) bool {
	if len(s) != 4 || s[0] == '0' {
		return false
	}
	n := atoiSmall(s)
	return n >= 1100 && n <= 2099
}

// appendNumber reads the number text s (digits, "," groups, "." decimal):
// decimals "three point one four", leading zeros digit by digit, four-digit
// integers from 1100 to 2099 as years, the rest as cardinals.
func appendNumber(dst []string, s string, years bool) []string {
	intPart, frac := s, ""
	if k := strings.IndexByte(s, '.'); k >= 0 {
		intPart, frac = s[:k], s[k+1:]
	}
	if strings.IndexByte(intPart, ',') >= 0 {
		intPart = strings.ReplaceAll(intPart, ",", "")
	} else if frac == "" && years && yearish(intPart) {
		return appendYear(dst, atoiSmall(intPart))
	} else if frac == "" && len(intPart) > 1 && intPart[0] == '0' {
		return appendDigits(dst, intPart)
	}
	if frac != "" {
		return appendDecimal(dst, intPart, frac)
	}
	return appendCardinal(dst, intPart)
}

// isOne reports whether the number text is exactly one (for "one dollar"
// but "one point zero dollars").
func isOne(s string) bool { return strings.TrimLeft(s, "0") == "1" }

// ampm recognises "am", "PM", "a.m." at j (glued or not).
func (v *verbalizer) ampm(j int) (string, bool) {
	t := v.at(j)
	if t == nil {
		return "", false
	}
	switch t.kind {
	case tkWord:
		switch strings.ToLower(t.s) {
		case "am":
			return "a m", true
		case "pm":
			return "p m", true
		}
	case tkDotted:
		switch strings.ToLower(t.s) {
		case "a.m.":
			return "a m", true
		case "p.m.":
			return "p m", true
		}
	}
	return "", false
}

func (v *verbalizer) number(i int) int {
	t := &v.t[i]
	s, suf := t.s, t.suf
	plain := isPlainInt(s)

	if plain && suf == "" {
		if j, ok := v.time(i); ok {
			return j
		}
		// Mixed number: "2 1/2", "1½".
		if f := v.at(i + 1); f != nil && f.kind == tkNum && (f.space || f.mixed) && f.suf == "" && isPlainInt(f.s) &&
			v.gluedPunct(i+2, "/") && v.glued(i+3, tkNum) && v.t[i+3].suf == "" && properFraction(f.s, v.t[i+3].s) {
			v.emitWords(appendCardinal(v.w[:0], s))
			v.k.word("and")
			if isOne(f.s) {
				v.k.word("a")
				ws := appendFraction(v.w[:0], f.s, v.t[i+3].s)
				v.emitWords(ws[1:])
			} else {
				v.emitWords(appendFraction(v.w[:0], f.s, v.t[i+3].s))
			}
			return i + 4
		}
		// Range: "1990-1995", "5-10 km"; the second number reads itself.
		if v.gluedPunct(i+1, "-") && v.glued(i+2, tkNum) && isPlainInt(v.t[i+2].s) {
			v.emitWords(appendNumber(v.w[:0], s, true))
			v.k.word("to")
			return i + 2
		}
		// Fraction "3/4", or a pair read as two numbers ("24/7", "9/11").
		if v.gluedPunct(i+1, "/") && v.glued(i+2, tkNum) && isPlainInt(v.t[i+2].s) {
			d := &v.t[i+2]
			if properFraction(s, d.s) && d.suf == "" {
				v.emitWords(appendFraction(v.w[:0], s, d.s))
				return i + 3
			}
			v.emitWords(appendNumber(v.w[:0], s, false))
			return i + 2
		}
	}

	// Glued suffixes.
	if suf != "" {
		switch {
		case isOrdinalSuffix(suf) && (plain || strings.IndexByte(s, '.') < 0):
			v.emitWords(appendOrdinal(v.w[:0], strings.ReplaceAll(s, ",", "")))
			return i + 1
		case suf == "s" || suf == "'s" || suf == "S" || suf == "'S":
			ws := appendNumber(v.w[:0], s, true)
			ws[len(ws)-1] = pluralWord(ws[len(ws)-1])
			v.emitWords(ws)
			return i + 1
		}
		if say, ok := ampmWord(suf); ok {
			v.emitWords(appendNumber(v.w[:0], s, false))
			v.k.word(say)
			return i + 1
		}
		if sc, ok := scaleSuffix[suf]; ok && suf != "M" {
			v.emitWords(appendNumber(v.w[:0], s, false))
			v.k.word(sc)
			return i + 1
		}
		if u, ok := v.unitAt(suf, i+1); ok {
			v.emitWords(appendNumber(v.w[:0], s, false))
			v.unitWords(u.u, s)
			return u.next
		}
		// "3D", "MP3s": the number, then the letters as a word.
		v.emitWords(appendNumber(v.w[:0], s, true))
		v.plainWord(suf)
		return i + 1
	}

	// Percent, currency and degree signs after the number.
	if p := v.at(i + 1); p != nil {
		switch {
		case p.kind == tkPunct && p.s == "%":
			v.emitWords(appendNumber(v.w[:0], s, false))
			v.k.word("percent")
			return i + 2
		case p.kind == tkSym:
			if c, ok := currencies[p.s[0]]; ok {
				v.emitWords(appendNumber(v.w[:0], s, false))
				if p.s[0] == markDegree {
					v.unitWords(unit{c.one, c.many}, s)
					if q := v.at(i + 2); q != nil && q.kind == tkWord && !q.space {
						switch q.s {
						case "C":
							v.k.word("celsius")
							return i + 3
						case "F":
							v.k.word("fahrenheit")
							return i + 3
						}
					}
					return i + 2
				}
				v.unitWords(unit{c.one, c.many}, s)
				return i + 2
			}
		case p.kind == tkWord && p.space:
			if say, ok := v.ampm(i + 1); ok && plain {
				v.emitWords(appendNumber(v.w[:0], s, false))
				v.k.word(say)
				return i + 2
			}
			if u, ok := v.unitAt(p.s, i+2); ok {
				v.emitWords(appendNumber(v.w[:0], s, false))
				v.unitWords(u.u, s)
				return u.next
			}
			if m, j := v.monthAt(i + 1); m > 0 && plain && len(s) <= 2 && atoiSmall(s) >= 1 && atoiSmall(s) <= 31 {
				// "5 January" → "the fifth of january"
				if q := v.at(i - 1); q == nil || q.kind != tkWord || strings.ToLower(q.s) != "the" {
					v.k.word("the")
				}
				v.emitWords(appendOrdinal(v.w[:0], s))
				v.k.word("of")
				v.k.word(monthNames[m])
				return j
			}
		case p.kind == tkDotted && p.space && plain:
			if say, ok := v.ampm(i + 1); ok {
				v.emitWords(appendNumber(v.w[:0], s, false))
				v.k.word(say)
				v.dottedStop(i + 1)
				return i + 2
			}
		}
	}
	if plain {
		// Serial numbers glued to letters ("C2766") read digit by digit.
		if p := v.at(i - 1); p != nil && p.kind == tkWord && !t.space && len(s) >= 3 {
			v.emitWords(appendDigits(v.w[:0], s))
			return i + 1
		}
		// Three-digit years: "in 626", "484 B.C." read "six twenty six".
		if len(s) == 3 && s[0] != '0' && s[1:] != "00" && v.yearContext(i) {
			n := atoiSmall(s)
			v.k.word(smallNumbers[n/100])
			if n%100 < 10 {
				v.k.word("oh")
				v.k.word(smallNumbers[n%10])
			} else {
				v.emitWords(appendBelow1000(v.w[:0], n%100))
			}
			return i + 1
		}
	}
	// ".38 caliber": the calibre in hundredths of an inch, as a cardinal.
	if len(s) == 3 && s[0] == '.' && v.calibre(i+1) {
		v.emitWords(appendCardinal(v.w[:0], s[1:]))
		return i + 1
	}
	v.emitWords(appendNumber(v.w[:0], s, true))
	return i + 1
}

// yearContext reports whether the number at i is marked as a year: "in"
// or "year" before it, or an era after it ("B.C.", "AD").
func (v *verbalizer) yearContext(i int) bool {
	if p := v.at(i - 1); p != nil && p.kind == tkWord && v.t[i].space {
		switch strings.ToLower(p.s) {
		case "in", "year":
			// "in 626" but not "in 626 cases": a following word in lower
			// case other than a few prepositions makes it a count.
			n := v.at(i + 1)
			if n == nil || n.kind != tkWord || !isLower(n.s[0]) {
				return true
			}
			switch n.s {
			case "he", "she", "it", "they", "the", "and", "when", "a", "after", "before", "we":
				return true
			}
			return false
		}
	}
	n := v.at(i + 1)
	if n == nil || !n.space {
		return false
	}
	switch strings.ToLower(n.s) {
	case "b.c.", "a.d.", "bc", "ad", "bce", "ce", "b.c.e.", "c.e.":
		return n.kind == tkDotted || isAllUpper(n.s)
	}
	return false
}

// calibre reports whether "-caliber" or " calibre" follows at j.
func (v *verbalizer) calibre(j int) bool {
	if v.gluedPunct(j, "-") {
		j++
	}
	t := v.at(j)
	return t != nil && t.kind == tkWord && (strings.EqualFold(t.s, "caliber") || strings.EqualFold(t.s, "calibre"))
}

func ampmWord(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "am":
		return "a m", true
	case "pm":
		return "p m", true
	}
	return "", false
}

// properFraction: numerator below denominator, denominator at most 100.
// Other pairs ("24/7", "9/11", "50/50") are read as two numbers.
func properFraction(num, den string) bool {
	if len(num) > 3 || len(den) > 3 {
		return false
	}
	n, d := atoiSmall(num), atoiSmall(den)
	return n >= 1 && d >= 2 && d <= 100 && n < d
}

type unitMatch struct {
	u    unit
	next int
}

// unitAt looks up a unit written as w, the token before j; "km/h" and
// "sq ft" continue into the following tokens.
func (v *verbalizer) unitAt(w string, j int) (unitMatch, bool) {
	if w == "km" && v.gluedPunct(j, "/") && v.glued(j+1, tkWord) && v.t[j+1].s == "h" {
		return unitMatch{units["km/h"], j + 2}, true
	}
	if w == "sq" {
		if t := v.at(j); t != nil && t.kind == tkWord && t.space && (t.s == "ft" || t.s == "feet") {
			return unitMatch{units["sq ft"], j + 1}, true
		}
	}
	u, ok := units[w]
	if !ok {
		return unitMatch{}, false
	}
	// "ft." and "lbs." carry their stop along.
	if v.gluedPunct(j, ".") && len(w) > 1 && v.at(j+1) != nil {
		return unitMatch{u, j + 1}, true
	}
	return unitMatch{u, j}, true
}

func (v *verbalizer) unitWords(u unit, num string) {
	if isOne(num) {
		v.k.word(u.one)
	} else {
		v.k.word(u.many)
	}
}

// time reads "10:30" "ten thirty", "3:05" "three oh five", "3:00" "three
// o'clock", "10:30 am" "ten thirty a m".
func (v *verbalizer) time(i int) (int, bool) {
	h := &v.t[i]
	if len(h.s) > 2 || !v.gluedPunct(i+1, ":") || !v.glued(i+2, tkNum) {
		return 0, false
	}
	m := &v.t[i+2]
	if len(m.s) != 2 || !isPlainInt(m.s) {
		return 0, false
	}
	hour, minute := atoiSmall(h.s), atoiSmall(m.s)
	if hour > 24 || minute > 59 {
		return 0, false
	}
	next := i + 3
	var sec string
	if m.suf == "" && v.gluedPunct(next, ":") && v.glued(next+1, tkNum) && len(v.t[next+1].s) == 2 && isPlainInt(v.t[next+1].s) {
		sec = v.t[next+1].s
		m = &v.t[next+1]
		next += 2
	}
	say, hasAmpm := ampmWord(m.suf)
	if !hasAmpm && m.suf != "" {
		return 0, false
	}
	if !hasAmpm {
		if say, hasAmpm = v.ampm(next); hasAmpm {
			next++
		}
	}
	v.emitWords(appendCardinal(v.w[:0], h.s))
	switch {
	case minute == 0 && sec == "":
		if !hasAmpm {
			if hour <= 12 {
				v.k.word("o'clock")
			} else {
				v.k.word("hundred")
			}
		}
	case minute < 10:
		v.k.word("oh")
		v.k.word(smallNumbers[minute])
	default:
		v.emitWords(appendCardinal(v.w[:0], itoa(minute)))
	}
	if sec != "" {
		if minute == 0 {
			v.k.word("hundred")
		}
		v.k.word("and")
		v.emitWords(appendCardinal(v.w[:0], sec))
		v.k.word("seconds")
	}
	if hasAmpm {
		v.k.word(say)
		v.dottedStop(next - 1)
	}
	return next, true
}

func (v *verbalizer) punct(i int) int {
	t := &v.t[i]
	switch t.s {
	case ",", ";", ":", "?", "!", ".":
		v.k.brk(t.s)
	case "...":
		v.k.brk(".")
	case "--", "(", ")", "[", "]", "{", "}":
		v.k.brk(",")
	case "-":
		n := v.at(i + 1)
		if t.space && n != nil && !n.space && n.kind == tkNum {
			v.k.word("minus")
		} else if t.space && (n == nil || n.space) {
			v.k.brk(",")
		}
	case "+":
		if n := v.at(i + 1); n != nil && n.kind == tkNum {
			v.k.word("plus")
		}
	case "$":
		return v.currency(i, '$')
	case "%":
		v.k.word("percent")
	case "&":
		v.k.word("and")
	case "@":
		v.k.word("at")
	case "=":
		v.k.word("equals")
	case "#":
		if v.glued(i+1, tkNum) {
			v.k.word("number")
		}
	}
	return i + 1
}

func (v *verbalizer) symbol(i int) int {
	c := v.t[i].s[0]
	switch c {
	case markTimes:
		v.k.word("times")
		return i + 1
	case markDegree:
		v.k.word("degrees")
		return i + 1
	}
	if n := v.at(i + 1); n != nil && n.kind == tkNum {
		return v.currency(i, c)
	}
	if cur, ok := currencies[c]; ok {
		v.k.word(cur.many)
	}
	return i + 1
}

// currency reads an amount after a currency sign: "$3.50" "three dollars
// and fifty cents", "$1" "one dollar", "$0.50" "fifty cents", "$1.5
// million" "one point five million dollars", "£5" "five pounds".
func (v *verbalizer) currency(i int, sym byte) int {
	cur := currencies[sym]
	n := v.at(i + 1)
	if n == nil || n.kind != tkNum || cur.one == "" {
		return i + 1
	}
	s := n.s
	next := i + 2
	scale := ""
	if n.suf != "" {
		if sc, ok := scaleSuffix[n.suf]; ok {
			scale = sc
		}
	} else if w := v.at(i + 2); w != nil && w.kind == tkWord && w.space {
		if sc, ok := scaleSuffix[w.s]; ok && len(w.s) > 1 && w.s != "M" {
			scale, next = sc, i+3
		}
	}
	if scale != "" {
		v.emitWords(appendNumber(v.w[:0], s, false))
		v.k.word(scale)
		v.k.word(cur.many)
		return next
	}
	intPart, frac := s, ""
	if k := strings.IndexByte(s, '.'); k >= 0 {
		intPart, frac = s[:k], s[k+1:]
	}
	intPart = strings.ReplaceAll(intPart, ",", "")
	switch {
	case frac != "" && len(frac) == 2 && cur.subMany != "":
		whole := strings.TrimLeft(intPart, "0") != ""
		cents := atoiSmall(frac)
		if whole || cents == 0 {
			v.emitWords(appendCardinal(v.w[:0], intPart))
			v.unitWords(unit{cur.one, cur.many}, intPart)
		}
		if cents > 0 {
			if whole {
				v.k.word("and")
			}
			v.emitWords(appendCardinal(v.w[:0], frac))
			v.unitWords(unit{cur.subOne, cur.subMany}, frac)
		}
	case frac != "":
		v.emitWords(appendDecimal(v.w[:0], intPart, frac))
		v.k.word(cur.many)
	default:
		v.emitWords(appendCardinal(v.w[:0], intPart))
		v.unitWords(unit{cur.one, cur.many}, intPart)
	}
	if n.suf != "" && scale == "" {
		v.plainWord(n.suf)
	}
	return next
}

// address reads a URL or e-mail address: "www" and other unpronounceable
// labels letter by letter, punctuation by name ("dot", "at", "slash").
func (v *verbalizer) address(s string) {
	lower := strings.ToLower(s)
	for _, p := range []string{"https://", "http://", "ftp://"} {
		if strings.HasPrefix(lower, p) {
			v.spell(p[:len(p)-3], "")
			v.k.word("colon slash slash")
			s = s[len(p):]
			break
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isLetter(c):
			j := i
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			w := strings.ToLower(s[i:j])
			if _, tld := commonTLDs[w]; tld && len(w) > 2 && w != "edu" || !isInitialism(w) {
				v.k.word(w)
			} else {
				v.spell(w, "")
			}
			i = j
		case isDigit(c):
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			if j-i <= 4 {
				v.emitWords(appendCardinal(v.w[:0], s[i:j]))
			} else {
				v.emitWords(appendDigits(v.w[:0], s[i:j]))
			}
			i = j
		default:
			switch c {
			case '.':
				v.k.word("dot")
			case '@':
				v.k.word("at")
			case '/':
				v.k.word("slash")
			case '-':
				v.k.word("dash")
			case '_':
				v.k.word("underscore")
			case ':':
				v.k.word("colon")
			case '?':
				v.k.word("question mark")
			case '=':
				v.k.word("equals")
			case '&':
				v.k.word("and")
			case '#':
				v.k.word("hash")
			case '~':
				v.k.word("tilde")
			case '+':
				v.k.word("plus")
			case '%':
				v.k.word("percent")
			}
			i++
		}
	}
}

// phone reads a telephone number digit by digit, group by group, with a
// comma break between groups in the TTS form.
func (v *verbalizer) phone(s string) {
	if s[0] == '+' {
		v.k.word("plus")
	}
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if i > 1 {
			v.k.brk(",")
		}
		v.emitWords(appendDigits(v.w[:0], s[i:j]))
		i = j
	}
}

// date reads a numeric date as month, ordinal day and year.
func (v *verbalizer) date(t *token) {
	v.k.word(monthNames[t.m])
	v.emitWords(appendOrdinal(v.w[:0], itoa(t.d)))
	switch {
	case t.yLen == 4:
		v.emitWords(appendYear(v.w[:0], t.y))
	case t.yLen == 2 && t.y < 10:
		v.k.word("oh")
		v.k.word(smallNumbers[t.y])
	case t.yLen == 2:
		v.emitWords(appendCardinal(v.w[:0], itoa(t.y)))
	}
}
