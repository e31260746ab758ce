package models

import _ "embed"

//go:embed lm-en.bin
var englishLM []byte

// EnglishLM returns the default English word 4-gram language model in
// package lm's binary form (lm.Load reads it in place). The slice is
// shared: do not modify it.
func EnglishLM() []byte { return englishLM }
