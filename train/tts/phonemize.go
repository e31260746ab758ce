package tts

import (
	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/text"
	"github.com/mynah-speech/mynah/tts/acoustic"
)

// Symbols turns a prompt into the acoustic model's input as one phrase:
// "<sil>", the words' phones (g2p: CMUdict, else the letter-to-sound
// model) with "#" between consecutive words, each break of
// text.NormalizeTTS as its own symbol in place of the "#", and "<sil>" at
// the end. A training utterance is read as one phrase, its inner pauses
// carried by the break symbols. (The front-end's tts.Phonemize follows the
// same contract; this copy keeps the recipe independent of it.)
func Symbols(prompt string) []string {
	syms := []string{acoustic.Silence}
	prevWord := false
	for _, tok := range text.NormalizeTTS(prompt) {
		if tok.Kind == text.Break {
			syms = append(syms, tok.Text)
			prevWord = false
			continue
		}
		phones := g2p.Phones(tok.Text)
		if len(phones) == 0 {
			continue
		}
		if prevWord {
			syms = append(syms, acoustic.WordBreak)
		}
		for _, p := range phones {
			syms = append(syms, p.String())
		}
		prevWord = true
	}
	return append(syms, acoustic.Silence)
}
