package emotion

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/emotion"
	"github.com/mynah-speech/mynah/nn"
)

// options are the recipe's settings (the flags of `train emotion`).
type options struct {
	manifests   []string
	corpus      string
	cacheDir    string
	workDir     string
	noiseDir    string
	asrPath     string
	variants    []variant
	folds       int
	onlyFolds   []int
	epochs      int
	batch       int
	lr          float64
	workers     int
	seed        uint64
	maxFrames   int
	limit       int
	out         string
	ship        variant
	command     string
	maxDuration time.Duration
	augment     bool
	dropout     float64
	l2          []float64
}

func defaultOptions() options {
	return options{
		variants: []variant{vBaseline, vCNN, vTransfer},
		folds:    6, epochs: 40, batch: 16, lr: 3e-3, workers: 2, seed: 12,
		maxFrames: 300, ship: vCNN, augment: true, dropout: -1,
		asrPath: filepath.Join("models", "asr-en.safetensors"),
	}
}

// Main is `train emotion`: it cross-validates the requested variants on
// speaker-disjoint folds of the emotion-labelled clips (RAVDESS actors
// 01–18), prints per-fold UAR and the confusion matrix, and with -out
// trains the shipped kind on every clip and writes it with its card.
// Folds finished earlier are read back from the work folder, and an
// interrupted fold resumes from its checkpoint. It returns the exit
// status: 0 done, 1 failed, 2 usage error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := defaultOptions()
	fs := flag.NewFlagSet("train emotion", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var manifests, variants, only string
	fs.StringVar(&manifests, "manifest", "", "comma-separated JSON Lines manifests with emotion labels (default: CACHE/manifests/train.jsonl)")
	fs.StringVar(&o.corpus, "corpus", "", "read this ../shared corpus folder (e.g. ../shared/corpora/ravdess) instead of manifests")
	fs.StringVar(&o.cacheDir, "cache", "", "PCM cache folder (default $MYNAH_CACHE or ~/.cache/mynah)")
	fs.StringVar(&o.workDir, "work", "", "work folder for checkpoints and fold results (default CACHE/train/emotion)")
	fs.StringVar(&o.noiseDir, "noise", "", "noise folder for augmentation (default ../shared/noise when it exists)")
	fs.StringVar(&o.asrPath, "asr", o.asrPath, "acoustic model file whose encoder the transfer variant reads")
	fs.StringVar(&variants, "variants", "baseline,cnn,transfer", "models to cross-validate (baseline, baseline-ext, cnn, transfer; empty for none)")
	var l2s string
	fs.StringVar(&l2s, "l2", "0.01", "ridge penalty of the baselines; several (comma-separated) are chosen among by nested speaker-disjoint cross-validation on each training set")
	fs.IntVar(&o.folds, "folds", o.folds, "speaker-disjoint folds")
	fs.StringVar(&only, "only-folds", "", "comma-separated fold numbers to run now (default all)")
	fs.IntVar(&o.epochs, "epochs", o.epochs, "training epochs of the networks")
	fs.IntVar(&o.batch, "batch", o.batch, "clips per step")
	fs.Float64Var(&o.lr, "lr", o.lr, "peak learning rate (AdamW, warm-up then cosine)")
	fs.IntVar(&o.workers, "workers", o.workers, "data-parallel workers")
	fs.Uint64Var(&o.seed, "seed", o.seed, "random seed")
	fs.IntVar(&o.maxFrames, "max-frames", o.maxFrames, "longest training crop in 10 ms frames")
	fs.IntVar(&o.limit, "limit", 0, "use only N clips (tests)")
	fs.Float64Var(&o.dropout, "dropout", o.dropout, "dropout on the pooled vector (negative: the model's default)")
	fs.BoolVar(&o.augment, "augment", o.augment, "augment training clips (noise, gain, speed, codec/band limit, SpecAugment)")
	ship := fs.String("ship", string(o.ship), "variant trained on all clips for -out")
	fs.StringVar(&o.out, "out", "", "train the -ship kind on all clips and write the model here (e.g. models/emotion.safetensors)")
	fs.DurationVar(&o.maxDuration, "max-duration", 0, "stop after this long (0: no limit); runs resume")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train emotion: unexpected arguments %q\n", fs.Args())
		return 2
	}
	o.ship = variant(*ship)
	for _, f := range strings.Split(l2s, ",") {
		var v float64
		if _, err := fmt.Sscan(strings.TrimSpace(f), &v); err != nil || v <= 0 {
			fmt.Fprintf(stderr, "train emotion: bad -l2 value %q\n", f)
			return 2
		}
		o.l2 = append(o.l2, v)
	}
	o.command = strings.TrimSpace("train emotion " + strings.Join(args, " "))
	o.variants = nil
	for _, v := range strings.Split(variants, ",") {
		if v = strings.TrimSpace(v); v != "" {
			o.variants = append(o.variants, variant(v))
		}
	}
	for _, v := range append(slices.Clone(o.variants), o.ship) {
		switch v {
		case vBaseline, vBaselineExt, vCNN, vTransfer:
		default:
			fmt.Fprintf(stderr, "train emotion: unknown variant %q\n", v)
			return 2
		}
	}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			var f int
			if _, err := fmt.Sscan(s, &f); err != nil || f < 0 || f >= o.folds {
				fmt.Fprintf(stderr, "train emotion: bad fold %q\n", s)
				return 2
			}
			o.onlyFolds = append(o.onlyFolds, f)
		}
	}
	if o.folds < 2 || o.epochs < 1 || o.batch < 1 || o.workers < 1 || o.lr <= 0 || o.maxFrames < 16 {
		fmt.Fprintln(stderr, "train emotion: folds ≥ 2, epochs, batch, workers ≥ 1, lr > 0, max-frames ≥ 16")
		return 2
	}
	if o.cacheDir == "" {
		d, err := corpora.CacheDir()
		if err != nil {
			fmt.Fprintf(stderr, "train emotion: %v\n", err)
			return 1
		}
		o.cacheDir = d
	}
	if o.workDir == "" {
		o.workDir = filepath.Join(o.cacheDir, "train", "emotion")
	}
	if manifests != "" {
		o.manifests = strings.Split(manifests, ",")
	} else if o.corpus == "" {
		o.manifests = []string{filepath.Join(o.cacheDir, "manifests", "train.jsonl")}
	}
	if o.noiseDir == "" {
		if _, err := os.Stat(filepath.Join("..", "shared", "noise", "manifest.tsv")); err == nil {
			o.noiseDir = filepath.Join("..", "shared", "noise")
		}
	}
	if o.maxDuration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.maxDuration)
		defer cancel()
	}
	if err := run(ctx, o, stdout, stderr); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(stderr, "train emotion: stopped (%v); run the same command to resume\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "train emotion: %v\n", err)
		return 1
	}
	return 0
}

