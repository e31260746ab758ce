package main

import (
	"context"
	"io"

	trainpunct "github.com/mynah-speech/mynah/train/punct"
)

// runPunct is `train punct`: the punctuation and casing tagger (see
// package train/punct).
func runPunct(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return trainpunct.Main(ctx, args, stdout, stderr)
}
