package asr

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
	"sort"
	"time"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// File names inside the work directory.
const (
	runFile        = "run.json"               // architecture and front-end, fixed for the run
	checkpointFile = "checkpoint.safetensors" // weights, optimiser, EMA, progress
	bestFile       = "best.safetensors"       // EMA weights with the best dev CER
	ledgerFile     = "ledger.jsonl"           // one line per evaluation
)

// runInfo is written once when a run starts and read when it resumes.
type runInfo struct {
	Model    acoustic.Config   `json:"model"`
	FrontEnd acoustic.FrontEnd `json:"front_end"`
	Created  time.Time         `json:"created"`
}

// noBest is BestCER before any evaluation (finite, so it encodes as JSON).
const noBest = 1e9

// progress is the trainer's part of a checkpoint.
type progress struct {
	Epoch        int     `json:"epoch"`
	BatchInEpoch int     `json:"batch_in_epoch"`
	BestCER      float64 `json:"best_cer"`
	BestStep     int64   `json:"best_step"`
	AudioSeconds float64 `json:"audio_seconds"`
	TrainSeconds float64 `json:"train_seconds"`
}

// Train runs (or resumes) a training run until opts.Steps more optimiser
// steps are done, TotalSteps is reached, or ctx is cancelled; it always
// leaves a checkpoint behind.
func Train(ctx context.Context, opts Options) error {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return err
	}
	log := opts.Log
	if err := os.MkdirAll(opts.WorkDir, 0o755); err != nil {
		return fmt.Errorf("train asr: %w", err)
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		if d, err := corpora.CacheDir(); err == nil {
			cacheDir = d
		}
	}
	var cache *corpora.Cache
	if cacheDir != "" {
		if c, err := corpora.OpenCache(cacheDir); err == nil {
			cache = c
			defer c.Close()
		} else {
			fmt.Fprintf(log, "no PCM cache in %s (%v): decoding audio files instead\n", cacheDir, err)
		}
	}
	data := &corpusData{cache: cache}

	model, info, err := setupModel(opts, data, log)
	if err != nil {
		return err
	}
	cfg := model.Config()
	vocab := model.Vocab()
	train, err := loadUtterances(opts.Train, vocab, opts.MaxSeconds, cache, log)
	if err != nil {
		return err
	}
	if len(train) == 0 {
		return errors.New("train asr: no usable training utterances")
	}
	if len(cfg.PhoneVocab) > 0 && opts.PhoneWeight > 0 {
		for i := range train {
			train[i].phones = phoneLabels(train[i].entry.Text)
		}
	}
	var dev []utterance
	if opts.Dev != "" {
		if dev, err = loadUtterances([]string{opts.Dev}, vocab, 0, cache, log); err != nil {
			return err
		}
		dev = limitDev(dev, opts.DevLimit)
	}
	params := model.Params()
	fmt.Fprintf(log, "label density: %.2f%% of training utterances have (labels + repeats) / output frames > 0.7\n",
		100*denseShare(train, cfg, info.FrontEnd.Features.HopSamples, 0.7))
	fmt.Fprintf(log, "model %s: %d parameters, %d ms output frames; %d train utterances (%.2f h), %d dev\n",
		cfg.Name, nn.CountParams(params), cfg.OutputHopMs(), len(train), totalHours(train), len(dev))

	optim, err := nn.NewAdamW(params, nn.AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-9, WeightDecay: opts.WeightDecay}, nn.DecayMatrices)
	if err != nil {
		return err
	}
	ema, err := nn.NewEMA(params, opts.EMADecay)
	if err != nil {
		return err
	}
	sched := nn.WarmupCosine{Peak: opts.PeakLR, Final: opts.FinalLR, WarmupSteps: opts.WarmupSteps, TotalSteps: opts.TotalSteps}
	if err := sched.Validate(); err != nil {
		return err
	}
	var prog progress
	prog.BestCER = noBest
	ckptPath := filepath.Join(opts.WorkDir, checkpointFile)
	if _, err := os.Stat(ckptPath); err == nil {
		ck := nn.Checkpoint{Params: params, Optimizer: optim, EMA: ema}
		if err := nn.LoadCheckpoint(ckptPath, &ck); err != nil {
			return fmt.Errorf("train asr: resume: %w", err)
		}
		if len(ck.Trainer) > 0 {
			if err := json.Unmarshal(ck.Trainer, &prog); err != nil {
				return fmt.Errorf("train asr: resume %s: %w", ckptPath, err)
			}
		}
		best := "none yet"
		if prog.BestStep > 0 {
			best = fmt.Sprintf("%.2f%% at step %d", 100*prog.BestCER, prog.BestStep)
		}
		fmt.Fprintf(log, "resumed at step %d (epoch %d, batch %d; best dev CER %s)\n", optim.Steps(), prog.Epoch, prog.BatchInEpoch, best)
	}
	save := func() error {
		blob, err := json.Marshal(prog)
		if err != nil {
			return fmt.Errorf("trainer state: %w", err)
		}
		return nn.SaveCheckpoint(ckptPath, nn.Checkpoint{Step: optim.Steps(), Params: params, Optimizer: optim, EMA: ema, Trainer: blob})
	}

	workers := nn.NewWorkers(opts.Workers, opts.Seed, params)
	defer workers.Close()
	workers.SetStepCount(uint64(optim.Steps()))
	aug, err := newAugmenter(opts, data, train, log)
	if err != nil {
		return err
	}
	feeders := make([]*feeder, opts.Workers)
	for i := range feeders {
		if feeders[i], err = newFeeder(model, data, opts, aug); err != nil {
			return err
		}
	}
	var devNoise *augment.NoiseBank
	if opts.NoiseDir != "" {
		if devNoise, err = augment.DevNoise(opts.NoiseDir, 16000); err != nil {
			return fmt.Errorf("train asr: dev noise: %w", err)
		}
	}
	evalModel, err := acoustic.New(cfg, info.FrontEnd, 0)
	if err != nil {
		return err
	}

	// scoreEMA evaluates the EMA weights (what ships) on dev.
	scoreEMA := func() (evalResult, error) {
		if err := ema.CopyTo(evalModel.Params()); err != nil {
			return evalResult{}, err
		}
		return evaluate(ctx, evalModel, data, dev, opts.Workers, devNoise, noisyConditions())
	}
	if opts.Init != "" && optim.Steps() == 0 && len(dev) > 0 {
		// A fine-tuning run first scores the model it starts from, so its
		// log gives the before and after on the same dev utterances.
		res, err := scoreEMA()
		if err != nil {
			return fmt.Errorf("train asr: evaluate --init model: %w", err)
		}
		fmt.Fprintf(log, "eval step 0 (the --init model): %s\n", res)
	}
	batchSamples := int(opts.BatchSeconds * 16000)
	interBlock := opts.InterBlock
	if opts.InterWeight == 0 || interBlock >= cfg.Blocks {
		interBlock = 0
	}
	stopAt := opts.TotalSteps
	if opts.Steps > 0 {
		stopAt = min(stopAt, optim.Steps()+opts.Steps)
	}
	start := time.Now()
	windowStart, windowAudio := time.Now(), 0.0
	var lossSum float64
	var lossCount int
	for optim.Steps() < stopAt {
		subset := epochSubset(train, opts.MixCaps, opts.Seed, prog.Epoch)
		batches := makeBatches(train, subset, batchSamples, opts.Seed+uint64(prog.Epoch)*7919)
		for prog.BatchInEpoch < len(batches) && optim.Steps() < stopAt {
			if ctx.Err() != nil {
				fmt.Fprintf(log, "interrupted at step %d: saving checkpoint\n", optim.Steps())
				return errors.Join(save(), ctx.Err())
			}
			step := optim.Steps()
			batch := batches[prog.BatchInEpoch]
			for _, f := range feeders {
				f.epoch = prog.Epoch
			}
			parts := shard(batch, train, opts.Workers)
			tokens, phoneTokens, audioSecs := 0, 0, 0.0
			for _, idx := range batch {
				tokens += len(train[idx].labels)
				phoneTokens += len(train[idx].phones)
				audioSecs += float64(train[idx].samples) / 16000
			}
			stepRNG := rand.New(rand.NewPCG(opts.Seed, uint64(step)))
			chunk := 0
			if stepRNG.Float64() < opts.ChunkProb {
				chunk = 1 + stepRNG.IntN(opts.MaxChunk)
			}
			augmented := step >= opts.CleanSteps
			if !augmented {
				chunk = 0
			}
			nn.ZeroGrads(params)
			losses, err := workers.Step(func(w int, t *nn.Tape) (*nn.Var, error) {
				if len(parts[w]) == 0 {
					return nil, nil
				}
				b, labels, err := feeders[w].batch(train, parts[w], augmented, uint64(step), uint64(w))
				if err != nil {
					return nil, err
				}
				out, err := model.Forward(t, b, acoustic.ForwardOptions{ChunkSize: chunk, InterBlock: interBlock})
				if err != nil {
					return nil, err
				}
				ctc := nn.CTCOptions{Blank: 0, Reduction: nn.CTCSum, ZeroInfinity: true}
				loss, err := t.CTCLoss(out.Logits, out.Lengths, labels, ctc)
				if err != nil {
					return nil, err
				}
				total := t.Scale(loss, 1/float32(tokens))
				if out.InterLogits != nil {
					inter, err := t.CTCLoss(out.InterLogits, out.Lengths, labels, ctc)
					if err != nil {
						return nil, err
					}
					iw := float32(opts.InterWeight)
					total = t.Add(t.Scale(loss, (1-iw)/float32(tokens)), t.Scale(inter, iw/float32(tokens)))
				}
				if out.PhoneLogits != nil && opts.PhoneWeight > 0 && phoneTokens > 0 {
					phones := make([][]int, len(parts[w]))
					for i, idx := range parts[w] {
						phones[i] = train[idx].phones
					}
					ph, err := t.CTCLoss(out.PhoneLogits, out.Lengths, phones, ctc)
					if err != nil {
						return nil, err
					}
					total = t.Add(total, t.Scale(ph, float32(opts.PhoneWeight)/float32(phoneTokens)))
				}
				return total, nil
			})
			if err != nil {
				return fmt.Errorf("train asr: step %d: %w", step, err)
			}
			stepLoss := 0.0
			for _, l := range losses {
				stepLoss += l
			}
			gradNorm := nn.ClipGradNorm(params, opts.ClipNorm)
			if math.IsNaN(gradNorm) || math.IsInf(gradNorm, 0) {
				fmt.Fprintf(log, "step %d: gradient norm %v, batch skipped\n", step, gradNorm)
				nn.ZeroGrads(params)
			} else {
				optim.Step(sched.LR(step))
				ema.Update()
			}
			prog.BatchInEpoch++
			prog.AudioSeconds += audioSecs
			windowAudio += audioSecs
			lossSum += stepLoss
			lossCount++
			done := optim.Steps()
			if done%10 == 0 {
				elapsed := time.Since(windowStart).Seconds()
				rate := windowAudio / elapsed
				eta := time.Duration(float64(stopAt-done) * elapsed / float64(lossCount) * float64(time.Second))
				fmt.Fprintf(log, "step %d epoch %d.%03d loss %.4f lr %.2e grad %.2f %.1f audio-s/s ETA %s\n",
					done, prog.Epoch, 1000*prog.BatchInEpoch/len(batches), lossSum/float64(lossCount), sched.LR(step), gradNorm, rate, eta.Round(time.Second))
				prog.TrainSeconds += elapsed
				windowStart, windowAudio, lossSum, lossCount = time.Now(), 0, 0, 0
			}
			if done%opts.CheckpointEvery == 0 {
				if err := save(); err != nil {
					return fmt.Errorf("train asr: checkpoint: %w", err)
				}
			}
			if len(dev) > 0 && done%opts.EvalEvery == 0 {
				res, err := scoreEMA()
				if err != nil {
					return fmt.Errorf("train asr: evaluate: %w", err)
				}
				improved := res.primaryCER() < prog.BestCER
				fmt.Fprintf(log, "eval step %d: %s%s\n", done, res, map[bool]string{true: " (best)", false: ""}[improved])
				if improved {
					prog.BestCER, prog.BestStep = res.primaryCER(), done
					card := map[string]any{"step": done, "dev": res.table(), "audio_hours_seen": prog.AudioSeconds / 3600}
					if err := evalModel.Save(filepath.Join(opts.WorkDir, bestFile), safetensors.F32, card); err != nil {
						return err
					}
				}
				appendLedger(filepath.Join(opts.WorkDir, ledgerFile), done, prog, res)
				if err := save(); err != nil {
					return fmt.Errorf("train asr: checkpoint: %w", err)
				}
			}
		}
		if prog.BatchInEpoch >= len(batches) {
			prog.Epoch++
			prog.BatchInEpoch = 0
		}
	}
	fmt.Fprintf(log, "stopped at step %d after %s\n", optim.Steps(), time.Since(start).Round(time.Second))
	return save()
}

