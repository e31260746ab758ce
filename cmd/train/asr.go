package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/train/asr"
)

// stringList collects a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runASR(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts := asr.DefaultOptions()
	fs := flag.NewFlagSet("train asr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	shared := fs.String("shared", "", "prepare manifests and the PCM cache from this ../shared/corpora folder first")
	fs.StringVar(&opts.NoiseDir, "noise", "", "noise folder for augmentation (default: ../shared/noise when it exists)")
	var manifests stringList
	fs.Var(&manifests, "manifest", "training manifest, JSON Lines (repeatable; default: the prepared ../shared train split)")
	fs.StringVar(&opts.Dev, "dev", "", "dev manifest (default: the prepared ../shared dev split)")
	fs.StringVar(&opts.CacheDir, "cache", "", "PCM cache folder (default $MYNAH_CACHE or ~/.cache/mynah)")
	fs.StringVar(&opts.WorkDir, "work", "", "work folder for checkpoints, ledger and best model (default CACHE/train/asr)")
	fs.StringVar(&opts.Init, "init", "", "start from this model file (fine-tuning)")
	fs.Int64Var(&opts.Steps, "steps", 0, "stop after this many optimiser steps in this run (0: until --total-steps)")
	fs.Int64Var(&opts.TotalSteps, "total-steps", opts.TotalSteps, "length of the LR schedule")
	fs.Int64Var(&opts.WarmupSteps, "warmup-steps", opts.WarmupSteps, "LR warm-up steps")
	fs.Float64Var(&opts.PeakLR, "lr", opts.PeakLR, "peak learning rate")
	fs.Float64Var(&opts.BatchSeconds, "batch-seconds", opts.BatchSeconds, "padded audio seconds per optimiser step")
	fs.Float64Var(&opts.MaxSeconds, "max-seconds", opts.MaxSeconds, "drop longer training utterances")
	fs.IntVar(&opts.Workers, "workers", opts.Workers, "data-parallel workers (one per core)")
	fs.Int64Var(&opts.EvalEvery, "eval-every", opts.EvalEvery, "evaluate on dev every N steps")
	fs.Int64Var(&opts.CheckpointEvery, "checkpoint-every", opts.CheckpointEvery, "checkpoint every N steps")
	fs.IntVar(&opts.DevLimit, "dev-limit", 0, "evaluate at most N dev utterances (0: all)")
	fs.Uint64Var(&opts.Seed, "seed", opts.Seed, "random seed")
	fs.IntVar(&opts.Model.Dim, "dim", opts.Model.Dim, "block width")
	fs.IntVar(&opts.Model.Blocks, "blocks", opts.Model.Blocks, "number of blocks")
	fs.IntVar(&opts.Model.Heads, "heads", opts.Model.Heads, "attention heads")
	fs.StringVar(&opts.Model.Name, "name", opts.Model.Name, "model name")
	fs.IntVar(&opts.Model.FreqAttentionHeads, "freq-attention-heads", opts.Model.FreqAttentionHeads, "heads of the attention over frequency (0: none; ablation)")
	fs.BoolVar(&opts.Model.TimeAttention, "time-attention", opts.Model.TimeAttention, "self-attention over time (false: conv blocks only; ablation)")
	noAugment := fs.Bool("no-augment", false, "turn off every augmentation (waveform and SpecAugment); the flags below then turn single ones back on")
	noiseProb := fs.Float64("noise-prob", -1, "share of utterances mixed with noise at 0-20 dB (negative: the recipe's)")
	reverbProb := fs.Float64("reverb-prob", -1, "share convolved with a simulated room (negative: the recipe's)")
	telephoneProb := fs.Float64("telephone-prob", -1, "share band-limited to the telephone band (negative: the recipe's)")
	padProb := fs.Float64("pad-prob", -1, "share surrounded by 0-1 s of quiet room tone on each side (negative: the recipe's)")
	speedPerturb := fs.String("speed-perturb", "", `"on" or "off": 0.9/1.0/1.1 speed perturbation (empty: the recipe's)`)
	freqMasks := fs.Int("freq-masks", -1, "SpecAugment frequency masks per utterance (negative: the recipe's)")
	timeMaskShare := fs.Float64("time-mask-share", -1, "SpecAugment: share of frames under time masks (negative: the recipe's)")
	fs.IntVar(&opts.InterBlock, "inter-block", opts.InterBlock, "intermediate CTC loss on this block's output (0: off)")
	fs.Float64Var(&opts.InterWeight, "inter-weight", opts.InterWeight, "weight of the intermediate CTC loss")
	fs.IntVar(&opts.PhoneBlock, "phone-block", opts.PhoneBlock, "block whose output feeds the auxiliary phone-CTC head")
	fs.Float64Var(&opts.PhoneWeight, "phone-weight", opts.PhoneWeight, "weight of the auxiliary phone-CTC loss (0: off; a model without the head gets one)")
	fs.Int64Var(&opts.CleanSteps, "clean-steps", opts.CleanSteps, "train the first N steps without augmentation or chunk masks")
	fs.Float64Var(&opts.ChunkProb, "chunk-prob", opts.ChunkProb, "share of steps trained with a random attention chunk (streaming)")
	dropout := fs.Float64("dropout", -1, "replace the model's dropout rate for this run and its resumptions (negative: keep it)")
	mixCaps := fs.String("mix-caps", "", `cap corpus families at a share of each epoch's audio, "family=share,..." or "none" (default "fsdd=0.05,ravdess=0.05")`)
	export := fs.String("export", "", "instead of training, write the run's best weights (or, with --from-checkpoint, the checkpoint's EMA weights) to this model file")
	exportF32 := fs.Bool("export-f32", false, "with --export: store fp32 instead of fp16 weights")
	fromCheckpoint := fs.Bool("from-checkpoint", false, "with --export: use the checkpoint's EMA weights even when a best model exists")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *dropout >= 0 {
		rate := float32(*dropout)
		opts.Dropout = &rate
	}
	if *mixCaps != "" {
		caps, err := parseMixCaps(*mixCaps)
		if err != nil {
			fmt.Fprintf(stderr, "train asr: --mix-caps: %v\n", err)
			return 2
		}
		opts.MixCaps = caps
	}
	if *noAugment {
		opts.NoiseProb, opts.ReverbProb, opts.TelephoneProb, opts.SpeedPerturb, opts.PadProb = 0, 0, 0, false, 0
		opts.FreqMasks, opts.TimeMaskShare = 0, 0
	}
	setIfGiven(&opts.NoiseProb, *noiseProb)
	setIfGiven(&opts.ReverbProb, *reverbProb)
	setIfGiven(&opts.TelephoneProb, *telephoneProb)
	setIfGiven(&opts.PadProb, *padProb)
	setIfGiven(&opts.TimeMaskShare, *timeMaskShare)
	if *freqMasks >= 0 {
		opts.FreqMasks = *freqMasks
	}
	switch *speedPerturb {
	case "":
	case "on", "off":
		opts.SpeedPerturb = *speedPerturb == "on"
	default:
		fmt.Fprintf(stderr, "train asr: --speed-perturb %q: want on or off\n", *speedPerturb)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train asr: unexpected arguments %q\n", fs.Args())
		return 2
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		d, err := corpora.CacheDir()
		if err != nil {
			fmt.Fprintf(stderr, "train asr: %v\n", err)
			return 1
		}
		cacheDir = d
	}
	if opts.WorkDir == "" {
		opts.WorkDir = filepath.Join(cacheDir, "train", "asr")
	}
	if *export != "" {
		dtype := safetensors.F16
		if *exportF32 {
			dtype = safetensors.F32
		}
		if err := asr.Export(opts.WorkDir, *export, dtype, *fromCheckpoint, nil); err != nil {
			fmt.Fprintf(stderr, "train asr: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "wrote %s\n", *export)
		return 0
	}
	trainPath := filepath.Join(cacheDir, "manifests", "train.jsonl")
	devPath := filepath.Join(cacheDir, "manifests", "dev.jsonl")
	if *shared != "" {
		var err error
		trainPath, devPath, err = corpora.PrepareShared(ctx, *shared, cacheDir, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "train asr: prepare %s: %v\n", *shared, err)
			return 1
		}
	}
	if len(manifests) == 0 {
		if _, err := os.Stat(trainPath); err != nil {
			fmt.Fprintf(stderr, "train asr: no training manifest: give --manifest, or --shared ../shared/corpora to prepare one\n")
			return 2
		}
		manifests = append(manifests, trainPath)
	}
	opts.Train = manifests
	if opts.Dev == "" {
		if _, err := os.Stat(devPath); err == nil {
			opts.Dev = devPath
		}
	}
	if opts.NoiseDir == "" {
		guess := "../shared/noise"
		if *shared != "" {
			guess = filepath.Join(filepath.Dir(filepath.Clean(*shared)), "noise")
		}
		if _, err := os.Stat(guess); err == nil {
			opts.NoiseDir = guess
		}
	}
	opts.CacheDir = cacheDir
	opts.Log = stderr
	if err := asr.Train(ctx, opts); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "train asr: stopped: checkpoint saved in %s\n", opts.WorkDir)
			return 0
		}
		fmt.Fprintf(stderr, "train asr: %v\n", err)
		return 1
	}
	return 0
}

// setIfGiven stores v in *dst unless v is negative (the flag's "not given").
func setIfGiven(dst *float64, v float64) {
	if v >= 0 {
		*dst = v
	}
}

// parseMixCaps reads --mix-caps: "none", or comma-separated family=share
// pairs with shares in (0, 1).
func parseMixCaps(s string) (map[string]float64, error) {
	caps := map[string]float64{}
	if strings.TrimSpace(s) == "none" {
		return caps, nil
	}
	for _, part := range strings.Split(s, ",") {
		family, share, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || family == "" {
			return nil, fmt.Errorf("%q is not family=share", part)
		}
		v, err := strconv.ParseFloat(share, 64)
		if err != nil || !(v > 0 && v < 1) {
			return nil, fmt.Errorf("share %q of %s is not a number in (0, 1)", share, family)
		}
		caps[corpora.Family(family)] = v
	}
	return caps, nil
}
