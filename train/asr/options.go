package asr

import (
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/corpora"
)

// Options configure a training run. Zero fields take the defaults of
// DefaultOptions.
type Options struct {
	// Train and Dev are JSON Lines manifests (package corpora).
	Train []string `json:"train"`
	Dev   string   `json:"dev"`
	// CacheDir is the PCM cache (corpora.CacheDir() when empty); entries
	// not in it are decoded from their audio files.
	CacheDir string `json:"cache_dir"`
	// WorkDir holds the checkpoint, the log and the best model.
	WorkDir string `json:"work_dir"`
	// Init starts from this model file instead of random weights
	// (fine-tuning); its architecture and front-end are kept.
	Init string `json:"init,omitempty"`

	Model acoustic.Config `json:"model"`
	Seed  uint64          `json:"seed"`
	// Workers is the number of data-parallel workers (one per core).
	Workers int `json:"workers"`
	// BatchSeconds bounds the padded audio of one optimiser step.
	BatchSeconds float64 `json:"batch_seconds"`
	// MaxSeconds drops longer training utterances.
	MaxSeconds float64 `json:"max_seconds"`

	PeakLR      float64 `json:"peak_lr"`
	FinalLR     float64 `json:"final_lr"`
	WarmupSteps int64   `json:"warmup_steps"`
	TotalSteps  int64   `json:"total_steps"`
	WeightDecay float64 `json:"weight_decay"`
	ClipNorm    float64 `json:"clip_norm"`
	EMADecay    float64 `json:"ema_decay"`

	// ChunkProb is the share of steps trained with a random attention
	// chunk (1..MaxChunk output frames) instead of full context.
	ChunkProb float64 `json:"chunk_prob"`
	MaxChunk  int     `json:"max_chunk"`
	// SpecAugment masks: FreqMasks of up to FreqMaskWidth bins, and time
	// masks covering up to TimeMaskShare of the frames in pieces of at most
	// TimeMaskWidth frames.
	FreqMasks     int     `json:"freq_masks"`
	FreqMaskWidth int     `json:"freq_mask_width"`
	TimeMaskShare float64 `json:"time_mask_share"`
	TimeMaskWidth int     `json:"time_mask_width"`
	// NoiseProb is the share of utterances mixed with noise (0–20 dB SNR):
	// real noise from NoiseDir's training types, coloured noise and babble
	// of other training utterances.
	NoiseProb float64 `json:"noise_prob"`
	// ReverbProb is the share convolved with a simulated room.
	ReverbProb float64 `json:"reverb_prob"`
	// TelephoneProb is the share band-limited to the telephone band.
	TelephoneProb float64 `json:"telephone_prob"`
	// NoiseDir is ../shared/noise; empty leaves coloured noise and babble.
	NoiseDir string `json:"noise_dir"`
	// SpeedPerturb enables 0.9/1.0/1.1 speed perturbation.
	SpeedPerturb bool `json:"speed_perturb"`
	// PadProb is the share of utterances surrounded by 0–1 s of quiet
	// room tone on each side (augment.Config.PadProb).
	PadProb float64 `json:"pad_prob"`

	// InterBlock adds an intermediate CTC loss on that block's output
	// through the shared output layer, weighted InterWeight (0: off).
	InterBlock  int     `json:"inter_block"`
	InterWeight float64 `json:"inter_weight"`
	// PhoneWeight weights the auxiliary phone-CTC loss (ARPAbet without
	// stress, from g2p) on block PhoneBlock's output (0: off). Phones are
	// a more acoustic target than English spelling, so the lower blocks
	// learn to hear sooner; the head is not used at inference. A model
	// without a phone head (an --init file, an older run) gets one.
	PhoneBlock  int     `json:"phone_block"`
	PhoneWeight float64 `json:"phone_weight"`

	// CleanSteps trains the first steps without augmentation or chunk
	// masks: CTC models leave their all-blank plateau much sooner on the
	// plain task, and the harder one then starts from a model that aligns.
	CleanSteps int64 `json:"clean_steps"`

	// Steps stops this run after so many optimiser steps (0: until
	// TotalSteps). Runs resume from the checkpoint.
	Steps           int64 `json:"steps"`
	EvalEvery       int64 `json:"eval_every"`
	CheckpointEvery int64 `json:"checkpoint_every"`
	// DevLimit evaluates at most this many dev utterances (0: all).
	DevLimit int `json:"dev_limit"`

	// Dropout, when non-nil, replaces the model's dropout rate for this
	// run and those that resume it (an underfitting model learns faster
	// without it); nil keeps the rate of the model or its --init file.
	Dropout *float32 `json:"dropout,omitempty"`

	// MixCaps caps corpus families (corpora.Family names) at a share of
	// each epoch's training audio; which utterances are kept changes with
	// the epoch (corpora.CapShares). Nil means corpora.DefaultCaps (FSDD
	// and RAVDESS at 5% each); an empty map caps nothing.
	MixCaps map[string]float64 `json:"mix_caps"`

	// Log receives progress lines.
	Log io.Writer `json:"-"`
}

