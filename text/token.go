package text

import "strings"

// The tokenizer splits folded ASCII text (see fold) into words, numbers,
// punctuation and a few whole-pattern tokens (URLs, e-mail addresses,
// telephone numbers, numeric dates) that must be recognised before the
// punctuation inside them is split off. It never allocates per token: every
// string is a slice of the folded input.

type tokKind uint8

const (
	tkWord   tokKind = iota // letters with inner apostrophes, as written
	tkNum                   // digits, "," thousands groups, "." decimals; suf holds letters glued after
	tkDotted                // "e.g.", "U.S.A.", "a.m.", "Ph.D.": letter groups each closed by a dot
	tkPunct                 // one ASCII punctuation byte, or "...", "--"
	tkSym                   // one internal marker byte (currency, degree, times)
	tkURL
	tkEmail
	tkPhone // digit groups with their separators, as written
	tkDate  // numeric date; y, m, d parsed
)

type token struct {
	kind  tokKind
	space bool // whitespace or start of text before the token
	mixed bool // a vulgar fraction glued to the number before ("1½")
	s     string
	suf   string // tkNum: letters or "'s" glued after the digits
	yLen  int    // tkDate: digits in the year (2 or 4), 0 when absent
	y     int    // tkDate
	m, d  int    // tkDate
}

func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool  { return c >= 'a' && c <= 'z' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }

// tokenize appends the tokens of the folded text s to dst.
func tokenize(dst []token, s string) []token {
	space := true
	mixed := false
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' {
			space = true
			i++
			continue
		}
		if c == markFrac {
			mixed = true
			i++
			continue
		}
		chunkStart := i == 0 || s[i-1] == ' ' || strings.IndexByte(`("'<[`, s[i-1]) >= 0
		if chunkStart && (isDigit(c) || c == '(' || c == '+' || (isLetter(c) && addressLike(s[i:]))) {
			if t, n, ok := matchChunk(s[i:]); ok {
				t.space = space
				dst = append(dst, t)
				i += n
				space, mixed = false, false
				continue
			}
		}
		t := token{space: space, mixed: mixed}
		space, mixed = false, false
		switch {
		case isLetter(c):
			if n := dottedLen(s[i:]); n > 0 {
				t.kind, t.s = tkDotted, s[i:i+n]
				i += n
				break
			}
			j := i + 1
			for j < len(s) {
				if isLetter(s[j]) {
					j++
				} else if s[j] == '\'' && j+1 < len(s) && isLetter(s[j+1]) {
					j += 2
				} else {
					break
				}
			}
			t.kind, t.s = tkWord, s[i:j]
			i = j
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1]) && (i == 0 || !isAlnum(s[i-1]))):
			j := scanNumber(s, i)
			t.kind, t.s = tkNum, s[i:j]
			k := j
			for k < len(s) && isLetter(s[k]) {
				k++
			}
			if k == j && j+1 < len(s) && s[j] == '\'' && (s[j+1]|0x20) == 's' && (j+2 == len(s) || !isLetter(s[j+2])) {
				k = j + 2
			}
			t.suf = s[j:k]
			i = k
		case c == '\'' && i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && (s[i+3]|0x20) == 's' && (i+4 == len(s) || !isLetter(s[i+4])):
			// '90s: the decade, century elided
			t.kind, t.s, t.suf = tkNum, s[i+1:i+3], "s"
			i += 4
		case c < ' ':
			t.kind, t.s = tkSym, s[i:i+1]
			i++
		case c == '.' && i+1 < len(s) && s[i+1] == '.':
			j := i
			for j < len(s) && s[j] == '.' {
				j++
			}
			t.kind, t.s = tkPunct, "..."
			i = j
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			j := i
			for j < len(s) && s[j] == '-' {
				j++
			}
			t.kind, t.s = tkPunct, "--"
			i = j
		default:
			t.kind, t.s = tkPunct, s[i:i+1]
			i++
		}
		dst = append(dst, t)
	}
	return dst
}

// addressLike reports whether the chunk at the start of s holds an "@",
// or a "." or ":" followed by a letter: the cheap test before isEmail and
// isURL, which most words fail.
func addressLike(s string) bool {
	for i := 0; i < len(s) && s[i] != ' '; i++ {
		switch s[i] {
		case '@':
			return true
		case '.', ':':
			if i+1 < len(s) && isAlnum(s[i+1]) {
				return true
			}
		}
	}
	return false
}

