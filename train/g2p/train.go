package g2p

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// Options configure a training run.
type Options struct {
	Model g2p.ModelConfig `json:"model"`
	Seed  uint64          `json:"seed"`
	// Workers is the number of data-parallel workers (one per core).
	Workers int `json:"workers"`
	// BatchWords is the number of (word, pronunciation) pairs per step.
	BatchWords int `json:"batch_words"`
	// Epochs is the length of the LR schedule in passes over the data.
	Epochs      float64 `json:"epochs"`
	PeakLR      float64 `json:"peak_lr"`
	FinalLR     float64 `json:"final_lr"`
	WarmupSteps int64   `json:"warmup_steps"`
	WeightDecay float64 `json:"weight_decay"`
	ClipNorm    float64 `json:"clip_norm"`
	EMADecay    float64 `json:"ema_decay"`
	// EvalEvery scores dev every so many steps; CheckpointEvery saves.
	EvalEvery       int64 `json:"eval_every"`
	CheckpointEvery int64 `json:"checkpoint_every"`
	// DevLimit scores at most so many dev words (0: all).
	DevLimit int `json:"dev_limit"`
	// WorkDir holds checkpoint.safetensors and best.safetensors.
	WorkDir string `json:"work_dir"`
	// Out, when set, receives the exported fp16 model at the end.
	Out string `json:"out"`
	// Steps stops this run after so many steps (0: run the schedule out);
	// MaxDuration stops it after so long (0: no limit). Runs resume.
	Steps       int64         `json:"steps"`
	MaxDuration time.Duration `json:"max_duration"`
	// Log receives progress lines.
	Log io.Writer `json:"-"`
}

// DefaultOptions are the shipped model's recipe.
func DefaultOptions() Options {
	return Options{
		Model:           g2p.DefaultModelConfig(),
		Seed:            1,
		Workers:         2,
		BatchWords:      128,
		Epochs:          12,
		PeakLR:          3e-3,
		FinalLR:         3e-5,
		WarmupSteps:     400,
		WeightDecay:     0.01,
		ClipNorm:        2,
		EMADecay:        0.999,
		EvalEvery:       500,
		CheckpointEvery: 100,
		DevLimit:        2000,
	}
}

// Result is what a finished run measured.
type Result struct {
	Steps      int64     `json:"steps"`
	Epochs     float64   `json:"epochs"`
	Dev        g2p.Score `json:"dev"`
	Test       g2p.Score `json:"test"`
	Params     int       `json:"params"`
	TrainWords int       `json:"train_words"`
	TrainPairs int       `json:"train_pairs"`
	Seconds    float64   `json:"seconds"`
}

// example is one trainable (word, pronunciation) pair.
type example struct {
	ids    []int
	labels []int
}

// corpus is the split dictionary in the model's encoding.
type corpus struct {
	Train      []example
	TrainWords int
	Dev, Test  []g2p.DictEntry
}

// loadData splits the embedded CMUdict for a model of vocabulary v and
// upsampling factor up, dropping the pairs CTC cannot align (more labels
// and repeats than frames).
func loadData(v g2p.Vocab, up int) (*corpus, error) {
	d := &corpus{}
	for w, ps := range g2p.CMUdict().All() {
		if !g2p.Trainable(w) {
			continue
		}
		switch g2p.SplitOf(w) {
		case g2p.SplitDev:
			d.Dev = append(d.Dev, g2p.DictEntry{Word: w, Prons: ps})
			continue
		case g2p.SplitTest:
			d.Test = append(d.Test, g2p.DictEntry{Word: w, Prons: ps})
			continue
		}
		ids, ok := g2p.EncodeLetters(nil, w)
		if !ok {
			continue
		}
		d.TrainWords++
		for _, p := range ps {
			labels, err := v.Encode(nil, p)
			if err != nil {
				return nil, fmt.Errorf("word %q: %w", w, err)
			}
			need := len(labels)
			for i := 1; i < len(labels); i++ {
				if labels[i] == labels[i-1] {
					need++
				}
			}
			if need > len(ids)*up {
				continue
			}
			d.Train = append(d.Train, example{ids: ids, labels: labels})
		}
	}
	if len(d.Train) == 0 || len(d.Dev) == 0 || len(d.Test) == 0 {
		return nil, errors.New("train g2p: empty split")
	}
	return d, nil
}

