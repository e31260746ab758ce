//go:build ignore

// voice_gen.go writes a voice file (tts.WriteVoice) from an exported
// acoustic model (train tts) and an exported vocoder (train vocoder):
//
//	go run ./models/voice_gen.go \
//	    -acoustic ~/.cache/mynah/train/tts-kathleen/acoustic.safetensors \
//	    -vocoder ~/.cache/mynah/train/vocoder/vocoder.safetensors \
//	    -card card.json -o models/voice-kathleen.safetensors
//
// card.json holds a tts.VoiceCard (name, data, licence, command, figures).
// Weights are stored as F16 (-dtype F32 to keep them whole).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/acoustic"
	"github.com/mynah-speech/mynah/tts/vocoder"
)

func main() {
	acousticPath := flag.String("acoustic", "", "acoustic model file (train tts export)")
	vocoderPath := flag.String("vocoder", "", "vocoder model file (train vocoder export)")
	cardPath := flag.String("card", "", "voice card JSON (tts.VoiceCard)")
	out := flag.String("o", "", "voice file to write")
	dtype := flag.String("dtype", "F16", "weight type: F16 or F32")
	flag.Parse()
	if err := run(*acousticPath, *vocoderPath, *cardPath, *out, safetensors.DType(*dtype)); err != nil {
		fmt.Fprintln(os.Stderr, "voice_gen:", err)
		os.Exit(1)
	}
}

func run(acousticPath, vocoderPath, cardPath, out string, dtype safetensors.DType) error {
	if acousticPath == "" || vocoderPath == "" || out == "" {
		return fmt.Errorf("need -acoustic, -vocoder and -o")
	}
	ab, err := os.ReadFile(acousticPath)
	if err != nil {
		return err
	}
	am, err := acoustic.Load(ab)
	if err != nil {
		return fmt.Errorf("%s: %w", acousticPath, err)
	}
	vb, err := os.ReadFile(vocoderPath)
	if err != nil {
		return err
	}
	vm, err := vocoder.LoadBytes(vb, tts.VocoderPrefix)
	if err != nil {
		return fmt.Errorf("%s: %w", vocoderPath, err)
	}
	var card tts.VoiceCard
	if cardPath != "" {
		cb, err := os.ReadFile(cardPath)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(cb, &card); err != nil {
			return fmt.Errorf("%s: %w", cardPath, err)
		}
	}
	var buf bytes.Buffer
	if err := tts.WriteVoice(&buf, card, am, vm, dtype); err != nil {
		return err
	}
	if _, err := tts.LoadVoice(buf.Bytes()); err != nil {
		return fmt.Errorf("the written voice does not load: %w", err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d bytes\n", out, buf.Len())
	return nil
}
