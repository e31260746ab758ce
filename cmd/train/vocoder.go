package main

import (
	"context"
	"io"

	trainvocoder "github.com/mynah-speech/mynah/train/vocoder"
)

// runVocoder is `train vocoder`: the TTS vocoder's correction network
// (see package train/vocoder).
func runVocoder(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return trainvocoder.Main(ctx, args, stdout, stderr)
}
