package main

import (
	"context"
	"io"

	vadtrain "github.com/mynah-speech/mynah/train/vad"
)

// runVAD is `train vad`: the learned voice activity detector, trained on
// constructed scenes and scored with the energy baseline on the held-out
// evaluation set (see train/vad).
func runVAD(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return vadtrain.Main(ctx, args, stdout, stderr)
}
