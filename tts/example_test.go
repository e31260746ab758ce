package tts_test

import (
	"fmt"
	"strings"

	"github.com/mynah-speech/mynah/tts"
)

func ExamplePhonemize() {
	phrases, err := tts.Phonemize("Hello, world! Dr. Smith paid $3.50.")
	if err != nil {
		panic(err)
	}
	for _, p := range phrases {
		fmt.Printf("%s | %v\n", strings.Join(p.Symbols, " "), p.Pause)
	}
	// Output:
	// <sil> HH AH0 L OW1 , # W ER1 L D ! <sil> | 250ms
	// <sil> D AA1 K T ER0 # S M IH1 TH # P EY1 D # TH R IY1 # D AA1 L ER0 Z # AH0 N D # F IH1 F T IY0 # S EH1 N T S . <sil> | 0s
}
