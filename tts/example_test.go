package tts_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/ttstest"
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

func ExampleSynthesizer_Stream() {
	// A real program loads a voice file with tts.LoadVoiceFile; the fake
	// voice of ttstest makes tones, which is enough to show the API.
	synth, err := tts.NewSynthesizer(ttstest.Voice(), tts.Options{Speed: 1.2, SampleRate: 16000})
	if err != nil {
		panic(err)
	}
	text := strings.NewReader("First sentence. And a second one, read while the first plays.")
	stream := synth.Stream(context.Background(), tts.PhraseStream(text))
	defer stream.Close()
	buf := make([]float32, 4096)
	total := 0
	for {
		n, err := stream.Read(buf) // play or write buf[:n] here
		total += n
		if err != nil {
			fmt.Println(err, stream.SampleRate(), total > 16000)
			break
		}
	}
	// Output:
	// EOF 16000 Hz true
}
