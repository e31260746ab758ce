package vocoder

import (
	"errors"
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/dsp/pitch"
)

// Config describes a vocoder completely: the TTS frame grid it reads, the
// synthesiser's constants, the pure-DSP parameter estimate and the
// network. It validates itself and round-trips through JSON; a model file
// carries it.
type Config struct {
	SampleRate    int     `json:"sample_rate"`
	HopSamples    int     `json:"hop_samples"`
	WindowSamples int     `json:"window_samples"`
	FFTSize       int     `json:"fft_size"`
	NumMels       int     `json:"num_mels"`
	FMinHz        float64 `json:"fmin_hz"`
	FMaxHz        float64 `json:"fmax_hz"`
	LogFloor      float32 `json:"log_floor"`
	F0MinHz       float64 `json:"f0_min_hz"`
	F0MaxHz       float64 `json:"f0_max_hz"`

	// HarmonicMaxHz is the highest frequency a harmonic may reach; above
	// it the noise branch alone makes the sound. It stays below Nyquist so
	// that a harmonic gliding up within a frame never aliases.
	HarmonicMaxHz float64 `json:"harmonic_max_hz"`
	// VoicingCutoffHz and NoiseFloor shape the pure-DSP split of a voiced
	// frame's envelope: the harmonic share is
	// (1 − NoiseFloor) / (1 + (f/VoicingCutoffHz)^4), the noise takes the
	// rest. Unvoiced frames are all noise.
	VoicingCutoffHz float64 `json:"voicing_cutoff_hz"`
	NoiseFloor      float64 `json:"noise_floor"`
	// EstimateIterations is how many multiplicative updates refine a
	// voiced frame's harmonic envelope against its mels (0: the band
	// averages alone).
	EstimateIterations int `json:"estimate_iterations"`
	// TopBandGain scales the last mel band's level to extend the envelope
	// above FMaxHz, where the mels say nothing.
	TopBandGain float64 `json:"top_band_gain"`
	// NoiseSeed seeds the noise branch; inference is deterministic for a
	// given seed.
	NoiseSeed uint64 `json:"noise_seed"`

	// Net is the correction network; Net.Width 0 means none (pure DSP).
	Net NetConfig `json:"net"`
}

// NetConfig sizes the network that refines the DSP parameter estimate:
// an input convolution, Layers residual convolution blocks of Width
// channels and kernel Kernel, and a linear head giving per-frame log-gain
// corrections of the harmonic and noise envelopes.
type NetConfig struct {
	Width  int `json:"width"`
	Layers int `json:"layers"`
	Kernel int `json:"kernel"`
	// MelMean and MelStd normalise the log-mel inputs (one per mel bin);
	// empty means 0 and 1.
	MelMean []float32 `json:"mel_mean,omitempty"`
	MelStd  []float32 `json:"mel_std,omitempty"`
}

// Default returns the vocoder for the TTS contract's frames: 22,050 Hz,
// hop 256, window and FFT 1024, 80 Slaney mels over 0–8,000 Hz, log floor
// 1e-5, F0 60–500 Hz, with no network.
func Default() Config {
	return Config{
		SampleRate:         22050,
		HopSamples:         256,
		WindowSamples:      1024,
		FFTSize:            1024,
		NumMels:            80,
		FMinHz:             0,
		FMaxHz:             8000,
		LogFloor:           1e-5,
		F0MinHz:            60,
		F0MaxHz:            500,
		HarmonicMaxHz:      9500,
		VoicingCutoffHz:    4000,
		NoiseFloor:         0.05,
		EstimateIterations: 4,
		TopBandGain:        0.5,
		NoiseSeed:          1,
	}
}

// DefaultNet is the network size of the learned vocoder: about 17 MFLOP
// per second of audio.
func DefaultNet() NetConfig { return NetConfig{Width: 96, Layers: 2, Kernel: 3} }

// ErrConfig is wrapped by every validation failure.
var ErrConfig = errors.New("invalid vocoder config")

