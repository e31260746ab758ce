package acoustic

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Config describes the network. It is validated, round-trips through JSON,
// and is stored in every model file so that a file carries its own
// architecture, vocabulary and front-end.
type Config struct {
	// Name of the model, reported as "<name>@<sha256 prefix>".
	Name string `json:"name"`
	// Mels is the number of log-mel bins the model reads (the front-end
	// config itself travels beside this one in the model file).
	Mels int `json:"mels"`
	// FrameHopMs is the hop of the input feature frames.
	FrameHopMs int `json:"frame_hop_ms"`

	// ConvChannels are the output channels of the two 3×3 convolutions of
	// the front. The first halves frequency; the second halves frequency
	// and divides time by TimeStride.
	ConvChannels [2]int `json:"conv_channels"`
	// TimeStride is the time subsampling of the front (3: 30 ms frames at
	// a 10 ms hop).
	TimeStride int `json:"time_stride"`
	// FreqAttentionHeads is the number of heads of the axial attention over
	// the frequency bins of the convolution map; 0 disables it.
	FreqAttentionHeads int `json:"freq_attention_heads"`

	// Dim is the width of the blocks.
	Dim int `json:"dim"`
	// Heads is the number of attention heads over time.
	Heads int `json:"heads"`
	// FFMult is the feed-forward expansion.
	FFMult int `json:"ff_mult"`
	// Blocks is the number of Conformer-like blocks.
	Blocks int `json:"blocks"`
	// ConvKernel is the causal depthwise-convolution kernel, in output frames.
	ConvKernel int `json:"conv_kernel"`
	// TimeAttention disables self-attention over time when false (an
	// ablation: the blocks keep only convolutions and feed-forwards).
	TimeAttention bool `json:"time_attention"`
	// Dropout probability while training.
	Dropout float32 `json:"dropout"`

	// Vocab lists the output symbols; Vocab[0] is the CTC blank.
	Vocab []string `json:"vocab"`
	// PhoneVocab lists the symbols of the auxiliary phone-CTC head (blank
	// first); empty disables the head.
	PhoneVocab []string `json:"phone_vocab,omitempty"`
	// PhoneHeadBlock is the 1-based block whose output feeds the phone head.
	PhoneHeadBlock int `json:"phone_head_block,omitempty"`
}

// DefaultConfig is the shipped English architecture: about 3.3 M
// parameters, 30 ms output frames.
func DefaultConfig() Config {
	return Config{
		Name:               "mynah-en-small",
		Mels:               80,
		FrameHopMs:         10,
		ConvChannels:       [2]int{32, 64},
		TimeStride:         3,
		FreqAttentionHeads: 2,
		Dim:                144,
		Heads:              4,
		FFMult:             4,
		Blocks:             6,
		ConvKernel:         15,
		TimeAttention:      true,
		Dropout:            0.1,
		Vocab:              EnglishChars().Symbols,
	}
}

// Validate reports the first problem with the config.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Mels >= 8 && c.Mels <= 512, "mels %d outside 8..512", c.Mels)
	check(c.FrameHopMs > 0 && c.FrameHopMs <= 100, "frame_hop_ms %d outside 1..100", c.FrameHopMs)
	check(c.ConvChannels[0] > 0 && c.ConvChannels[1] > 0 && c.ConvChannels[0] <= 1024 && c.ConvChannels[1] <= 1024, "conv_channels %v must be in 1..1024", c.ConvChannels)
	check(c.TimeStride >= 1 && c.TimeStride <= 8, "time_stride %d outside 1..8", c.TimeStride)
	check(c.FreqAttentionHeads >= 0 && (c.FreqAttentionHeads == 0 || c.ConvChannels[1]%c.FreqAttentionHeads == 0), "freq_attention_heads %d must divide conv_channels[1] %d", c.FreqAttentionHeads, c.ConvChannels[1])
	check(c.Dim > 0 && c.Dim <= 4096, "dim %d outside 1..4096", c.Dim)
	check(c.Heads > 0 && c.Dim%c.Heads == 0 && (c.Dim/c.Heads)%2 == 0, "heads %d must divide dim %d into even head sizes", c.Heads, c.Dim)
	check(c.FFMult >= 1 && c.FFMult <= 16, "ff_mult %d outside 1..16", c.FFMult)
	check(c.Blocks >= 1 && c.Blocks <= 64, "blocks %d outside 1..64", c.Blocks)
	check(c.ConvKernel >= 1 && c.ConvKernel <= 255, "conv_kernel %d outside 1..255", c.ConvKernel)
	check(c.Dropout >= 0 && c.Dropout < 1, "dropout %g outside [0, 1)", c.Dropout)
	check(len(c.Vocab) >= 2 && len(c.Vocab) <= 65536, "vocab has %d symbols, want 2..65536", len(c.Vocab))
	if len(c.PhoneVocab) > 0 {
		check(len(c.PhoneVocab) >= 2, "phone_vocab has %d symbols", len(c.PhoneVocab))
		check(c.PhoneHeadBlock >= 1 && c.PhoneHeadBlock <= c.Blocks, "phone_head_block %d outside 1..%d", c.PhoneHeadBlock, c.Blocks)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("acoustic config: %w", err)
	}
	return nil
}

// freqBins is the number of frequency bins after the convolution front.
func (c Config) freqBins() int { return ((c.Mels+1)/2 + 1) / 2 }

// OutputFrames is the number of output frames for inputFrames feature frames.
func (c Config) OutputFrames(inputFrames int) int {
	if inputFrames <= 0 {
		return 0
	}
	return (inputFrames-1)/c.TimeStride + 1
}

// OutputHopMs is the duration of one output frame.
func (c Config) OutputHopMs() int { return c.FrameHopMs * c.TimeStride }

// UnmarshalJSON decodes the plain field encoding and validates it, so a
// Config read from a model file is always checked.
func (c *Config) UnmarshalJSON(data []byte) error {
	type plain Config
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("acoustic config: %w", err)
	}
	*c = Config(p)
	return c.Validate()
}
