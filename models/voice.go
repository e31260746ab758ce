package models

import _ "embed"

//go:embed voice-kathleen.safetensors
var kathleenVoice []byte

// KathleenVoice returns the default text-to-speech voice (package tts's
// voice file: the acoustic model and the vocoder in one safetensors, with
// a JSON card of data, licence, command and figures; see VOICE.md). Load
// it with tts.LoadVoice. The slice is shared: do not modify it.
func KathleenVoice() []byte { return kathleenVoice }
