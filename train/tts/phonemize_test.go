package tts

import (
	"slices"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/tts/acoustic"
)

func TestSymbols(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hello world.", "<sil> HH AH0 L OW1 # W ER1 L D . <sil>"},
		{"Yes, sir!", "<sil> Y EH1 S , S ER1 ! <sil>"},
	} {
		got := strings.Join(Symbols(tc.in), " ")
		if got != tc.want {
			t.Errorf("Symbols(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Every symbol of a varied prompt is in the model's alphabet.
	syms := Symbols("Author of the danger trail, Philip Steels, etc. 42 times; why? Zyxqwv!")
	for _, s := range syms {
		if !slices.Contains(acoustic.DefaultSymbols(), s) {
			t.Errorf("symbol %q not in the alphabet", s)
		}
	}
}
