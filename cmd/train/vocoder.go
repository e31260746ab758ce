package main

import (
	"context"
	"fmt"
	"io"
)

// runVocoder is `train vocoder`: the TTS vocoder (see package
// train/vocoder, being written).
func runVocoder(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "train vocoder: not implemented yet")
	return 1
}
