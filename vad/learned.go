package vad

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/internal/vec"
)

// stepper runs the network one step at a time on pushed audio: the
// streaming twin of Model.Forward, with the convolutions' left context
// kept in per-layer rings. It is not safe for concurrent use.
type stepper struct {
	m        *Model
	stream   *feature.Stream
	frames   []float32 // popped feature frames
	floor    *floorTracker
	input    []float32 // one frame's network input
	stemIn   []float32 // the stem's last StemKernel inputs, oldest first
	sinceOut int       // frames since the last step
	hist     [][]float32
	histLen  []int
	gather   []float32
	h, y     []float32
	steps    int64 // steps computed
	received int64 // samples pushed, silence padding included
}

func (m *Model) newStepper() *stepper {
	c := m.cfg
	C, M := c.Channels, c.Feature.NumMels
	s := &stepper{
		m:      m,
		stream: m.ext.NewStream(),
		frames: make([]float32, 64*M),
		stemIn: make([]float32, c.StemKernel*c.InputDim()),
		input:  make([]float32, c.InputDim()),
		gather: make([]float32, max(c.Kernel*C, 1)),
		h:      make([]float32, C),
		y:      make([]float32, C),
	}
	if c.NoiseFloor {
		s.floor = newFloorTracker(M)
	}
	for _, d := range c.Dilations {
		n := (c.Kernel-1)*d + 1
		s.hist = append(s.hist, make([]float32, n*C))
		s.histLen = append(s.histLen, n)
	}
	return s
}

// reset forgets all audio; the buffers stay.
func (s *stepper) reset() {
	s.stream.Reset()
	clear(s.stemIn)
	if s.floor != nil {
		s.floor.reset()
	}
	for _, h := range s.hist {
		clear(h)
	}
	s.sinceOut, s.steps, s.received = 0, 0, 0
}

// push feeds samples and calls emit with the speech probability of every
// region the model can now decide, in order (region j = step j − delay).
func (s *stepper) push(samples []float32, emit func(p float32)) {
	s.stream.Push(samples)
	s.received += int64(len(samples))
	M := s.m.cfg.Feature.NumMels
	for {
		n := s.stream.Pop(s.frames)
		if n == 0 {
			return
		}
		s.m.cfg.Norm.Apply(s.frames[:n*M])
		for t := 0; t < n; t++ {
			s.frame(s.frames[t*M:(t+1)*M], emit)
		}
	}
}

// pushSilenceUntil pushes digital silence until regions regions have been
// decided: the end of a stream has no look-ahead of its own.
func (s *stepper) pushSilenceUntil(regions int, emit func(p float32)) {
	c := s.m.cfg
	lastStep := int64(regions - 1 + c.DelaySteps)
	if regions <= 0 || s.steps > lastStep {
		return
	}
	newestFrame := lastStep*int64(c.Stride) + int64(c.Stride) - 1
	need := newestFrame*int64(c.Feature.HopSamples) + int64(c.Feature.WindowSamples) - s.received
	zeros := make([]float32, min(need, 1<<14))
	for need > 0 {
		n := min(need, int64(len(zeros)))
		s.push(zeros[:n], emit)
		need -= n
	}
}

// frame takes one normalised feature frame through the network.
func (s *stepper) frame(f []float32, emit func(p float32)) {
	c := s.m.cfg
	C, K := c.Channels, c.Kernel
	if s.floor != nil {
		s.floor.apply(f, s.input)
		f = s.input
	}
	D := len(f)
	copy(s.stemIn, s.stemIn[D:])
	copy(s.stemIn[len(s.stemIn)-D:], f)
	s.sinceOut++
	if s.sinceOut < c.Stride {
		return
	}
	s.sinceOut = 0
	h := s.h
	for o := range h {
		h[o] = relu(s.m.stemB.Value[o] + vec.Dot(s.m.stemT[o*len(s.stemIn):(o+1)*len(s.stemIn)], s.stemIn))
	}
	for i, d := range c.Dilations {
		ring, n := s.hist[i], s.histLen[i]
		pos := int(s.steps % int64(n))
		copy(ring[pos*C:(pos+1)*C], h)
		for k := 0; k < K; k++ {
			p := (pos - (K-1-k)*d) % n
			if p < 0 {
				p += n
			}
			copy(s.gather[k*C:(k+1)*C], ring[p*C:(p+1)*C])
		}
		w, b := s.m.blockT[i], s.m.blockB[i].Value
		g := s.gather[:K*C]
		for o := 0; o < C; o++ {
			s.y[o] = relu(b[o] + vec.Dot(w[o*K*C:(o+1)*K*C], g))
		}
		vec.Add(h, h, s.y)
	}
	logit := s.m.outB.Value[0] + vec.Dot(s.m.outW.Value, h)
	s.steps++
	if s.steps > int64(c.DelaySteps) {
		emit(sigmoid(logit))
	}
}

func relu(x float32) float32 { return max(x, 0) }

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// LearnedConfig tunes how a LearnedDetector turns the model's per-region
// speech probabilities into events. Zero fields take the defaults of
// DefaultLearnedConfig.
type LearnedConfig struct {
	// Threshold is the probability from which a region counts as speech.
	Threshold float64 `json:"threshold"`
	// MinSpeechMs is the shortest run of speech regions that starts speech.
	MinSpeechMs int `json:"min_speech_ms"`
	// MinSilenceMs is the silence that ends speech (the hangover).
	MinSilenceMs int `json:"min_silence_ms"`
}

