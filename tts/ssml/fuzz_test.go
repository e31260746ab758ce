package ssml

import (
	"errors"
	"testing"

	"github.com/mynah-speech/mynah/tts"
)

// FuzzParse checks that any bytes give phrases within the symbol
// inventory or a positioned *Error (or ErrNoWords), and never panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`<speak>Hello <break time="300ms"/><prosody rate="fast" pitch="+2st" volume="-3dB">world</prosody>.</speak>`))
	f.Add([]byte(`<speak><say-as interpret-as="date" format="dmy">5/1/1984</say-as></speak>`))
	inv := map[string]bool{}
	for _, s := range tts.Symbols() {
		inv[s] = true
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		phrases, err := Parse(doc)
		if err != nil {
			var e *Error
			if !errors.Is(err, tts.ErrNoWords) && (!errors.As(err, &e) || e.Line < 1 || e.Column < 1) {
				t.Fatalf("error without a position: %v", err)
			}
		}
		for _, p := range phrases {
			if len(p.Symbols) > tts.MaxPhraseSymbols || p.Pause < 0 {
				t.Fatalf("bad phrase %+v", p)
			}
			for _, s := range p.Symbols {
				if !inv[s] {
					t.Fatalf("symbol %q not in the inventory", s)
				}
			}
		}
	})
}
