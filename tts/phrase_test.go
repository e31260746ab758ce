package tts

import (
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestPhonemize(t *testing.T) {
	tests := []struct {
		in      string
		symbols []string // one line of symbols per phrase
		pauses  []time.Duration
	}{
		{"Hello, world!", []string{"<sil> HH AH0 L OW1 , # W ER1 L D ! <sil>"}, []time.Duration{0}},
		{"Hello world", []string{"<sil> HH AH0 L OW1 # W ER1 L D <sil>"}, []time.Duration{0}},
		{"Yes. No? OK", []string{"<sil> Y EH1 S . <sil>", "<sil> N OW1 ? <sil>", "<sil> OW1 K EY1 <sil>"},
			[]time.Duration{SentencePause, SentencePause, 0}},
		{"Wait; now: go.", []string{"<sil> W EY1 T ; # N AW1 : # G OW1 . <sil>"}, []time.Duration{0}},
		{"Well... maybe.", []string{"<sil> W EH1 L . <sil>", "<sil> M EY1 B IY0 . <sil>"}, []time.Duration{SentencePause, 0}},
		{"a 1", []string{"<sil> AH0 # W AH1 N <sil>"}, []time.Duration{0}},
	}
	for _, tt := range tests {
		got, err := Phonemize(tt.in)
		if err != nil {
			t.Errorf("Phonemize(%q): %v", tt.in, err)
			continue
		}
		var lines []string
		var pauses []time.Duration
		for _, p := range got {
			lines = append(lines, strings.Join(p.Symbols, " "))
			pauses = append(pauses, p.Pause)
		}
		if !slices.Equal(lines, tt.symbols) {
			t.Errorf("Phonemize(%q) symbols\n got %q\nwant %q", tt.in, lines, tt.symbols)
		}
		if !slices.Equal(pauses, tt.pauses) {
			t.Errorf("Phonemize(%q) pauses %v, want %v", tt.in, pauses, tt.pauses)
		}
	}
}

// The example verbalises fully; the comma of the date stays a break.
func TestPhonemizeVerbalises(t *testing.T) {
	got, err := Phonemize("Dr. Smith paid $3.50 on Jan. 5, 2024.")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d phrases, want 1: %+v", len(got), got)
	}
	const want = "doctor smith paid three dollars and fifty cents on january fifth , twenty twenty four ."
	if got[0].Text != want {
		t.Errorf("text %q\nwant %q", got[0].Text, want)
	}
	words := strings.Fields(strings.NewReplacer(",", "", ".", "").Replace(got[0].Text))
	if n := strings.Count(strings.Join(got[0].Symbols, " "), WordBoundary); n != len(words)-1 {
		t.Errorf("%d word boundaries for %d words", n, len(words))
	}
}

func TestPhonemizeSymbolsInInventory(t *testing.T) {
	inv := map[string]bool{}
	for _, s := range Symbols() {
		if inv[s] {
			t.Errorf("symbol %q twice", s)
		}
		inv[s] = true
	}
	if len(inv) != 77 {
		t.Errorf("%d symbols, want 77", len(inv))
	}
	// Out-of-vocabulary words go through the learned model.
	got, err := Phonemize("The zorblaxian quixotrons frobnicated, 42 times; 3rd of May 1999 at 10:30 am! Why? Smörgåsbord.")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got {
		if p.Symbols[0] != Silence || p.Symbols[len(p.Symbols)-1] != Silence {
			t.Errorf("phrase %q not framed by <sil>", p.Symbols)
		}
		for i, s := range p.Symbols {
			if !inv[s] {
				t.Errorf("symbol %q not in the inventory", s)
			}
			if s == Silence && i != 0 && i != len(p.Symbols)-1 {
				t.Errorf("inner <sil> in %q", p.Symbols)
			}
		}
	}
}

func TestPhonemizeEmpty(t *testing.T) {
	for _, in := range []string{"", "   ", "!!! ...", "東京"} {
		if _, err := Phonemize(in); !errors.Is(err, ErrNoWords) {
			t.Errorf("Phonemize(%q) error %v, want ErrNoWords", in, err)
		}
	}
}