// scanNumber returns the end of the number starting at i: digits with
// optional "," thousands groups (only where every group has three digits)
// and an optional "." decimal part.
func scanNumber(s string, i int) int {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j-i <= 3 && j > i {
		for j+3 < len(s)+0 && s[j] == ',' && isDigit(s[j+1]) && isDigit(s[j+2]) && isDigit(s[j+3]) &&
			(j+4 == len(s) || !isDigit(s[j+4])) {
			j += 4
		}
	}
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	return j
}

// dottedLen returns the length of a dotted abbreviation at the start of s
// ("e.g.", "U.S.A.", "Ph.D."): two or more groups of one or two letters,
// each closed by a dot, not followed by a letter or digit. 0 if none.
func dottedLen(s string) int {
	i, groups := 0, 0
	for {
		j := i
		for j < len(s) && j-i < 3 && isLetter(s[j]) {
			j++
		}
		if j == i || j-i > 2 || j >= len(s) || s[j] != '.' {
			break
		}
		i = j + 1
		groups++
	}
	if groups < 2 || (i < len(s) && isAlnum(s[i])) {
		return 0
	}
	return i
}

// matchChunk recognises the whole-pattern tokens at the start of a
// whitespace-delimited chunk. n is the number of bytes consumed.
func matchChunk(s string) (token, int, bool) {
	end := strings.IndexByte(s, ' ')
	if end < 0 {
		end = len(s)
	}
	chunk := s[:end]
	// Trailing sentence punctuation is not part of an address.
	k := len(chunk)
	for k > 0 && strings.IndexByte(`.,;:!?)]}"'>`, chunk[k-1]) >= 0 {
		k--
	}
	core := chunk[:k]
	c := chunk[0]
	if isLetter(c) || isDigit(c) {
		if strings.IndexByte(core, '@') >= 0 && isEmail(core) {
			return token{kind: tkEmail, s: core}, len(core), true
		}
		if strings.IndexByte(core, '.') >= 0 && isURL(core) {
			return token{kind: tkURL, s: core}, len(core), true
		}
	}
	if !isDigit(c) && c != '(' && c != '+' {
		return token{}, 0, false
	}
	if t, n, ok := matchDate(s); ok {
		return t, n, true
	}
	if n := phoneLen(s); n > 0 {
		return token{kind: tkPhone, s: s[:n]}, n, true
	}
	return token{}, 0, false
}

func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	for i := 0; i < at; i++ {
		c := s[i]
		if !isAlnum(c) && strings.IndexByte("._%+-", c) < 0 {
			return false
		}
	}
	return isDomain(s[at+1:], false)
}

// isDomain reports whether s is a host name: dot-separated labels of
// letters, digits and hyphens, ending in a letter-only top-level label.
// Without a scheme the top-level label must be a common one, so that
// "end.The" (a missing space) is not mistaken for a host.
func isDomain(s string, anyTLD bool) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	for i := 0; i < len(tld); i++ {
		if !isLetter(tld[i]) {
			return false
		}
	}
	if len(tld) < 2 {
		return false
	}
	if anyTLD {
		return true
	}
	_, ok := commonTLDs[strings.ToLower(tld)]
	return ok && tld == strings.ToLower(tld)
}

var commonTLDs = map[string]struct{}{
	"com": {}, "org": {}, "net": {}, "edu": {}, "gov": {}, "mil": {}, "int": {}, "io": {}, "ai": {},
	"uk": {}, "us": {}, "ca": {}, "au": {}, "de": {}, "fr": {}, "nl": {}, "eu": {}, "info": {},
	"biz": {}, "dev": {}, "app": {}, "tv": {}, "me": {}, "jp": {}, "cn": {}, "ru": {}, "in": {},
	"it": {}, "es": {}, "ch": {}, "se": {}, "no": {}, "nz": {}, "ie": {}, "be": {}, "at": {},
}

func isURL(s string) bool {
	lower := strings.ToLower(s)
	rest, scheme := lower, false
	for _, p := range []string{"https://", "http://", "ftp://"} {
		if strings.HasPrefix(lower, p) {
			rest, scheme = lower[len(p):], true
			break
		}
	}
	www := strings.HasPrefix(rest, "www.")
	host := rest
	if k := strings.IndexAny(host, "/?#"); k >= 0 {
		host = host[:k]
	}
	if k := strings.IndexByte(host, ':'); k >= 0 { // port
		host = host[:k]
	}
	if host == "" {
		return false
	}
	if scheme || www {
		return isDomain(host, true)
	}
	return isDomain(s[:len(host)], false)
}

