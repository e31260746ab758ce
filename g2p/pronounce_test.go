package g2p

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestPhones(t *testing.T) {
	tests := []struct {
		word string
		want string // "" with src None: nil
		src  Source
	}{
		{"hello", "HH AH0 L OW1", FromDict},
		{"Record", "R AH0 K AO1 R D", FromDict}, // the first variant
		{"don’t", "D OW1 N T", FromDict},
		{"ad-hoc", "AE1 D HH AA1 K", FromDict}, // CMUdict has the hyphenated form
		{"hello-kitty", "HH AH0 L OW1 K IH1 T IY0", FromParts},
		{"xylophone's", "Z AY1 L AH0 F OW2 N Z", FromParts},
		{"grapefruit's", "G R EY1 P F R UW2 T S", FromParts},
		{"tortoises'", "T AO1 R T AH0 S AH0 Z", FromParts},
		{"123", "", None},
		{"", "", None},
		{"--", "", None},
	}
	for _, tt := range tests {
		got, src := PhonesSource(tt.word)
		if src != tt.src || Pronunciation(got).String() != tt.want {
			t.Errorf("PhonesSource(%q) = %v, %v; want %q, %v", tt.word, Pronunciation(got), src, tt.want, tt.src)
		}
	}
}

func TestPhonesOOV(t *testing.T) {
	for _, w := range []string{"blorpington", "zyxomatic", "mynahs", "Grobnitz", "unfrobnicated"} {
		if CMUdict().Contains(w) {
			t.Fatalf("%q is in CMUdict: pick another OOV word", w)
		}
		got, src := PhonesSource(w)
		if src != FromModel || len(got) == 0 {
			t.Errorf("PhonesSource(%q) = %v, %v; want the model's phones", w, Pronunciation(got), src)
		}
		primary := 0
		for _, p := range got {
			if !p.Valid() {
				t.Errorf("%q: invalid phone %v", w, p)
			}
			if p.Stress() == Primary {
				primary++
			}
		}
		if primary == 0 {
			t.Logf("%q: %v has no primary stress", w, Pronunciation(got))
		}
	}
}

func TestPronounce(t *testing.T) {
	got := Pronounce("Dr. Smith paid $3.50.")
	var words []string
	for _, w := range got {
		words = append(words, w.Text)
		if w.Source != FromDict || len(w.Phones) == 0 {
			t.Errorf("%q: %v from %v", w.Text, Pronunciation(w.Phones), w.Source)
		}
	}
	want := "doctor smith paid three dollars and fifty cents"
	if strings.Join(words, " ") != want {
		t.Errorf("Pronounce words = %q, want %q", words, want)
	}
	if got[0].Phones[0] != D {
		t.Errorf("doctor = %v", Pronunciation(got[0].Phones))
	}
	if len(Pronounce("")) != 0 {
		t.Error("Pronounce(\"\") is not empty")
	}
}

// TestHeldOut scores the embedded model on the held-out 5% of CMUdict
// words and checks the figures its model card (MODEL.md and the file's
// own card) reports.
func TestHeldOut(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 6,000 words")
	}
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	card, err := ModelCard(g2pModel)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	var refs [][]Pronunciation
	for w, ps := range SplitWords(CMUdict(), SplitTest) {
		words = append(words, w)
		refs = append(refs, ps)
	}
	preds := m.PredictBatch(words)
	var s Score
	for i := range words {
		s.Add(preds[i], refs[i])
	}
	t.Logf("held-out: PER %.2f%% WER %.2f%% over %d words", 100*s.PER(), 100*s.WER(), s.Words)
	for key, got := range map[string]float64{"test_per": 100 * s.PER(), "test_wer": 100 * s.WER()} {
		want, err := strconv.ParseFloat(card[key], 64)
		if err != nil {
			t.Fatalf("card %s = %q: %v", key, card[key], err)
		}
		if d := got - want; d > 0.005 || d < -0.005 {
			t.Errorf("%s = %.2f, the card says %.2f", key, got, want)
		}
	}
	if card["test_words"] != strconv.Itoa(s.Words) {
		t.Errorf("scored %d words, the card says %s", s.Words, card["test_words"])
	}
}

func TestDefaultModelCard(t *testing.T) {
	if len(g2pModel) > 2<<20 {
		t.Errorf("embedded model is %d bytes, over 2 MiB", len(g2pModel))
	}
	m, err := DefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	if !m.Config().Stress || m.Vocab().Size() != 70 {
		t.Errorf("embedded model config %+v", m.Config())
	}
	card, err := ModelCard(g2pModel)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile("MODEL.md")
	if errors.Is(err, os.ErrNotExist) {
		t.Fatal("MODEL.md is missing")
	}
	for _, key := range []string{"test_per", "test_wer"} {
		if !strings.Contains(string(md), card[key]+"%") {
			t.Errorf("MODEL.md does not state %s = %s%%", key, card[key])
		}
	}
}

func TestVariants(t *testing.T) {
	if got := Variants("read"); len(got) != 2 || got[1].String() != "R IY1 D" {
		t.Errorf("Variants(read) = %v", got)
	}
	if got := Variants("blorpington"); len(got) != 1 || len(got[0]) == 0 {
		t.Errorf("Variants(blorpington) = %v", got)
	}
	if got := Variants("42"); got != nil {
		t.Errorf("Variants(42) = %v", got)
	}
}

// Phones is safe for concurrent use (run with -race).
func TestPhonesConcurrent(t *testing.T) {
	words := []string{"hello", "blorpington", "zyxomatic", "don't", "xylophone's"}
	want := make([]string, len(words))
	for i, w := range words {
		want[i] = Pronunciation(Phones(w)).String()
	}
	done := make(chan string, 4)
	for g := range 4 {
		go func() {
			for k := range 10 {
				i := (g + k) % len(words)
				if got := Pronunciation(Phones(words[i])).String(); got != want[i] {
					done <- words[i] + ": " + got + ", want " + want[i]
					return
				}
			}
			done <- ""
		}()
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
