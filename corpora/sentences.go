package corpora

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// SentenceOptions bound which book sentences are read aloud.
type SentenceOptions struct {
	// MinWords and MaxWords bound a sentence's length (defaults 4 and 24).
	MinWords, MaxWords int
	// MaxChars bounds its length in bytes (default 180).
	MaxChars int
}

func (o SentenceOptions) withDefaults() SentenceOptions {
	if o.MinWords <= 0 {
		o.MinWords = 4
	}
	if o.MaxWords <= 0 {
		o.MaxWords = 24
	}
	if o.MaxChars <= 0 {
		o.MaxChars = 180
	}
	return o
}

// typography maps the books' typographic characters to the ASCII the TTS
// engines read the same way as text.Normalize. Italics markers go.
var typography = strings.NewReplacer(
	"\u201c", `"`, "\u201d", `"`, "\u2018", "'", "\u2019", "'",
	"\u2014", " -- ", "\u2013", " - ", "_", "", "\u00a0", " ",
)

// titles are expanded before sentence splitting, so "Mr. Bennet" neither
// ends a sentence nor leaves the engines and the normaliser to disagree.
var titles = strings.NewReplacer("Mr. ", "Mister ", "Mrs. ", "Missus ", "Dr. ", "Doctor ", "Messrs. ", "Messieurs ")

// BookSentences reads the public-domain books of dir (../shared/text/lm:
// *.txt, paragraphs separated by blank lines) and returns the sentences a
// TTS engine and text.Normalize will agree on: typographic quotes and
// dashes made ASCII, titles spelled out, and sentences with digits,
// abbreviations, all-capital words (headings, roman numerals), brackets or
// other symbols dropped, so the synthetic audio says what the label says.
// Books listed by Gutenberg id in dir/EXCLUDE_BOOKS.txt are skipped. The
// order is the files' sorted order, then the text's.
func BookSentences(dir string, opts SentenceOptions) ([]string, error) {
	opts = opts.withDefaults()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	exclude := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(dir, "EXCLUDE_BOOKS.txt")); err == nil {
		for _, f := range strings.Fields(string(b)) {
			exclude[f] = true
		}
	}
	var out []string
	for _, f := range files {
		base := filepath.Base(f)
		if base == "EXCLUDE_BOOKS.txt" {
			continue
		}
		id, _, _ := strings.Cut(base, "-")
		if exclude[id] {
			continue
		}
		ss, err := fileSentences(f, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

func fileSentences(path string, opts SentenceOptions) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out []string
	var para strings.Builder
	flush := func() {
		p := strings.TrimSpace(para.String())
		para.Reset()
		if p == "" || strings.HasPrefix(p, "[") {
			return
		}
		for _, s := range splitSentences(titles.Replace(typography.Replace(p))) {
			if keepSentence(s, opts) {
				out = append(out, s)
			}
		}
	}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			flush()
			continue
		}
		para.WriteString(line)
		para.WriteByte(' ')
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// splitSentences cuts a paragraph after '.', '!' or '?' (and any closing
// quotes or brackets) followed by a space.
func splitSentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(p) && (p[j] == '"' || p[j] == '\'' || p[j] == ')') {
			j++
		}
		if j < len(p) && p[j] != ' ' {
			continue
		}
		if s := strings.TrimSpace(p[start:j]); s != "" {
			out = append(out, s)
		}
		start = j
		i = j - 1
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// keepSentence reports whether s is plain prose that every engine reads as
// written.
func keepSentence(s string, opts SentenceOptions) bool {
	if len(s) > opts.MaxChars {
		return false
	}
	words := strings.Fields(s)
	if len(words) < opts.MinWords || len(words) > opts.MaxWords {
		return false
	}
	first := []rune(strings.TrimLeft(s, `"'`))
	if len(first) == 0 || !unicode.IsUpper(first[0]) {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == ' ':
		case strings.ContainsRune(`,.;:!?'"-`, r):
		default:
			return false // digits, brackets, symbols, non-ASCII
		}
	}
	last := s[len(s)-1]
	if last != '.' && last != '!' && last != '?' && last != '"' && last != '\'' {
		return false // a sentence cut by a page break or a heading
	}
	for _, w := range words {
		letters := strings.Trim(w, `,.;:!?'"-`)
		caps := 0
		for _, r := range letters {
			if unicode.IsUpper(r) {
				caps++
			}
		}
		if caps >= 2 {
			return false // headings, acronyms, roman numerals
		}
		// A short capitalised word with a full stop ("J.", "St.") is an
		// abbreviation the engines expand their own way.
		if strings.HasSuffix(w, ".") && len(letters) <= 2 && caps == 1 {
			return false
		}
	}
	return true
}

// PickSentences returns up to n sentences chosen by seed: deduplicated by
// their normalised text, those whose normalised text is in exclude dropped
// (dev transcripts, so synthetic speech never reads a dev sentence), the
// rest ranked by SHA-256 of "seed:normalised text". The choice depends only
// on the seed and the set of sentences, not on their order.
func PickSentences(sentences []string, n int, seed uint64, exclude map[string]bool, normalize func(string) string) []string {
	type cand struct {
		raw  string
		rank uint64
	}
	seen := map[string]bool{}
	var cands []cand
	for _, s := range sentences {
		norm := normalize(s)
		if norm == "" || seen[norm] || exclude[norm] {
			continue
		}
		seen[norm] = true
		sum := sha256.Sum256([]byte(strconv.FormatUint(seed, 10) + ":" + norm))
		cands = append(cands, cand{s, binary.BigEndian.Uint64(sum[:8])})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].rank != cands[j].rank {
			return cands[i].rank < cands[j].rank
		}
		return cands[i].raw < cands[j].raw
	})
	if n > len(cands) {
		n = len(cands)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = cands[i].raw
	}
	return out
}