// recipe holds what the folds share.
type recipe struct {
	o       options
	clips   []clip
	foldOf  map[string]int
	members [][]string
	enc     *acoustic.Model
	aug     *augmenter
	log     io.Writer
	inputs  map[variant]*inputSet
	// chosenL2 is the ridge penalty of the baseline fitted last.
	chosenL2 float64
}

func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(o.workDir, 0o755); err != nil {
		return err
	}
	entries, err := loadEntries(o.manifests, o.corpus)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return errors.New("no emotion-labelled entries")
	}
	clips, err := loadClips(entries, o.cacheDir, stderr)
	if err != nil {
		return err
	}
	if o.limit > 0 && o.limit < len(clips) {
		// Keep every speaker: take clips spread over the sorted list.
		step := float64(len(clips)) / float64(o.limit)
		var kept []clip
		for i := range o.limit {
			kept = append(kept, clips[int(float64(i)*step)])
		}
		clips = kept
	}
	r := &recipe{o: o, clips: clips, log: stderr, aug: &augmenter{seed: o.seed}, inputs: map[variant]*inputSet{}}
	r.foldOf, r.members = assignFolds(clips, o.folds)
	if o.augment && o.noiseDir != "" {
		bank, err := augment.TrainNoise(o.noiseDir, emotion.SampleRate)
		if err != nil {
			return fmt.Errorf("noise: %w", err)
		}
		r.aug.noise = bank
	}
	needEnc := slices.Contains(o.variants, vTransfer) || (o.out != "" && o.ship == vTransfer)
	if needEnc {
		data, err := os.ReadFile(o.asrPath)
		if err != nil {
			return fmt.Errorf("acoustic model: %w", err)
		}
		if r.enc, err = acoustic.Load(data); err != nil {
			return fmt.Errorf("acoustic model %s: %w", o.asrPath, err)
		}
	}

	var results []variantResult
	for _, kind := range o.variants {
		v, err := r.crossValidate(ctx, kind)
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		v.report(stdout)
		results = append(results, v)
	}
	if o.out == "" {
		return nil
	}
	// The card records every kind's folds found in the work folder.
	results = nil
	for _, kind := range allVariants {
		folds := r.readFolds(kind)
		if len(folds) > 0 {
			results = append(results, summarise(kind, r.paramCount(kind), o.folds, folds))
		}
	}
	return r.ship(ctx, results, stdout)
}