// batches returns epoch e's batches: a seeded shuffle, then pools of 50
// batches sorted by length so that padding stays small, then the batches
// shuffled again.
func batches(n, batch int, seed uint64, epoch int, length func(int) int) [][]int {
	rng := rand.New(rand.NewPCG(seed, uint64(epoch)+1))
	perm := rng.Perm(n)
	pool := 50 * batch
	var out [][]int
	for start := 0; start < n; start += pool {
		chunk := perm[start:min(start+pool, n)]
		slices.SortStableFunc(chunk, func(a, b int) int { return length(a) - length(b) })
		for s := 0; s < len(chunk); s += batch {
			out = append(out, chunk[s:min(s+batch, len(chunk))])
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// progress is the trainer state stored in the checkpoint.
type progress struct {
	Step       int64   `json:"step"`
	BestDevPER float64 `json:"best_dev_per"`
	BestStep   int64   `json:"best_step"`
}

const (
	checkpointFile = "checkpoint.safetensors"
	bestFile       = "best.safetensors"
)

func (o Options) validate() error {
	if err := o.Model.Validate(); err != nil {
		return err
	}
	switch {
	case o.Workers < 1 || o.BatchWords < o.Workers:
		return fmt.Errorf("train g2p: %d workers for batches of %d", o.Workers, o.BatchWords)
	case o.Epochs <= 0 || o.PeakLR <= 0 || o.WarmupSteps < 0:
		return errors.New("train g2p: epochs and peak LR must be positive")
	case o.WorkDir == "":
		return errors.New("train g2p: no work folder")
	case o.EvalEvery <= 0 || o.CheckpointEvery <= 0:
		return errors.New("train g2p: eval and checkpoint intervals must be positive")
	}
	return nil
}

// Train runs (or resumes) the recipe and, when the schedule is done or a
// limit stops it, scores the best weights on the held-out test words and
// writes them to opts.Out.
func Train(ctx context.Context, opts Options) (Result, error) {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if err := opts.validate(); err != nil {
		return Result{}, err
	}
	began := time.Now()
	if err := os.MkdirAll(opts.WorkDir, 0o755); err != nil {
		return Result{}, fmt.Errorf("train g2p: %w", err)
	}
	model, err := g2p.NewModel(opts.Model, opts.Seed)
	if err != nil {
		return Result{}, err
	}
	data, err := loadData(model.Vocab(), opts.Model.Upsample)
	if err != nil {
		return Result{}, err
	}
	params := model.Params()
	fmt.Fprintf(opts.Log, "train g2p: %d params; %d train words (%d pairs), %d dev, %d test\n",
		nn.CountParams(params), data.TrainWords, len(data.Train), len(data.Dev), len(data.Test))

	cfg := nn.DefaultAdamWConfig()
	cfg.WeightDecay = opts.WeightDecay
	optim, err := nn.NewAdamW(params, cfg, nn.DecayMatrices)
	if err != nil {
		return Result{}, err
	}
	ema, err := nn.NewEMA(params, opts.EMADecay)
	if err != nil {
		return Result{}, err
	}
	stepsPerEpoch := (len(data.Train) + opts.BatchWords - 1) / opts.BatchWords
	total := int64(opts.Epochs * float64(stepsPerEpoch))
	sched := nn.WarmupCosine{Peak: opts.PeakLR, Final: opts.FinalLR, WarmupSteps: opts.WarmupSteps, TotalSteps: total}
	if err := sched.Validate(); err != nil {
		return Result{}, err
	}

	prog := progress{BestDevPER: 2}
	ckptPath := filepath.Join(opts.WorkDir, checkpointFile)
	if _, err := os.Stat(ckptPath); err == nil {
		ck := nn.Checkpoint{Params: params, Optimizer: optim, EMA: ema}
		if err := nn.LoadCheckpoint(ckptPath, &ck); err != nil {
			return Result{}, fmt.Errorf("train g2p: resume: %w", err)
		}
		if err := json.Unmarshal(ck.Trainer, &prog); err != nil {
			return Result{}, fmt.Errorf("train g2p: resume: %w", err)
		}
		fmt.Fprintf(opts.Log, "train g2p: resumed at step %d (best dev PER %.2f%% at %d)\n", prog.Step, 100*prog.BestDevPER, prog.BestStep)
	}
	save := func() error {
		blob, _ := json.Marshal(prog)
		return nn.SaveCheckpoint(ckptPath, nn.Checkpoint{Step: prog.Step, Params: params, Optimizer: optim, EMA: ema, Trainer: blob})
	}

	evalModel, err := g2p.NewModel(opts.Model, 0)
	if err != nil {
		return Result{}, err
	}
	dev := data.Dev
	if opts.DevLimit > 0 && len(dev) > opts.DevLimit {
		dev = dev[:opts.DevLimit]
	}
	evalDev := func() (g2p.Score, error) {
		if err := ema.CopyTo(evalModel.Params()); err != nil {
			return g2p.Score{}, err
		}
		return Evaluate(evalModel, dev), nil
	}

	workers := nn.NewWorkers(opts.Workers, opts.Seed, params)
	defer workers.Close()
	workers.SetStepCount(uint64(prog.Step))
	shardIDs := make([][]int, opts.Workers)
	shardLens := make([][]int, opts.Workers)
	shardLabels := make([][][]int, opts.Workers)
	runStart, runSteps := time.Now(), int64(0)
	var lossSum float64
	var lossN int
	lastLog := time.Now()
	epochCache, epochOf := [][]int(nil), -1
	for prog.Step < total {
		if err := ctx.Err(); err != nil {
			if err2 := save(); err2 != nil {
				return Result{}, err2
			}
			return Result{}, err
		}
		if (opts.Steps > 0 && runSteps >= opts.Steps) || (opts.MaxDuration > 0 && time.Since(runStart) > opts.MaxDuration) {
			break
		}
		epoch := int(prog.Step / int64(stepsPerEpoch))
		if epoch != epochOf {
			epochCache = batches(len(data.Train), opts.BatchWords, opts.Seed, epoch, func(i int) int { return len(data.Train[i].ids) })
			epochOf = epoch
		}
		batch := epochCache[prog.Step%int64(stepsPerEpoch)%int64(len(epochCache))]
		// Shard the batch: contiguous slices (lengths are similar).
		for w := range opts.Workers {
			lo, hi := w*len(batch)/opts.Workers, (w+1)*len(batch)/opts.Workers
			part := batch[lo:hi]
			steps := 0
			for _, i := range part {
				steps = max(steps, len(data.Train[i].ids))
			}
			ids, lens, labels := shardIDs[w][:0], shardLens[w][:0], shardLabels[w][:0]
			for _, i := range part {
				ex := data.Train[i]
				ids = append(ids, ex.ids...)
				for range steps - len(ex.ids) {
					ids = append(ids, 0)
				}
				lens = append(lens, len(ex.ids)*opts.Model.Upsample)
				labels = append(labels, ex.labels)
			}
			shardIDs[w], shardLens[w], shardLabels[w] = ids, lens, labels
		}
		nn.ZeroGrads(params)
		losses, err := workers.Step(func(w int, t *nn.Tape) (*nn.Var, error) {
			if len(shardLens[w]) == 0 {
				return nil, nil
			}
			letterLens := make([]int, len(shardLens[w]))
			for i, n := range shardLens[w] {
				letterLens[i] = n / opts.Model.Upsample
			}
			scores, err := model.Forward(t, shardIDs[w], letterLens)
			if err != nil {
				return nil, err
			}
			return t.CTCLoss(scores, shardLens[w], shardLabels[w], nn.CTCOptions{Blank: g2p.Blank, ZeroInfinity: true})
		})
		if err != nil {
			return Result{}, fmt.Errorf("train g2p: step %d: %w", prog.Step, err)
		}
		// Shards are averaged over their words: weight them by size so the
		// step's gradient is the batch mean whatever the worker count.
		for _, l := range losses {
			lossSum += l
			lossN++
		}
		if opts.Workers > 1 {
			for _, p := range params {
				for i := range p.Grad {
					p.Grad[i] /= float32(opts.Workers)
				}
			}
		}
		nn.ClipGradNorm(params, opts.ClipNorm)
		lr := sched.LR(prog.Step)
		optim.Step(lr)
		ema.Update()
		prog.Step++
		runSteps++

		if time.Since(lastLog) > 30*time.Second {
			rate := float64(runSteps) / time.Since(runStart).Seconds()
			eta := time.Duration(float64(total-prog.Step) / rate * float64(time.Second))
			fmt.Fprintf(opts.Log, "step %d/%d epoch %.2f loss %.4f lr %.2e %.0f words/s ETA %v\n",
				prog.Step, total, float64(prog.Step)/float64(stepsPerEpoch), lossSum/float64(max(lossN, 1)), lr,
				rate*float64(opts.BatchWords), eta.Round(time.Second))
			lossSum, lossN, lastLog = 0, 0, time.Now()
		}
		if prog.Step%opts.EvalEvery == 0 || prog.Step == total {
			s, err := evalDev()
			if err != nil {
				return Result{}, err
			}
			mark := ""
			if s.PER() < prog.BestDevPER {
				prog.BestDevPER, prog.BestStep = s.PER(), prog.Step
				card := map[string]string{"step": strconv.FormatInt(prog.Step, 10)}
				if err := saveModel(evalModel, filepath.Join(opts.WorkDir, bestFile), safetensors.F32, card); err != nil {
					return Result{}, err
				}
				mark = " (best)"
			}
			fmt.Fprintf(opts.Log, "step %d dev PER %.2f%% WER %.2f%% over %d words%s\n", prog.Step, 100*s.PER(), 100*s.WER(), s.Words, mark)
		}
		if prog.Step%opts.CheckpointEvery == 0 {
			if err := save(); err != nil {
				return Result{}, err
			}
		}
	}
	if err := save(); err != nil {
		return Result{}, err
	}
	res := Result{Steps: prog.Step, Epochs: float64(prog.Step) / float64(stepsPerEpoch), Params: nn.CountParams(params),
		TrainWords: data.TrainWords, TrainPairs: len(data.Train)}
	if opts.Out != "" {
		if _, err := os.Stat(filepath.Join(opts.WorkDir, bestFile)); err != nil {
			// No dev evaluation yet: ship the EMA weights.
			if err := ema.CopyTo(evalModel.Params()); err != nil {
				return Result{}, err
			}
			card := map[string]string{"step": strconv.FormatInt(prog.Step, 10)}
			if err := saveModel(evalModel, filepath.Join(opts.WorkDir, bestFile), safetensors.F32, card); err != nil {
				return Result{}, err
			}
		}
		if res.Dev, res.Test, err = finalize(opts.WorkDir, opts.Out, data, opts.Log); err != nil {
			return Result{}, err
		}
	}
	res.Seconds = time.Since(began).Seconds()
	return res, nil
}

// finalize scores the best weights of workDir, rounded to fp16 exactly as
// they ship (so the card states what the embedded model measures), on the
// dev and held-out test words, and writes them with the figures in the
// card to out.
func finalize(workDir, out string, data *corpus, log io.Writer) (dev, test g2p.Score, err error) {
	raw, err := os.ReadFile(filepath.Join(workDir, bestFile))
	if err != nil {
		return dev, test, fmt.Errorf("train g2p: %w", err)
	}
	best, err := g2p.LoadModel(raw)
	if err != nil {
		return dev, test, err
	}
	bestCard, err := g2p.ModelCard(raw)
	if err != nil {
		return dev, test, err
	}
	var half bytes.Buffer
	if err := best.WriteModel(&half, safetensors.F16, nil); err != nil {
		return dev, test, err
	}
	if best, err = g2p.LoadModel(half.Bytes()); err != nil {
		return dev, test, err
	}
	dev = Evaluate(best, data.Dev)
	test = Evaluate(best, data.Test)
	fmt.Fprintf(log, "train g2p: best step %s; dev PER %.2f%% WER %.2f%% (%d words); test PER %.2f%% WER %.2f%% (%d words)\n",
		bestCard["step"], 100*dev.PER(), 100*dev.WER(), dev.Words, 100*test.PER(), 100*test.WER(), test.Words)
	card := map[string]string{
		"data":        "CMU Pronouncing Dictionary (BSD-2-Clause), the embedded table; words split by g2p.SplitOf",
		"step":        bestCard["step"],
		"test_per":    strconv.FormatFloat(100*test.PER(), 'f', 2, 64),
		"test_wer":    strconv.FormatFloat(100*test.WER(), 'f', 2, 64),
		"test_words":  strconv.Itoa(test.Words),
		"dev_per":     strconv.FormatFloat(100*dev.PER(), 'f', 2, 64),
		"dev_wer":     strconv.FormatFloat(100*dev.WER(), 'f', 2, 64),
		"dev_words":   strconv.Itoa(dev.Words),
		"train_words": strconv.Itoa(data.TrainWords),
	}
	if err := saveModel(best, out, safetensors.F16, card); err != nil {
		return dev, test, err
	}
	fmt.Fprintf(log, "train g2p: wrote %s\n", out)
	return dev, test, nil
}

func saveModel(m *g2p.Model, path string, dtype safetensors.DType, card map[string]string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("train g2p: %w", err)
	}
	if err := m.WriteModel(f, dtype, card); err != nil {
		f.Close()
		return fmt.Errorf("train g2p: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("train g2p: write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// Evaluate scores m's greedy pronunciations of entries against their
// dictionary pronunciations.
func Evaluate(m *g2p.Model, entries []g2p.DictEntry) g2p.Score {
	words := make([]string, len(entries))
	for i, e := range entries {
		words[i] = e.Word
	}
	preds := m.PredictBatch(words)
	var s g2p.Score
	for i, e := range entries {
		s.Add(preds[i], e.Prons)
	}
	return s
}

// Export scores the best weights of the run in workDir (finished or not)
// and writes them in fp16 with their figures to out. With fromCheckpoint
// it exports the EMA weights of the latest checkpoint instead (a run
// stopped between dev evaluations).
func Export(workDir, out string, fromCheckpoint bool, log io.Writer) (dev, test g2p.Score, err error) {
	if log == nil {
		log = io.Discard
	}
	data, err := loadData(g2p.PhoneSet(true), 1)
	if err != nil {
		return dev, test, err
	}
	if fromCheckpoint {
		tmp, err := os.MkdirTemp("", "g2p-export")
		if err != nil {
			return dev, test, err
		}
		defer os.RemoveAll(tmp)
		if err := checkpointEMA(workDir, filepath.Join(tmp, bestFile)); err != nil {
			return dev, test, err
		}
		workDir = tmp
	}
	return finalize(workDir, out, data, log)
}

// checkpointEMA writes the EMA weights of workDir's checkpoint as a model
// file at path, its card naming the step.
func checkpointEMA(workDir, path string) error {
	raw, err := os.ReadFile(filepath.Join(workDir, checkpointFile))
	if err != nil {
		return fmt.Errorf("train g2p: %w", err)
	}
	// The model's shape is not in the checkpoint: take it from the best
	// weights of the same run, else the defaults.
	cfg := g2p.DefaultModelConfig()
	if best, err := os.ReadFile(filepath.Join(workDir, bestFile)); err == nil {
		if m, err := g2p.LoadModel(best); err == nil {
			cfg = m.Config()
		}
	}
	m, err := g2p.NewModel(cfg, 0)
	if err != nil {
		return err
	}
	ema, err := nn.NewEMA(m.Params(), DefaultOptions().EMADecay)
	if err != nil {
		return err
	}
	ck := nn.Checkpoint{Params: m.Params(), EMA: ema}
	if err := nn.ReadCheckpoint(raw, &ck); err != nil {
		return fmt.Errorf("train g2p: read checkpoint: %w", err)
	}
	if err := ema.CopyTo(m.Params()); err != nil {
		return err
	}
	return saveModel(m, path, safetensors.F32, map[string]string{"step": strconv.FormatInt(ck.Step, 10)})
}
