package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Internal markers. fold turns every ASCII control character of the input
// into a space, so these bytes can only come from fold itself: they carry
// symbols that have no ASCII spelling to the tokenizer without inventing
// letters that could be mistaken for words.
const (
	markPound  = '\x01' // £
	markEuro   = '\x02' // €
	markYen    = '\x03' // ¥
	markCent   = '\x04' // ¢
	markDegree = '\x05' // °
	markRupee  = '\x06' // ₹
	markTimes  = '\x07' // ×
	markFrac   = '\x0e' // a vulgar fraction follows ("1½" keeps its "and a half")
)

// Report counts what Unicode folding did to one input.
type Report struct {
	// Transliterated counts non-ASCII letters given an ASCII spelling
	// (é→e, ß→ss, ﬁ→fi, full-width Ａ→A).
	Transliterated int
	// Dropped counts characters with no obvious English spelling (Greek,
	// Cyrillic, CJK letters, emoji, unknown symbols); they become spaces.
	Dropped int
}

// Add returns the sum of two reports, for totals over a corpus.
func (r Report) Add(o Report) Report {
	return Report{Transliterated: r.Transliterated + o.Transliterated, Dropped: r.Dropped + o.Dropped}
}

// special maps non-ASCII characters whose meaning matters more than their
// compatibility decomposition: typographic quotes and dashes, currency, and
// the letters that NFKD does not decompose (ß, æ, ø, ...).
var special = map[rune]string{
	'\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u02bc': "'", '\u00b4': "'",
	'\u201c': `"`, '\u201d': `"`, '\u201e': `"`, '\u201f': `"`, '\u2033': `"`, '\u00ab': `"`, '\u00bb': `"`, '\u2039': `"`, '\u203a': `"`,
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2013': "-", '\u2212': "-", '\u00ad': "",
	'\u2014': " -- ", '\u2015': " -- ", '\u2e3a': " -- ", '\u2e3b': " -- ",
	'\u2026': "...", '\u2044': "/", '\u2215': "/",
	'\u00a3': string(markPound), '\u20ac': string(markEuro), '\u00a5': string(markYen),
	'\u00a2': string(markCent), '\u00b0': string(markDegree), '\u20b9': string(markRupee),
	'\u00d7': string(markTimes), '\u00a7': " section ", '\u00b6': " paragraph ",
	'\u00df': "ss", '\u1e9e': "SS", '\u00e6': "ae", '\u00c6': "AE", '\u0153': "oe", '\u0152': "OE",
	'\u00f8': "o", '\u00d8': "O", '\u0142': "l", '\u0141': "L", '\u0111': "d", '\u0110': "D",
	'\u00fe': "th", '\u00de': "Th", '\u00f0': "d", '\u00d0': "D", '\u0131': "i", '\u0127': "h",
	'\u0126': "H", '\u014b': "ng", '\u014a': "Ng", '\u0138': "k", '\u017f': "s",
	'\u00bd': markFracS + "1/2", '\u00bc': markFracS + "1/4", '\u00be': markFracS + "3/4",
	'\u2153': markFracS + "1/3", '\u2154': markFracS + "2/3", '\u215b': markFracS + "1/8",
	'\u215c': markFracS + "3/8", '\u215d': markFracS + "5/8", '\u215e': markFracS + "7/8",
	'\u2155': markFracS + "1/5", '\u2159': markFracS + "1/6",
}

const markFracS = string(markFrac)

// fold maps s to printable ASCII plus the internal markers above: Unicode
// compatibility decomposition (NFKD, UAX #15, which is NFKC without the
// recomposition we would undo anyway), combining marks removed, typographic
// punctuation mapped to ASCII, control characters to spaces. It returns s
// itself when s is already plain printable ASCII.
func fold(s string, rep *Report) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c < ' ' && c != ' ') || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = cp1252(s[i]) // not UTF-8: read the byte as Windows-1252
		}
		i += size
		switch {
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
			continue
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
			continue
		}
		if m, ok := special[r]; ok {
			b.WriteString(m)
			if r >= 0x80 && isLetterRune(r) {
				rep.Transliterated++
			}
			continue
		}
		if unicode.IsSpace(r) {
			b.WriteByte(' ')
			continue
		}
		if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r) {
			continue // combining marks, zero-width joiners: nothing to say
		}
		foldRune(&b, r, rep)
	}
	return b.String()
}

func isLetterRune(r rune) bool { return unicode.IsLetter(r) }

// foldRune writes the ASCII spelling of one non-ASCII rune, if it has an
// obvious one, via its compatibility decomposition.
func foldRune(b *strings.Builder, r rune, rep *Report) {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFKD.Bytes(buf[:n])
	wrote := false
	for len(d) > 0 {
		q, size := utf8.DecodeRune(d)
		d = d[size:]
		switch {
		case q < utf8.RuneSelf:
			if q < ' ' {
				q = ' '
			}
			b.WriteByte(byte(q))
			wrote = true
		case unicode.Is(unicode.Mn, q):
		default:
			if m, ok := special[q]; ok {
				b.WriteString(m)
				wrote = true
				continue
			}
			if unicode.IsSpace(q) {
				b.WriteByte(' ')
				wrote = true
				continue
			}
			// A piece with no ASCII spelling: drop the whole rune.
			rep.Dropped++
			b.WriteByte(' ')
			return
		}
	}
	if wrote && unicode.IsLetter(r) {
		rep.Transliterated++
	} else if !wrote {
		rep.Dropped++
		b.WriteByte(' ')
	}
}

// cp1252 decodes one byte of Windows-1252 (a superset of Latin-1), the
// usual encoding of text files that are not UTF-8. Bytes the code page
// leaves undefined become U+FFFD, which fold drops.
func cp1252(c byte) rune {
	if c < 0x80 || c >= 0xa0 {
		return rune(c)
	}
	return cp1252High[c-0x80]
}

var cp1252High = [32]rune{
	'\u20ac', '\ufffd', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
	'\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\ufffd', '\u017d', '\ufffd',
	'\ufffd', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
	'\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\ufffd', '\u017e', '\u0178',
}
