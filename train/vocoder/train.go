package vocoder

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
	"time"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
	traintts "github.com/mynah-speech/mynah/train/tts"
	voc "github.com/mynah-speech/mynah/tts/vocoder"
)

// Options are the recipe's settings; they round-trip through JSON.
type Options struct {
	Corpus    string  `json:"corpus"`
	Work      string  `json:"work"`
	Steps     int64   `json:"steps"`
	Batch     int     `json:"batch"`
	Frames    int     `json:"frames"` // training segment length in frames
	LR        float64 `json:"lr"`
	Warmup    int64   `json:"warmup"`
	EvalEvery int64   `json:"eval_every"`
	DevLimit  int     `json:"dev_limit"` // 0: the whole dev split
	Seed      uint64  `json:"seed"`
	Width     int     `json:"width"`
	Layers    int     `json:"layers"`
	Kernel    int     `json:"kernel"`
}

// DefaultOptions are the settings of the shipped vocoder's run.
func DefaultOptions() Options {
	n := voc.DefaultNet()
	return Options{
		Corpus: "../shared/corpora/kathleen", Steps: 20000, Batch: 8, Frames: 64,
		LR: 1e-3, Warmup: 200, EvalEvery: 500, Seed: 1,
		Width: n.Width, Layers: n.Layers, Kernel: n.Kernel,
	}
}

// Eval are dev-split figures of a vocoder resynthesising the recordings
// from their ground-truth mels and F0.
type Eval struct {
	Utterances int      `json:"utterances"`
	Loss       voc.Loss `json:"mrstft"`
	// MCD is the mel-cepstral distortion (dB, c1..c24 of the TTS mels,
	// train/tts.MelCepstrum) between each recording and its resynthesis,
	// frame by frame (they are aligned), averaged over frames.
	MCD float64 `json:"mcd_db"`
}

// LedgerLine is one line of ledger.jsonl.
type LedgerLine struct {
	Step       int64   `json:"step"`
	Time       string  `json:"time"`
	TrainLoss  float64 `json:"train_mrstft,omitempty"` // mean since the last line; absent at step 0
	LR         float64 `json:"lr"`
	SecPerStep float64 `json:"sec_per_step"`
	Dev        Eval    `json:"dev"`
	DSP        *Eval   `json:"dev_pure_dsp,omitempty"`
}

// Trainer trains a vocoder's correction network.
type Trainer struct {
	Opt   Options
	Model *voc.Model
	train []*Utt
	dev   []*Utt
	syn   *voc.Synthesizer
	mr    *voc.MRSTFT
	adam  *nn.AdamW
	sched nn.WarmupCosine
	tape  *nn.Tape
	Step  int64
	Best  float64 // best dev MR-STFT so far
	// scratch
	frames voc.Frames
	inputs []float32
	gcorr  []float32
	y, tgt []float32
	grad   []float32
	dH, dN []float32
}

// trainerState is the checkpoint's opaque trainer JSON.
type trainerState struct {
	Step int64   `json:"step"`
	Best float64 `json:"best"`
}

// margin is how many context frames a training segment's network input
// has on each side, enough for the convolutions' receptive field.
func (o Options) margin() int { return (o.Layers + 1) * (o.Kernel / 2) }

// NewTrainer builds a trainer for the config (with its network and
// normalisation already set) on the utterances.
func NewTrainer(o Options, c voc.Config, utts []Utt) (*Trainer, error) {
	m, err := voc.New(c, o.Seed)
	if err != nil {
		return nil, err
	}
	syn, err := voc.NewSynthesizer(c)
	if err != nil {
		return nil, err
	}
	mr, err := voc.NewMRSTFT(voc.DefaultResolutions())
	if err != nil {
		return nil, err
	}
	tr := &Trainer{Opt: o, Model: m, syn: syn, mr: mr, tape: nn.NewTape(o.Seed), Best: math.Inf(1)}
	need := o.Frames + 2*o.margin()
	for i := range utts {
		u := &utts[i]
		switch {
		case u.Dev:
			tr.dev = append(tr.dev, u)
		case u.Frames() >= need:
			tr.train = append(tr.train, u)
		}
	}
	if len(tr.train) == 0 {
		return nil, errors.New("train vocoder: no training utterance is long enough")
	}
	if o.DevLimit > 0 && len(tr.dev) > o.DevLimit {
		tr.dev = tr.dev[:o.DevLimit]
	}
	if len(m.Params()) > 0 {
		tr.adam, err = nn.NewAdamW(m.Params(), nn.AdamWConfig{Beta1: 0.9, Beta2: 0.99, Eps: 1e-8, WeightDecay: 0.0}, nil)
		if err != nil {
			return nil, err
		}
	}
	tr.sched = nn.WarmupCosine{Peak: o.LR, Final: o.LR / 20, WarmupSteps: o.Warmup, TotalSteps: max(o.Steps, o.Warmup)}
	return tr, nil
}