// Validate reports the first problem with c, wrapping ErrConfig.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	if err := c.Features().Validate(); err != nil {
		return bad("features: %v", err)
	}
	nyq := float64(c.SampleRate) / 2
	switch {
	case c.SampleRate < 8000 || c.SampleRate > 96000:
		return bad("sample_rate %d outside 8000..96000", c.SampleRate)
	case c.FFTSize > 8192 || c.NumMels > 256:
		return bad("fft_size %d or num_mels %d above 8192 or 256", c.FFTSize, c.NumMels)
	case c.HopSamples < 2 || c.HopSamples%2 != 0:
		return bad("hop_samples %d must be even and ≥ 2", c.HopSamples)
	case !(c.F0MinHz > 0) || !(c.F0MaxHz > c.F0MinHz) || c.F0MaxHz >= nyq:
		return bad("f0 range %g–%g Hz", c.F0MinHz, c.F0MaxHz)
	case !(c.HarmonicMaxHz > c.F0MaxHz) || c.HarmonicMaxHz >= nyq:
		return bad("harmonic_max_hz %g outside (f0_max_hz, nyquist)", c.HarmonicMaxHz)
	case !(c.VoicingCutoffHz > 0):
		return bad("voicing_cutoff_hz %g not positive", c.VoicingCutoffHz)
	case !(c.NoiseFloor >= 0 && c.NoiseFloor <= 1):
		return bad("noise_floor %g outside [0, 1]", c.NoiseFloor)
	case c.EstimateIterations < 0 || c.EstimateIterations > 1000:
		return bad("estimate_iterations %d outside 0..1000", c.EstimateIterations)
	case !(c.TopBandGain >= 0) || math.IsInf(c.TopBandGain, 0):
		return bad("top_band_gain %g", c.TopBandGain)
	}
	n := c.Net
	if n.Width != 0 {
		switch {
		case n.Width < 1 || n.Width > 1024:
			return bad("net width %d outside 1..1024", n.Width)
		case n.Layers < 0 || n.Layers > 32:
			return bad("net layers %d outside 0..32", n.Layers)
		case n.Kernel < 1 || n.Kernel%2 == 0 || n.Kernel > 31:
			return bad("net kernel %d must be odd, 1..31", n.Kernel)
		}
	}
	if len(n.MelMean) != 0 && len(n.MelMean) != c.NumMels || len(n.MelStd) != len(n.MelMean) {
		return bad("net mel_mean/mel_std have %d/%d values for %d mels", len(n.MelMean), len(n.MelStd), c.NumMels)
	}
	for _, s := range n.MelStd {
		if !(s > 0) {
			return bad("net mel_std %g not positive", s)
		}
	}
	return nil
}

// Features returns the TTS mel front-end the vocoder reads (the contract's
// "TTS mels"): centred reflect-padded periodic-Hann frames, power
// spectrum, Slaney mel scale and area norm, natural log.
func (c Config) Features() feature.Config {
	return feature.Config{
		SampleRate:    c.SampleRate,
		WindowSamples: c.WindowSamples,
		HopSamples:    c.HopSamples,
		FFTSize:       c.FFTSize,
		Window:        feature.Hann,
		Center:        feature.Reflect,
		Spectrum:      feature.Power,
		NumMels:       c.NumMels,
		FMinHz:        c.FMinHz,
		FMaxHz:        c.FMaxHz,
		MelScale:      feature.Slaney,
		MelNorm:       feature.SlaneyNorm,
		Triangles:     feature.HzTriangles,
		LogFloor:      c.LogFloor,
	}
}

// Pitch returns the F0 tracker configuration on the same frame grid.
func (c Config) Pitch() pitch.Config {
	p := pitch.Default(c.SampleRate)
	p.HopSamples = c.HopSamples
	p.MinHz, p.MaxHz = c.F0MinHz, c.F0MaxHz
	return p
}