func (r *recipe) paramCount(kind variant) int {
	m, err := r.newModel(kind)
	if err != nil {
		return 0
	}
	return nn.CountParams(m.Params())
}

func (r *recipe) newModel(kind variant) (*emotion.Model, error) {
	switch kind {
	case vBaseline:
		return emotion.New(emotion.DefaultBaseline(), nil, r.o.seed)
	case vBaselineExt:
		return emotion.New(emotion.ExtendedBaseline(), nil, r.o.seed)
	case vCNN:
		cfg := emotion.DefaultCNN()
		if r.o.dropout >= 0 {
			cfg.Dropout = float32(r.o.dropout)
		}
		return emotion.New(cfg, nil, r.o.seed)
	case vTransfer:
		if r.enc == nil {
			return nil, emotion.ErrEncoder
		}
		cfg := emotion.TransferConfig(r.enc)
		if r.o.dropout >= 0 {
			cfg.Dropout = float32(r.o.dropout)
		}
		return emotion.New(cfg, r.enc, r.o.seed)
	}
	return nil, fmt.Errorf("kind %q", kind)
}

func (r *recipe) foldPath(kind variant, fold int, ext string) string {
	return filepath.Join(r.o.workDir, string(kind), fmt.Sprintf("fold%d-of-%d%s", fold, r.o.folds, ext))
}

// readFolds returns the finished folds of kind saved in the work folder.
func (r *recipe) readFolds(kind variant) []foldResult {
	var out []foldResult
	for f := range r.o.folds {
		b, err := os.ReadFile(r.foldPath(kind, f, ".json"))
		if err != nil {
			continue
		}
		var fr foldResult
		if json.Unmarshal(b, &fr) == nil {
			out = append(out, fr)
		}
	}
	return out
}

