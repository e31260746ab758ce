package text

import "strings"

// Number words, American style: no "and" inside cardinals ("one hundred
// twenty"), words separated by spaces where print would use hyphens
// ("twenty four"), as LibriSpeech transcripts write them.

var smallNumbers = [...]string{
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
	"seventeen", "eighteen", "nineteen",
}

var tensWords = [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

// scaleWords are the short-scale powers of a thousand.
var scaleWords = [...]string{
	"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion",
	"sextillion", "septillion", "octillion", "nonillion", "decillion",
}

// maxCardinalDigits is the longest digit string read as one number; longer
// ones (serial numbers, digits of pi) are read digit by digit.
const maxCardinalDigits = 3 * len(scaleWords)

// appendBelow1000 appends the words of 0 < n < 1000.
func appendBelow1000(dst []string, n int) []string {
	if n >= 100 {
		dst = append(dst, smallNumbers[n/100], "hundred")
		n %= 100
	}
	if n >= 20 {
		dst = append(dst, tensWords[n/10])
		n %= 10
		if n > 0 {
			dst = append(dst, smallNumbers[n])
		}
	} else if n > 0 {
		dst = append(dst, smallNumbers[n])
	}
	return dst
}

// appendCardinal appends the words of the decimal integer in digits (ASCII
// digits only, no separators). Leading zeros are ignored ("007" is seven);
// callers that want them read use appendDigits.
func appendCardinal(dst []string, digits string) []string {
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return append(dst, "zero")
	}
	if len(digits) > maxCardinalDigits {
		return appendDigits(dst, digits)
	}
	groups := (len(digits) + 2) / 3
	first := len(digits) - (groups-1)*3
	pos := 0
	for g := groups - 1; g >= 0; g-- {
		width := 3
		if g == groups-1 {
			width = first
		}
		n := atoiSmall(digits[pos : pos+width])
		pos += width
		if n == 0 {
			continue
		}
		dst = appendBelow1000(dst, n)
		if g > 0 {
			dst = append(dst, scaleWords[g])
		}
	}
	return dst
}

// appendDigits reads each digit on its own ("zero zero seven").
func appendDigits(dst []string, digits string) []string {
	for i := 0; i < len(digits); i++ {
		if c := digits[i]; c >= '0' && c <= '9' {
			dst = append(dst, smallNumbers[c-'0'])
		}
	}
	return dst
}

// appendYear reads a year the way English speakers say it: 1984 "nineteen
// eighty four", 1900 "nineteen hundred", 1905 "nineteen oh five", 2000 "two
// thousand", 2007 "two thousand seven", 2024 "twenty twenty four".
func appendYear(dst []string, y int) []string {
	if y < 1000 || y > 9999 {
		return appendCardinal(dst, itoa(y))
	}
	hi, lo := y/100, y%100
	switch {
	case y%1000 == 0 || (hi%10 == 0 && lo < 10):
		// 1000, 2000, 2005, 1009: "two thousand five"
		return appendCardinal(dst, itoa(y))
	case lo == 0:
		dst = appendBelow1000(dst, hi)
		return append(dst, "hundred")
	case lo < 10:
		dst = appendBelow1000(dst, hi)
		return append(dst, "oh", smallNumbers[lo])
	default:
		dst = appendBelow1000(dst, hi)
		return appendBelow1000(dst, lo)
	}
}

// ordinalWord turns the last word of a cardinal into its ordinal.
func ordinalWord(w string) string {
	switch w {
	case "one":
		return "first"
	case "two":
		return "second"
	case "three":
		return "third"
	case "five":
		return "fifth"
	case "eight":
		return "eighth"
	case "nine":
		return "ninth"
	case "twelve":
		return "twelfth"
	}
	if strings.HasSuffix(w, "y") {
		return w[:len(w)-1] + "ieth"
	}
	return w + "th"
}

// pluralWord makes the last word of a number plural ("the nineteen
// nineties", "three quarters", "the eighteen hundreds", "sixes").
func pluralWord(w string) string {
	switch {
	case w == "half":
		return "halves"
	case strings.HasSuffix(w, "y"):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "x") || strings.HasSuffix(w, "s"):
		return w + "es"
	}
	return w + "s"
}

// appendOrdinal appends the ordinal of the integer in digits.
func appendOrdinal(dst []string, digits string) []string {
	start := len(dst)
	dst = appendCardinal(dst, digits)
	if len(dst) > start {
		dst[len(dst)-1] = ordinalWord(dst[len(dst)-1])
	}
	return dst
}

// appendDecimal reads "3.14" as "three point one four": the integer part
// as a cardinal, the fraction digit by digit. An empty integer part (".5")
// reads "point five".
func appendDecimal(dst []string, intPart, fracPart string) []string {
	if intPart != "" {
		dst = appendCardinal(dst, intPart)
	}
	dst = append(dst, "point")
	return appendDigits(dst, fracPart)
}

// appendFraction reads n/d: "one half", "three quarters", "two thirds",
// "five eighths", "seven twentieths".
func appendFraction(dst []string, num, den string) []string {
	dst = appendCardinal(dst, num)
	one := strings.TrimLeft(num, "0") == "1"
	var denWord string
	switch strings.TrimLeft(den, "0") {
	case "2":
		denWord = "half"
	case "4":
		denWord = "quarter"
	}
	if denWord != "" {
		if !one {
			denWord = pluralWord(denWord)
		}
		return append(dst, denWord)
	}
	start := len(dst)
	dst = appendOrdinal(dst, den)
	if !one && len(dst) > start {
		dst[len(dst)-1] = pluralWord(dst[len(dst)-1])
	}
	return dst
}

// atoiSmall parses up to 9 ASCII digits; the caller has checked them.
func atoiSmall(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// itoa formats a non-negative int without strconv's allocations mattering.
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}