// noisyConditions are the noisy dev evaluations of issue 16: the
// speechocean762 dev utterances with held-out noise types at 10 and 5 dB.
func noisyConditions() []noisyCondition {
	return []noisyCondition{
		{snrDB: 10, limit: 100, family: "speechocean762"},
		{snrDB: 5, limit: 100, family: "speechocean762"},
	}
}

// newAugmenter builds the waveform augmentation chain: speed, simulated
// rooms, real noise of the training noise types (the held-out types are
// kept for the noisy dev evaluation), coloured noise, babble of other
// training utterances, telephone band and gain.
func newAugmenter(opts Options, data *corpusData, train []utterance, log io.Writer) (*augment.Augmenter, error) {
	cfg := augment.DefaultConfig
	cfg.Seed = opts.Seed
	cfg.NoiseProb, cfg.ReverbProb, cfg.TelephoneProb = opts.NoiseProb, opts.ReverbProb, opts.TelephoneProb
	cfg.PadProb, cfg.PadSeconds, cfg.PadLevelDB = opts.PadProb, [2]float64{0, 1}, [2]float64{-75, -45}
	if !opts.SpeedPerturb {
		cfg.SpeedFactors = nil
	}
	var src augment.Sources
	if opts.NoiseDir != "" {
		bank, err := augment.TrainNoise(opts.NoiseDir, 16000)
		if err != nil {
			return nil, fmt.Errorf("train asr: noise: %w", err)
		}
		src.Noise = bank
		fmt.Fprintf(log, "noise: %d training clips from %s\n", len(bank.Clips), opts.NoiseDir)
	}
	src.Talkers = func(rng *rand.Rand, k int) [][]float32 {
		out := make([][]float32, 0, k)
		for range k {
			s, err := data.samples(train[rng.IntN(len(train))].entry, nil)
			if err == nil {
				out = append(out, s)
			}
		}
		return out
	}
	return augment.New(cfg, src)
}