func (r *recipe) crossValidate(ctx context.Context, kind variant) (variantResult, error) {
	if err := os.MkdirAll(filepath.Join(r.o.workDir, string(kind)), 0o755); err != nil {
		return variantResult{}, err
	}
	for f := range r.o.folds {
		if len(r.o.onlyFolds) > 0 && !slices.Contains(r.o.onlyFolds, f) {
			continue
		}
		if _, err := os.Stat(r.foldPath(kind, f, ".json")); err == nil {
			fmt.Fprintf(r.log, "emotion: %s fold %d already done\n", kind, f)
			continue
		}
		var train, test []int
		for i, c := range r.clips {
			if r.foldOf[c.speaker] == f {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		start := time.Now()
		m, epochs, err := r.fit(ctx, kind, train, r.foldPath(kind, f, ".ckpt"))
		if err != nil {
			return variantResult{}, fmt.Errorf("fold %d: %w", f, err)
		}
		conf, err := r.evaluate(kind, m, test)
		if err != nil {
			return variantResult{}, fmt.Errorf("fold %d: %w", f, err)
		}
		fr := foldResult{Fold: f, Speakers: r.members[f], Clips: len(test), UAR: conf.uar(), Accuracy: conf.accuracy(),
			ArousalUAR: conf.arousalUAR(), Confusion: conf, Epochs: epochs, Seconds: time.Since(start).Seconds()}
		if kind.kind() == emotion.KindBaseline {
			fr.L2 = r.chosenL2
		}
		fmt.Fprintf(r.log, "emotion: %s fold %d (speakers %s): UAR %.1f%% accuracy %.1f%% arousal UAR %.1f%% (%.0f s)\n",
			kind, f, strings.Join(fr.Speakers, ","), 100*fr.UAR, 100*fr.Accuracy, 100*fr.ArousalUAR, fr.Seconds)
		b, _ := json.MarshalIndent(fr, "", " ")
		if err := writeAtomic(r.foldPath(kind, f, ".json"), b); err != nil {
			return variantResult{}, err
		}
		os.Remove(r.foldPath(kind, f, ".ckpt"))
	}
	return summarise(kind, r.paramCount(kind), r.o.folds, r.readFolds(kind)), nil
}

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// fit trains a model of kind on the clips train; ckpt is its checkpoint.
func (r *recipe) fit(ctx context.Context, kind variant, train []int, ckpt string) (*emotion.Model, int, error) {
	in, err := r.features(ctx, kind)
	if err != nil {
		return nil, 0, err
	}
	if kind.kind() == emotion.KindBaseline {
		m, _, err := r.fitBaseline(ctx, kind, train, in)
		return m, 0, err
	}
	return r.fitNet(ctx, kind, train, ckpt, in)
}

// inputSet holds a kind's model inputs of every clip: version 0 clean,
// versions 1.. augmented (each with its own draw).
type inputSet struct {
	rows   [][][]float32 // [version][clip] frames × width
	frames [][]int
}

// versions is how many copies of each clip's inputs a kind trains on.
// Augmenting and featurising once, instead of every epoch, keeps the
// recipe's compute to the networks themselves (the CPU is shared with the
// acoustic model's training); SpecAugment and random crops still vary
// every epoch.
func (r *recipe) versions(kind variant) int {
	if !r.o.augment {
		return 1
	}
	switch kind {
	case vBaseline, vBaselineExt:
		return 2
	case vCNN:
		return 3
	}
	return 1 // the frozen encoder is the cost: clean inputs only
}

// features computes (or reads back from the work folder) the inputs of
// every clip for kind.
func (r *recipe) features(ctx context.Context, kind variant) (*inputSet, error) {
	if in, ok := r.inputs[kind]; ok {
		return in, nil
	}
	nv := r.versions(kind)
	path := filepath.Join(r.o.workDir, string(kind), fmt.Sprintf("inputs-%d-clips-%d-versions-seed%d.bin", len(r.clips), nv, r.o.seed))
	if in, err := readInputs(path, nv, len(r.clips)); err == nil {
		r.inputs[kind] = in
		return in, nil
	}
	m, err := r.newModel(kind)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	in := &inputSet{rows: make([][][]float32, nv), frames: make([][]int, nv)}
	for v := range nv {
		in.rows[v] = make([][]float32, len(r.clips))
		in.frames[v] = make([]int, len(r.clips))
	}
	errs := make([]error, r.o.workers)
	var wg sync.WaitGroup
	for w := range r.o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := m.NewFeaturizer()
			if err != nil {
				errs[w] = err
				return
			}
			for j := w; j < len(r.clips); j += r.o.workers {
				for v := range nv {
					if ctx.Err() != nil {
						errs[w] = ctx.Err()
						return
					}
					c := r.clips[j]
					x := c.samples
					if v > 0 {
						if x, _, err = r.aug.apply(c, v); err != nil {
							errs[w] = err
							return
						}
						x, _ = emotion.Trim(x)
					}
					rows, n, err := f.Inputs(x)
					if err != nil {
						errs[w] = err
						return
					}
					in.rows[v][j], in.frames[v][j] = slices.Clone(rows), n
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	fmt.Fprintf(r.log, "emotion: %s inputs of %d clips × %d versions in %.0f s\n", kind, len(r.clips), nv, time.Since(start).Seconds())
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
		if err := writeInputs(path, in); err != nil {
			fmt.Fprintf(r.log, "emotion: not caching inputs: %v\n", err)
		}
	}
	r.inputs[kind] = in
	return in, nil
}

// trainerState is the checkpoint's opaque trainer record.
type trainerState struct {
	Epoch int `json:"epoch"` // epochs completed
}

// fitNet trains a CNN or transfer model with AdamW on class-weighted
// cross-entropy with label smoothing, checkpointing every epoch.
func (r *recipe) fitNet(ctx context.Context, kind variant, train []int, ckpt string, set *inputSet) (*emotion.Model, int, error) {
	o := r.o
	m, err := r.newModel(kind)
	if err != nil {
		return nil, 0, err
	}
	params := m.Params()
	opt, err := nn.NewAdamW(params, nn.AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-8, WeightDecay: 0.05}, nil)
	if err != nil {
		return nil, 0, err
	}
	stepsPerEpoch := (len(train) + o.batch - 1) / o.batch
	sched := nn.WarmupCosine{Peak: o.lr, Final: o.lr / 50, WarmupSteps: int64(stepsPerEpoch), TotalSteps: int64(stepsPerEpoch * o.epochs)}
	labels := make([]emotion.Label, len(train))
	for j, i := range train {
		labels[j] = r.clips[i].label
	}
	cw := emotion.BalancedWeights(labels)

	state := trainerState{}
	var step int64
	if _, err := os.Stat(ckpt); err == nil {
		c := nn.Checkpoint{Params: params, Optimizer: opt}
		if err := nn.LoadCheckpoint(ckpt, &c); err != nil {
			return nil, 0, fmt.Errorf("resume %s: %w", ckpt, err)
		}
		if err := json.Unmarshal(c.Trainer, &state); err != nil {
			return nil, 0, fmt.Errorf("resume %s: %w", ckpt, err)
		}
		step = c.Step
		fmt.Fprintf(r.log, "emotion: resumed %s at epoch %d\n", ckpt, state.Epoch)
	}
	workers := nn.NewWorkers(o.workers, o.seed, params)
	defer workers.Close()
	workers.SetStepCount(uint64(step))
	specCfg := augment.SpecAugmentConfig{FreqMasks: 2, MaxFreqWidth: 6, TimeMasks: 2, MaxTimeWidth: 20, MaxTimeShare: 0.1}
	if kind == vTransfer {
		specCfg = augment.SpecAugmentConfig{TimeMasks: 2, MaxTimeWidth: 7, MaxTimeShare: 0.1}
	}
	width := m.Config().InputWidth()
	for epoch := state.Epoch; epoch < o.epochs; epoch++ {
		start := time.Now()
		order := slices.Clone(train)
		rng := rand.New(rand.NewPCG(o.seed, uint64(epoch)))
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var lossSum float64
		for b := 0; b < len(order); b += o.batch {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
			batch := order[b:min(b+o.batch, len(order))]
			var wsum float64
			for _, i := range batch {
				wsum += cw[r.clips[i].label]
			}
			losses, err := workers.Step(func(w int, t *nn.Tape) (*nn.Var, error) {
				var rows [][]float32
				var lens []int
				var targets []float32
				for j := w; j < len(batch); j += o.workers {
					c := r.clips[batch[j]]
					// A random version, a random crop (bounding the cost of
					// long clips) and SpecAugment, drawn per clip and epoch.
					crng := augment.NewRNG(o.seed, c.id+"/crop", epoch)
					v := crng.IntN(len(set.rows))
					in, n := set.rows[v][batch[j]], set.frames[v][batch[j]]
					if n > o.maxFrames {
						off := crng.IntN(n - o.maxFrames + 1)
						in, n = in[off*width:(off+o.maxFrames)*width], o.maxFrames
					}
					in = slices.Clone(in)
					if o.augment && n > 0 {
						if err := augment.SpecAugment(in, n, width, specCfg, crng); err != nil {
							return nil, err
						}
					}
					rows, lens = append(rows, in), append(lens, n)
					// Label smoothing 0.1 (Szegedy et al. 2016), weighted by class.
					wt := float32(cw[c.label] / wsum)
					for k := range emotion.NumLabels {
						v := float32(0.1 / emotion.NumLabels)
						if emotion.Label(k) == c.label {
							v += 0.9
						}
						targets = append(targets, wt*v)
					}
				}
				if len(rows) == 0 {
					return nil, nil
				}
				maxT := max(1, slices.Max(lens))
				inputs := make([]float32, len(rows)*maxT*width)
				for j, row := range rows {
					copy(inputs[j*maxT*width:], row)
				}
				logits, err := m.Logits(t, emotion.Batch{Inputs: inputs, Size: len(rows), Frames: maxT, Lengths: lens})
				if err != nil {
					return nil, err
				}
				lp := t.LogSoftmax(logits)
				y := t.Input([]int{len(rows), emotion.NumLabels}, targets)
				return t.Scale(t.Sum(t.Mul(lp, y)), -1), nil
			})
			if err != nil {
				return nil, 0, err
			}
			for _, l := range losses {
				lossSum += l
			}
			nn.ClipGradNorm(params, 5)
			opt.Step(sched.LR(step))
			nn.ZeroGrads(params)
			step++
		}
		state.Epoch = epoch + 1
		st, _ := json.Marshal(state)
		if err := nn.SaveCheckpoint(ckpt, nn.Checkpoint{Step: step, Params: params, Optimizer: opt, Trainer: st}); err != nil {
			return nil, 0, err
		}
		fmt.Fprintf(r.log, "emotion: %s epoch %d/%d loss %.3f (%.0f s)\n", kind, epoch+1, o.epochs, lossSum/float64(stepsPerEpoch), time.Since(start).Seconds())
	}
	return m, o.epochs, nil
}

// evaluate classifies the clips idx from their clean inputs (what Tag
// computes for a trimmed clip) and returns the confusion matrix.
func (r *recipe) evaluate(kind variant, m *emotion.Model, idx []int) (confusion, error) {
	in, err := r.features(context.Background(), kind)
	if err != nil {
		return confusion{}, err
	}
	var conf confusion
	t := nn.NewTape(0)
	t.SetTraining(false)
	for _, i := range idx {
		s, err := scoresFromInputs(m, t, in.rows[0][i], in.frames[0][i])
		if err != nil {
			return conf, err
		}
		top, _ := s.Top()
		conf[r.clips[i].label][top]++
	}
	return conf, nil
}

func scoresFromInputs(m *emotion.Model, t *nn.Tape, in []float32, n int) (emotion.Scores, error) {
	t.Reset()
	logits, err := m.Logits(t, emotion.Batch{Inputs: in, Size: 1, Frames: n, Lengths: []int{n}})
	if err != nil {
		return emotion.Scores{}, err
	}
	var s emotion.Scores
	var sum float64
	mx := slices.Max(logits.Data)
	for k, v := range logits.Data[:emotion.NumLabels] {
		e := expf(float64(v - mx))
		s[k] = float32(e)
		sum += e
	}
	for k := range s {
		s[k] = float32(float64(s[k]) / sum)
	}
	return s, nil
}

// card is the training record stored in the shipped model.
type card struct {
	Kind     variant         `json:"kind"`
	Data     string          `json:"data"`
	Licence  string          `json:"licence"`
	Clips    int             `json:"clips"`
	Speakers int             `json:"speakers"`
	Epochs   int             `json:"epochs,omitempty"`
	L2       float64         `json:"l2,omitempty"`
	Command  string          `json:"command"`
	Folds    []variantResult `json:"cross_validation"`
	Trained  string          `json:"trained"`
	Machine  string          `json:"machine"`
}

// ship trains the shipped kind on every clip and writes it.
func (r *recipe) ship(ctx context.Context, results []variantResult, stdout io.Writer) error {
	all := make([]int, len(r.clips))
	for i := range all {
		all[i] = i
	}
	r.chosenL2 = 0
	m, epochs, err := r.fit(ctx, r.o.ship, all, filepath.Join(r.o.workDir, string(r.o.ship), "all.ckpt"))
	if err != nil {
		return err
	}
	speakers := map[string]bool{}
	for _, c := range r.clips {
		speakers[c.speaker] = true
	}
	cd := card{
		Kind: r.o.ship, Data: "RAVDESS speech, actors 01-18 (acted; two fixed sentences)", Licence: "CC BY-NC-SA 4.0: non-commercial use only",
		Clips: len(r.clips), Speakers: len(speakers), Epochs: epochs, L2: r.chosenL2,
		Command: r.o.command,
		Folds:   results, Trained: time.Now().UTC().Format("2006-01-02"), Machine: fmt.Sprintf("%s/%s, %d CPUs (shared)", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
	}
	if err := m.Save(r.o.out, cd); err != nil {
		return err
	}
	os.Remove(filepath.Join(r.o.workDir, string(r.o.ship), "all.ckpt"))
	st, err := os.Stat(r.o.out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s, %d parameters, %d bytes)\n", r.o.out, r.o.ship, nn.CountParams(m.Params()), st.Size())
	return nil
}

// variant is a model the recipe can cross-validate and ship: one of the
// kinds, with the baseline on either descriptor set.
type variant string

// The variants.
const (
	vBaseline    variant = "baseline"     // emotion.DefaultBaseline: the 56 descriptors
	vBaselineExt variant = "baseline-ext" // emotion.ExtendedBaseline: all NumDescriptorsExtended
	vCNN         variant = "cnn"
	vTransfer    variant = "transfer"
)

// allVariants lists the variants in the order the card reports them.
var allVariants = []variant{vBaseline, vBaselineExt, vCNN, vTransfer}

// kind is the model kind of v.
func (v variant) kind() emotion.Kind {
	switch v {
	case vBaseline, vBaselineExt:
		return emotion.KindBaseline
	}
	return emotion.Kind(v)
}

// fitBaseline fits a baseline variant on the clips train (every version of
// their descriptors). With several -l2 values it picks one by nested
// cross-validation: the training speakers are dealt into folds-1 inner
// folds as the outer folds are dealt, each value is scored by its mean
// inner UAR on clean descriptors, and the best (the larger on a tie) is
// refitted on all of train. The held-out fold never takes part in the
// choice, so the outer scores stay honest.
func (r *recipe) fitBaseline(ctx context.Context, kind variant, train []int, in *inputSet) (*emotion.Model, float64, error) {
	fitOn := func(idx []int, l2 float64) (*emotion.Model, error) {
		var x [][]float32
		var y []emotion.Label
		for _, v := range in.rows {
			for _, i := range idx {
				x = append(x, v[i])
				y = append(y, r.clips[i].label)
			}
		}
		return emotion.FitBaseline(x, y, emotion.BaselineOptions{L2: l2})
	}
	l2 := r.o.l2[0]
	sub := make([]clip, len(train))
	speakers := map[string]bool{}
	for k, i := range train {
		sub[k] = r.clips[i]
		speakers[r.clips[i].speaker] = true
	}
	inner := max(2, r.o.folds-1)
	if len(r.o.l2) > 1 && len(speakers) >= inner {
		innerOf, _ := assignFolds(sub, inner)
		best := -1.0
		for _, cand := range r.o.l2 {
			var sum float64
			for f := range inner {
				if err := ctx.Err(); err != nil {
					return nil, 0, err
				}
				var fitIdx, testIdx []int
				for _, i := range train {
					if innerOf[r.clips[i].speaker] == f {
						testIdx = append(testIdx, i)
					} else {
						fitIdx = append(fitIdx, i)
					}
				}
				m, err := fitOn(fitIdx, cand)
				if err != nil {
					return nil, 0, err
				}
				conf, err := r.evaluate(kind, m, testIdx)
				if err != nil {
					return nil, 0, err
				}
				sum += conf.uar()
			}
			uar := sum / float64(inner)
			fmt.Fprintf(r.log, "emotion: %s l2 %g: inner UAR %.1f%%\n", kind, cand, 100*uar)
			if uar >= best {
				best, l2 = uar, cand
			}
		}
	}
	r.chosenL2 = l2
	m, err := fitOn(train, l2)
	return m, l2, err
}
