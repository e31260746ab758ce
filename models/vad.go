package models

import _ "embed"

//go:embed vad.safetensors
var vadModel []byte

// VAD returns the learned voice activity detector (package vad's model
// file: safetensors with its config, which records the training command and
// the evaluation figures; see VAD.md). Load it with vad.LoadModel. The
// slice is shared: do not modify it.
func VAD() []byte { return vadModel }
