package tts

import (
	"fmt"

	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/acoustic"
)

// Symbols turns a prompt into the acoustic model's input exactly as the
// front-end (tts.Phonemize) will at synthesis: "<sil>", each word's phones
// with "#" between words and the breaks as their own symbols, "<sil>". A
// recording is one utterance, so when the front-end cuts the prompt into
// several phrases they are joined with a single "<sil>" between them (the
// pause the speaker made there).
func Symbols(prompt string) ([]string, error) {
	phrases, err := tts.Phonemize(prompt)
	if err != nil {
		return nil, fmt.Errorf("phonemize %q: %w", prompt, err)
	}
	var syms []string
	for _, p := range phrases {
		s := p.Symbols
		if len(syms) > 0 && len(s) > 0 && s[0] == acoustic.Silence && syms[len(syms)-1] == acoustic.Silence {
			s = s[1:]
		}
		syms = append(syms, s...)
	}
	return syms, nil
}
