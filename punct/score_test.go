package punct

import (
	"math"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	ref := toks("hello/C, there/. how are you/? fine/!")
	hyp := toks("hello/C. there/. how/C are/, you/? fine")
	s, err := Compare(ref, hyp)
	if err != nil {
		t.Fatal(err)
	}
	want := Score{Words: 6, CaseCorrect: 5}
	want.Marks[Comma] = ClassScore{TP: 0, FP: 1, FN: 1}
	want.Marks[Period] = ClassScore{TP: 1, FP: 1, FN: 0}
	want.Marks[Question] = ClassScore{TP: 1}
	want.Marks[Exclamation] = ClassScore{FN: 1}
	if s != want {
		t.Errorf("Compare = %+v, want %+v", s, want)
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"period precision", s.Marks[Period].Precision(), 0.5},
		{"period recall", s.Marks[Period].Recall(), 1},
		{"period F1", s.Marks[Period].F1(), 2.0 / 3},
		{"comma F1", s.Marks[Comma].F1(), 0},
		{"question F1", s.Marks[Question].F1(), 1},
		{"casing", s.CaseAccuracy(), 5.0 / 6},
		{"empty class", ClassScore{}.F1(), 0},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if sum := s.Add(s); sum.Words != 12 || sum.Marks[Period].TP != 2 || sum.CaseCorrect != 10 {
		t.Errorf("Add: %+v", sum)
	}
	if out := s.String(); !strings.Contains(out, "period") || !strings.Contains(out, "casing accuracy 0.8333") {
		t.Errorf("String:\n%s", out)
	}
}

func TestCompareMismatch(t *testing.T) {
	if _, err := Compare(toks("a b"), toks("a")); err == nil {
		t.Error("different lengths compared")
	}
	if _, err := Compare(toks("a b"), toks("a c")); err == nil {
		t.Error("different words compared")
	}
}
