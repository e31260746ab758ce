package main

import (
	"context"
	"io"

	"github.com/mynah-speech/mynah/models"
	decodeeval "github.com/mynah-speech/mynah/train/decode"
)

// runDecode is `train decode`: the decoder's dev evaluation and (α, β)
// tuning with the embedded models as defaults (see train/decode).
func runDecode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return decodeeval.Main(ctx, args, stdout, stderr, decodeeval.Embedded{Model: models.EnglishASR(), LM: models.EnglishLM()})
}