// DefaultOptions are the settings of the shipped model's recipe.
func DefaultOptions() Options {
	return Options{
		Model:           acoustic.DefaultConfig(),
		Seed:            1,
		Workers:         2,
		BatchSeconds:    200,
		MaxSeconds:      17,
		PeakLR:          2e-3,
		FinalLR:         2e-5,
		WarmupSteps:     600,
		TotalSteps:      30000,
		WeightDecay:     1e-2,
		ClipNorm:        5,
		EMADecay:        0.999,
		ChunkProb:       0.5,
		MaxChunk:        16,
		FreqMasks:       2,
		FreqMaskWidth:   15,
		TimeMaskShare:   0.1,
		TimeMaskWidth:   20,
		NoiseProb:       0.3,
		ReverbProb:      0.15,
		TelephoneProb:   0.05,
		SpeedPerturb:    true,
		PadProb:         0.3,
		CleanSteps:      1500,
		InterBlock:      3,
		InterWeight:     0.3,
		PhoneBlock:      3,
		PhoneWeight:     0.3,
		EvalEvery:       250,
		CheckpointEvery: 50,
		MixCaps:         maps.Clone(corpora.DefaultCaps),
	}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.Model.Dim == 0 {
		o.Model = d.Model
	}
	if o.MixCaps == nil {
		o.MixCaps = d.MixCaps
	}
	setF := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setI := func(v *int64, def int64) {
		if *v == 0 {
			*v = def
		}
	}
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	if o.Workers == 0 {
		o.Workers = d.Workers
	}
	setF(&o.BatchSeconds, d.BatchSeconds)
	setF(&o.MaxSeconds, d.MaxSeconds)
	setF(&o.PeakLR, d.PeakLR)
	setF(&o.FinalLR, d.FinalLR)
	setI(&o.WarmupSteps, d.WarmupSteps)
	setI(&o.TotalSteps, d.TotalSteps)
	setF(&o.WeightDecay, d.WeightDecay)
	setF(&o.ClipNorm, d.ClipNorm)
	setF(&o.EMADecay, d.EMADecay)
	setI(&o.EvalEvery, d.EvalEvery)
	setI(&o.CheckpointEvery, d.CheckpointEvery)
	if o.MaxChunk == 0 {
		o.MaxChunk = d.MaxChunk
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o
}

// Validate reports options that cannot work.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	if len(o.Train) == 0 {
		errs = append(errs, errors.New("no training manifest"))
	}
	if o.Dropout != nil && !(*o.Dropout >= 0 && *o.Dropout < 1) {
		errs = append(errs, fmt.Errorf("dropout %g outside [0, 1)", *o.Dropout))
	}
	for family, share := range o.MixCaps {
		if !(share > 0 && share < 1) {
			errs = append(errs, fmt.Errorf("mix cap %s=%g outside (0, 1)", family, share))
		}
	}
	if o.WorkDir == "" {
		errs = append(errs, errors.New("no work directory"))
	}
	if o.Workers < 1 || o.Workers > 64 {
		errs = append(errs, fmt.Errorf("workers %d outside 1..64", o.Workers))
	}
	if o.BatchSeconds < o.MaxSeconds {
		errs = append(errs, fmt.Errorf("batch_seconds %g below max_seconds %g", o.BatchSeconds, o.MaxSeconds))
	}
	if o.PeakLR <= 0 || o.PeakLR > 1 {
		errs = append(errs, fmt.Errorf("peak_lr %g outside (0, 1]", o.PeakLR))
	}
	if o.ChunkProb < 0 || o.ChunkProb > 1 || o.NoiseProb < 0 || o.NoiseProb > 1 || o.ReverbProb < 0 || o.ReverbProb > 1 || o.TelephoneProb < 0 || o.TelephoneProb > 1 || o.PadProb < 0 || o.PadProb > 1 {
		errs = append(errs, errors.New("chunk_prob, noise_prob, reverb_prob, telephone_prob and pad_prob must be in [0, 1]"))
	}
	if o.PhoneWeight < 0 || o.PhoneWeight > 1 || o.PhoneWeight > 0 && (o.PhoneBlock < 1 || o.PhoneBlock > o.Model.Blocks) {
		errs = append(errs, fmt.Errorf("phone_block %d must be in 1..%d and phone_weight %g in [0, 1]", o.PhoneBlock, o.Model.Blocks, o.PhoneWeight))
	}
	if o.InterWeight < 0 || o.InterWeight >= 1 || o.InterBlock < 0 || o.InterBlock >= o.Model.Blocks && o.InterBlock != 0 {
		errs = append(errs, fmt.Errorf("inter_block %d must be below blocks %d and inter_weight %g in [0, 1)", o.InterBlock, o.Model.Blocks, o.InterWeight))
	}
	if err := o.Model.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("train asr: %w", err)
	}
	return nil
}