// setupModel creates the model: from run.json when resuming, from
// opts.Init when fine-tuning, else fresh with normalisation statistics
// measured on the training data.
func setupModel(opts Options, data *corpusData, log io.Writer) (*acoustic.Model, runInfo, error) {
	runPath := filepath.Join(opts.WorkDir, runFile)
	var info runInfo
	if raw, err := os.ReadFile(runPath); err == nil {
		if err := json.Unmarshal(raw, &info); err != nil {
			return nil, info, fmt.Errorf("train asr: %s: %w", runPath, err)
		}
		m, err := acoustic.New(info.Model, info.FrontEnd, opts.Seed)
		if err != nil || opts.Dropout == nil || *opts.Dropout == info.Model.Dropout {
			return m, info, err
		}
		return withDropout(m, info, *opts.Dropout, runPath, opts.Seed, log)
	}
	var m *acoustic.Model
	if opts.Init != "" {
		raw, err := os.ReadFile(opts.Init)
		if err != nil {
			return nil, info, fmt.Errorf("train asr: --init: %w", err)
		}
		if m, err = acoustic.Load(raw); err != nil {
			return nil, info, fmt.Errorf("train asr: --init %s: %w", opts.Init, err)
		}
		info = runInfo{Model: m.Config(), FrontEnd: m.FrontEnd(), Created: time.Now().UTC()}
	} else {
		front, err := measureFrontEnd(opts, data)
		if err != nil {
			return nil, info, err
		}
		if m, err = acoustic.New(opts.Model, front, opts.Seed); err != nil {
			return nil, info, err
		}
		info = runInfo{Model: opts.Model, FrontEnd: front, Created: time.Now().UTC()}
		fmt.Fprintf(log, "front-end normalisation measured on the training data\n")
	}
	if opts.PhoneWeight > 0 && len(info.Model.PhoneVocab) == 0 {
		var err error
		if m, err = withPhoneHead(m, opts.PhoneBlock, opts.Seed); err != nil {
			return nil, info, err
		}
		info.Model = m.Config()
		fmt.Fprintf(log, "phone-CTC head of %d labels on block %d\n", len(info.Model.PhoneVocab), opts.PhoneBlock)
	}
	if opts.Dropout != nil && *opts.Dropout != info.Model.Dropout {
		return withDropout(m, info, *opts.Dropout, runPath, opts.Seed, log)
	}
	raw, _ := json.MarshalIndent(info, "", "  ")
	if err := writeAtomic(runPath, raw); err != nil {
		return nil, info, err
	}
	return m, info, nil
}

