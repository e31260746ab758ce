package lm

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	ngram "github.com/mynah-speech/mynah/lm"
	"github.com/mynah-speech/mynah/text"
)

// Options configure a Train run. They round-trip through JSON.
type Options struct {
	// Texts are the training inputs: folders (their *.txt files), .jsonl
	// manifests (the "text" field of each line) or running-text files.
	Texts []string `json:"texts"`
	// HeldOut are running-text files scored after training and never
	// trained on.
	HeldOut []string `json:"held_out,omitempty"`
	// Vocabulary are word-list files whose words are added as low-mass
	// unigrams: one word per line, or CMUdict lines ("word(2) P R O N");
	// lines starting with ";;;" or "#" are comments.
	Vocabulary []string `json:"vocabulary,omitempty"`
	// Out is the model file to write: ARPA text when it ends in ".arpa",
	// the binary form otherwise.
	Out string `json:"out"`
	// Build sets the order, cutoffs and pruning threshold.
	Build ngram.BuildConfig `json:"build"`
	// MaxBytes, when positive, raises the pruning threshold until the
	// trained model's binary form fits (lm.Builder.EstimateWithin).
	MaxBytes int `json:"max_bytes,omitempty"`
	// Mix interpolates the trained model with others; the trained model
	// keeps 1 − Σ Weight.
	Mix []Mix `json:"mix,omitempty"`
	// Progress receives progress lines; nil discards them.
	Progress io.Writer `json:"-"`
}

// Mix is one model to interpolate with, by linear interpolation of the
// models' conditional distributions (lm.Interpolate).
type Mix struct {
	// Name says where the model came from ("default", a path).
	Name string `json:"name"`
	// Model is its binary or ARPA form.
	Model []byte `json:"-"`
	// Weight is its interpolation weight, in (0, 1).
	Weight float64 `json:"weight"`
}

// Report is what a Train run measured.
type Report struct {
	// Sentences, Tokens and Vocabulary describe the training text;
	// Vocabulary includes the added words.
	Sentences  int `json:"sentences"`
	Tokens     int `json:"tokens"`
	Vocabulary int `json:"vocabulary"`
	// Files lists the training files read, in order.
	Files []string `json:"files"`
	// NGrams counts the written model's n-grams per order (of the trained
	// model alone when mixing).
	NGrams []int `json:"ngrams"`
	// Bytes is the size of the written file.
	Bytes int `json:"bytes"`
	// PruneThreshold is the entropy-pruning threshold used.
	PruneThreshold float64 `json:"prune_threshold"`
	// HeldOut is the perplexity on the held-out files, when any.
	HeldOut ngram.Perplexity `json:"held_out"`
	// Elapsed is the wall time of the run.
	Elapsed time.Duration `json:"elapsed"`
}

