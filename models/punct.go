package models

import _ "embed"

//go:embed punct-en.safetensors
var punctuation []byte

// Punctuation returns the default English punctuation and casing tagger,
// a model file of package punct (punct.Load reads it); see PUNCT.md. The
// slice is shared: do not modify it.
func Punctuation() []byte { return punctuation }
