package vad

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// ModelConfig describes the learned detector completely: its front-end,
// the feature normalisation it was trained with, and the network. It
// round-trips through JSON and travels inside the model file.
//
// The network is a causal temporal convolution network (Bai, Kolter and
// Koltun 2018, "An Empirical Evaluation of Generic Convolutional and
// Recurrent Networks for Sequence Modeling"): a strided stem over
// StemKernel log-mel frames makes one step every Stride frames, then one
// residual block per entry of Dilations (ReLU of a causal dilated
// convolution of width Kernel, added to its input), then a linear
// speech/non-speech logit. Step j's logit is trained to describe the
// region DelaySteps steps back, which is the model's look-ahead.
type ModelConfig struct {
	// Feature is the log-mel front-end; it must not centre its frames
	// (Center "none"), so frame t depends only on samples before
	// t·hop + window.
	Feature feature.Config `json:"feature"`
	// Norm is the global mean/variance normalisation of the features.
	Norm feature.Norm `json:"norm"`
	// NoiseFloor adds, for every band, the normalised log-mel minus its
	// tracked noise floor (minimum statistics, see floorTracker) as a
	// second input per band: the level above the background, which does
	// not depend on what the background is.
	NoiseFloor bool  `json:"noise_floor,omitempty"`
	Channels   int   `json:"channels"`
	StemKernel int   `json:"stem_kernel"`
	Stride     int   `json:"stride"`
	Kernel     int   `json:"kernel"`
	Dilations  []int `json:"dilations"`
	// DelaySteps is how many steps after a region the model decides it:
	// the look-ahead in steps.
	DelaySteps int `json:"delay_steps"`
	// Detector holds the hysteresis the recipe tuned for these weights
	// (on training speakers, never on the evaluation set); NewDetector
	// takes it for the fields its own config leaves zero.
	Detector *LearnedConfig `json:"detector,omitempty"`
	// Training is the recipe's record (data, command, figures); the
	// detector ignores it.
	Training json.RawMessage `json:"training,omitempty"`
}

// DefaultModelConfig is the shipped architecture: 32 log-mels of 25 ms
// windows every 10 ms (uncentred, so causal), steps of 20 ms, 48 channels,
// dilations 1, 2, 4, 8, 16, 32 (a receptive field of 2.5 s, enough to hear
// the syllable rhythm that tells speech from music) and a look-ahead of
// three steps (75 ms past the region), with the noise-floor inputs:
// 54,145 parameters. Norm is the identity until training measures it.
func DefaultModelConfig() ModelConfig {
	fc := feature.DefaultASR()
	fc.Center = feature.NoCenter
	fc.NumMels = 32
	fc.FMinHz = 60
	fc.FMaxHz = 7600
	norm := feature.Norm{Mean: make([]float32, fc.NumMels), Std: make([]float32, fc.NumMels)}
	for i := range norm.Std {
		norm.Std[i] = 1
	}
	return ModelConfig{Feature: fc, Norm: norm, NoiseFloor: true, Channels: 48, StemKernel: 4, Stride: 2, Kernel: 3,
		Dilations: []int{1, 2, 4, 8, 16, 32}, DelaySteps: 3}
}

// ErrModel is wrapped by every problem with a model config or file.
var ErrModel = errors.New("vad: invalid model")

// maxModelParams is the bound on the learned VAD's size.
const maxModelParams = 200_000

// Validate reports a config that cannot be built or would not be causal.
func (c ModelConfig) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrModel}, args...)...)
	}
	if err := c.Feature.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrModel, err)
	}
	if c.Feature.Center != feature.NoCenter {
		return bad("feature frames are centred (%q): the detector needs causal frames", c.Feature.Center)
	}
	if err := c.Norm.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrModel, err)
	}
	switch {
	case len(c.Norm.Mean) != c.Feature.NumMels:
		return bad("norm has %d dimensions for %d mels", len(c.Norm.Mean), c.Feature.NumMels)
	case c.Channels < 1 || c.Channels > 1024:
		return bad("channels %d outside 1..1024", c.Channels)
	case c.Stride < 1 || c.Stride > 8:
		return bad("stride %d outside 1..8", c.Stride)
	case c.StemKernel < c.Stride || c.StemKernel > 16:
		return bad("stem kernel %d outside stride..16", c.StemKernel)
	case c.Kernel < 1 || c.Kernel > 16:
		return bad("kernel %d outside 1..16", c.Kernel)
	case len(c.Dilations) > 16:
		return bad("%d blocks, at most 16", len(c.Dilations))
	case c.DelaySteps < 0 || c.DelaySteps > 100:
		return bad("delay %d steps outside 0..100", c.DelaySteps)
	}
	for _, d := range c.Dilations {
		if d < 1 || d > 512 {
			return bad("dilation %d outside 1..512", d)
		}
	}
	if n := c.numParams(); n > maxModelParams {
		return bad("%d parameters, more than %d", n, maxModelParams)
	}
	return nil
}

