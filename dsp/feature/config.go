package feature

import (
	"errors"
	"fmt"

	"github.com/mynah-speech/mynah/dsp/fft"
)

// WindowKind names an analysis window.
type WindowKind string

// Windows. Hann and Hamming are periodic (denominator N, as
// torch.hann_window and scipy's fftbins=True); Povey is Kaldi's
// (0.5 − 0.5·cos(2πn/(N−1)))^0.85.
const (
	Hann    WindowKind = "hann"
	Hamming WindowKind = "hamming"
	Povey   WindowKind = "povey"
)

// Padding says how centred frames see the samples beyond either end of
// the signal.
type Padding string

// Centring modes: Reflect mirrors the signal about its end samples
// (numpy's "reflect", torch.stft's default), Constant pads with zeros,
// NoCenter does not centre: frame t starts at sample t·hop (Kaldi's
// snip-edges).
const (
	Reflect  Padding = "reflect"
	Constant Padding = "constant"
	NoCenter Padding = "none"
)

// SpectrumKind is what the mel filters weigh.
type SpectrumKind string

// Spectra: Power is |X|², Magnitude is |X|.
const (
	Power     SpectrumKind = "power"
	Magnitude SpectrumKind = "magnitude"
)

// MelScale names a mel scale.
type MelScale string

// Mel scales: HTK is 2595·log10(1 + f/700); Slaney is linear below 1 kHz
// and logarithmic above (Slaney 1998, Auditory Toolbox; librosa's default).
const (
	HTK    MelScale = "htk"
	Slaney MelScale = "slaney"
)

// MelNorm names a filter normalisation.
type MelNorm string

// Filter normalisations: SlaneyNorm scales each triangle to unit area in
// Hz (2/(f_right − f_left)); NoNorm leaves peaks at 1.
const (
	SlaneyNorm MelNorm = "slaney"
	NoNorm     MelNorm = "none"
)

// TriangleDomain is the axis along which the mel triangles are linear.
type TriangleDomain string

// Triangle domains: HzTriangles as librosa and torchaudio build them,
// MelTriangles as Kaldi does.
const (
	HzTriangles  TriangleDomain = "hz"
	MelTriangles TriangleDomain = "mel"
)

// Config describes a log-mel front-end completely. The zero value is not
// valid; start from DefaultASR or KaldiFbank.
type Config struct {
	SampleRate    int          `json:"sample_rate"`
	WindowSamples int          `json:"window_samples"`
	HopSamples    int          `json:"hop_samples"`
	FFTSize       int          `json:"fft_size"`
	Window        WindowKind   `json:"window"`
	Center        Padding      `json:"center"`
	Spectrum      SpectrumKind `json:"spectrum"`
	// RemoveDC subtracts each frame's mean before pre-emphasis (Kaldi).
	RemoveDC bool `json:"remove_dc,omitempty"`
	// Preemphasis is the coefficient c of y[i] = x[i] − c·x[i−1] inside
	// each frame, with x[−1] = x[0] (Kaldi); 0 disables it.
	Preemphasis float32        `json:"preemphasis,omitempty"`
	NumMels     int            `json:"num_mels"`
	FMinHz      float64        `json:"fmin_hz"`
	FMaxHz      float64        `json:"fmax_hz"`
	MelScale    MelScale       `json:"mel_scale"`
	MelNorm     MelNorm        `json:"mel_norm"`
	Triangles   TriangleDomain `json:"triangles"`
	// LogFloor is the smallest filter energy the log sees:
	// feature = ln(max(energy, LogFloor)).
	LogFloor float32 `json:"log_floor"`
}

// DefaultASR is the front-end of mynah's acoustic models: 16 kHz, 25 ms
// periodic-Hann windows every 10 ms, a 512-point FFT, power spectrum, 80
// Slaney-scale, Slaney-normalised mels over 20–7600 Hz, centred with
// reflect padding (torchaudio's MelSpectrogram conventions), natural log
// floored at 1e-10 (−100 dB re full scale).
func DefaultASR() Config {
	return Config{
		SampleRate:    16000,
		WindowSamples: 400,
		HopSamples:    160,
		FFTSize:       512,
		Window:        Hann,
		Center:        Reflect,
		Spectrum:      Power,
		NumMels:       80,
		FMinHz:        20,
		FMaxHz:        7600,
		MelScale:      Slaney,
		MelNorm:       SlaneyNorm,
		Triangles:     HzTriangles,
		LogFloor:      1e-10,
	}
}

