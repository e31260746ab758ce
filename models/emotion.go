package models

import _ "embed"

//go:embed emotion.safetensors
var emotionModel []byte

// Emotion returns the default emotion tagger (package emotion's model
// file: safetensors with its config and training card). RAVDESS, its
// training data, is licensed CC BY-NC-SA 4.0: the weights are for
// non-commercial use only (see EMOTION.md). The slice is shared: do not
// modify it.
func Emotion() []byte { return emotionModel }