// matchDate recognises numeric dates: ISO 8601 "2024-01-05", and
// "1/5/2024", "5.1.2024", "1-5-24" (month first, as in American usage,
// unless the first field cannot be a month).
func matchDate(s string) (token, int, bool) {
	var f [3]string
	var seps [2]byte
	i := 0
	for k := 0; k < 3; k++ {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i || j-i > 4 {
			return token{}, 0, false
		}
		f[k] = s[i:j]
		i = j
		if k < 2 {
			if i >= len(s) || strings.IndexByte("/-.", s[i]) < 0 {
				return token{}, 0, false
			}
			seps[k] = s[i]
			i++
		}
	}
	if seps[0] != seps[1] || (i < len(s) && (isAlnum(s[i]) || (s[i] == '.' && i+1 < len(s) && isDigit(s[i+1])) || s[i] == seps[0])) {
		return token{}, 0, false
	}
	t := token{kind: tkDate, s: s[:i]}
	if len(f[0]) == 4 && len(f[1]) <= 2 && len(f[2]) <= 2 {
		t.y, t.m, t.d, t.yLen = atoiSmall(f[0]), atoiSmall(f[1]), atoiSmall(f[2]), 4
	} else if len(f[0]) <= 2 && len(f[1]) <= 2 && (len(f[2]) == 4 || (len(f[2]) == 2 && seps[0] != '.')) {
		a, b := atoiSmall(f[0]), atoiSmall(f[1])
		if a > 12 && b <= 12 {
			a, b = b, a
		}
		t.m, t.d, t.y, t.yLen = a, b, atoiSmall(f[2]), len(f[2])
	} else {
		return token{}, 0, false
	}
	if t.m < 1 || t.m > 12 || t.d < 1 || t.d > 31 {
		return token{}, 0, false
	}
	return t, i, true
}

// phoneLen returns the length of a North American or international
// telephone number at the start of s, or 0: "555-1234", "555-123-4567",
// "1-800-555-1234", "(555) 123-4567", "555.123.4567", "+44 20 7946 0958".
func phoneLen(s string) int {
	i := 0
	var groups []int
	var seps []byte
	intl, paren := false, false
	if s[0] == '+' {
		intl = true
		i = 1
	}
	if i < len(s) && s[i] == '(' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j-i-1 != 3 || j >= len(s) || s[j] != ')' {
			return 0
		}
		groups = append(groups, 3)
		paren = true
		i = j + 1
		if i < len(s) && (s[i] == ' ' || s[i] == '-') {
			seps = append(seps, s[i])
			i++
		} else {
			seps = append(seps, ')')
		}
	}
	end := 0
	for len(groups) < 6 {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i {
			break
		}
		groups = append(groups, j-i)
		end = j
		if j+1 < len(s) && strings.IndexByte("-. ", s[j]) >= 0 && isDigit(s[j+1]) {
			seps = append(seps, s[j])
			i = j + 1
			continue
		}
		break
	}
	if end == 0 || (end < len(s) && (isAlnum(s[end]) || s[end] == '/' || (s[end] == '.' && end+1 < len(s) && isDigit(s[end+1])))) {
		return 0
	}
	total := 0
	for _, g := range groups {
		total += g
	}
	sepsAll := func(c byte) bool {
		for _, x := range seps {
			if x != c && x != ')' {
				return false
			}
		}
		return true
	}
	switch {
	case intl:
		if total < 8 || total > 15 || len(groups) < 2 {
			return 0
		}
		for _, g := range groups {
			if g > 4 {
				return 0
			}
		}
		return end
	case paren:
		if len(groups) == 3 && groups[1] == 3 && groups[2] == 4 && (seps[1] == '-' || seps[1] == '.') {
			return end
		}
	case len(groups) == 2 && groups[0] == 3 && groups[1] == 4 && seps[0] == '-':
		return end
	case len(groups) == 3 && groups[0] == 3 && groups[1] == 3 && groups[2] == 4 && (sepsAll('-') || sepsAll('.')):
		return end
	case len(groups) == 4 && groups[0] == 1 && groups[1] == 3 && groups[2] == 3 && groups[3] == 4 && (sepsAll('-') || sepsAll('.')):
		return end
	}
	return 0
}