// DefaultLearnedConfig starts speech after 60 ms and ends it after 200 ms
// of regions below one half: the network already bridges the short pauses
// inside an utterance, so the hangover can be shorter than the energy
// detector's.
func DefaultLearnedConfig() LearnedConfig {
	return LearnedConfig{Threshold: 0.5, MinSpeechMs: 60, MinSilenceMs: 200}
}

func (c LearnedConfig) withDefaults() LearnedConfig {
	d := DefaultLearnedConfig()
	setDefault(&c.Threshold, d.Threshold)
	setDefault(&c.MinSpeechMs, d.MinSpeechMs)
	setDefault(&c.MinSilenceMs, d.MinSilenceMs)
	return c
}

// Validate reports a config that cannot work.
func (c LearnedConfig) Validate() error {
	c = c.withDefaults()
	switch {
	case !(c.Threshold > 0 && c.Threshold < 1):
		return fmt.Errorf("vad: threshold %g outside (0, 1)", c.Threshold)
	case c.MinSpeechMs < 0 || c.MinSilenceMs < 0 || c.MinSpeechMs > 60_000 || c.MinSilenceMs > 60_000:
		return fmt.Errorf("vad: durations %+v outside 0..60000 ms", c)
	}
	return nil
}

// LearnedDetector is the streaming learned VAD: the Model's probability
// for each 20 ms region, with the energy detector's hysteresis on top.
// Events come LookAhead samples (75 ms for the shipped model) plus the
// minimum durations after the boundary they mark. Not safe for concurrent
// use; make one per stream.
type LearnedDetector struct {
	cfg       LearnedConfig
	st        *stepper
	stepLen   int64
	threshold float32
	hys       hysteresis
	regions   int64   // regions decided
	real      int64   // samples pushed by the caller
	events    []Event // the current call's output
	emit      func(p float32)
}

// NewDetector returns a streaming detector over the model. Zero fields of
// cfg take the model's tuned values (ModelConfig.Detector), then those of
// DefaultLearnedConfig.
func (m *Model) NewDetector(cfg LearnedConfig) (*LearnedDetector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if t := m.cfg.Detector; t != nil {
		setDefault(&cfg.Threshold, t.Threshold)
		setDefault(&cfg.MinSpeechMs, t.MinSpeechMs)
		setDefault(&cfg.MinSilenceMs, t.MinSilenceMs)
	}
	cfg = cfg.withDefaults()
	stepMs := float64(m.cfg.StepSamples()) * 1000 / float64(m.cfg.Feature.SampleRate)
	regions := func(ms int) int { return int(math.Round(float64(ms) / stepMs)) }
	d := &LearnedDetector{
		cfg:       cfg,
		st:        m.newStepper(),
		stepLen:   int64(m.cfg.StepSamples()),
		threshold: float32(cfg.Threshold),
		hys:       newHysteresis(int64(m.cfg.StepSamples()), regions(cfg.MinSpeechMs), regions(cfg.MinSilenceMs)),
	}
	d.emit = d.region
	return d, nil
}

// SampleRate is the rate the detector expects (the model's).
func (d *LearnedDetector) SampleRate() int { return d.st.m.cfg.Feature.SampleRate }

// InSpeech reports whether the detector is inside speech now.
func (d *LearnedDetector) InSpeech() bool { return d.hys.inSpeech }

// EventDelay bounds how far before the end of the pushed audio an event
// may point when it is reported.
func (d *LearnedDetector) EventDelay() int {
	c := d.st.m.cfg
	return (d.hys.minSpeech+2)*c.StepSamples() + c.LookAhead() + c.Feature.WindowSamples
}

// Push feeds samples and appends any boundary events to events, which it
// returns. Start events point at the first region of the speech run; end
// events at the first region of the silence that ended it.
func (d *LearnedDetector) Push(samples []float32, events []Event) []Event {
	d.events = events
	d.real += int64(len(samples))
	d.st.push(samples, d.emit)
	events, d.events = d.events, nil
	return events
}

// Flush ends the stream: the last regions are decided over digital
// silence, and open speech gets its end event at the last sample. Call
// Reset before pushing a new stream.
func (d *LearnedDetector) Flush(events []Event) []Event {
	d.events = events
	regions := int((d.real + d.stepLen - 1) / d.stepLen)
	d.st.pushSilenceUntil(regions, d.emit)
	events, d.events = d.events, nil
	if ev, ok := d.hys.flush(d.real); ok {
		events = append(events, ev)
	}
	return events
}

// Reset starts a new stream.
func (d *LearnedDetector) Reset() {
	d.st.reset()
	d.regions, d.real = 0, 0
	d.hys.reset()
}

// region takes the decision for the next region.
func (d *LearnedDetector) region(p float32) {
	idx := d.regions
	d.regions++
	if idx*d.stepLen >= d.real {
		return // silence padding past the end of the stream
	}
	speech := p >= d.threshold
	if ev, ok := d.hys.step(idx, speech, speech); ok {
		d.events = append(d.events, ev)
	}
}

// Replay returns the events a fresh detector of cfg would report on n
// samples of audio whose region probabilities are probs (as
// SpeechProbabilities returns them), without running the network again:
// tuning the decision rule replays it over probabilities computed once.
func (m *Model) Replay(probs []float32, n int64, cfg LearnedConfig) ([]Event, error) {
	d, err := m.NewDetector(cfg)
	if err != nil {
		return nil, err
	}
	d.real = n
	for _, p := range probs {
		d.region(p)
	}
	events := d.events
	if ev, ok := d.hys.flush(n); ok {
		events = append(events, ev)
	}
	return events, nil
}
