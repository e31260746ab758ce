package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	ttstrain "github.com/mynah-speech/mynah/train/tts"
)

// runTTS is `train tts`: the TTS acoustic model on Kathleen (see package
// train/tts). Started again on the same --work folder it resumes.
func runTTS(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := ttstrain.DefaultOptions()
	home, _ := os.UserHomeDir()
	fs := flag.NewFlagSet("train tts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Corpus, "corpus", o.Corpus, "Kathleen corpus folder (manifest.tsv, audio/)")
	fs.StringVar(&o.WorkDir, "work", filepath.Join(home, ".cache/mynah/train/tts"), "work folder: features cache, config, checkpoint, ledger, best model")
	fs.IntVar(&o.Dim, "dim", 0, "model width (0: acoustic.DefaultConfig, 128); fixed by the first run's config.json")
	fs.IntVar(&o.Blocks, "blocks", 0, "encoder and decoder blocks (0: 4); fixed by the first run's config.json")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	fs.IntVar(&o.BatchFrames, "batch-frames", o.BatchFrames, "padded frames per step")
	fs.Float64Var(&o.PeakLR, "lr", o.PeakLR, "peak learning rate")
	fs.Int64Var(&o.WarmupSteps, "warmup-steps", o.WarmupSteps, "warm-up steps")
	fs.Int64Var(&o.TotalSteps, "total-steps", o.TotalSteps, "steps of the whole run (cosine schedule length)")
	fs.Int64Var(&o.BinarizeFrom, "binarize-from", o.BinarizeFrom, "step at which the alignment binarisation loss starts")
	fs.Int64Var(&o.EvalEvery, "eval-every", o.EvalEvery, "steps between dev evaluations and checkpoints")
	fs.IntVar(&o.DevUtts, "dev-utts", o.DevUtts, "dev utterances synthesised for MCD (0: all)")
	until := fs.String("until", "", "stop (with a checkpoint) at this UTC time, HH:MM")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *until != "" {
		t, err := time.Parse("15:04", *until)
		if err != nil {
			fmt.Fprintf(stderr, "train tts: --until %q: want HH:MM\n", *until)
			return 2
		}
		now := time.Now().UTC()
		o.Deadline = time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
		if o.Deadline.Before(now) {
			o.Deadline = o.Deadline.Add(24 * time.Hour)
		}
	}
	if err := ttstrain.Train(ctx, o, stderr); err != nil {
		fmt.Fprintf(stderr, "train tts: %v\n", err)
		return 1
	}
	return 0
}