func TestPhraseStreamReadError(t *testing.T) {
	errBoom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("One sentence here. Another one follows it, and it goes on"), iotest.ErrReader(errBoom))
	var n int
	var last error
	for _, err := range PhraseStream(r) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 2 { // the unfinished second sentence is kept too
		t.Errorf("%d phrases before the error, want 2", n)
	}
	if !errors.Is(last, errBoom) {
		t.Errorf("error %v, want the read error", last)
	}
}

// Long sentences are cut at clause breaks and, failing those, at words.
func TestPhonemizeLongSentence(t *testing.T) {
	clause := strings.Repeat("the cat sat on the mat ", 8) // about 120 symbols
	text := strings.Repeat(clause+", ", 6) + strings.Repeat("and then ", 200) + "."
	got, err := Phonemize(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 4 {
		t.Fatalf("only %d phrases", len(got))
	}
	for i, p := range got {
		if len(p.Symbols) > MaxPhraseSymbols {
			t.Errorf("phrase %d has %d symbols", i, len(p.Symbols))
		}
		if i < len(got)-1 && p.Pause != ClausePause {
			t.Errorf("phrase %d pause %v", i, p.Pause)
		}
	}
	if got[0].Symbols[len(got[0].Symbols)-2] != "," {
		t.Errorf("first cut not at a comma: %q", got[0].Symbols[len(got[0].Symbols)-5:])
	}
}

func TestPhraseBuilder(t *testing.T) {
	var b PhraseBuilder
	b.Pause(300 * time.Millisecond) // leading silence
	b.Text("Hello")
	b.SetProsody(Prosody{Rate: 2})
	b.Text("there. General")
	b.Pause(time.Second) // closes "general"
	b.Pause(time.Second) // and adds to its pause
	b.Pronounced("kenobi", nil)
	b.Break(",") // nothing before it in this phrase: ignored
	b.Text("Kenobi")
	b.EndSentence()
	got := b.Phrases()
	if n := len(got); n != 4 {
		t.Errorf("Phrases gave %d, want 4 (the last held back)", n)
	}
	got = append(got, b.Finish()...)
	type row struct {
		text    string
		pause   time.Duration
		prosody Prosody
	}
	var rows []row
	for _, p := range got {
		rows = append(rows, row{p.Text, p.Pause, p.Prosody})
	}
	want := []row{
		{"", 300 * time.Millisecond, Prosody{}},
		{"hello", 0, Prosody{}},
		{"there .", SentencePause, Prosody{Rate: 2}},
		{"general", 2 * time.Second, Prosody{Rate: 2}},
		{"kenobi", 0, Prosody{Rate: 2}}, // the last phrase: no pause
	}
	if !slices.Equal(rows, want) {
		t.Errorf("phrases\n got %+v\nwant %+v", rows, want)
	}
	// An explicit pause right after a sentence end replaces its default.
	b.Text("Done.")
	b.Pause(time.Second)
	if got := b.Finish(); len(got) != 1 || got[0].Pause != time.Second || got[0].Prosody != (Prosody{}) {
		t.Errorf("got %+v, want one phrase with a 1s pause", got)
	}
}

func TestProsodyScales(t *testing.T) {
	tests := []struct {
		p                 Prosody
		rate, pitch, gain float64
	}{
		{Prosody{}, 1, 1, 1},
		{Prosody{Rate: 2, Pitch: 0.5, VolumeDB: -6.0206}, 2, 0.5, 0.5},
		{Prosody{Rate: -1, Pitch: math.NaN(), VolumeDB: math.Inf(-1)}, 1, 1, 0},
	}
	for _, tt := range tests {
		if r, p, g := tt.p.RateScale(), tt.p.PitchScale(), tt.p.Gain(); r != tt.rate || p != tt.pitch || math.Abs(g-tt.gain) > 1e-4 {
			t.Errorf("%+v: rate %v pitch %v gain %v", tt.p, r, p, g)
		}
	}
}