// TrainStep runs one update on a random batch of segments and returns its
// mean MR-STFT loss. The batch depends only on (seed, step), so a resumed
// run sees the batches an uninterrupted one would.
func (tr *Trainer) TrainStep() (float64, error) {
	total, err := tr.lossAndGrads(tr.Step)
	if err != nil {
		return 0, err
	}
	if tr.adam != nil {
		nn.ClipGradNorm(tr.Model.Params(), 1)
		tr.adam.Step(tr.sched.LR(tr.Step))
	}
	tr.Step++
	return total, nil
}

// lossAndGrads computes the batch of step's mean loss and leaves its
// gradient in the params' Grad.
func (tr *Trainer) lossAndGrads(step int64) (float64, error) {
	o := tr.Opt
	m := tr.Model
	c := m.Config()
	rng := rand.New(rand.NewPCG(o.Seed, uint64(step)))
	B, S, mg := o.Batch, o.Frames, o.margin()
	L := S + 2*mg
	NI, G, hop, nm := m.NumInputs(), m.GridSize(), c.HopSamples, c.NumMels
	type item struct {
		u  *Utt
		t0 int
	}
	items := make([]item, B)
	tr.inputs = tr.inputs[:0]
	for b := range items {
		u := tr.train[rng.IntN(len(tr.train))]
		t0 := mg + rng.IntN(u.Frames()-L+1)
		items[b] = item{u, t0}
		tr.inputs = m.Inputs(tr.inputs, u.Mels[(t0-mg)*nm:(t0+S+mg)*nm], u.F0[t0-mg:t0+S+mg])
	}
	t := tr.tape
	t.Reset()
	x := t.Input([]int{B, L, NI}, tr.inputs)
	corr := m.Forward(t, x)
	tr.gcorr = grow(tr.gcorr, B*L*2*G)
	clear(tr.gcorr)
	var total float64
	for b, it := range items {
		u, t0 := it.u, it.t0
		if err := tr.syn.Estimate(&tr.frames, u.Mels[t0*nm:(t0+S)*nm], u.F0[t0:t0+S]); err != nil {
			return 0, err
		}
		m.ApplyCorrections(&tr.frames, corr.Data[(b*L+mg)*2*G:(b*L+mg+S)*2*G])
		tr.syn.Phase = 2 * math.Pi * rng.Float64()
		tr.syn.NoiseSeed = rng.Uint64()
		tr.syn.FrameOffset = t0
		tr.y = tr.syn.Synthesize(tr.y, &tr.frames)
		tr.tgt = u.Samples(tr.tgt, t0*hop, (t0+S)*hop)
		tr.grad = grow(tr.grad, len(tr.y))
		clear(tr.grad)
		l := tr.mr.Loss(tr.y, tr.tgt, tr.grad)
		total += l.Total / float64(B)
		for i := range tr.grad {
			tr.grad[i] /= float32(B)
		}
		tr.dH = grow(tr.dH, S*G)
		tr.dN = grow(tr.dN, S*G)
		clear(tr.dH)
		clear(tr.dN)
		tr.syn.Backward(&tr.frames, tr.grad, tr.dH, tr.dN)
		// Envelope = DSP estimate · exp(correction): d/d correction is
		// the envelope gradient times the corrected envelope.
		for f := range S {
			row := tr.gcorr[(b*L+mg+f)*2*G : (b*L+mg+f+1)*2*G]
			for i := range G {
				row[i] = tr.dH[f*G+i] * tr.frames.Harmonic[f*G+i]
				row[G+i] = tr.dN[f*G+i] * tr.frames.Noise[f*G+i]
			}
		}
	}
	if tr.adam != nil {
		// Σ corr ⊙ g has gradient g with respect to corr: the DSP's
		// gradient enters the tape there.
		surrogate := t.Sum(t.Mul(corr, t.Input(corr.Shape, tr.gcorr)))
		params := m.Params()
		nn.ZeroGrads(params)
		t.Backward(surrogate)
		t.AddParamGradsTo()
	}
	if math.IsNaN(total) {
		return total, errors.New("train vocoder: loss is NaN")
	}
	return total, nil
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// Evaluate resynthesises the dev utterances with model and measures them.
func Evaluate(model *voc.Model, dev []*Utt) (Eval, error) {
	c := model.Config()
	s := model.NewSession()
	mr, err := voc.NewMRSTFT(voc.DefaultResolutions())
	if err != nil {
		return Eval{}, err
	}
	ex, err := feature.New(c.Features())
	if err != nil {
		return Eval{}, err
	}
	var ev Eval
	var y, tgt []float32
	var mcdSum float64
	var mcdFrames int
	for _, u := range dev {
		y, err = s.Vocode(y, u.Mels, u.F0)
		if err != nil {
			return ev, fmt.Errorf("evaluate %s: %w", u.ID, err)
		}
		tgt = u.Samples(tgt, 0, len(y))
		l := mr.Loss(y, tgt, nil)
		ev.Loss.Total += l.Total
		ev.Loss.SpectralConvergence += l.SpectralConvergence
		ev.Loss.LogMagnitude += l.LogMagnitude
		mels, T := ex.Compute(y)
		T = min(T, u.Frames())
		a := traintts.MelCepstrum(u.Mels[:T*c.NumMels], T, c.NumMels, traintts.CepstralOrder)
		b := traintts.MelCepstrum(mels[:T*c.NumMels], T, c.NumMels, traintts.CepstralOrder)
		for f := range T {
			var d2 float64
			for k := range traintts.CepstralOrder {
				d := a[f*traintts.CepstralOrder+k] - b[f*traintts.CepstralOrder+k]
				d2 += d * d
			}
			mcdSum += 10 / math.Ln10 * math.Sqrt(2*d2)
		}
		mcdFrames += T
		ev.Utterances++
	}
	if ev.Utterances > 0 {
		n := float64(ev.Utterances)
		ev.Loss.Total /= n
		ev.Loss.SpectralConvergence /= n
		ev.Loss.LogMagnitude /= n
	}
	if mcdFrames > 0 {
		ev.MCD = mcdSum / float64(mcdFrames)
	}
	return ev, nil
}

// Run trains until opt.Steps, the deadline (zero: none) or ctx ends,
// evaluating, checkpointing and keeping the best model every EvalEvery
// steps in opt.Work. It resumes from the work folder's checkpoint.
func Run(ctx context.Context, o Options, deadline time.Time, log io.Writer) error {
	if err := os.MkdirAll(o.Work, 0o755); err != nil {
		return err
	}
	cfgPath := filepath.Join(o.Work, "config.json")
	base := voc.Default()
	utts, err := LoadData(ctx, base, o.Corpus, filepath.Join(o.Work, "data.gob"), log)
	if err != nil {
		return err
	}
	var c voc.Config
	if b, err := os.ReadFile(cfgPath); err == nil {
		if err := json.Unmarshal(b, &c); err != nil {
			return fmt.Errorf("%s: %w", cfgPath, err)
		}
		fmt.Fprintf(log, "resuming with %s\n", cfgPath)
	} else {
		c = base
		c.Net = voc.NetConfig{Width: o.Width, Layers: o.Layers, Kernel: o.Kernel}
		c.Net.MelMean, c.Net.MelStd = melStats(utts, c.NumMels)
		b, _ := json.MarshalIndent(c, "", "  ")
		if err := os.WriteFile(cfgPath, b, 0o644); err != nil {
			return err
		}
	}
	tr, err := NewTrainer(o, c, utts)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "train vocoder: %d train, %d dev utterances, %d weights\n", len(tr.train), len(tr.dev), nn.CountParams(tr.Model.Params()))
	ckPath := filepath.Join(o.Work, "checkpoint.safetensors")
	ledgerPath := filepath.Join(o.Work, "ledger.jsonl")
	if _, err := os.Stat(ckPath); err == nil {
		var ck nn.Checkpoint
		ck.Params, ck.Optimizer = tr.Model.Params(), tr.adam
		if err := nn.LoadCheckpoint(ckPath, &ck); err != nil {
			return err
		}
		var st trainerState
		if err := json.Unmarshal(ck.Trainer, &st); err != nil {
			return fmt.Errorf("%s: trainer state: %w", ckPath, err)
		}
		tr.Step, tr.Best = st.Step, st.Best
		fmt.Fprintf(log, "resumed at step %d (best dev MR-STFT %.4f)\n", tr.Step, tr.Best)
	}
	save := func() error {
		st, _ := json.Marshal(trainerState{Step: tr.Step, Best: tr.Best})
		return nn.SaveCheckpoint(ckPath, nn.Checkpoint{Step: tr.Step, Params: tr.Model.Params(), Optimizer: tr.adam, Trainer: st})
	}
	evaluate := func(trainLoss, secPerStep float64) error {
		ev, err := Evaluate(tr.Model, tr.dev)
		if err != nil {
			return err
		}
		line := LedgerLine{Step: tr.Step, Time: time.Now().UTC().Format(time.RFC3339), TrainLoss: trainLoss,
			LR: tr.sched.LR(tr.Step), SecPerStep: secPerStep, Dev: ev}
		if tr.Step == 0 {
			dsp, err := voc.New(base, 0)
			if err != nil {
				return err
			}
			d, err := Evaluate(dsp, tr.dev)
			if err != nil {
				return err
			}
			line.DSP = &d
		}
		b, err := json.Marshal(line)
		if err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
		f, err := os.OpenFile(ledgerPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(f, "%s\n", b)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "step %d: train %.4f, dev MR-STFT %.4f (SC %.4f, log-mag %.4f), MCD %.3f dB\n",
			tr.Step, trainLoss, ev.Loss.Total, ev.Loss.SpectralConvergence, ev.Loss.LogMagnitude, ev.MCD)
		if ev.Loss.Total < tr.Best {
			tr.Best = ev.Loss.Total
			if err := saveModel(filepath.Join(o.Work, "vocoder.safetensors"), tr.Model); err != nil {
				return err
			}
		}
		return save()
	}
	if tr.Step == 0 {
		if err := evaluate(0, 0); err != nil {
			return err
		}
	}
	var lossSum float64
	var lossN int
	start := time.Now()
	for tr.Step < o.Steps {
		if ctx.Err() != nil || !deadline.IsZero() && time.Now().After(deadline) {
			fmt.Fprintf(log, "stopping at step %d; checkpoint saved\n", tr.Step)
			return save()
		}
		l, err := tr.TrainStep()
		if err != nil {
			return err
		}
		lossSum += l
		lossN++
		if tr.Step%o.EvalEvery == 0 || tr.Step == o.Steps {
			sec := time.Since(start).Seconds() / float64(lossN)
			if err := evaluate(lossSum/float64(lossN), sec); err != nil {
				return err
			}
			lossSum, lossN, start = 0, 0, time.Now()
		}
	}
	return nil
}

// saveModel writes the model alone (tensors and config under "vocoder.")
// atomically.
func saveModel(path string, m *voc.Model) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := m.Save(f, "vocoder.", safetensors.F32); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// melStats returns the per-bin mean and standard deviation of the
// training utterances' log-mels.
func melStats(utts []Utt, nm int) (mean, std []float32) {
	sum := make([]float64, nm)
	sq := make([]float64, nm)
	var n float64
	for _, u := range utts {
		if u.Dev {
			continue
		}
		for f := range u.Frames() {
			for j, v := range u.Mels[f*nm : (f+1)*nm] {
				sum[j] += float64(v)
				sq[j] += float64(v) * float64(v)
			}
		}
		n += float64(u.Frames())
	}
	mean, std = make([]float32, nm), make([]float32, nm)
	for j := range nm {
		mu := sum[j] / max(n, 1)
		mean[j] = float32(mu)
		std[j] = float32(math.Sqrt(max(sq[j]/max(n, 1)-mu*mu, 1e-4)))
	}
	return mean, std
}
