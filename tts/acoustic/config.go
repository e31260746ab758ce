package acoustic

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/g2p"
)

// Config describes the network, its symbol list and the statistics its
// targets were normalised with. It is validated, round-trips through JSON,
// and travels in every model file.
type Config struct {
	// Name of the model, for example "kathleen".
	Name string `json:"name"`
	// Symbols is the input alphabet, in embedding-row order.
	Symbols []string `json:"symbols"`
	// Dim is the width of the encoder and the decoder.
	Dim int `json:"dim"`
	// EncoderBlocks and DecoderBlocks count the residual blocks (two
	// kernel-Kernel convolutions each).
	EncoderBlocks int `json:"encoder_blocks"`
	DecoderBlocks int `json:"decoder_blocks"`
	// Kernel is the convolution kernel (odd).
	Kernel int `json:"kernel"`
	// DecoderDilation doubles the dilation of each decoder block up to
	// 2^(DecoderDilation−1) and starts again (1, 2, 4, 1, ... for 3): a
	// wider view of the surrounding frames at the same cost. 1 = none.
	DecoderDilation int `json:"decoder_dilation"`
	// PredictorDim is the width of the duration, pitch and energy
	// predictors.
	PredictorDim int `json:"predictor_dim"`
	// AlignDim is the width of the aligner's keys and queries.
	AlignDim int `json:"align_dim"`
	// Mels is the number of mel bins (80 for the contract's TTS mels).
	Mels int `json:"mels"`
	// Dropout probability while training.
	Dropout float32 `json:"dropout"`

	// MelMean and MelStd normalise each mel bin (the decoder predicts
	// (mel − mean)/std).
	MelMean []float32 `json:"mel_mean"`
	MelStd  []float32 `json:"mel_std"`
	// LogF0Mean and LogF0Std normalise ln F0 over voiced frames.
	LogF0Mean float32 `json:"log_f0_mean"`
	LogF0Std  float32 `json:"log_f0_std"`
	// EnergyMean and EnergyStd normalise the frame energy (the mean of the
	// frame's log mels).
	EnergyMean float32 `json:"energy_mean"`
	EnergyStd  float32 `json:"energy_std"`
}

// Break and edge symbols of the contract.
const (
	Silence   = "<sil>"
	WordBreak = "#"
)

// BreakSymbols are the punctuation break symbols, as text.NormalizeTTS
// emits them.
var BreakSymbols = []string{",", ".", "?", "!", ";", ":"}

// DefaultSymbols returns the contract's alphabet: "<sil>", "#", the six
// break symbols, the 24 ARPAbet consonants and the 15 vowels with each of
// the stress digits 0, 1, 2 (as g2p writes them: "AH0").
func DefaultSymbols() []string {
	syms := []string{Silence, WordBreak}
	syms = append(syms, BreakSymbols...)
	for _, p := range g2p.BasePhones() {
		if p.IsVowel() {
			for s := g2p.Stress(1); s <= 3; s++ { // CMUdict digits 0, 1, 2
				syms = append(syms, p.WithStress(s).String())
			}
			continue
		}
		syms = append(syms, p.String())
	}
	return syms
}

// DefaultConfig is the shipped architecture with neutral statistics (zero
// means, unit deviations); training replaces the statistics with the
// corpus's. Width 128 rather than the suggested 192: it costs 0.084
// instead of 0.18 GFLOP per second of audio, which leaves the whole
// `speak` process room for its 100× real-time target on one core, and it
// trains 2× faster on the CPU budget the voice was trained on (see
// train/tts); BenchmarkSynthesize measures both.
func DefaultConfig() Config {
	mean := make([]float32, 80)
	std := make([]float32, 80)
	for i := range std {
		std[i] = 1
	}
	return Config{
		Name:            "tts-acoustic",
		Symbols:         DefaultSymbols(),
		Dim:             128,
		EncoderBlocks:   4,
		DecoderBlocks:   4,
		Kernel:          3,
		DecoderDilation: 3,
		PredictorDim:    128,
		AlignDim:        80,
		Mels:            80,
		Dropout:         0.1,
		MelMean:         mean,
		MelStd:          std,
		LogF0Mean:       float32(math.Log(200)),
		LogF0Std:        0.2,
		EnergyMean:      0,
		EnergyStd:       1,
	}
}

