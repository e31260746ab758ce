package acoustic

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// FrontEnd is the feature extraction a model was trained with: the log-mel
// config and the global normalisation, stored in the model file.
type FrontEnd struct {
	Features feature.Config `json:"features"`
	Norm     feature.Norm   `json:"norm"`
}

// Validate checks the front-end against the model config.
func (f FrontEnd) Validate(cfg Config) error {
	if err := f.Features.Validate(); err != nil {
		return fmt.Errorf("acoustic front-end: %w", err)
	}
	if err := f.Norm.Validate(); err != nil {
		return fmt.Errorf("acoustic front-end: %w", err)
	}
	if f.Features.NumMels != cfg.Mels || len(f.Norm.Mean) != cfg.Mels {
		return fmt.Errorf("acoustic front-end: %d mels and %d norm dims for a model of %d mels", f.Features.NumMels, len(f.Norm.Mean), cfg.Mels)
	}
	if hop := f.Features.HopSamples * 1000 / f.Features.SampleRate; hop != cfg.FrameHopMs {
		return fmt.Errorf("acoustic front-end: hop %d ms for a model of %d ms frames", hop, cfg.FrameHopMs)
	}
	return nil
}

// fileConfig is the JSON stored as the model file's "config" metadata.
type fileConfig struct {
	Model    Config          `json:"model"`
	FrontEnd FrontEnd        `json:"front_end"`
	Card     json.RawMessage `json:"card,omitempty"`
}

// Save writes the model as a safetensors file (fp32, or fp16 to halve the
// size) with its config and front-end in the metadata; card, if not nil,
// is stored too (training data, command, figures).
func (m *Model) Save(path string, dtype safetensors.DType, card any) error {
	var raw json.RawMessage
	if card != nil {
		b, err := json.Marshal(card)
		if err != nil {
			return fmt.Errorf("acoustic: save %s: card: %w", path, err)
		}
		raw = b
	}
	cfg := fileConfig{Model: m.cfg, FrontEnd: m.front, Card: raw}
	if err := nn.SaveModel(path, cfg, m.params, dtype); err != nil {
		return fmt.Errorf("acoustic: save %s: %w", path, err)
	}
	return nil
}

// Load reads a model file's bytes (from disk or go:embed), strictly: the
// config must validate and every tensor must match it.
func Load(data []byte) (*Model, error) {
	f, err := nn.LoadModel(data)
	if err != nil {
		return nil, fmt.Errorf("acoustic: %w", err)
	}
	var cfg fileConfig
	if err := f.UnmarshalConfig(&cfg); err != nil {
		return nil, fmt.Errorf("acoustic: %w", err)
	}
	m, err := newUninitialised(cfg.Model, cfg.FrontEnd) // f.Load overwrites every tensor
	if err != nil {
		return nil, err
	}
	if err := f.Load(m.params); err != nil {
		return nil, fmt.Errorf("acoustic: %w", err)
	}
	sum := sha256.Sum256(data)
	m.id = m.cfg.Name + "@" + hex.EncodeToString(sum[:])[:12]
	return m, nil
}

// ID names the model as "<name>@<sha256 prefix of its file>" (or
// "<name>@untrained" for a model not loaded from a file).
func (m *Model) ID() string {
	if m.id == "" {
		return m.cfg.Name + "@untrained"
	}
	return m.id
}

// FrontEnd returns the feature extraction the model expects.
func (m *Model) FrontEnd() FrontEnd { return m.front }
