package text

import (
	"fmt"
	"math"
	"strings"
)

// Score holds the edit counts of hypotheses against references, at the
// word and at the character level. Scores add, so a corpus score is the
// sum of its utterances' scores and its WER is (S+D+I)/N over the corpus,
// not a mean of per-utterance rates (the NIST sclite convention, and what
// ../shared/bench/wer.py reports).
type Score struct {
	Sub, Del, Ins int // word substitutions, deletions, insertions
	RefWords      int // N: words in the references
	CharEdits     int // character substitutions + deletions + insertions
	RefChars      int // characters in the references, single spaces counted
	Utterances    int
}

// Add returns the sum of two scores.
func (s Score) Add(o Score) Score {
	return Score{
		Sub: s.Sub + o.Sub, Del: s.Del + o.Del, Ins: s.Ins + o.Ins, RefWords: s.RefWords + o.RefWords,
		CharEdits: s.CharEdits + o.CharEdits, RefChars: s.RefChars + o.RefChars,
		Utterances: s.Utterances + o.Utterances,
	}
}

// WER returns the word error rate (S+D+I)/N as a fraction (0.25 is 25%),
// or NaN when there are no reference words.
func (s Score) WER() float64 {
	if s.RefWords == 0 {
		return math.NaN()
	}
	return float64(s.Sub+s.Del+s.Ins) / float64(s.RefWords)
}

// CER returns the character error rate as a fraction, or NaN when there
// are no reference characters.
func (s Score) CER() float64 {
	if s.RefChars == 0 {
		return math.NaN()
	}
	return float64(s.CharEdits) / float64(s.RefChars)
}

// String formats the score as wer.py's summary line:
// "WER 45.45% (2 sub, 2 del, 1 ins, 11 ref words) CER 35.56%".
func (s Score) String() string {
	pct := func(f float64) string {
		if math.IsNaN(f) {
			return "n/a"
		}
		return fmt.Sprintf("%.2f%%", 100*f)
	}
	return fmt.Sprintf("WER %s (%d sub, %d del, %d ins, %d ref words) CER %s",
		pct(s.WER()), s.Sub, s.Del, s.Ins, s.RefWords, pct(s.CER()))
}

// WER scores one hypothesis against its reference after normalising both
// with Normalize. Unlike wer.py, whose normaliser only lower-cases and
// strips punctuation, this one spells numbers and expands abbreviations,
// so "3 km" and "three kilometers" match here but not there; on text
// without digits, symbols or abbreviations the two agree.
func WER(ref, hyp string) Score {
	return ScoreNormalized(Normalize(ref), Normalize(hyp))
}

// ScoreNormalized scores texts that are already in the spoken form (or
// any form the caller chose): words are split at spaces, characters are
// compared with single spaces between words.
func ScoreNormalized(ref, hyp string) Score {
	rw, hw := strings.Fields(ref), strings.Fields(hyp)
	rc, hc := []rune(strings.Join(rw, " ")), []rune(strings.Join(hw, " "))
	s, d, i := EditCounts(rw, hw)
	cs, cd, ci := EditCounts(rc, hc)
	return Score{Sub: s, Del: d, Ins: i, RefWords: len(rw), CharEdits: cs + cd + ci, RefChars: len(rc), Utterances: 1}
}

// EditCounts aligns hyp to ref by Levenshtein distance and returns the
// substitutions, deletions and insertions of a minimal alignment. Among
// equal-cost alignments it prefers substitutions, then deletions, exactly
// as wer.py does, so the S/D/I split (not only the total) agrees with it.
// Time is O(len(ref)·len(hyp)), memory O(len(hyp)).
func EditCounts[T comparable](ref, hyp []T) (sub, del, ins int) {
	n, m := len(ref), len(hyp)
	if n == 0 {
		return 0, 0, m
	}
	if m == 0 {
		return 0, n, 0
	}
	type cell struct{ c, s, d, i int }
	prev := make([]cell, m+1)
	cur := make([]cell, m+1)
	for j := range prev {
		prev[j] = cell{c: j, i: j}
	}
	for a := 1; a <= n; a++ {
		cur[0] = cell{c: a, d: a}
		r := ref[a-1]
		for j := 1; j <= m; j++ {
			best := prev[j-1]
			if r != hyp[j-1] {
				best.c++
				best.s++
			}
			if up := prev[j]; up.c+1 < best.c {
				best = cell{up.c + 1, up.s, up.d + 1, up.i}
			}
			if left := cur[j-1]; left.c+1 < best.c {
				best = cell{left.c + 1, left.s, left.d, left.i + 1}
			}
			cur[j] = best
		}
		prev, cur = cur, prev
	}
	e := prev[m]
	return e.s, e.d, e.i
}
