package punct

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/gob"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/punct"
)

//go:embed heldout.txt
var heldOutList string

// options are the recipe's settings; flags set them.
type options struct {
	TextDir     string
	WorkDir     string
	Out         string
	VocabSize   int
	Batch       int // windows per step
	Window      int // words per window
	Workers     int
	Steps       int64 // schedule length
	StopAfter   int64 // stop this run after N steps (0: run the schedule)
	MaxDuration time.Duration
	PeakLR      float64
	WarmupSteps int64
	EvalEvery   int64
	CkptEvery   int64
	DevWords    int
	Seed        uint64
	Arch        string  // punct.ArchLinear or "cnn"
	Epochs      int     // linear: passes over the training words
	LinearLR    float64 // linear: AdaGrad step size
	Retune      string  // a model file to re-tune and score instead of training
	NoTest      bool    // score only the dev books
	CaseWeight  float64 // weight of casing accuracy in the tuning objective
	Dim         int     // cnn: embedding width (a new run only)
	Channels    int     // cnn: convolution width (a new run only)
	Log         io.Writer
}

func defaultOptions() options {
	return options{
		TextDir: "../shared/text/lm", VocabSize: 20000, Batch: 64, Window: 64, Workers: 2,
		Steps: 3000, PeakLR: 3e-3, WarmupSteps: 150, EvalEvery: 250, CkptEvery: 50,
		DevWords: 40000, CaseWeight: 5, Seed: 1, Arch: punct.ArchLinear, Epochs: 3, LinearLR: 0.2,
	}
}

// Main is `train punct`: it parses args, trains (or resumes) and, at the
// end of the schedule, tunes, scores and writes the model. It returns the
// exit status: 0 done, 1 failed, 2 usage error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := defaultOptions()
	fs := flag.NewFlagSet("train punct", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.TextDir, "text", o.TextDir, "folder of *.txt books with punctuation and case")
	fs.StringVar(&o.WorkDir, "work", "", "work folder for the corpus cache, checkpoint and results (default $MYNAH_CACHE or ~/.cache/mynah, then train/punct)")
	fs.StringVar(&o.Out, "out", "", "also write the final int8 model here (the shipped one is models/punct-en.safetensors)")
	fs.IntVar(&o.VocabSize, "vocab", o.VocabSize, "words with their own embedding (a new run only)")
	fs.IntVar(&o.Batch, "batch", o.Batch, "windows per step")
	fs.IntVar(&o.Window, "window", o.Window, "words per window")
	fs.IntVar(&o.Workers, "workers", o.Workers, "data-parallel workers (one per core)")
	fs.Int64Var(&o.Steps, "steps", o.Steps, "length of the LR schedule in steps")
	fs.Int64Var(&o.StopAfter, "stop-after", 0, "stop this run after N steps (0: finish the schedule); runs resume")
	fs.DurationVar(&o.MaxDuration, "max-duration", 0, "stop this run after this long (0: no limit); runs resume")
	fs.Float64Var(&o.PeakLR, "lr", o.PeakLR, "peak learning rate")
	fs.Int64Var(&o.WarmupSteps, "warmup-steps", o.WarmupSteps, "LR warm-up steps")
	fs.Int64Var(&o.EvalEvery, "eval-every", o.EvalEvery, "score the dev books every N steps")
	fs.Int64Var(&o.CkptEvery, "checkpoint-every", o.CkptEvery, "checkpoint every N steps")
	fs.IntVar(&o.DevWords, "dev-words", o.DevWords, "dev words scored during training (0: all)")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	fs.StringVar(&o.Arch, "arch", o.Arch, "model: linear (hashed n-gram features, CPU-minutes to train) or cnn (dilated convolutions, CPU-hours)")
	fs.IntVar(&o.Dim, "dim", 0, "cnn: embedding width, a new run only (0: punct.DefaultConfig's)")
	fs.IntVar(&o.Channels, "channels", 0, "cnn: convolution width, a new run only (0: punct.DefaultConfig's)")
	fs.StringVar(&o.Retune, "retune", "", "tune the decision of this model file on the dev books and score it, instead of training (writes --out if set)")
	fs.BoolVar(&o.NoTest, "no-test", false, "score only the dev books (model selection; the test books are scored once, for the card)")
	fs.Float64Var(&o.CaseWeight, "case-weight", o.CaseWeight, "weight of casing accuracy beside the marks' summed F1 when tuning the decision")
	fs.IntVar(&o.Epochs, "epochs", o.Epochs, "linear: passes over the training words")
	fs.Float64Var(&o.LinearLR, "linear-lr", o.LinearLR, "linear: AdaGrad step size")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train punct: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if o.WorkDir == "" {
		base := os.Getenv("MYNAH_CACHE")
		if base == "" {
			d, err := os.UserCacheDir()
			if err != nil {
				fmt.Fprintf(stderr, "train punct: %v\n", err)
				return 1
			}
			base = filepath.Join(d, "mynah")
		}
		o.WorkDir = filepath.Join(base, "train", "punct")
		if o.Arch != punct.ArchLinear {
			o.WorkDir += "-" + o.Arch
		}
	}
	o.Log = stderr
	res, err := train(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	if !res.Finished {
		fmt.Fprintf(stdout, "stopped at step %d of %d; run the same command to resume\n", res.Step, o.Steps)
		return 0
	}
	fmt.Fprintf(stdout, "%s\n", res.Report)
	return 0
}

