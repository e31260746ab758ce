package tts

import (
	"slices"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/acoustic"
)

func TestSymbols(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hello world.", "<sil> HH AH0 L OW1 # W ER1 L D . <sil>"},
		{"Yes, sir! Go.", "<sil> Y EH1 S , # S ER1 ! <sil> G OW1 . <sil>"},
	} {
		got, err := Symbols(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("Symbols(%q) = %q, want %q", tc.in, s, tc.want)
		}
	}
}

// The model's alphabet is the front-end's.
func TestAlphabetMatchesFrontEnd(t *testing.T) {
	a, b := slices.Clone(acoustic.DefaultSymbols()), slices.Clone(tts.Symbols())
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Fatalf("acoustic alphabet %v\nfront-end alphabet %v", a, b)
	}
}
