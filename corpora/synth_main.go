//go:build ignore

// synth_main makes a batch of synthetic speech into the cache and caches
// it, as cmd/train will (build tag ignore: a development tool):
//
//	go run ./corpora/synth_main.go -batch b1 -seed 1 -hours 3
//	go run ./corpora/synth_main.go -batch d1 -seed 1 -digits 3000 -corpus synthdigits
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/mynah-speech/mynah/corpora"
)

func main() {
	shared := flag.String("shared", "../shared", "the ../shared folder (text/lm, corpora)")
	cache := flag.String("cache", "", "cache folder (default corpora.CacheDir())")
	batch := flag.String("batch", "b1", "batch name")
	seed := flag.Uint64("seed", 1, "seed for sentences, voices, speed and pitch")
	hours := flag.Float64("hours", 1, "stop after this much audio")
	workers := flag.Int("workers", 1, "engine processes at once")
	digits := flag.Int("digits", 0, "read this many spoken-digit prompts (corpora.DigitPrompts) instead of book sentences")
	corpus := flag.String("corpus", "", `corpus label of the entries (default "synth")`)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := corpora.SynthConfig{Batch: *batch, Seed: *seed, Hours: *hours, Workers: *workers, Corpus: *corpus}
	if *digits > 0 {
		cfg.Texts = corpora.DigitPrompts(*digits, *seed)
		cfg.Utterances = *digits
	}
	m, err := corpora.PrepareSynth(ctx, *shared, *cache, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(m)
}