// InputDim is the number of network inputs per frame.
func (c ModelConfig) InputDim() int {
	if c.NoiseFloor {
		return 2 * c.Feature.NumMels
	}
	return c.Feature.NumMels
}

func (c ModelConfig) numParams() int {
	n := c.Channels*c.InputDim()*c.StemKernel + c.Channels
	n += len(c.Dilations) * (c.Channels*c.Channels*c.Kernel + c.Channels)
	return n + c.Channels + 1
}

// StepSamples is the length of one output step (one decided region).
func (c ModelConfig) StepSamples() int { return c.Stride * c.Feature.HopSamples }

// LookAhead is how many samples past the end of a region the model hears
// before it decides that region: DelaySteps steps, plus the part of the
// stem's newest window that reaches past the step.
func (c ModelConfig) LookAhead() int {
	hop := c.Feature.HopSamples
	// Step j's newest frame is j·stride + stride − 1; its window ends at
	// (j·stride + stride − 1)·hop + window, the region at (j+1)·stride·hop.
	return c.DelaySteps*c.StepSamples() + c.Feature.WindowSamples - hop
}

// Model is a trained learned-VAD network. It is immutable after loading
// and safe for concurrent use; each Detector made from it holds its own
// stream state.
type Model struct {
	cfg    ModelConfig
	ext    *feature.Extractor
	stemW  *nn.Param // [C, mels, stemKernel]
	stemB  *nn.Param
	blockW []*nn.Param // [C, C, kernel]
	blockB []*nn.Param
	outW   *nn.Param // [1, C]
	outB   *nn.Param // [1]
	params []*nn.Param

	// Inference layouts, tap-major ([C][K][Cin]) so that one output
	// channel is one dot product with the concatenated history frames.
	stemT  []float32
	blockT [][]float32
}

// NewModel returns a model of cfg with weights drawn from seed (Kaiming
// uniform, as PyTorch initialises convolutions): the starting point of
// training.
func NewModel(cfg ModelConfig, seed uint64) (*Model, error) {
	m, err := newUninitialised(cfg)
	if err != nil {
		return nil, err
	}
	rng := nn.NewRand(seed)
	// Params come in (weight, bias) pairs; a bias is drawn with its
	// weight's fan-in, as PyTorch does.
	for i := 0; i < len(m.params); i += 2 {
		fanIn, _ := nn.Fans(m.params[i].Shape)
		nn.InitKaimingUniform(m.params[i], rng, fanIn)
		nn.InitKaimingUniform(m.params[i+1], rng, fanIn)
	}
	m.Prepare()
	return m, nil
}

// newUninitialised builds a model of cfg with zero weights, drawing no
// random numbers: LoadModel fills them from the file.
func newUninitialised(cfg ModelConfig) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ext, err := feature.New(cfg.Feature)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, err)
	}
	cfg.Norm = feature.Norm{Mean: slices.Clone(cfg.Norm.Mean), Std: slices.Clone(cfg.Norm.Std)}
	cfg.Dilations = slices.Clone(cfg.Dilations)
	if cfg.Detector != nil {
		if err := cfg.Detector.Validate(); err != nil {
			return nil, fmt.Errorf("%w: detector: %w", ErrModel, err)
		}
		d := *cfg.Detector
		cfg.Detector = &d
	}
	m := &Model{cfg: cfg, ext: ext}
	C, M := cfg.Channels, cfg.InputDim()
	m.stemW = nn.NewParam("stem.w", C, M, cfg.StemKernel)
	m.stemB = nn.NewParam("stem.b", C)
	m.params = append(m.params, m.stemW, m.stemB)
	for i := range cfg.Dilations {
		w := nn.NewParam(fmt.Sprintf("block%d.w", i), C, C, cfg.Kernel)
		b := nn.NewParam(fmt.Sprintf("block%d.b", i), C)
		m.blockW, m.blockB = append(m.blockW, w), append(m.blockB, b)
		m.params = append(m.params, w, b)
	}
	m.outW = nn.NewParam("out.w", 1, C)
	m.outB = nn.NewParam("out.b", 1)
	m.params = append(m.params, m.outW, m.outB)
	return m, nil
}