func (o options) validate() error {
	switch {
	case o.Workers < 1 || o.Batch < o.Workers || o.Window < 2:
		return fmt.Errorf("train punct: %d workers, batches of %d windows of %d words", o.Workers, o.Batch, o.Window)
	case o.Steps < 1 || o.PeakLR <= 0 || o.WarmupSteps < 0 || o.WarmupSteps >= o.Steps:
		return errors.New("train punct: steps, warm-up and learning rate out of range")
	case o.EvalEvery < 1 || o.CkptEvery < 1:
		return errors.New("train punct: eval and checkpoint intervals must be positive")
	case o.VocabSize < 0:
		return errors.New("train punct: negative vocabulary")
	case o.WorkDir == "":
		return errors.New("train punct: no work folder")
	case o.Arch != punct.ArchLinear && o.Arch != "cnn":
		return fmt.Errorf("train punct: unknown arch %q", o.Arch)
	case o.Epochs < 1 || o.LinearLR <= 0:
		return errors.New("train punct: epochs and linear learning rate must be positive")
	}
	return nil
}

// corpus is the parsed text, split by heldout.txt.
type corpus struct {
	Key              string // what the cache was made from
	Train, Dev, Test []punct.Token
	TrainBooks       []string
	DevBooks         []string
	TestBooks        []string
}

// splitList reads heldout.txt: "test FILE" and "dev FILE" lines.
func splitList(list string) (test, dev map[string]bool, err error) {
	test, dev = map[string]bool{}, map[string]bool{}
	for i, line := range strings.Split(list, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 || (f[0] != "test" && f[0] != "dev") {
			return nil, nil, fmt.Errorf("heldout.txt line %d: want \"test FILE\" or \"dev FILE\", got %q", i+1, line)
		}
		if f[0] == "test" {
			test[f[1]] = true
		} else {
			dev[f[1]] = true
		}
	}
	return test, dev, nil
}

