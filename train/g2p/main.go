package g2p

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Main is `train g2p`: it parses args, trains (or resumes) and prints the
// figures. It returns the exit status: 0 done, 1 failed, 2 usage error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts := DefaultOptions()
	fs := flag.NewFlagSet("train g2p", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.WorkDir, "work", "", "work folder for the checkpoint and best weights (default $MYNAH_CACHE or ~/.cache/mynah, then train/g2p)")
	fs.StringVar(&opts.Out, "out", "", "write the final fp16 model here (the shipped one is g2p/g2p.safetensors)")
	fs.IntVar(&opts.Workers, "workers", opts.Workers, "data-parallel workers (one per core)")
	fs.IntVar(&opts.BatchWords, "batch", opts.BatchWords, "words per step")
	fs.Float64Var(&opts.Epochs, "epochs", opts.Epochs, "length of the LR schedule in epochs")
	fs.Float64Var(&opts.PeakLR, "lr", opts.PeakLR, "peak learning rate")
	fs.Int64Var(&opts.WarmupSteps, "warmup-steps", opts.WarmupSteps, "LR warm-up steps")
	fs.Int64Var(&opts.Steps, "steps", 0, "stop this run after N steps (0: finish the schedule); runs resume")
	fs.DurationVar(&opts.MaxDuration, "max-duration", 0, "stop this run after this long (0: no limit); runs resume")
	fs.Int64Var(&opts.EvalEvery, "eval-every", opts.EvalEvery, "score dev every N steps")
	fs.IntVar(&opts.DevLimit, "dev-limit", opts.DevLimit, "score at most N dev words (0: all)")
	fs.Uint64Var(&opts.Seed, "seed", opts.Seed, "random seed")
	fs.IntVar(&opts.Model.Dim, "dim", opts.Model.Dim, "model width")
	fs.IntVar(&opts.Model.Layers, "layers", opts.Model.Layers, "encoder blocks")
	fs.IntVar(&opts.Model.Heads, "heads", opts.Model.Heads, "attention heads")
	fs.IntVar(&opts.Model.FFN, "ffn", opts.Model.FFN, "feed-forward width")
	fs.IntVar(&opts.Model.Upsample, "upsample", opts.Model.Upsample, "output frames per letter")
	export := fs.String("export", "", "instead of training, score the work folder's best weights and write them in fp16 with their figures to this file")
	fromCheckpoint := fs.Bool("from-checkpoint", false, "with -export: use the latest checkpoint's EMA weights instead of the best")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train g2p: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if opts.WorkDir == "" {
		base := os.Getenv("MYNAH_CACHE")
		if base == "" {
			d, err := os.UserCacheDir()
			if err != nil {
				fmt.Fprintf(stderr, "train g2p: %v\n", err)
				return 1
			}
			base = filepath.Join(d, "mynah")
		}
		opts.WorkDir = filepath.Join(base, "train", "g2p")
	}
	if *export != "" {
		dev, test, err := Export(opts.WorkDir, *export, *fromCheckpoint, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "%v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "dev  PER %.2f%% WER %.2f%% (%d words)\n", 100*dev.PER(), 100*dev.WER(), dev.Words)
		fmt.Fprintf(stdout, "test PER %.2f%% WER %.2f%% (%d words)\n", 100*test.PER(), 100*test.WER(), test.Words)
		return 0
	}
	opts.Log = stderr
	res, err := Train(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "steps %d (%.2f epochs) params %d\n", res.Steps, res.Epochs, res.Params)
	if res.Test.Words > 0 {
		fmt.Fprintf(stdout, "dev  PER %.2f%% WER %.2f%% (%d words)\n", 100*res.Dev.PER(), 100*res.Dev.WER(), res.Dev.Words)
		fmt.Fprintf(stdout, "test PER %.2f%% WER %.2f%% (%d words)\n", 100*res.Test.PER(), 100*res.Test.WER(), res.Test.Words)
	}
	return 0
}