// Config returns the model's config (shared slices: do not modify).
func (m *Model) Config() ModelConfig { return m.cfg }

// Params returns the weights, for training and model files.
func (m *Model) Params() []*nn.Param { return m.params }

// SetNorm replaces the feature normalisation (the recipe measures it on
// training audio before the first step).
func (m *Model) SetNorm(n feature.Norm) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrModel, err)
	}
	if len(n.Mean) != m.cfg.Feature.NumMels {
		return fmt.Errorf("%w: norm has %d dimensions for %d mels", ErrModel, len(n.Mean), m.cfg.Feature.NumMels)
	}
	m.cfg.Norm = feature.Norm{Mean: slices.Clone(n.Mean), Std: slices.Clone(n.Std)}
	return nil
}

// SetDetector records the tuned hysteresis in the config.
func (m *Model) SetDetector(c LearnedConfig) error {
	if err := c.Validate(); err != nil {
		return err
	}
	m.cfg.Detector = &c
	return nil
}

// SetTraining replaces the training record stored with the config.
func (m *Model) SetTraining(record json.RawMessage) { m.cfg.Training = slices.Clone(record) }

// Prepare rebuilds the inference layouts from the weights. Training calls
// it after changing Params and before running a Detector; NewModel and
// LoadModel call it themselves.
func (m *Model) Prepare() {
	m.stemT = tapMajor(m.stemW.Value, m.cfg.Channels, m.cfg.InputDim(), m.cfg.StemKernel, m.stemT)
	m.blockT = m.blockT[:0]
	for _, w := range m.blockW {
		m.blockT = append(m.blockT, tapMajor(w.Value, m.cfg.Channels, m.cfg.Channels, m.cfg.Kernel, nil))
	}
}

// tapMajor turns a PyTorch [out][in][k] kernel into [out][k][in].
func tapMajor(w []float32, out, in, k int, dst []float32) []float32 {
	dst = slices.Grow(dst[:0], len(w))[:len(w)]
	for o := 0; o < out; o++ {
		for i := 0; i < in; i++ {
			for j := 0; j < k; j++ {
				dst[o*in*k+j*in+i] = w[o*in*k+i*k+j]
			}
		}
	}
	return dst
}

// Forward records the network on t: x holds the inputs of Features
// [B, T, InputDim] and the result is the speech logits [B, T/stride, 1] (step
// j from frames j·stride − (stemKernel − stride) .. j·stride + stride − 1,
// earlier frames taken as zeros). Training and the tests use it; the
// Detector computes the same numbers step by step.
func (m *Model) Forward(t *nn.Tape, x *nn.Var) *nn.Var {
	c := m.cfg
	h := t.ReLU(t.Conv1D(x, t.Param(m.stemW), t.Param(m.stemB), c.Stride, c.StemKernel-c.Stride, 0, 1, 1))
	for i, d := range c.Dilations {
		y := t.ReLU(t.Conv1D(h, t.Param(m.blockW[i]), t.Param(m.blockB[i]), 1, (c.Kernel-1)*d, 0, d, 1))
		h = t.Add(h, y)
	}
	return t.Linear(h, t.Param(m.outW), t.Param(m.outB))
}

// Features returns the network inputs of a whole signal, row-major
// frames × InputDim, computed as a Detector does.
func (m *Model) Features(samples []float32) (frames []float32, numFrames int) {
	st := m.ext.NewStream()
	st.Push(samples)
	n := st.Pending()
	M := m.cfg.Feature.NumMels
	mels := make([]float32, n*M)
	st.Pop(mels)
	m.cfg.Norm.Apply(mels)
	if !m.cfg.NoiseFloor {
		return mels, n
	}
	D := m.cfg.InputDim()
	frames = make([]float32, n*D)
	ft := newFloorTracker(M)
	for t := 0; t < n; t++ {
		ft.apply(mels[t*M:(t+1)*M], frames[t*D:(t+1)*D])
	}
	return frames, n
}