// loadCorpus parses every book, or reads the cache in the work folder when
// it was made from the same files.
func loadCorpus(dir, work string, log io.Writer) (*corpus, error) {
	test, dev, err := splitList(heldOutList)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("train punct: no *.txt books in %s", dir)
	}
	sort.Strings(files)
	h := fnv.New64a()
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return nil, fmt.Errorf("train punct: %w", err)
		}
		fmt.Fprintf(h, "%s %d %d\n", filepath.Base(f), st.Size(), st.ModTime().UnixNano())
	}
	fmt.Fprintf(h, "%s\nparse v2\n", heldOutList)
	key := fmt.Sprintf("%x", h.Sum64())
	cachePath := filepath.Join(work, "corpus.gob")
	if f, err := os.Open(cachePath); err == nil {
		var c corpus
		err := gob.NewDecoder(bufio.NewReader(f)).Decode(&c)
		f.Close()
		if err == nil && c.Key == key {
			return &c, nil
		}
	}
	c := &corpus{Key: key}
	began := time.Now()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("train punct: %w", err)
		}
		toks := punct.Parse(string(data))
		name := filepath.Base(f)
		switch {
		case test[name]:
			c.Test, c.TestBooks = append(c.Test, toks...), append(c.TestBooks, name)
		case dev[name]:
			c.Dev, c.DevBooks = append(c.Dev, toks...), append(c.DevBooks, name)
		default:
			c.Train, c.TrainBooks = append(c.Train, toks...), append(c.TrainBooks, name)
		}
	}
	if len(c.TestBooks) != len(test) || len(c.DevBooks) != len(dev) {
		return nil, fmt.Errorf("train punct: %s lacks held-out books (found %d of %d test, %d of %d dev)", dir, len(c.TestBooks), len(test), len(c.DevBooks), len(dev))
	}
	fmt.Fprintf(log, "train punct: parsed %d books in %.1fs\n", len(files), time.Since(began).Seconds())
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c); err == nil {
		tmp := cachePath + ".tmp"
		if os.WriteFile(tmp, buf.Bytes(), 0o644) == nil {
			os.Rename(tmp, cachePath)
		}
	}
	return c, nil
}

