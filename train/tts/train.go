package tts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/tts/acoustic"
)

// Options configure a training run.
type Options struct {
	// Corpus is the Kathleen folder (../shared/corpora/kathleen).
	Corpus string `json:"corpus"`
	// WorkDir holds the features cache, config, checkpoint, ledger and
	// the best model; a run started again on it resumes.
	WorkDir string `json:"work_dir"`
	// Dim, Blocks are the model's width and the encoder's and decoder's
	// block counts (0: DefaultConfig's).
	Dim    int    `json:"dim"`
	Blocks int    `json:"blocks"`
	Seed   uint64 `json:"seed"`
	// BatchFrames bounds batch size × longest utterance, in frames.
	BatchFrames int `json:"batch_frames"`
	// MaxFrames drops longer training utterances.
	MaxFrames   int     `json:"max_frames"`
	PeakLR      float64 `json:"peak_lr"`
	WarmupSteps int64   `json:"warmup_steps"`
	TotalSteps  int64   `json:"total_steps"`
	ClipNorm    float64 `json:"clip_norm"`
	// BinarizeFrom is the step the binarisation loss starts.
	BinarizeFrom int64 `json:"binarize_from"`
	// EvalEvery is the interval of dev evaluation, checkpoint and ledger
	// lines; DevUtts caps the dev utterances synthesised for MCD (0 all).
	EvalEvery int64 `json:"eval_every"`
	DevUtts   int   `json:"dev_utts"`
	// Deadline, if set, stops the run (with a checkpoint) at that time.
	Deadline time.Time `json:"-"`
}

// DefaultOptions is the shipped recipe.
func DefaultOptions() Options {
	return Options{
		Corpus: "../shared/corpora/kathleen", Seed: 1, BatchFrames: 4000, MaxFrames: 1200,
		PeakLR: 1e-3, WarmupSteps: 300, TotalSteps: 20000, ClipNorm: 1, BinarizeFrom: 3000,
		EvalEvery: 200,
	}
}

// LedgerLine is one line of the ledger (ledger.jsonl in the work folder).
type LedgerLine struct {
	Step      int64           `json:"step"`
	Time      string          `json:"time"`
	Seconds   float64         `json:"train_seconds"`
	LR        float64         `json:"lr"`
	Train     acoustic.Losses `json:"train"`
	Dev       acoustic.Losses `json:"dev"`
	DevMCD    float64         `json:"dev_mcd_db"`
	DevLength float64         `json:"dev_length_ratio"`
	Human     *HumanMCD       `json:"human,omitempty"`
	Best      bool            `json:"best,omitempty"`
}

type trainerState struct {
	Epoch    int     `json:"epoch"`
	Batch    int     `json:"batch"`
	BestMCD  float64 `json:"best_mcd"`
	BestStep int64   `json:"best_step"`
	Seconds  float64 `json:"seconds"`
}

// Files in the work folder.
const (
	FeaturesFile   = "features.gob"
	ConfigFile     = "config.json"
	CheckpointFile = "checkpoint.safetensors"
	LedgerFile     = "ledger.jsonl"
	BestFile       = "acoustic.safetensors"
)

