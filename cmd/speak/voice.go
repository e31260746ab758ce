package main

import "github.com/mynah-speech/mynah/tts"

// defaultVoice returns the loader of the embedded default voice, or nil
// while none is built in: the Kathleen voice is still being trained, and
// speak must never pass off anything else as speech.
func defaultVoice() func() (*tts.Voice, error) { return nil }
