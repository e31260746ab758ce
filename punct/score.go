package punct

import (
	"fmt"
	"strings"
)

// ClassScore counts one mark's hits: true positives, false positives
// (predicted, not in the reference) and false negatives (missed).
type ClassScore struct {
	TP, FP, FN int
}

// Precision is TP/(TP+FP), or 0 when nothing was predicted.
func (c ClassScore) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), or 0 when the reference has none.
func (c ClassScore) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall, 2TP/(2TP+FP+FN).
func (c ClassScore) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score holds the counts of a tagging compared with its reference, the
// usual figures of punctuation restoration (per-class precision, recall
// and F1 over word slots, as in Tilk and Alumäe 2016) plus casing
// accuracy over words. Scores add.
type Score struct {
	Marks       [NumMarks]ClassScore // indexed by Mark; None's entry is unused
	Words       int                  // words compared
	CaseCorrect int                  // words whose Case matches
}

// Compare scores hyp against ref, which must label the same words.
func Compare(ref, hyp []Token) (Score, error) {
	var s Score
	if len(ref) != len(hyp) {
		return s, fmt.Errorf("punct: compare %d reference tokens with %d", len(ref), len(hyp))
	}
	for i, r := range ref {
		h := hyp[i]
		if r.Word != h.Word {
			return s, fmt.Errorf("punct: compare word %d: %q against %q", i, r.Word, h.Word)
		}
		s.Words++
		if r.Case == h.Case {
			s.CaseCorrect++
		}
		if r.Mark == h.Mark {
			if r.Mark != None {
				s.Marks[r.Mark].TP++
			}
			continue
		}
		if h.Mark != None {
			s.Marks[h.Mark].FP++
		}
		if r.Mark != None {
			s.Marks[r.Mark].FN++
		}
	}
	return s, nil
}

// Add returns the sum of two scores.
func (s Score) Add(o Score) Score {
	for i := range s.Marks {
		s.Marks[i].TP += o.Marks[i].TP
		s.Marks[i].FP += o.Marks[i].FP
		s.Marks[i].FN += o.Marks[i].FN
	}
	s.Words += o.Words
	s.CaseCorrect += o.CaseCorrect
	return s
}

// CaseAccuracy is the share of words cased as in the reference.
func (s Score) CaseAccuracy() float64 { return ratio(s.CaseCorrect, s.Words) }

// String formats the figures as a small table.
func (s Score) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %9s %9s %9s %8s\n", "mark", "precision", "recall", "F1", "support")
	for m := Comma; m < numMarks; m++ {
		c := s.Marks[m]
		fmt.Fprintf(&b, "%-12s %9.3f %9.3f %9.3f %8d\n", markName(m), c.Precision(), c.Recall(), c.F1(), c.TP+c.FN)
	}
	fmt.Fprintf(&b, "casing accuracy %.4f over %d words", s.CaseAccuracy(), s.Words)
	return b.String()
}

func markName(m Mark) string {
	switch m {
	case Comma:
		return "comma"
	case Period:
		return "period"
	case Question:
		return "question"
	case Exclamation:
		return "exclamation"
	}
	return "none"
}