// withDropout returns m rebuilt with another dropout rate (every weight
// copied) and records the rate in the run's file, so resumed runs keep it.
func withDropout(m *acoustic.Model, info runInfo, rate float32, runPath string, seed uint64, log io.Writer) (*acoustic.Model, runInfo, error) {
	cfg := m.Config()
	fmt.Fprintf(log, "dropout %g -> %g\n", cfg.Dropout, rate)
	cfg.Dropout = rate
	out, err := acoustic.New(cfg, info.FrontEnd, seed)
	if err != nil {
		return nil, info, err
	}
	for i, p := range out.Params() {
		copy(p.Value, m.Params()[i].Value)
	}
	info.Model = cfg
	raw, _ := json.MarshalIndent(info, "", "  ")
	if err := writeAtomic(runPath, raw); err != nil {
		return nil, info, err
	}
	return out, info, nil
}

// withPhoneHead returns a copy of m with a freshly initialised phone-CTC
// head (ARPAbet without stress) on block, every other weight copied.
func withPhoneHead(m *acoustic.Model, block int, seed uint64) (*acoustic.Model, error) {
	cfg := m.Config()
	cfg.PhoneVocab = g2p.PhoneSet(false).Labels()
	cfg.PhoneHeadBlock = block
	out, err := acoustic.New(cfg, m.FrontEnd(), seed)
	if err != nil {
		return nil, fmt.Errorf("train asr: phone head: %w", err)
	}
	old := make(map[string]*nn.Param, len(m.Params()))
	for _, p := range m.Params() {
		old[p.Name] = p
	}
	for _, p := range out.Params() {
		if q, ok := old[p.Name]; ok {
			if len(q.Value) != len(p.Value) {
				return nil, fmt.Errorf("train asr: phone head: %s has %d values, want %d", p.Name, len(q.Value), len(p.Value))
			}
			copy(p.Value, q.Value)
		}
	}
	return out, nil
}

