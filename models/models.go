package models

import _ "embed"

//go:embed asr-en.safetensors
var englishASR []byte

// EnglishASR returns the default English acoustic model file (safetensors,
// fp16 weights). The slice is shared: do not modify it.
func EnglishASR() []byte { return englishASR }