// Validate reports every problem with the config.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(len(c.Symbols) >= 2 && len(c.Symbols) <= 4096, "%d symbols, want 2..4096", len(c.Symbols))
	seen := map[string]bool{}
	for _, s := range c.Symbols {
		check(s != "" && !seen[s], "symbol %q empty or repeated", s)
		seen[s] = true
	}
	check(c.Dim >= 4 && c.Dim <= 2048, "dim %d outside 4..2048", c.Dim)
	check(c.EncoderBlocks >= 1 && c.EncoderBlocks <= 32, "encoder_blocks %d outside 1..32", c.EncoderBlocks)
	check(c.DecoderBlocks >= 1 && c.DecoderBlocks <= 32, "decoder_blocks %d outside 1..32", c.DecoderBlocks)
	check(c.Kernel >= 1 && c.Kernel <= 31 && c.Kernel%2 == 1, "kernel %d must be odd, 1..31", c.Kernel)
	check(c.DecoderDilation >= 1 && c.DecoderDilation <= 8, "decoder_dilation %d outside 1..8", c.DecoderDilation)
	check(c.PredictorDim >= 2 && c.PredictorDim <= 2048, "predictor_dim %d outside 2..2048", c.PredictorDim)
	check(c.AlignDim >= 2 && c.AlignDim <= 2048, "align_dim %d outside 2..2048", c.AlignDim)
	check(c.Mels >= 8 && c.Mels <= 512, "mels %d outside 8..512", c.Mels)
	check(c.Dropout >= 0 && c.Dropout < 1, "dropout %g outside [0, 1)", c.Dropout)
	check(len(c.MelMean) == c.Mels && len(c.MelStd) == c.Mels, "mel_mean/mel_std have %d/%d values for %d mels", len(c.MelMean), len(c.MelStd), c.Mels)
	for i, s := range c.MelStd {
		if !(s > 0) || math.IsInf(float64(s), 0) || math.IsNaN(float64(c.MelMean[min(i, len(c.MelMean)-1)])) {
			check(false, "mel_std[%d] = %g not positive finite", i, s)
			break
		}
	}
	check(c.LogF0Std > 0 && !math.IsInf(float64(c.LogF0Std), 0), "log_f0_std %g not positive", c.LogF0Std)
	check(c.EnergyStd > 0 && !math.IsInf(float64(c.EnergyStd), 0), "energy_std %g not positive", c.EnergyStd)
	check(!math.IsNaN(float64(c.LogF0Mean)) && !math.IsNaN(float64(c.EnergyMean)), "log_f0_mean or energy_mean is NaN")
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("tts acoustic config: %w", err)
	}
	return nil
}

// UnmarshalJSON decodes and validates, so a Config read from a file is
// always checked.
func (c *Config) UnmarshalJSON(data []byte) error {
	type plain Config
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("tts acoustic config: %w", err)
	}
	*c = Config(p)
	return c.Validate()
}

// ErrUnknownSymbol is wrapped by Encode when a symbol is not in the
// model's alphabet.
var ErrUnknownSymbol = errors.New("unknown symbol")

// Encode maps symbols to embedding rows of the alphabet c.Symbols.
func (c Config) Encode(symbols []string) ([]int, error) {
	index := make(map[string]int, len(c.Symbols))
	for i, s := range c.Symbols {
		index[s] = i
	}
	ids := make([]int, len(symbols))
	for i, s := range symbols {
		id, ok := index[s]
		if !ok {
			return nil, fmt.Errorf("tts acoustic: symbol %d %q: %w", i, s, ErrUnknownSymbol)
		}
		ids[i] = id
	}
	return ids, nil
}

// NumParams is the number of weights New makes for c, computed without
// building them, so a file's config can be checked against the data the
// file really holds before anything is allocated.
func (c Config) NumParams() int {
	D, K, P, A, M, V := c.Dim, c.Kernel, c.PredictorDim, c.AlignDim, c.Mels, len(c.Symbols)
	block := 2*D + 2*(D*D*K+D)
	pred := P*D*K + P + 2*P + P*P*K + P + 2*P + P + 1
	n := V*D + c.EncoderBlocks*block + 2*D + 3*pred
	n += 2 * (D*K + D) // pitch and energy embeddings
	n += 2 * D         // position
	n += c.DecoderBlocks*block + 2*D
	n += (M+3)*D + M + 3
	n += 2*A*D*3 + 2*A + A*2*A + A // keys
	n += 2*A*M*3 + 2*A + A*2*A + A // queries
	return n
}