// floorTracker follows each band's noise floor by minimum statistics
// (Martin 2001, "Noise power spectral density estimation based on optimal
// smoothing and minimum statistics"): the minimum of the recursively
// smoothed level over floorBlocks sub-windows of floorBlockFrames frames
// (1.6 s), so the floor rises within 1.6 s of the background getting
// louder and ignores speech, whose bands dip between syllables.
type floorTracker struct {
	smooth, cur []float32
	blocks      [][]float32
	filled      int // completed sub-windows, up to floorBlocks
	next        int // ring slot of the next completed sub-window
	inBlock     int
	started     bool
}

const (
	floorBlockFrames = 40
	floorBlocks      = 4
	floorSmoothing   = 0.7
)

func newFloorTracker(bands int) *floorTracker {
	ft := &floorTracker{smooth: make([]float32, bands), cur: make([]float32, bands)}
	for range floorBlocks {
		ft.blocks = append(ft.blocks, make([]float32, bands))
	}
	ft.reset()
	return ft
}

func (ft *floorTracker) reset() {
	for i := range ft.cur {
		ft.cur[i] = float32(math.Inf(1))
	}
	ft.filled, ft.next, ft.inBlock, ft.started = 0, 0, 0, false
}

// apply writes x and x minus the floor (after taking x in) to out.
func (ft *floorTracker) apply(x, out []float32) {
	M := len(x)
	if !ft.started {
		copy(ft.smooth, x)
		ft.started = true
	}
	for i, v := range x {
		sm := floorSmoothing*ft.smooth[i] + (1-floorSmoothing)*v
		ft.smooth[i] = sm
		ft.cur[i] = min(ft.cur[i], sm)
		floor := ft.cur[i]
		for b := 0; b < ft.filled; b++ {
			floor = min(floor, ft.blocks[b][i])
		}
		out[i] = v
		out[M+i] = v - floor
	}
	ft.inBlock++
	if ft.inBlock == floorBlockFrames {
		copy(ft.blocks[ft.next], ft.cur)
		ft.next = (ft.next + 1) % floorBlocks
		ft.filled = min(ft.filled+1, floorBlocks)
		for i := range ft.cur {
			ft.cur[i] = float32(math.Inf(1))
		}
		ft.inBlock = 0
	}
}

// SpeechProbabilities returns the speech probability of every region of
// samples (StepSamples long; the last one may be partial), as a Detector
// decides them: the audio is followed by the digital silence Flush adds.
func (m *Model) SpeechProbabilities(samples []float32) []float32 {
	d := m.newStepper()
	var probs []float32
	d.push(samples, func(p float32) { probs = append(probs, p) })
	regions := (len(samples) + m.cfg.StepSamples() - 1) / m.cfg.StepSamples()
	d.pushSilenceUntil(regions, func(p float32) { probs = append(probs, p) })
	return probs[:regions]
}

// Save writes the model file: safetensors, weights as dtype (F32 or F16),
// the config in the metadata.
func (m *Model) Save(w io.Writer, dtype safetensors.DType) error {
	if err := nn.WriteModel(w, m.cfg, m.params, dtype); err != nil {
		return fmt.Errorf("vad: save model: %w", err)
	}
	return nil
}

// LoadModel reads a model file written by Save (models.VAD() is the
// shipped one).
func LoadModel(data []byte) (*Model, error) {
	f, err := nn.LoadModel(data)
	if err != nil {
		return nil, fmt.Errorf("vad: load model: %w", err)
	}
	var cfg ModelConfig
	if err := f.UnmarshalConfig(&cfg); err != nil {
		return nil, fmt.Errorf("vad: load model config: %w", err)
	}
	m, err := newUninitialised(cfg)
	if err != nil {
		return nil, fmt.Errorf("vad: load model: %w", err)
	}
	if err := f.Load(m.params); err != nil {
		return nil, fmt.Errorf("vad: load model weights: %w", err)
	}
	for _, p := range m.params {
		for _, v := range p.Value {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%w: weight %s is not finite", ErrModel, p.Name)
			}
		}
	}
	m.Prepare()
	return m, nil
}
