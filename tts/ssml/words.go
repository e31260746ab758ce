package ssml

import (
	"strings"
)

// Number words for say-as, American style like package text: no "and"
// inside cardinals ("one hundred twenty"), years read in pairs. text keeps
// its verbaliser unexported, and say-as must not go through its guessing
// ("1999" is a year to text, a cardinal to interpret-as="cardinal").

var smallNumbers = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}

var tensWords = [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

var scaleWords = [...]string{"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"}

// cardinalWords appends the words of n.
func cardinalWords(dst []string, n uint64) []string {
	if n == 0 {
		return append(dst, "zero")
	}
	var groups [7]uint64
	g := 0
	for ; n > 0; g++ {
		groups[g] = n % 1000
		n /= 1000
	}
	for g--; g >= 0; g-- {
		if groups[g] == 0 {
			continue
		}
		dst = hundredsWords(dst, int(groups[g]))
		if g > 0 {
			dst = append(dst, scaleWords[g])
		}
	}
	return dst
}

// hundredsWords appends the words of 1 ≤ n ≤ 999.
func hundredsWords(dst []string, n int) []string {
	if n >= 100 {
		dst = append(dst, smallNumbers[n/100], "hundred")
		n %= 100
	}
	return tensUnits(dst, n)
}

// tensUnits appends the words of 1 ≤ n ≤ 99 (nothing for 0).
func tensUnits(dst []string, n int) []string {
	switch {
	case n == 0:
		return dst
	case n < 20:
		return append(dst, smallNumbers[n])
	case n%10 == 0:
		return append(dst, tensWords[n/10])
	}
	return append(dst, tensWords[n/10], smallNumbers[n%10])
}

// ordinalWords appends the words of the ordinal n ("twenty first").
func ordinalWords(dst []string, n uint64) []string {
	start := len(dst)
	dst = cardinalWords(dst, n)
	last := len(dst) - 1
	if last < start {
		return dst
	}
	dst[last] = ordinalOf(dst[last])
	return dst
}

var irregularOrdinals = map[string]string{
	"one": "first", "two": "second", "three": "third", "five": "fifth",
	"eight": "eighth", "nine": "ninth", "twelve": "twelfth",
}

// ordinalOf turns one cardinal word into its ordinal.
func ordinalOf(w string) string {
	if o, ok := irregularOrdinals[w]; ok {
		return o
	}
	if strings.HasSuffix(w, "y") {
		return w[:len(w)-1] + "ieth"
	}
	return w + "th"
}

// yearWords appends a year as it is read: "nineteen eighty four", "two
// thousand five", "twenty twenty four", "nineteen hundred", "nineteen oh
// five". Years outside 1000–9999 are read as cardinals.
func yearWords(dst []string, y int) []string {
	switch {
	case y < 1000 || y > 9999:
		return cardinalWords(dst, uint64(max(y, 0)))
	case y%1000 == 0 || ((y/100)%10 == 0 && y%100 < 10): // 2000, 2005, 1001
		return cardinalWords(dst, uint64(y))
	case y%100 == 0:
		return append(tensUnits(dst, y/100), "hundred")
	case y%100 < 10:
		return append(tensUnits(dst, y/100), "oh", smallNumbers[y%10])
	}
	return tensUnits(tensUnits(dst, y/100), y%100)
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// parseMonth reads a month as a number 1–12 or a name or its abbreviation
// of at least three letters ("Jan", "Sept.").
func parseMonth(s string) (int, bool) {
	if n, ok := parseSmall(s); ok {
		return n, n >= 1 && n <= 12
	}
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if len(s) < 3 {
		return 0, false
	}
	for i, name := range monthNames {
		if strings.HasPrefix(name, s) || (s == "sept" && i == 8) {
			return i + 1, true
		}
	}
	return 0, false
}

// parseSmall reads 1 to 9 ASCII digits.
func parseSmall(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
