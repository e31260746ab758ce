package acoustic

import (
	"fmt"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
)

// Runner runs a Model on whole utterances (offline, full context). It owns
// the feature extractor and an inference tape whose buffers it reuses, so
// it is not safe for concurrent use: make one per goroutine. The Model
// itself is shared.
type Runner struct {
	m     *Model
	ext   *feature.Extractor
	tape  *nn.Tape
	feats []float32
	probs []float32
}

// NewRunner returns a Runner for m.
func (m *Model) NewRunner() (*Runner, error) {
	ext, err := feature.New(m.front.Features)
	if err != nil {
		return nil, fmt.Errorf("acoustic: %w", err)
	}
	t := nn.NewTape(0)
	t.SetTraining(false)
	return &Runner{m: m, ext: ext, tape: t}, nil
}

// Features computes the normalised log-mel features of 16 kHz samples
// (row-major frames × mels). The slice is the runner's buffer, valid until
// the next call.
func (r *Runner) Features(samples []float32) ([]float32, int) {
	frames, n := r.ext.Compute(samples)
	r.feats = append(r.feats[:0], frames...)
	r.m.front.Norm.Apply(r.feats)
	return r.feats, n
}

// LogProbs returns the per-frame log-probabilities over the vocabulary
// (row-major outFrames × len(Vocab)) of samples at the front-end's rate.
// The slice is the runner's buffer, valid until the next call.
func (r *Runner) LogProbs(samples []float32) ([]float32, int, error) {
	feats, n := r.Features(samples)
	if n == 0 {
		return nil, 0, nil
	}
	return r.LogProbsFromFeatures(feats, n)
}

// LogProbsFromFeatures is LogProbs on normalised features.
func (r *Runner) LogProbsFromFeatures(feats []float32, frames int) ([]float32, int, error) {
	r.tape.Reset()
	out, err := r.m.Forward(r.tape, Batch{Features: feats, Size: 1, Frames: frames, Lengths: []int{frames}}, ForwardOptions{})
	if err != nil {
		return nil, 0, err
	}
	lp := r.tape.LogSoftmax(out.Logits)
	r.probs = append(r.probs[:0], lp.Data...)
	return r.probs, out.Lengths[0], nil
}

// SampleRate is the rate the model's front-end expects.
func (r *Runner) SampleRate() int { return r.m.front.Features.SampleRate }