// KaldiFbank is Kaldi's compute-fbank (as torchaudio.compliance.kaldi.fbank)
// with its defaults except the number of bins: 25 ms Povey windows every
// 10 ms, not centred, DC removed, pre-emphasis 0.97, FFT size the next
// power of two, power spectrum, HTK-scale triangles linear in mel from
// 20 Hz to Nyquist, no normalisation, log floored at float32 epsilon.
// Kaldi dithers by default; torchaudio and this do not.
func KaldiFbank(sampleRate, numMels int) Config {
	win := sampleRate * 25 / 1000
	fftSize := 1
	for fftSize < win {
		fftSize *= 2
	}
	return Config{
		SampleRate:    sampleRate,
		WindowSamples: win,
		HopSamples:    sampleRate * 10 / 1000,
		FFTSize:       fftSize,
		Window:        Povey,
		Center:        NoCenter,
		Spectrum:      Power,
		RemoveDC:      true,
		Preemphasis:   0.97,
		NumMels:       numMels,
		FMinHz:        20,
		FMaxHz:        float64(sampleRate) / 2,
		MelScale:      HTK,
		MelNorm:       NoNorm,
		Triangles:     MelTriangles,
		LogFloor:      1.1920929e-07,
	}
}

// ErrConfig is wrapped by every validation failure.
var ErrConfig = errors.New("invalid feature config")

// Validate reports the first problem with c, wrapping ErrConfig.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch {
	case c.SampleRate <= 0 || c.SampleRate > 768000:
		return bad("sample_rate %d outside 1..768000", c.SampleRate)
	case c.FFTSize <= 0 || c.FFTSize > 1<<16:
		return bad("fft_size %d outside 1..65536", c.FFTSize)
	case c.WindowSamples <= 0 || c.WindowSamples > c.FFTSize:
		return bad("window_samples %d outside 1..fft_size (%d)", c.WindowSamples, c.FFTSize)
	case c.HopSamples <= 0:
		return bad("hop_samples %d not positive", c.HopSamples)
	case c.NumMels <= 0 || c.NumMels > 1024:
		return bad("num_mels %d outside 1..1024", c.NumMels)
	case !(c.FMinHz >= 0) || !(c.FMaxHz > c.FMinHz) || c.FMaxHz > float64(c.SampleRate)/2:
		return bad("need 0 <= fmin_hz (%g) < fmax_hz (%g) <= sample_rate/2", c.FMinHz, c.FMaxHz)
	case !(c.LogFloor > 0):
		return bad("log_floor %g not positive", c.LogFloor)
	case !(c.Preemphasis >= 0 && c.Preemphasis < 1):
		return bad("preemphasis %g outside [0, 1)", c.Preemphasis)
	}
	if _, err := fft.NewReal(c.FFTSize); err != nil {
		return bad("fft_size: %v", err)
	}
	switch c.Window {
	case Hann, Hamming, Povey:
	default:
		return bad("window %q not one of hann, hamming, povey", c.Window)
	}
	switch c.Center {
	case Reflect, Constant, NoCenter:
	default:
		return bad("center %q not one of reflect, constant, none", c.Center)
	}
	switch c.Spectrum {
	case Power, Magnitude:
	default:
		return bad("spectrum %q not one of power, magnitude", c.Spectrum)
	}
	switch c.MelScale {
	case HTK, Slaney:
	default:
		return bad("mel_scale %q not one of htk, slaney", c.MelScale)
	}
	switch c.MelNorm {
	case SlaneyNorm, NoNorm:
	default:
		return bad("mel_norm %q not one of slaney, none", c.MelNorm)
	}
	switch c.Triangles {
	case HzTriangles, MelTriangles:
	default:
		return bad("triangles %q not one of hz, mel", c.Triangles)
	}
	return nil
}

// windowOffset is how far before t·hop frame t's window starts.
func (c Config) windowOffset() int {
	if c.Center == NoCenter {
		return 0
	}
	return c.FFTSize/2 - (c.FFTSize-c.WindowSamples)/2
}

// NumFrames returns how many frames a signal of n samples gives.
func (c Config) NumFrames(n int) int {
	if n <= 0 {
		return 0
	}
	if c.Center == NoCenter {
		if n < c.WindowSamples {
			return 0
		}
		return 1 + (n-c.WindowSamples)/c.HopSamples
	}
	return 1 + n/c.HopSamples
}
