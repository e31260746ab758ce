package emotion

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/vad"
)

// Options tune a Tagger. The zero value takes the defaults.
type Options struct {
	// SegmentAfter: a recording with more speech than this (as the VAD
	// finds it) is tagged per VAD segment, and its overall result is the
	// speech-weighted mean of the segments' scores. Default 15 s, so the
	// 1–60 s clips users send get one result up to 15 s and a segment
	// list beyond. Negative disables segmenting.
	SegmentAfter time.Duration
	// MaxSegment is the longest VAD segment (default 10 s, about the
	// longest utterance emotion corpora hold).
	MaxSegment time.Duration
	// VAD configures the energy segmenter; zero fields take
	// vad.DefaultEnergyConfig. Its SampleRate is always SampleRate.
	VAD vad.EnergyConfig
}

func (o Options) withDefaults() Options {
	if o.SegmentAfter == 0 {
		o.SegmentAfter = 15 * time.Second
	}
	if o.MaxSegment <= 0 {
		o.MaxSegment = 10 * time.Second
	}
	o.VAD.SampleRate = int(SampleRate)
	return o
}

// Tagger tags recordings with a Model. It is safe for concurrent use: each
// call borrows its own scratch (featurizer and tape) from a pool.
type Tagger struct {
	m    *Model
	opt  Options
	pool sync.Pool
}

type tagWorker struct {
	f    *Featurizer
	tape *nn.Tape
}

// NewTagger returns a Tagger running m.
func NewTagger(m *Model, opt Options) (*Tagger, error) {
	opt = opt.withDefaults()
	if err := opt.VAD.Validate(); err != nil {
		return nil, fmt.Errorf("emotion: vad: %w", err)
	}
	tg := &Tagger{m: m, opt: opt}
	// Build one worker now so that a broken model fails here, not in Tag.
	w, err := tg.newWorker()
	if err != nil {
		return nil, err
	}
	tg.pool.Put(w)
	return tg, nil
}

func (tg *Tagger) newWorker() (*tagWorker, error) {
	f, err := tg.m.NewFeaturizer()
	if err != nil {
		return nil, err
	}
	t := nn.NewTape(0)
	t.SetTraining(false)
	return &tagWorker{f: f, tape: t}, nil
}

// Model returns the tagger's model.
func (tg *Tagger) Model() *Model { return tg.m }

// Tag returns the emotion of samples (mono, in [-1, 1]) recorded at rate.
// Any rate is resampled to 16 kHz. A recording without speech gets a
// Neutral result with zero confidence; one with more speech than
// Options.SegmentAfter gets a result per VAD segment in Result.Segments
// and their speech-weighted mean as the overall result. ctx is checked
// between segments.
func (tg *Tagger) Tag(ctx context.Context, samples []float32, rate audio.Rate) (Result, error) {
	if rate <= 0 || rate > 1_000_000 {
		return Result{}, fmt.Errorf("emotion: sample rate %d", rate)
	}
	for i, v := range samples {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Result{}, fmt.Errorf("emotion: sample %d is %v", i, v)
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	x, err := Resample(samples, rate)
	if err != nil {
		return Result{}, err
	}
	chunks, err := vad.Segment(x, tg.opt.VAD, int(tg.opt.MaxSegment/time.Millisecond))
	if err != nil {
		return Result{}, fmt.Errorf("emotion: vad: %w", err)
	}
	var speechSamples int64
	for _, c := range chunks {
		speechSamples += c.End - c.Start
	}
	speech := SampleRate.Duration(speechSamples)
	if len(chunks) == 0 {
		return silentResult(), nil
	}
	w, _ := tg.pool.Get().(*tagWorker)
	if w == nil {
		if w, err = tg.newWorker(); err != nil {
			return Result{}, err
		}
	}
	defer tg.pool.Put(w)

	if tg.opt.SegmentAfter < 0 || speech <= tg.opt.SegmentAfter {
		trimmed, ok := Trim(x)
		if !ok {
			return silentResult(), nil
		}
		s, err := w.scores(tg.m, trimmed)
		if err != nil {
			return Result{}, err
		}
		return fromScores(s, speech), nil
	}

	var total Scores
	var weight float64
	segs := make([]Segment, 0, len(chunks))
	for _, c := range chunks {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		seg := Segment{Start: SampleRate.Duration(c.Start), End: SampleRate.Duration(c.End)}
		trimmed, ok := Trim(c.Samples)
		if !ok {
			seg.Result = silentResult()
			segs = append(segs, seg)
			continue
		}
		s, err := w.scores(tg.m, trimmed)
		if err != nil {
			return Result{}, fmt.Errorf("emotion: segment at %v: %w", seg.Start, err)
		}
		seg.Result = fromScores(s, seg.End-seg.Start)
		segs = append(segs, seg)
		dw := float64(c.End - c.Start)
		for i, v := range s {
			total[i] += float32(dw) * v
		}
		weight += dw
	}
	if weight == 0 {
		r := silentResult()
		r.Segments = segs
		return r, nil
	}
	for i := range total {
		total[i] = float32(float64(total[i]) / weight)
	}
	r := fromScores(total, speech)
	r.Segments = segs
	return r, nil
}

// scores runs the model on one trimmed 16 kHz stretch.
func (w *tagWorker) scores(m *Model, x []float32) (Scores, error) {
	in, frames, err := w.f.Inputs(x)
	if err != nil {
		return Scores{}, err
	}
	if frames == 0 {
		return silentResult().Scores, nil
	}
	w.tape.Reset()
	logits, err := m.Logits(w.tape, Batch{Inputs: in, Size: 1, Frames: frames, Lengths: []int{frames}})
	if err != nil {
		return Scores{}, err
	}
	return softmaxScores(logits.Data[:NumLabels]), nil
}

// softmaxScores turns logits into probabilities.
func softmaxScores(logits []float32) Scores {
	var s Scores
	mx := float32(math.Inf(-1))
	for _, v := range logits {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range logits {
		e := math.Exp(float64(v - mx))
		s[i] = float32(e)
		sum += e
	}
	for i := range s {
		s[i] = float32(float64(s[i]) / sum)
	}
	return s
}

// Probabilities returns the label probabilities of one stretch of 16 kHz
// audio exactly as a Tagger classifies it (trimmed, no VAD, no
// segmenting): the evaluation entry point of the training recipe.
func (m *Model) Probabilities(f *Featurizer, t *nn.Tape, x []float32) (Scores, error) {
	w := tagWorker{f: f, tape: t}
	trimmed, ok := Trim(x)
	if !ok {
		return silentResult().Scores, nil
	}
	return w.scores(m, trimmed)
}
