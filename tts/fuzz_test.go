package tts

import (
	"errors"
	"testing"
)

// FuzzPhonemize checks that any text gives well-formed phrases or
// ErrNoWords, and never panics.
func FuzzPhonemize(f *testing.F) {
	for _, s := range []string{"Hello, world!", "Dr. Smith paid $3.50 on Jan. 5, 2024.", "", "...", "\xff\xfe\x00a", "a,b;c:d?e!f."} {
		f.Add(s)
	}
	inv := map[string]bool{}
	for _, s := range Symbols() {
		inv[s] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		phrases, err := Phonemize(s)
		if err != nil {
			if !errors.Is(err, ErrNoWords) {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, p := range phrases {
			if len(p.Symbols) < 3 || len(p.Symbols) > MaxPhraseSymbols {
				t.Fatalf("phrase of %d symbols", len(p.Symbols))
			}
			for _, sym := range p.Symbols {
				if !inv[sym] {
					t.Fatalf("symbol %q not in the inventory", sym)
				}
			}
		}
	})
}