// Train counts the texts, estimates the model, mixes it, scores the
// held-out files and writes Out.
func Train(ctx context.Context, opts Options) (Report, error) {
	start := time.Now()
	var rep Report
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	if opts.Out == "" {
		return rep, errors.New("train lm: no output file")
	}
	if len(opts.Texts) == 0 {
		return rep, errors.New("train lm: no training text")
	}
	total := 0.0
	for _, m := range opts.Mix {
		if !(m.Weight > 0 && m.Weight < 1) {
			return rep, fmt.Errorf("train lm: mix %s: weight %v outside (0, 1)", m.Name, m.Weight)
		}
		total += m.Weight
	}
	if total >= 1 {
		return rep, fmt.Errorf("train lm: mix weights sum to %v, leaving nothing for the trained model", total)
	}
	b, err := ngram.NewBuilder(opts.Build)
	if err != nil {
		return rep, fmt.Errorf("train lm: %w", err)
	}
	files, err := expand(opts.Texts, opts.HeldOut)
	if err != nil {
		return rep, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := addFile(b, f); err != nil {
			return rep, err
		}
		s, tok, _ := b.Stats()
		fmt.Fprintf(progress, "train lm: %s: %d sentences, %d tokens so far\n", f, s, tok)
	}
	rep.Files = files
	for _, v := range opts.Vocabulary {
		words, err := readVocabulary(v)
		if err != nil {
			return rep, err
		}
		b.AddVocabulary(words...)
		fmt.Fprintf(progress, "train lm: %s: %d words\n", v, len(words))
	}
	rep.Sentences, rep.Tokens, rep.Vocabulary = b.Stats()
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	var g *ngram.NGrams
	rep.PruneThreshold = opts.Build.PruneThreshold
	if opts.MaxBytes > 0 {
		g, rep.PruneThreshold, err = b.EstimateWithin(opts.MaxBytes)
	} else {
		g, err = b.Estimate()
	}
	if err != nil {
		return rep, fmt.Errorf("train lm: %w", err)
	}
	rep.NGrams = g.Counts()
	fmt.Fprintf(progress, "train lm: estimated %v n-grams per order, pruning threshold %g\n", rep.NGrams, rep.PruneThreshold)

	var data []byte
	var model *ngram.Model
	if strings.HasSuffix(opts.Out, ".arpa") && len(opts.Mix) == 0 {
		var sb strings.Builder
		if err := g.WriteARPA(&sb); err != nil {
			return rep, fmt.Errorf("train lm: %w", err)
		}
		data = []byte(sb.String())
		if len(opts.HeldOut) > 0 {
			if model, err = g.Compile(); err != nil {
				return rep, fmt.Errorf("train lm: %w", err)
			}
		}
	} else {
		if model, err = g.Compile(); err != nil {
			return rep, fmt.Errorf("train lm: %w", err)
		}
		if len(opts.Mix) > 0 {
			if strings.HasSuffix(opts.Out, ".arpa") {
				return rep, errors.New("train lm: a mixture is written in binary form only; choose an --out not ending in .arpa")
			}
			if model, err = mix(model, opts.Mix, 1-total); err != nil {
				return rep, err
			}
		}
		if data, err = model.MarshalBinary(); err != nil {
			return rep, fmt.Errorf("train lm: %w", err)
		}
	}
	for _, h := range opts.HeldOut {
		f, err := os.Open(h)
		if err != nil {
			return rep, fmt.Errorf("train lm: held-out text: %w", err)
		}
		p, err := model.PerplexityText(f)
		f.Close()
		if err != nil {
			return rep, fmt.Errorf("train lm: held-out %s: %w", h, err)
		}
		fmt.Fprintf(progress, "train lm: held out %s: perplexity %.1f, OOV %.2f%% of %d words\n", h, p.Value, 100*p.OOVRate(), p.Words)
		rep.HeldOut.Sentences += p.Sentences
		rep.HeldOut.Words += p.Words
		rep.HeldOut.OOV += p.OOV
		rep.HeldOut.LogProb += p.LogProb
	}
	if n := rep.HeldOut.Words + rep.HeldOut.Sentences; n > 0 {
		rep.HeldOut.Value = math.Exp(-rep.HeldOut.LogProb / float64(n))
	}
	if err := writeAtomic(opts.Out, data); err != nil {
		return rep, err
	}
	rep.Bytes = len(data)
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// mix interpolates model (weight self) with the Mix models.
func mix(model *ngram.Model, mixes []Mix, self float64) (*ngram.Model, error) {
	components := []*ngram.Model{model}
	weights := []float64{self}
	for _, m := range mixes {
		c, err := ngram.Parse(m.Model)
		if err != nil {
			return nil, fmt.Errorf("train lm: mix %s: %w", m.Name, err)
		}
		components = append(components, c)
		weights = append(weights, m.Weight)
	}
	out, err := ngram.Interpolate(components, weights)
	if err != nil {
		return nil, fmt.Errorf("train lm: mix: %w", err)
	}
	return out, nil
}

// expand lists the training files: folders give their *.txt files in name
// order; held-out files are left out.
func expand(inputs, heldOut []string) ([]string, error) {
	skip := map[string]bool{}
	for _, h := range heldOut {
		abs, err := filepath.Abs(h)
		if err != nil {
			return nil, fmt.Errorf("train lm: %w", err)
		}
		skip[abs] = true
	}
	var files []string
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			return nil, fmt.Errorf("train lm: %w", err)
		}
		var candidates []string
		if st.IsDir() {
			matches, err := filepath.Glob(filepath.Join(in, "*.txt"))
			if err != nil {
				return nil, fmt.Errorf("train lm: %s: %w", in, err)
			}
			slices.Sort(matches)
			candidates = matches
		} else {
			candidates = []string{in}
		}
		for _, c := range candidates {
			abs, err := filepath.Abs(c)
			if err != nil {
				return nil, fmt.Errorf("train lm: %w", err)
			}
			if skip[abs] {
				continue
			}
			files = append(files, c)
		}
	}
	if len(files) == 0 {
		return nil, errors.New("train lm: no training files after leaving out the held-out ones")
	}
	return files, nil
}

// addFile counts one training file by its kind.
func addFile(b *ngram.Builder, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("train lm: %w", err)
	}
	defer f.Close()
	if !strings.HasSuffix(path, ".jsonl") {
		if err := b.AddText(f); err != nil {
			return fmt.Errorf("train lm: %s: %w", path, err)
		}
		return nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		var rec struct {
			Text *string `json:"text"`
		}
		if err := json.Unmarshal([]byte(raw), &rec); err != nil {
			return fmt.Errorf("train lm: %s:%d: %w", path, line, err)
		}
		if rec.Text == nil {
			return fmt.Errorf("train lm: %s:%d: no \"text\" field", path, line)
		}
		b.AddSentence(strings.Fields(text.Normalize(*rec.Text)))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("train lm: %s: %w", path, err)
	}
	return nil
}

// readVocabulary reads a word list or CMUdict file, keeping the words that
// are already in normalised form (so "'bout" or "a.m." cannot add
// spellings the recogniser never produces).
func readVocabulary(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train lm: vocabulary: %w", err)
	}
	defer f.Close()
	var words []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, ";;;") || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		w := strings.ToLower(fields[0])
		if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
			w = w[:i] // CMUdict's alternative pronunciations: "read(2)"
		}
		if seen[w] || text.Normalize(w) != w {
			continue
		}
		seen[w] = true
		words = append(words, w)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("train lm: vocabulary %s: %w", path, err)
	}
	return words, nil
}

// writeAtomic writes data to a temporary file beside path and renames it,
// so an interrupted run never leaves a truncated model.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".lm-*")
	if err != nil {
		return fmt.Errorf("train lm: %w", err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(0o644) // CreateTemp makes it private
	}
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("train lm: write %s: %w", path, werr)
	}
	return nil
}
