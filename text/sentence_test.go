package text

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three? Four", []string{"One.", "Two!", "Three?", "Four"}},
		{"Mr. Smith met Dr. Jones at St. Paul's. They talked.", []string{"Mr. Smith met Dr. Jones at St. Paul's.", "They talked."}},
		{"It cost $3.50 today. Pi is 3.14159.", []string{"It cost $3.50 today.", "Pi is 3.14159."}},
		{"The U.S. Army came. J. R. R. Tolkien wrote.", []string{"The U.S. Army came.", "J. R. R. Tolkien wrote."}},
		{"Apples, pears, etc. Then more.", []string{"Apples, pears, etc.", "Then more."}},
		{"e.g. this one. See No. 5 here.", []string{"e.g. this one.", "See No. 5 here."}},
		{`"Who?" he asked. "Me!" She laughed.`, []string{`"Who?" he asked.`, `"Me!"`, "She laughed."}},
		{"He left (at noon.) Then I came.", []string{"He left (at noon.)", "Then I came."}},
		{"wrapped\nline one. Next\nline.", []string{"wrapped line one.", "Next line."}},
		{"CHAPTER I\n\nIt was a dark night.", []string{"CHAPTER I", "It was a dark night."}},
		{"At 5 p.m. Then he left.", []string{"At 5 p.m.", "Then he left."}},
		{"Jan. 5 was cold.", []string{"Jan. 5 was cold."}},
		{"Wait\u2026 What?", []string{"Wait\u2026", "What?"}},
		{"“Stop.” He did.", []string{"“Stop.”", "He did."}},
		{"", nil},
		{"   \n\n  ", nil},
	}
	for _, tt := range tests {
		if got := SplitSentences(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitSentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// The scanner must give the same sentences whatever the read sizes.
func TestSentenceScannerStreaming(t *testing.T) {
	in := strings.Repeat("Mr. Smith paid $3.50 on Jan. 5. The U.S. Army left! Why? ", 200)
	want := SplitSentences(in)
	var got []string
	sc := NewSentenceScanner(iotest.OneByteReader(strings.NewReader(in)))
	for sc.Scan() {
		got = append(got, sc.Text())
	}
	if sc.Err() != nil {
		t.Fatal(sc.Err())
	}
	if !reflect.DeepEqual(got, want) || len(got) != 600 {
		t.Fatalf("one-byte reads: %d sentences, want %d (600)", len(got), len(want))
	}
}

func TestSentenceScannerLong(t *testing.T) {
	in := strings.Repeat("word ", MaxSentenceBytes/2)
	n := 0
	for s := range Sentences(strings.NewReader(in)) {
		if len(s) > MaxSentenceBytes+16 {
			t.Fatalf("sentence of %d bytes", len(s))
		}
		n++
	}
	if n < 2 {
		t.Fatalf("%d sentences, want the run-on text cut", n)
	}
	blob := strings.Repeat("x", 3*MaxSentenceBytes)
	for s := range Sentences(strings.NewReader(blob)) {
		if len(s) > 2*MaxSentenceBytes {
			t.Fatalf("unbroken text gave a sentence of %d bytes", len(s))
		}
	}
}

func TestSentencesError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("One. Two. "), iotest.ErrReader(boom))
	var got []string
	var err error
	for s, e := range Sentences(r) {
		if e != nil {
			err = e
			break
		}
		got = append(got, s)
	}
	if !errors.Is(err, boom) || len(got) != 2 {
		t.Fatalf("got %q, err %v; want two sentences then boom", got, err)
	}
}

func TestEncodings(t *testing.T) {
	// Windows-1252 bytes: "Café “ok” – 5€"
	latin := "Caf\xe9 \x93ok\x94 \x96 5\x80"
	if got := Normalize(latin); got != "cafe ok five euros" {
		t.Errorf("Normalize(cp1252) = %q", got)
	}
	if got := SplitSentences("Caf\xe9. Na\xefve."); !reflect.DeepEqual(got, []string{"Café.", "Naïve."}) {
		t.Errorf("SplitSentences(cp1252) = %q", got)
	}
	// UTF-16LE with a byte-order mark.
	u16 := []byte{0xff, 0xfe}
	for _, r := range "Hi there. Bye." {
		u16 = append(u16, byte(r), 0)
	}
	if got := SplitSentences(string(u16)); !reflect.DeepEqual(got, []string{"Hi there.", "Bye."}) {
		t.Errorf("SplitSentences(UTF-16) = %q", got)
	}
}
