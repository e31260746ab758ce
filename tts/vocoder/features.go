package vocoder

import (
	"fmt"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/dsp/pitch"
)

// Analyzer computes the vocoder's inputs from audio: TTS log-mels
// (Config.Features) and YIN F0 (Config.Pitch) on the same frame grid. It
// is what training uses for ground-truth frames. It holds scratch and is
// not safe for concurrent use.
type Analyzer struct {
	cfg     Config
	mels    *feature.Extractor
	tracker *pitch.Tracker
}

// NewAnalyzer validates c and builds its analyser.
func NewAnalyzer(c Config) (*Analyzer, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("new analyzer: %w", err)
	}
	ex, err := feature.New(c.Features())
	if err != nil {
		return nil, fmt.Errorf("new analyzer: %w", err)
	}
	tr, err := pitch.New(c.Pitch())
	if err != nil {
		return nil, fmt.Errorf("new analyzer: %w", err)
	}
	return &Analyzer{cfg: c, mels: ex, tracker: tr}, nil
}

// Analyze returns the T×NumMels log-mels and T F0 values of samples
// (T = 1 + len/hop; both slices are new).
func (a *Analyzer) Analyze(samples []float32) (logMels, f0 []float32) {
	mels, T := a.mels.Compute(samples)
	tr := a.tracker.Track(samples)
	T = min(T, len(tr.F0))
	// Both return buffers they reuse: copy.
	logMels = make([]float32, T*a.cfg.NumMels)
	copy(logMels, mels)
	f0 = make([]float32, T)
	copy(f0, tr.F0)
	return logMels, f0
}
