package main

import (
	"context"
	"io"

	"github.com/mynah-speech/mynah/train/emotion"
)

// runEmotion is `train emotion`: speaker-disjoint cross-validation of the
// emotion models and training of the shipped one (see train/emotion).
func runEmotion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return emotion.Main(ctx, args, stdout, stderr)
}
