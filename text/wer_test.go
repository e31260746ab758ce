package text

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditCounts(t *testing.T) {
	// wer.py's own hand-checked self-test cases.
	tests := []struct {
		ref, hyp     string
		sub, del, in int
	}{
		{"the cat sat", "the cat sat", 0, 0, 0},
		{"the cat sat", "the bat sat", 1, 0, 0},
		{"the cat sat on the mat", "the cat on the mat", 0, 1, 0},
		{"the cat sat", "the big cat sat down", 0, 0, 2},
		{"a b c d", "", 0, 4, 0},
		{"", "x y", 0, 0, 2},
		{"a b", "b a", 2, 0, 0}, // cost 2 either way; ties prefer substitutions
		{"a b c", "a c", 0, 1, 0},
	}
	for _, tt := range tests {
		s, d, i := EditCounts(strings.Fields(tt.ref), strings.Fields(tt.hyp))
		if s != tt.sub || d != tt.del || i != tt.in {
			t.Errorf("EditCounts(%q, %q) = %d %d %d, want %d %d %d", tt.ref, tt.hyp, s, d, i, tt.sub, tt.del, tt.in)
		}
	}
}

func TestWER(t *testing.T) {
	s := WER("It cost $3.", "it cost three dollars")
	if s.Sub+s.Del+s.Ins != 0 || s.RefWords != 4 {
		t.Errorf("numbers normalise on both sides: %+v", s)
	}
	total := WER("the cat sat on the mat", "the cat on the mat").Add(WER("a b c d", "a x c d"))
	if total.Sub != 1 || total.Del != 1 || total.RefWords != 10 || total.Utterances != 2 {
		t.Errorf("corpus total %+v", total)
	}
	if got := total.WER(); math.Abs(got-0.2) > 1e-12 {
		t.Errorf("WER %v, want 0.2", got)
	}
	if !math.IsNaN(WER("", "x").WER()) {
		t.Errorf("WER with no reference words should be NaN")
	}
	if got, want := WER("abc", "abd").CER(), 1.0/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("CER %v, want %v", got, want)
	}
	if got := total.String(); got != "WER 20.00% (1 sub, 1 del, 0 ins, 10 ref words) CER 17.24%" {
		t.Errorf("String() = %q", got)
	}
}

// TestAgainstWerPy scores the same utterances with ../shared/bench/wer.py
// and compares S, D, I, N and character edits. The texts avoid digits and
// abbreviations, where the two normalisers differ by design.
func TestAgainstWerPy(t *testing.T) {
	script := "/work/shared/bench/wer.py"
	if _, err := os.Stat(script); err != nil {
		t.Skip("wer.py not present")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not present")
	}
	pairs := [][2]string{
		{"The cat sat on the mat.", "the cat sat on a mat"},
		{"Well-known facts, don't you think?", "well known fact don't you think"},
		{"She said 'hello' twice", "she said hello hello twice"},
		{"a b c d e f", "b c x e f g h"},
		{"speech recognition is hard", ""},
		{"Kids are talking by the door", "kids talking by a door now"},
		{"the quick brown fox jumps over the lazy dog", "quick brown fox jumped over lazy dogs"},
		{"ALL CAPS TEXT HERE", "all caps text there"},
	}
	dir := t.TempDir()
	var ref, hyp strings.Builder
	var ours Score
	for i, p := range pairs {
		fmt.Fprintf(&ref, "u%d\t%s\n", i, p[0])
		fmt.Fprintf(&hyp, "u%d\t%s\n", i, p[1])
		ours = ours.Add(WER(p[0], p[1]))
	}
	rp, hp := filepath.Join(dir, "ref.tsv"), filepath.Join(dir, "hyp.tsv")
	os.WriteFile(rp, []byte(ref.String()), 0o644)
	os.WriteFile(hp, []byte(hyp.String()), 0o644)
	out, err := exec.Command(py, script, "--json", rp, hp).Output()
	if err != nil {
		t.Fatalf("wer.py: %v", err)
	}
	var theirs struct {
		Sub, Del, Ins int
		RefWords      int `json:"ref_words"`
		CharEdits     int `json:"char_edits"`
		RefChars      int `json:"ref_chars"`
	}
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatalf("wer.py output %q: %v", out, err)
	}
	if ours.Sub != theirs.Sub || ours.Del != theirs.Del || ours.Ins != theirs.Ins || ours.RefWords != theirs.RefWords ||
		ours.CharEdits != theirs.CharEdits || ours.RefChars != theirs.RefChars {
		t.Errorf("ours %+v\nwer.py %+v", ours, theirs)
	}
}