// buildVocab returns the n most frequent training words seen at least
// three times (rarer ones are better served by a hash bucket).
func buildVocab(toks []punct.Token, n int) []string {
	counts := map[string]int{}
	for _, t := range toks {
		counts[t.Word]++
	}
	words := make([]string, 0, len(counts))
	for w, c := range counts {
		if c >= 3 {
			words = append(words, w)
		}
	}
	slices.SortFunc(words, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	if len(words) > n {
		words = words[:n]
	}
	return words
}

// progress is the trainer state stored in checkpoints.
type progress struct {
	Step    int64   `json:"step"`
	DevLoss float64 `json:"dev_loss"`
}

type result struct {
	Step     int64
	Finished bool
	Report   string
}

const (
	checkpointFile = "checkpoint.safetensors"
	configFile     = "config.json"
	modelFile      = "punct.safetensors"
	reportFile     = "report.txt"
)

func train(ctx context.Context, o options) (result, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if err := o.validate(); err != nil {
		return result{}, err
	}
	began := time.Now()
	if err := os.MkdirAll(o.WorkDir, 0o755); err != nil {
		return result{}, fmt.Errorf("train punct: %w", err)
	}
	data, err := loadCorpus(o.TextDir, o.WorkDir, o.Log)
	if err != nil {
		return result{}, err
	}
	if o.Retune != "" {
		blob, err := os.ReadFile(o.Retune)
		if err != nil {
			return result{}, fmt.Errorf("train punct: %w", err)
		}
		m, err := punct.Load(blob)
		if err != nil {
			return result{}, fmt.Errorf("train punct: %s: %w", o.Retune, err)
		}
		report, err := finish(m, nil, data, o)
		if err != nil {
			return result{}, err
		}
		return result{Finished: true, Report: report}, nil
	}
	if o.Arch == punct.ArchLinear {
		return trainLinear(ctx, o, data)
	}
	// The config (and so the vocabulary) is fixed by the first run.
	var cfg punct.Config
	cfgPath := filepath.Join(o.WorkDir, configFile)
	if blob, err := os.ReadFile(cfgPath); err == nil {
		if err := json.Unmarshal(blob, &cfg); err != nil {
			return result{}, fmt.Errorf("train punct: %s: %w", cfgPath, err)
		}
	} else {
		cfg = punct.DefaultConfig(buildVocab(data.Train, o.VocabSize))
		if o.Dim > 0 {
			cfg.Dim = o.Dim
		}
		if o.Channels > 0 {
			cfg.Channels = o.Channels
		}
		blob, _ := json.Marshal(cfg)
		if err := os.WriteFile(cfgPath, blob, 0o644); err != nil {
			return result{}, fmt.Errorf("train punct: %w", err)
		}
	}
	model, err := punct.NewModel(cfg, o.Seed)
	if err != nil {
		return result{}, err
	}
	params := model.Params()
	fmt.Fprintf(o.Log, "train punct: %d params, vocabulary %d; words: train %d (%d books), dev %d, test %d\n",
		nn.CountParams(params), len(cfg.Vocab), len(data.Train), len(data.TrainBooks), len(data.Dev), len(data.Test))

	optim, err := nn.NewAdamW(params, nn.DefaultAdamWConfig(), nn.DecayMatrices)
	if err != nil {
		return result{}, err
	}
	ema, err := nn.NewEMA(params, 0.998)
	if err != nil {
		return result{}, err
	}
	sched := nn.WarmupCosine{Peak: o.PeakLR, Final: o.PeakLR / 30, WarmupSteps: o.WarmupSteps, TotalSteps: o.Steps}
	if err := sched.Validate(); err != nil {
		return result{}, err
	}
	var prog progress
	ckptPath := filepath.Join(o.WorkDir, checkpointFile)
	if _, err := os.Stat(ckptPath); err == nil {
		ck := nn.Checkpoint{Params: params, Optimizer: optim, EMA: ema}
		if err := nn.LoadCheckpoint(ckptPath, &ck); err != nil {
			return result{}, fmt.Errorf("train punct: resume: %w", err)
		}
		if err := json.Unmarshal(ck.Trainer, &prog); err != nil {
			return result{}, fmt.Errorf("train punct: resume: %w", err)
		}
		fmt.Fprintf(o.Log, "train punct: resumed at step %d\n", prog.Step)
	}
	save := func() error {
		blob, _ := json.Marshal(prog)
		return nn.SaveCheckpoint(ckptPath, nn.Checkpoint{Step: prog.Step, Params: params, Optimizer: optim, EMA: ema, Trainer: blob})
	}
	evalModel, err := punct.NewModel(cfg, 0)
	if err != nil {
		return result{}, err
	}
	dev := data.Dev
	if o.DevWords > 0 && len(dev) > o.DevWords {
		dev = dev[:o.DevWords]
	}

	workers := nn.NewWorkers(o.Workers, o.Seed, params)
	defer workers.Close()
	workers.SetStepCount(uint64(prog.Step))
	sampler := newSampler(data.Train)
	b := newBatch(o.Batch, o.Window)
	runStart, lastLog := prog.Step, time.Now()
	var lossSum float64
	var lossN int
	for prog.Step < o.Steps {
		if err := ctx.Err(); err != nil {
			break
		}
		if o.StopAfter > 0 && prog.Step-runStart >= o.StopAfter {
			break
		}
		if o.MaxDuration > 0 && time.Since(began) > o.MaxDuration {
			break
		}
		b.fill(model, sampler, data.Train, o.Seed, prog.Step)
		nn.ZeroGrads(params)
		losses, err := workers.Step(func(w int, t *nn.Tape) (*nn.Var, error) {
			lo, hi := w*o.Batch/o.Workers, (w+1)*o.Batch/o.Workers
			if lo == hi {
				return nil, nil
			}
			return b.loss(t, model, lo, hi)
		})
		if err != nil {
			return result{}, fmt.Errorf("train punct: step %d: %w", prog.Step, err)
		}
		var loss float64
		for _, l := range losses {
			loss += l
		}
		if norm := nn.ClipGradNorm(params, 1); math.IsNaN(norm) || math.IsInf(norm, 0) {
			fmt.Fprintf(o.Log, "train punct: step %d: gradient norm %v, step skipped\n", prog.Step, norm)
		} else {
			optim.Step(sched.LR(prog.Step))
			ema.Update()
		}
		prog.Step++
		lossSum += loss
		lossN++
		if time.Since(lastLog) > 30*time.Second || prog.Step == o.Steps {
			fmt.Fprintf(o.Log, "train punct: step %d/%d loss %.4f lr %.2e, %.1f steps/min\n", prog.Step, o.Steps, lossSum/float64(lossN),
				sched.LR(prog.Step-1), float64(prog.Step-runStart)/time.Since(began).Minutes())
			lossSum, lossN, lastLog = 0, 0, time.Now()
		}
		if prog.Step%o.CkptEvery == 0 {
			if err := save(); err != nil {
				return result{}, fmt.Errorf("train punct: checkpoint: %w", err)
			}
		}
		if prog.Step%o.EvalEvery == 0 && prog.Step < o.Steps {
			if err := ema.CopyTo(evalModel.Params()); err != nil {
				return result{}, err
			}
			for _, v := range []punct.Variant{punct.Full, punct.Streaming} {
				s := evaluate(evalModel, v, dev)
				fmt.Fprintf(o.Log, "train punct: step %d dev %s F1 comma %.3f period %.3f question %.3f exclamation %.3f casing %.4f\n", prog.Step, v,
					s.Marks[punct.Comma].F1(), s.Marks[punct.Period].F1(), s.Marks[punct.Question].F1(), s.Marks[punct.Exclamation].F1(), s.CaseAccuracy())
			}
		}
	}
	if err := save(); err != nil {
		return result{}, fmt.Errorf("train punct: checkpoint: %w", err)
	}
	if prog.Step < o.Steps {
		return result{Step: prog.Step}, nil
	}
	report, err := finish(evalModel, ema, data, o)
	if err != nil {
		return result{}, err
	}
	return result{Step: prog.Step, Finished: true, Report: report}, nil
}

// finish quantises the model to int8, tunes the decision of both
// variants on the dev books, scores the dev books (and the test books
// unless o.NoTest), and writes the model and its report: to the work
// folder and o.Out after training, to o.Out only when retuning a model
// file (o.Retune).
func finish(m *punct.Model, ema *nn.EMA, data *corpus, o options) (string, error) {
	if ema != nil {
		if err := ema.CopyTo(m.Params()); err != nil {
			return "", err
		}
	}
	// The decision is tuned on the weights that ship: int8 moves the
	// scores enough to move the best biases.
	var buf bytes.Buffer
	if err := m.Write(&buf, safetensors.I8); err != nil {
		return "", fmt.Errorf("train punct: write model: %w", err)
	}
	m, err := punct.Load(buf.Bytes())
	if err != nil {
		return "", fmt.Errorf("train punct: reload int8 model: %w", err)
	}
	var rep strings.Builder
	fmt.Fprintf(&rep, "test books: %s\ndev books: %s\n", strings.Join(data.TestBooks, " "), strings.Join(data.DevBooks, " "))
	for _, v := range []punct.Variant{punct.Full, punct.Streaming} {
		d := tune(m, v, data.Dev, o.CaseWeight)
		m = m.WithDecision(v, d)
		s := evaluate(m, v, data.Dev)
		fmt.Fprintf(&rep, "\n%s variant (look-ahead %d words), mark biases %v, opener bias %v\non %d dev words (tuned there):\n%s\n",
			v, m.Config().LookAhead(v), d.MarkBias, d.OpenerBias, s.Words, s)
		if !o.NoTest {
			s := evaluate(m, v, data.Test)
			fmt.Fprintf(&rep, "on %d test words:\n%s\n", s.Words, s)
		}
	}
	buf.Reset()
	if err := m.Write(&buf, safetensors.I8); err != nil {
		return "", fmt.Errorf("train punct: write model: %w", err)
	}
	fmt.Fprintf(&rep, "\nmodel: %d bytes (int8 weights)\n", buf.Len())
	var paths []string
	if o.Retune == "" {
		paths = append(paths, filepath.Join(o.WorkDir, modelFile))
	}
	if o.Out != "" {
		paths = append(paths, o.Out)
	}
	for _, p := range paths {
		if err := writeAtomic(p, buf.Bytes()); err != nil {
			return "", fmt.Errorf("train punct: %w", err)
		}
	}
	if o.Retune == "" {
		if err := writeAtomic(filepath.Join(o.WorkDir, reportFile), []byte(rep.String())); err != nil {
			return "", fmt.Errorf("train punct: %w", err)
		}
	}
	return rep.String(), nil
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// evaluate scores the variant on held-out tokens read as one running text,
// the way a long recording is punctuated.
func evaluate(m *punct.Model, v punct.Variant, ref []punct.Token) punct.Score {
	words := make([]string, len(ref))
	for i, t := range ref {
		words[i] = t.Word
	}
	hyp := m.Predict(v, words)
	s, _ := punct.Compare(ref, hyp) // same words by construction
	return s
}

// tune searches the decision that maximises the summed F1 of the four
// marks on ref plus caseWeight times the casing accuracy (the first word
// after a period is capitalised, so more periods can cost casing): the mark biases and Decision.OpenerBias, by coordinate
// ascent over grids until a sweep changes nothing, started from the best
// point of a joint comma × period grid (the two frequent marks trade
// against each other, and one coordinate at a time from zero can stall
// where both should move). The scores are computed once; each trial only
// re-decides, with punct.Decode, so the rule tuned is the rule shipped.
func tune(m *punct.Model, v punct.Variant, ref []punct.Token, caseWeight float64) punct.Decision {
	words := make([]string, len(ref))
	for i, t := range ref {
		words[i] = t.Word
	}
	return tuneScores(words, m.Scores(v, words), ref, caseWeight)
}

// tuneScores is tune given the scores of ref's words.
func tuneScores(words []string, scores []float32, ref []punct.Token, caseWeight float64) punct.Decision {
	objective := func(d punct.Decision) float64 {
		s, _ := punct.Compare(ref, punct.Decode(words, scores, d, punct.None, true))
		f := 0.0
		for k := punct.Comma; k <= punct.Exclamation; k++ {
			f += s.Marks[k].F1()
		}
		return f + caseWeight*s.CaseAccuracy()
	}
	grid := func(lo, hi float32) []float32 {
		var g []float32
		for b := lo; b <= hi+1e-6; b += 0.25 {
			g = append(g, b)
		}
		return g
	}
	var fromGrid punct.Decision
	best := objective(fromGrid)
	for _, c := range grid(-1.5, 1.5) {
		for _, p := range grid(-1.5, 1.5) {
			trial := fromGrid
			trial.MarkBias[punct.Comma], trial.MarkBias[punct.Period] = c, p
			if f := objective(trial); f > best {
				best, fromGrid = f, trial
			}
		}
	}
	// Coordinates: the marks' biases, then the opener bias (index NumMarks).
	ascend := func(d punct.Decision) (punct.Decision, float64) {
		best := objective(d)
		for sweep := 0; sweep < 6; sweep++ {
			changed := false
			for k := 1; k <= punct.NumMarks; k++ {
				g := grid(-2, 3)
				if k == punct.NumMarks {
					g = grid(0, 4)
				}
				for _, b := range g {
					trial := d
					if k == punct.NumMarks {
						trial.OpenerBias = b
					} else {
						trial.MarkBias[k] = b
					}
					if f := objective(trial); f > best+1e-9 {
						best, d, changed = f, trial, true
					}
				}
			}
			if !changed {
				break
			}
		}
		return d, best
	}
	// Two starts, zero and the grid's best: the surface has ridges.
	d, best := ascend(punct.Decision{})
	if d2, f := ascend(fromGrid); f > best {
		d = d2
	}
	return d
}

// sampler draws training windows: half start anywhere, half at a sentence
// start, as recognised utterances mostly do.
type sampler struct {
	starts []int32 // token indices that begin a sentence
}

func newSampler(toks []punct.Token) *sampler {
	s := &sampler{starts: []int32{0}}
	for i := 1; i < len(toks); i++ {
		if toks[i-1].Mark.EndsSentence() {
			s.starts = append(s.starts, int32(i))
		}
	}
	return s
}

// batch holds one step's inputs and one-hot targets.
type batch struct {
	B, T    int
	ids     []int
	markTgt []float32 // [B,T,NumMarks]
	caseTgt []float32 // [B,T,NumCases]
	words   []string
}

func newBatch(B, T int) *batch {
	return &batch{B: B, T: T, markTgt: make([]float32, B*T*punct.NumMarks), caseTgt: make([]float32, B*T*punct.NumCases)}
}

// fill draws the windows of step from a generator seeded by (seed, step),
// so a resumed run sees the batches an uninterrupted one would.
func (b *batch) fill(m *punct.Model, s *sampler, toks []punct.Token, seed uint64, step int64) {
	rng := nn.NewRand(seed*1_000_003 + uint64(step) + 17)
	clear(b.markTgt)
	clear(b.caseTgt)
	b.ids = b.ids[:0]
	last := len(toks) - b.T
	for i := 0; i < b.B; i++ {
		var start int
		if rng.IntN(2) == 0 {
			start = int(s.starts[rng.IntN(len(s.starts))])
		} else {
			start = rng.IntN(last + 1)
		}
		start = min(start, last)
		b.words = b.words[:0]
		for j, t := range toks[start : start+b.T] {
			b.words = append(b.words, t.Word)
			k := i*b.T + j
			b.markTgt[k*punct.NumMarks+int(t.Mark)] = 1
			b.caseTgt[k*punct.NumCases+int(t.Case)] = 1
		}
		b.ids = m.Features(b.ids, b.words...)
	}
}

// loss records the summed cross-entropy of both variants' marks and cases
// over windows [lo, hi), divided by the whole batch's word count so that
// the workers' losses add up to the batch mean.
func (b *batch) loss(t *nn.Tape, m *punct.Model, lo, hi int) (*nn.Var, error) {
	nb := hi - lo
	ids := b.ids[lo*b.T*2 : hi*b.T*2]
	markTgt := t.Input([]int{nb, b.T, punct.NumMarks}, b.markTgt[lo*b.T*punct.NumMarks:hi*b.T*punct.NumMarks])
	caseTgt := t.Input([]int{nb, b.T, punct.NumCases}, b.caseTgt[lo*b.T*punct.NumCases:hi*b.T*punct.NumCases])
	var total *nn.Var
	for _, v := range []punct.Variant{punct.Full, punct.Streaming} {
		logits, err := m.Forward(t, v, ids, nb, b.T)
		if err != nil {
			return nil, err
		}
		marks := t.LogSoftmax(t.Slice(logits, 2, 0, punct.NumMarks))
		cases := t.LogSoftmax(t.Slice(logits, 2, punct.NumMarks, punct.NumMarks+punct.NumCases))
		l := t.Add(t.Sum(t.Mul(marks, markTgt)), t.Sum(t.Mul(cases, caseTgt)))
		if total == nil {
			total = l
		} else {
			total = t.Add(total, l)
		}
	}
	return t.Scale(total, -1/float32(b.B*b.T)), nil
}
