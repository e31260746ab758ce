package corpora

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
)

// PrepareShared is the whole real-speech recipe in one call, the one
// cmd/train runs: read every corpus under sharedCorpora (../shared/corpora),
// write dir/manifests/train.jsonl and dev.jsonl (split by the committed dev
// list, reserved sets dropped), and decode both into the PCM cache in dir
// (CacheDir() when empty). It resumes where an earlier run stopped.
func PrepareShared(ctx context.Context, sharedCorpora, dir string, progress io.Writer) (trainPath, devPath string, err error) {
	if dir == "" {
		if dir, err = CacheDir(); err != nil {
			return "", "", err
		}
	}
	entries, err := SharedAll(sharedCorpora, Options{})
	if err != nil {
		return "", "", fmt.Errorf("read corpora: %w", err)
	}
	trainPath, devPath, err = WriteSplit(filepath.Join(dir, "manifests"), entries)
	if err != nil {
		return "", "", err
	}
	if progress != nil {
		train, dev := SplitDev(entries)
		fmt.Fprintf(progress, "manifests: %s (%d utterances, %.2f h), %s (%d, %.2f h)\n",
			trainPath, len(train), TotalDuration(train)/3600, devPath, len(dev), TotalDuration(dev)/3600)
	}
	if err := BuildCache(ctx, []string{trainPath, devPath}, dir, progress); err != nil {
		return trainPath, devPath, err
	}
	return trainPath, devPath, nil
}

// PrepareSynth makes (or resumes) the synthetic batch cfg under dir
// (CacheDir() when empty), reading sentences from sharedRoot/text/lm unless
// cfg.TextDir says otherwise and never a sentence of the dev split
// (sharedRoot/corpora), then caches its audio. It returns the batch's
// manifest, ready to be listed beside train.jsonl.
func PrepareSynth(ctx context.Context, sharedRoot, dir string, cfg SynthConfig, progress io.Writer) (string, error) {
	if dir == "" {
		d, err := CacheDir()
		if err != nil {
			return "", err
		}
		dir = d
	}
	if cfg.TextDir == "" {
		cfg.TextDir = filepath.Join(sharedRoot, "text", "lm")
	}
	if cfg.Exclude == nil {
		entries, err := SharedAll(filepath.Join(sharedRoot, "corpora"), Options{Normalize: cfg.Normalize})
		if err != nil {
			return "", fmt.Errorf("read dev texts: %w", err)
		}
		cfg.Exclude = DevTexts(entries)
	}
	manifest, _, err := Synthesize(ctx, cfg, dir, progress)
	if err != nil {
		return manifest, err
	}
	return manifest, BuildCache(ctx, []string{manifest}, dir, progress)
}