// Train runs (or resumes) the recipe until TotalSteps, the deadline or ctx
// ends; it checkpoints every EvalEvery steps and on the way out, and keeps
// the model of the best dev MCD in BestFile.
func Train(ctx context.Context, o Options, log io.Writer) error {
	if o.WorkDir == "" {
		return errors.New("train tts: no work folder")
	}
	if err := os.MkdirAll(o.WorkDir, 0o755); err != nil {
		return err
	}
	utts, err := LoadFeatures(ctx, o.Corpus, filepath.Join(o.WorkDir, FeaturesFile), log)
	if err != nil {
		return err
	}
	cfgPath := filepath.Join(o.WorkDir, ConfigFile)
	var cfg acoustic.Config
	if b, err := os.ReadFile(cfgPath); err == nil {
		if err := json.Unmarshal(b, &cfg); err != nil {
			return fmt.Errorf("train tts: %s: %w", cfgPath, err)
		}
	} else {
		cfg = acoustic.DefaultConfig()
		cfg.Name = "kathleen"
		if o.Dim > 0 {
			cfg.Dim = o.Dim
		}
		if o.Blocks > 0 {
			cfg.EncoderBlocks, cfg.DecoderBlocks = o.Blocks, o.Blocks
		}
		Stats(&cfg, utts)
		b, _ := json.MarshalIndent(cfg, "", " ")
		if err := os.WriteFile(cfgPath, b, 0o644); err != nil {
			return err
		}
	}
	m, err := acoustic.New(cfg, o.Seed)
	if err != nil {
		return err
	}
	var train, dev []acoustic.Example
	var devUtts []Utt
	for _, u := range utts {
		ids, err := m.Encode(u.Symbols)
		if err != nil {
			return fmt.Errorf("train tts: %s: %w", u.ID, err)
		}
		if u.Frames < len(ids) || (!u.Dev && u.Frames > o.MaxFrames) {
			continue
		}
		e := acoustic.Example{IDs: ids, Frames: u.Frames, Mels: u.Mels, F0: u.F0}
		if u.Dev {
			dev = append(dev, e)
			devUtts = append(devUtts, u)
		} else {
			train = append(train, e)
		}
	}
	if o.DevUtts > 0 && len(devUtts) > o.DevUtts {
		devUtts = devUtts[:o.DevUtts]
	}
	fmt.Fprintf(log, "train tts: %d train, %d dev utterances; %d params; config %s\n", len(train), len(dev), nn.CountParams(m.Params()), cfgPath)

	opt, err := nn.NewAdamW(m.Params(), nn.AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-9, WeightDecay: 1e-6}, nn.DecayMatrices)
	if err != nil {
		return err
	}
	sched := nn.WarmupCosine{Peak: o.PeakLR, Final: o.PeakLR / 20, WarmupSteps: o.WarmupSteps, TotalSteps: o.TotalSteps}
	st := trainerState{BestMCD: math.Inf(1)}
	ckPath := filepath.Join(o.WorkDir, CheckpointFile)
	ck := nn.Checkpoint{Params: m.Params(), Optimizer: opt}
	step := int64(0)
	if _, err := os.Stat(ckPath); err == nil {
		if err := nn.LoadCheckpoint(ckPath, &ck); err != nil {
			return fmt.Errorf("train tts: resume: %w", err)
		}
		step = ck.Step
		if err := json.Unmarshal(ck.Trainer, &st); err != nil {
			return fmt.Errorf("train tts: resume: %w", err)
		}
		fmt.Fprintf(log, "train tts: resumed at step %d (epoch %d, batch %d, best dev MCD %.3f at %d)\n", step, st.Epoch, st.Batch, st.BestMCD, st.BestStep)
	}
	ledger, err := os.OpenFile(filepath.Join(o.WorkDir, LedgerFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer ledger.Close()
	var human *HumanMCD
	if step == 0 {
		h := ComputeHumanMCD(utts)
		human = &h
		fmt.Fprintf(log, "train tts: human-to-human MCD %.3f dB over %d prompt pairs (dev %.3f dB over %d)\n", h.AllMCD, h.AllPairs, h.DevMCD, h.DevPairs)
	}

	save := func() error {
		b, _ := json.Marshal(st)
		ck.Step, ck.Trainer = step, b
		return nn.SaveCheckpoint(ckPath, ck)
	}
	tape := nn.NewTape(o.Seed)
	var sum acoustic.Losses
	var nsum int
	stepStart := time.Now()
	for step < o.TotalSteps {
		batches := makeBatches(train, o.Seed, st.Epoch, o.BatchFrames)
		for st.Batch < len(batches) && step < o.TotalSteps {
			if ctx.Err() != nil || (!o.Deadline.IsZero() && time.Now().After(o.Deadline)) {
				st.Seconds += time.Since(stepStart).Seconds()
				fmt.Fprintf(log, "train tts: stopping at step %d, checkpoint saved\n", step)
				return save()
			}
			b := batches[st.Batch]
			tape.Reset()
			tape.Reseed(o.Seed ^ uint64(step)*0x9e3779b97f4a7c15)
			tape.SetTraining(true)
			tape.SetGradEnabled(true)
			nn.ZeroGrads(m.Params())
			w := acoustic.DefaultLossWeights()
			if step >= o.BinarizeFrom {
				w.Binarization = 1
			}
			loss, parts, _, err := m.Loss(tape, b, w)
			if err != nil {
				return fmt.Errorf("train tts: step %d: %w", step, err)
			}
			tape.Backward(loss)
			tape.AddParamGradsTo()
			nn.ClipGradNorm(m.Params(), o.ClipNorm)
			lr := sched.LR(step)
			opt.Step(lr)
			sum = sum.Add(parts)
			nsum++
			step++
			st.Batch++
			if step%o.EvalEvery == 0 || step == o.TotalSteps {
				st.Seconds += time.Since(stepStart).Seconds()
				stepStart = time.Now()
				line := LedgerLine{Step: step, Time: time.Now().UTC().Format(time.RFC3339), Seconds: st.Seconds, LR: lr, Train: sum.Scale(1 / float64(nsum)), Human: human}
				human = nil
				sum, nsum = acoustic.Losses{}, 0
				line.Dev, line.DevMCD, line.DevLength, err = evaluate(m, dev, devUtts, o.BatchFrames)
				if err != nil {
					return err
				}
				if line.DevMCD < st.BestMCD {
					st.BestMCD, st.BestStep, line.Best = line.DevMCD, step, true
					if err := saveModel(m, filepath.Join(o.WorkDir, BestFile), step, line); err != nil {
						return err
					}
				}
				b, _ := json.Marshal(line)
				if _, err := ledger.Write(append(b, '\n')); err != nil {
					return err
				}
				fmt.Fprintf(log, "step %d lr %.2e train total %.3f mel %.3f fs %.3f dur %.3f | dev mel %.3f MCD %.3f dB len %.2f%s (%.0f s)\n",
					step, lr, line.Train.Total, line.Train.Mel, line.Train.ForwardSum, line.Train.Duration, line.Dev.Mel, line.DevMCD, line.DevLength, map[bool]string{true: " best"}[line.Best], st.Seconds)
				if err := save(); err != nil {
					return err
				}
			}
		}
		if st.Batch >= len(batches) {
			st.Epoch++
			st.Batch = 0
		}
	}
	return save()
}

// makeBatches orders epoch's utterances by a seeded shuffle, sorts each
// window of 64 by length (little padding), cuts batches of at most
// budget padded frames and shuffles the batches: deterministic for (seed,
// epoch), so a resumed run continues the same sequence.
func makeBatches(train []acoustic.Example, seed uint64, epoch, budget int) [][]acoustic.Example {
	rng := rand.New(rand.NewPCG(seed, uint64(epoch)+1))
	order := rng.Perm(len(train))
	var out [][]acoustic.Example
	for lo := 0; lo < len(order); lo += 64 {
		win := slices.Clone(order[lo:min(lo+64, len(order))])
		sort.SliceStable(win, func(i, j int) bool { return train[win[i]].Frames < train[win[j]].Frames })
		var cur []acoustic.Example
		longest := 0
		for _, i := range win {
			e := train[i]
			if len(cur) > 0 && max(longest, e.Frames)*(len(cur)+1) > budget {
				out = append(out, cur)
				cur, longest = nil, 0
			}
			cur = append(cur, e)
			longest = max(longest, e.Frames)
		}
		if len(cur) > 0 {
			out = append(out, cur)
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// evaluate returns the dev losses (teacher-forced, no dropout), the mean
// dev MCD of free synthesis (predicted durations and pitch) against the
// recordings, and the mean ratio of synthesised to recorded length.
func evaluate(m *acoustic.Model, dev []acoustic.Example, devUtts []Utt, budget int) (acoustic.Losses, float64, float64, error) {
	tape := nn.NewTape(0)
	tape.SetTraining(false)
	tape.SetGradEnabled(false)
	var sum acoustic.Losses
	n := 0
	for lo := 0; lo < len(dev); {
		hi := lo + 1
		longest := dev[lo].Frames
		for hi < len(dev) && max(longest, dev[hi].Frames)*(hi-lo+1) <= budget {
			longest = max(longest, dev[hi].Frames)
			hi++
		}
		tape.Reset()
		_, parts, _, err := m.Loss(tape, dev[lo:hi], acoustic.DefaultLossWeights())
		if err != nil {
			return sum, 0, 0, fmt.Errorf("dev: %w", err)
		}
		sum = sum.Add(parts.Scale(float64(hi - lo)))
		n += hi - lo
		lo = hi
	}
	sum = sum.Scale(1 / float64(max(n, 1)))
	var mcd, ratio float64
	for _, u := range devUtts {
		out, err := m.Synthesize(tape, u.Symbols, acoustic.Controls{})
		if err != nil {
			return sum, 0, 0, fmt.Errorf("dev %s: %w", u.ID, err)
		}
		a := MelCepstrum(out.Mels, out.Frames, 80, CepstralOrder)
		b := MelCepstrum(u.Mels, u.Frames, 80, CepstralOrder)
		mcd += MCD(a, out.Frames, b, u.Frames, CepstralOrder)
		ratio += float64(out.Frames) / float64(u.Frames)
	}
	k := float64(max(len(devUtts), 1))
	return sum, mcd / k, ratio / k, nil
}

// saveModel writes the model file with a card naming its step and figures.
func saveModel(m *acoustic.Model, path string, step int64, line LedgerLine) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	card := map[string]any{"step": step, "dev_mcd_db": line.DevMCD, "dev_losses": line.Dev, "data": "Kathleen (CC0), train split of train/tts.KathleenSplit"}
	if err := m.Save(f, safetensors.F32, card); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
