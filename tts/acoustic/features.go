package acoustic

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/dsp/pitch"
)

// Frame constants of the TTS contract.
const (
	SampleRate = 22050
	HopSamples = 256
)

// FeatureConfig is the contract's TTS mel front-end: 22,050 Hz, periodic
// Hann windows of 1024 samples every 256 (11.6 ms), FFT 1024, centred with
// reflect padding, power spectrum, 80 Slaney-scale, Slaney-normalised mels
// over 0–8,000 Hz, natural log floored at 1e-5 (as HiFi-GAN and
// FastPitch's front-ends).
func FeatureConfig() feature.Config {
	return feature.Config{
		SampleRate:    SampleRate,
		WindowSamples: 1024,
		HopSamples:    HopSamples,
		FFTSize:       1024,
		Window:        feature.Hann,
		Center:        feature.Reflect,
		Spectrum:      feature.Power,
		NumMels:       80,
		FMinHz:        0,
		FMaxHz:        8000,
		MelScale:      feature.Slaney,
		MelNorm:       feature.SlaneyNorm,
		Triangles:     feature.HzTriangles,
		LogFloor:      1e-5,
	}
}

// PitchConfig is dsp/pitch's YIN at the TTS hop over 60–500 Hz.
func PitchConfig() pitch.Config {
	c := pitch.Default(SampleRate)
	c.HopSamples = HopSamples
	c.MinHz = 60
	c.MaxHz = 500
	return c
}

// Features are an utterance's training targets: TTS mels and F0 on the
// same frames.
type Features struct {
	// Frames is the number of frames.
	Frames int
	// Mels is Frames×80 log-mels, frame-major.
	Mels []float32
	// F0 is Hz per frame, 0 where unvoiced.
	F0 []float32
}

// Analyzer computes Features; it holds scratch buffers and is not safe for
// concurrent use.
type Analyzer struct {
	mel   *feature.Extractor
	pitch *pitch.Tracker
}

// NewAnalyzer builds the contract's mel extractor and pitch tracker.
func NewAnalyzer() (*Analyzer, error) {
	m, err := feature.New(FeatureConfig())
	if err != nil {
		return nil, fmt.Errorf("tts features: %w", err)
	}
	p, err := pitch.New(PitchConfig())
	if err != nil {
		return nil, fmt.Errorf("tts features: %w", err)
	}
	return &Analyzer{mel: m, pitch: p}, nil
}

// Analyze returns the mels and F0 of samples (22,050 Hz mono), in slices
// of their own. Both trackers centre frame t on sample t·256, so they agree on the count;
// should they ever differ the shorter wins.
func (a *Analyzer) Analyze(samples []float32) Features {
	mels, n := a.mel.Compute(samples)
	tr := a.pitch.Track(samples)
	n = min(n, len(tr.F0))
	// Both trackers return their own reused buffers: copy.
	f0 := make([]float32, n)
	copy(f0, tr.F0)
	own := make([]float32, n*80)
	copy(own, mels)
	return Features{Frames: n, Mels: own, F0: f0}
}

// FrameEnergy is the energy the model predicts for a frame: the mean of
// its log mels.
func FrameEnergy(mel []float32) float32 {
	var s float64
	for _, v := range mel {
		s += float64(v)
	}
	return float32(s / float64(max(len(mel), 1)))
}

func logf(x float32) float32 { return float32(math.Log(float64(x))) }
func expf(x float32) float32 { return float32(math.Exp(float64(x))) }
