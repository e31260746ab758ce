package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	ngram "github.com/mynah-speech/mynah/lm"
	"github.com/mynah-speech/mynah/models"
	trainlm "github.com/mynah-speech/mynah/train/lm"
)

// runLM is `train lm`: it estimates an n-gram LM from text (see package
// train/lm), optionally mixed with the embedded default.
func runLM(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	def := ngram.DefaultBuildConfig()
	opts := trainlm.Options{Progress: stderr}
	fs := flag.NewFlagSet("train lm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var texts, heldOut, vocab, mixes stringList
	fs.Var(&texts, "text", "training text: a file, a folder of *.txt files, or a .jsonl manifest's \"text\" fields (repeatable)")
	fs.Var(&heldOut, "heldout", "held-out text file to report perplexity and OOV rate on; never trained on (repeatable)")
	fs.Var(&vocab, "vocab", "word list or CMUdict file whose words join the vocabulary as low-mass unigrams (repeatable)")
	fs.Var(&mixes, "mix", "interpolate with MODEL:WEIGHT, MODEL being \"default\" (the embedded LM) or a model file (repeatable)")
	fs.StringVar(&opts.Out, "out", "", "output model: ARPA text if it ends in .arpa, else mynah's binary form")
	fs.IntVar(&opts.Build.Order, "order", def.Order, "n-gram order, 2..5")
	cutoffs := fs.String("cutoffs", joinInts(def.MinCounts), "comma-separated minimum counts per order, unigrams first (0 or 1 keeps all)")
	fs.Float64Var(&opts.Build.PruneThreshold, "prune", 0, "entropy-pruning threshold: drop n-grams raising perplexity by less than this fraction (e.g. 1e-7); 0 keeps all")
	maxMB := fs.Float64("max-mb", 0, "raise the pruning threshold until the model's binary form fits in this many MB (10^6 bytes); 0: no limit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train lm: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if len(texts) == 0 || opts.Out == "" {
		fmt.Fprintln(stderr, "train lm: --text and --out are required")
		fs.Usage()
		return 2
	}
	var err error
	if opts.Build.MinCounts, err = parseInts(*cutoffs); err != nil {
		fmt.Fprintf(stderr, "train lm: --cutoffs: %v\n", err)
		return 2
	}
	cutoffsSet := false
	fs.Visit(func(f *flag.Flag) { cutoffsSet = cutoffsSet || f.Name == "cutoffs" })
	if !cutoffsSet && len(opts.Build.MinCounts) > opts.Build.Order && opts.Build.Order > 0 {
		// The default cutoffs are for a 4-gram; a lower order keeps its part.
		opts.Build.MinCounts = opts.Build.MinCounts[:opts.Build.Order]
	}
	opts.Texts, opts.HeldOut, opts.Vocabulary = texts, heldOut, vocab
	opts.MaxBytes = int(*maxMB * 1e6)
	for _, spec := range mixes {
		m, err := parseMix(spec)
		if err != nil {
			fmt.Fprintf(stderr, "train lm: --mix %s: %v\n", spec, err)
			return 2
		}
		opts.Mix = append(opts.Mix, m)
	}
	rep, err := trainlm.Train(ctx, opts)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %d-gram, n-grams %v, vocabulary %d, %d bytes, pruning threshold %g, from %d sentences (%d tokens) in %d files, %.1fs\n",
		opts.Out, opts.Build.Order, rep.NGrams, rep.Vocabulary, rep.Bytes, rep.PruneThreshold, rep.Sentences, rep.Tokens, len(rep.Files), rep.Elapsed.Seconds())
	if rep.HeldOut.Words > 0 {
		fmt.Fprintf(stdout, "held out: %d sentences, %d words, perplexity %.2f, OOV %.2f%%\n",
			rep.HeldOut.Sentences, rep.HeldOut.Words, rep.HeldOut.Value, 100*rep.HeldOut.OOVRate())
	}
	return 0
}

// parseMix reads "default:0.5" or "path/to/model.bin:0.3".
func parseMix(spec string) (trainlm.Mix, error) {
	i := strings.LastIndexByte(spec, ':')
	if i <= 0 {
		return trainlm.Mix{}, errors.New("want MODEL:WEIGHT")
	}
	name := spec[:i]
	w, err := strconv.ParseFloat(spec[i+1:], 64)
	if err != nil || !(w > 0 && w < 1) {
		return trainlm.Mix{}, fmt.Errorf("weight %q is not a number in (0, 1)", spec[i+1:])
	}
	var data []byte
	if name == "default" {
		data = models.EnglishLM()
	} else if data, err = os.ReadFile(name); err != nil {
		return trainlm.Mix{}, err
	}
	return trainlm.Mix{Name: name, Model: data, Weight: w}, nil
}

func parseInts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}
