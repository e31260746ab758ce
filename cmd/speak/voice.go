package main

import (
	"github.com/mynah-speech/mynah/models"
	"github.com/mynah-speech/mynah/tts"
)

// defaultVoice returns the loader of the embedded default voice (Kathleen).
func defaultVoice() func() (*tts.Voice, error) {
	return func() (*tts.Voice, error) { return tts.LoadVoice(models.KathleenVoice()) }
}
