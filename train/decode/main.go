package decode

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/lm"
)

// Embedded are the default models a command passes in (package models is
// above this one in the layers, so the command supplies the bytes).
type Embedded struct {
	Model, LM []byte
}

// floatList is a comma-separated list of numbers (a flag.Value).
type floatList []float64

func (l *floatList) String() string {
	parts := make([]string, len(*l))
	for i, x := range *l {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func (l *floatList) Set(s string) error {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", f)
		}
		out = append(out, x)
	}
	*l = out
	return nil
}

// Main is `train decode`: it parses args, runs the acoustic model once
// over dev (or reads its cached output), evaluates and prints the
// Markdown report on stdout (and JSON with -json). Exit codes: 0 success,
// 1 failure, 2 usage.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, emb Embedded) int {
	cacheRoot, _ := corpora.CacheDir()
	opts := DefaultOptions()
	fs := flag.NewFlagSet("train decode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "acoustic model file (default: the embedded one)")
	lmPath := fs.String("lm", "", "language model, binary or ARPA (default: the embedded one)")
	devPath := fs.String("dev", filepath.Join(cacheRoot, "manifests", "dev.jsonl"), "dev manifest (JSON Lines)")
	lmText := fs.String("lm-text", filepath.Join(cacheRoot, "manifests", "train.jsonl"), "manifest whose transcripts trained the LM, to count dev sentences it has seen (\"\" to skip)")
	limit := fs.Int("limit", 0, "at most this many dev utterances, spread over the corpus families (0: all)")
	cacheDir := fs.String("cache", filepath.Join(cacheRoot, "decode"), "folder of cached log-probabilities (\"\" for none)")
	jsonPath := fs.String("json", "", "also write the report as JSON to this file")
	render := fs.String("render", "", "only render this JSON report (from -json) as Markdown")
	alphas := floatList(opts.Alphas)
	betas := floatList(opts.Betas)
	boosts := floatList(opts.HotwordBoosts)
	fs.Var(&alphas, "alphas", "LM weights α of the grid")
	fs.Var(&betas, "betas", "word bonuses β of the grid")
	fs.Var(&boosts, "hotword-boosts", "per-token hotword boosts to try")
	var phoneBetas floatList
	fs.Var(&phoneBetas, "phone-betas", "word bonuses β of the phone-lexicon search (default: -betas)")
	fs.IntVar(&opts.Beam, "beam", opts.Beam, "beam size")
	fs.IntVar(&opts.Workers, "workers", opts.Workers, "utterances decoded at once")
	fs.IntVar(&opts.Hotwords, "hotwords", opts.Hotwords, "hotword list size (0: skip the hotword test)")
	fs.IntVar(&opts.HotwordsInDev, "hotwords-in-dev", opts.HotwordsInDev, "how many of the list occur in dev")
	fs.Float64Var(&opts.HotwordKeep, "hotword-keep", opts.HotwordKeep, "bonus each completed hotword word keeps (0: the decoder's default, DefaultHotwordKeepPerBoost × boost; negative: its per-token boosts, as icefall)")
	fs.BoolVar(&opts.Spotting.Off, "spot-off", false, "hotwords through the beam's boosts alone, without the CTC word spotter")
	fs.Float64Var(&opts.Spotting.TokenWeight, "spot-token-weight", 0, "spotter: bonus per frame on a hotword token (0: the decoder's default)")
	fs.Float64Var(&opts.Spotting.AlignTokenWeight, "spot-align-weight", 0, "spotter: bonus per token of the greedy words it must beat (0: the default)")
	fs.Float64Var(&opts.Spotting.MinScore, "spot-min-score", 0, "spotter: least score of a spotted word (0: the default)")
	fs.Float64Var(&opts.Spotting.MinOverlap, "spot-min-overlap", 0, "spotter: share of a word's frames a spotted word must cover to replace it (0: the default)")
	fs.Float64Var(&opts.HotwordMinLMLogProb, "hotword-min-lm", opts.HotwordMinLMLogProb, "least LM ln prob of a hotword word (0: the decoder's default; -1000: the LM's own)")
	fs.BoolVar(&opts.Phone, "phone", opts.Phone, "compare phone-lexicon decoding when the model has a phone head")
	fs.Float64Var(&opts.OOVPenalty, "oov-penalty", opts.OOVPenalty, "penalty per word that leaves the LM's vocabulary (negative: the decoder's default)")
	fs.Float64Var(&opts.OOVCharPenalty, "oov-char-penalty", opts.OOVCharPenalty, "penalty per further letter of such a word (negative: the decoder's default)")
	fs.Float64Var(&opts.PhoneSeparatorPenalty, "phone-sep-penalty", opts.PhoneSeparatorPenalty, "phone mode: separator log-prob = blank's minus this")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train decode: unexpected arguments %q\n", fs.Args())
		return 2
	}
	opts.Alphas, opts.Betas, opts.HotwordBoosts, opts.PhoneBetas = alphas, betas, boosts, phoneBetas
	opts.Log = stderr
	if *render != "" {
		if err := renderJSON(*render, stdout); err != nil {
			fmt.Fprintf(stderr, "train decode: %v\n", err)
			return 1
		}
		return 0
	}
	if err := run(ctx, opts, emb, *modelPath, *lmPath, *devPath, *lmText, *cacheDir, *jsonPath, *limit, stdout); err != nil {
		fmt.Fprintf(stderr, "train decode: %v\n", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, opts Options, emb Embedded, modelPath, lmPath, devPath, lmText, cacheDir, jsonPath string, limit int, stdout io.Writer) error {
	raw, name := emb.Model, "embedded"
	if modelPath != "" {
		var err error
		if raw, err = os.ReadFile(modelPath); err != nil {
			return fmt.Errorf("model: %w", err)
		}
		name = modelPath
	}
	model, err := acoustic.Load(raw)
	if err != nil {
		return fmt.Errorf("model %s: %w", name, err)
	}
	var langModel *lm.Model
	lmName := "embedded"
	switch lmPath {
	case "none":
		lmName = "none"
	case "":
		if langModel, err = lm.Load(emb.LM); err != nil {
			return fmt.Errorf("embedded LM: %w", err)
		}
	default:
		data, err := os.ReadFile(lmPath)
		if err != nil {
			return fmt.Errorf("LM: %w", err)
		}
		if langModel, err = lm.Parse(data); err != nil {
			return fmt.Errorf("LM %s: %w", lmPath, err)
		}
		lmName = filepath.Base(lmPath)
	}
	all, err := corpora.ReadManifestFile(devPath)
	if err != nil {
		return fmt.Errorf("dev manifest: %w", err)
	}
	entries := SelectEntries(all, limit)
	if len(entries) == 0 {
		return fmt.Errorf("dev manifest %s: no usable utterances", devPath)
	}
	if lmText != "" {
		if seen, err := corpora.ReadManifestFile(lmText); err == nil {
			opts.SeenTexts = map[string]bool{}
			for _, e := range seen {
				opts.SeenTexts[strings.Join(strings.Fields(e.Text), " ")] = true
			}
		} else {
			fmt.Fprintf(opts.Log, "LM text %s: %v (skipping the seen-sentence count)\n", lmText, err)
		}
	}

	key := CacheKey(model.ID(), entries)
	var post *Posteriors
	if cacheDir != "" {
		if post, err = LoadCached(cacheDir, key, model.ID(), entries); err == nil {
			fmt.Fprintf(opts.Log, "log-probs of %d utterances from %s\n", len(entries), filepath.Join(cacheDir, key+".gob"))
		} else if full := SelectEntries(all, 0); len(full) > len(entries) {
			// A limited run reuses the whole dev set's cached pass.
			fullKey := CacheKey(model.ID(), full)
			if whole, err := LoadCached(cacheDir, fullKey, model.ID(), full); err == nil {
				post = subset(whole, entries)
				fmt.Fprintf(opts.Log, "log-probs of %d of %d utterances from %s\n", len(entries), len(full), filepath.Join(cacheDir, fullKey+".gob"))
			}
		}
	}
	if post == nil {
		start := time.Now()
		var cache *corpora.Cache
		if root, err := corpora.CacheDir(); err == nil {
			if c, err := corpora.OpenCache(root); err == nil {
				cache = c
				defer c.Close()
			}
		}
		samples := func(e corpora.Entry, dst []float32) ([]float32, error) {
			if cache != nil && cache.Has(e) {
				return cache.AppendSamples(dst[:0], e)
			}
			s, err := audio.Load(e.Audio, 16000)
			if err != nil {
				return dst, err
			}
			return append(dst[:0], s...), nil
		}
		if post, err = ComputePosteriors(ctx, model, entries, samples, opts.Workers, opts.Log); err != nil {
			return err
		}
		fmt.Fprintf(opts.Log, "acoustic pass: %d utterances in %.1f s\n", len(entries), time.Since(start).Seconds())
		if cacheDir != "" {
			if err := SaveCached(cacheDir, key, post); err != nil {
				fmt.Fprintf(opts.Log, "cache: %v\n", err)
			}
		}
	}
	speaker := map[string]string{}
	for _, e := range entries {
		speaker[e.Corpus+"/"+e.ID] = e.Speaker
	}
	for i := range post.Utterances {
		u := &post.Utterances[i]
		u.Speaker = speaker[u.Corpus+"/"+u.ID]
	}
	rep, err := Evaluate(ctx, post, langModel, lmName, opts)
	if err != nil {
		return err
	}
	if jsonPath != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(jsonPath, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	return rep.WriteMarkdown(stdout)
}

// subset keeps whole's utterances that entries name, in entries' order.
func subset(whole *Posteriors, entries []corpora.Entry) *Posteriors {
	byKey := map[string]int{}
	for i, u := range whole.Utterances {
		byKey[u.Corpus+"/"+u.ID] = i
	}
	out := *whole
	out.Utterances = make([]Utterance, 0, len(entries))
	for _, e := range entries {
		if i, ok := byKey[e.Corpus+"/"+e.ID]; ok {
			out.Utterances = append(out.Utterances, whole.Utterances[i])
		}
	}
	return &out
}

// renderJSON prints a saved JSON report as Markdown.
func renderJSON(path string, w io.Writer) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("report %s: %w", path, err)
	}
	return r.WriteMarkdown(w)
}