// measureFrontEnd computes global mean and variance of the log-mel
// features over up to 500 random training utterances.
func measureFrontEnd(opts Options, data *corpusData) (acoustic.FrontEnd, error) {
	fcfg := feature.DefaultASR()
	fcfg.NumMels = opts.Model.Mels
	ext, err := feature.New(fcfg)
	if err != nil {
		return acoustic.FrontEnd{}, err
	}
	utts, err := loadUtterances(opts.Train, acoustic.NewVocab(opts.Model.Vocab), opts.MaxSeconds, data.cache, io.Discard)
	if err != nil {
		return acoustic.FrontEnd{}, err
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 17))
	rng.Shuffle(len(utts), func(i, j int) { utts[i], utts[j] = utts[j], utts[i] })
	stats := feature.NewStats(fcfg.NumMels)
	var buf []float32
	for _, u := range utts[:min(500, len(utts))] {
		if buf, err = data.samples(u.entry, buf); err != nil {
			return acoustic.FrontEnd{}, err
		}
		frames, _ := ext.Compute(buf)
		if err := stats.Add(frames); err != nil {
			return acoustic.FrontEnd{}, err
		}
	}
	norm, err := stats.Norm(0.1)
	if err != nil {
		return acoustic.FrontEnd{}, err
	}
	return acoustic.FrontEnd{Features: fcfg, Norm: norm}, nil
}

// limitDev keeps at most limit dev utterances, spread evenly over the
// corpus families (every utterance of a family smaller than its share),
// each family's picks spaced evenly through it.
func limitDev(dev []utterance, limit int) []utterance {
	if limit <= 0 || limit >= len(dev) {
		return dev
	}
	byFamily := map[string][]utterance{}
	var order []string
	for _, u := range dev {
		f := corpora.Family(u.entry.Corpus)
		if _, ok := byFamily[f]; !ok {
			order = append(order, f)
		}
		byFamily[f] = append(byFamily[f], u)
	}
	sort.Slice(order, func(i, j int) bool { return len(byFamily[order[i]]) < len(byFamily[order[j]]) })
	var out []utterance
	left := limit
	for i, f := range order {
		us := byFamily[f]
		share := left / (len(order) - i)
		if len(us) <= share {
			out = append(out, us...)
			left -= len(us)
			continue
		}
		step := float64(len(us)) / float64(share)
		for k := 0; k < share; k++ {
			out = append(out, us[int(float64(k)*step)])
		}
		left -= share
	}
	return out
}

func totalHours(utts []utterance) float64 {
	var n int
	for _, u := range utts {
		n += u.samples
	}
	return float64(n) / 16000 / 3600
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func appendLedger(path string, step int64, prog progress, res evalResult) {
	line, _ := json.Marshal(map[string]any{
		"time": time.Now().UTC().Format(time.RFC3339), "step": step, "epoch": prog.Epoch,
		"audio_hours_seen": prog.AudioSeconds / 3600, "train_hours": prog.TrainSeconds / 3600, "dev": res.table(),
	})
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	f.Write(append(line, '\n'))
}
