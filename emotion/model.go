package emotion

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// Kind names one of the three emotion models.
type Kind string

// The model kinds the issue compares.
const (
	// KindBaseline is multinomial logistic regression on NumDescriptors
	// utterance statistics (pitch, energy, jitter, shimmer, spectrum).
	KindBaseline Kind = "baseline"
	// KindCNN is a small convolutional network on log-mel frames with
	// attention pooling, trained from scratch.
	KindCNN Kind = "cnn"
	// KindTransfer reads the hidden states of mynah's acoustic model
	// (acoustic.Model.BlockOutputs): a learned softmax-weighted sum of its
	// layers, attention pooling and a small head.
	KindTransfer Kind = "transfer"
)

// ErrConfig is wrapped by every config validation failure.
var ErrConfig = errors.New("emotion: invalid config")

// ErrEncoder reports a transfer model loaded without the acoustic model
// it was trained on (or with another one).
var ErrEncoder = errors.New("emotion: transfer model needs its acoustic encoder")

// Config describes an emotion model; it is stored in the model file.
type Config struct {
	Kind Kind `json:"kind"`

	// Mels is the CNN's number of log-mel bins.
	Mels int `json:"mels,omitempty"`
	// Channels are the output channels of the CNN's three 3×3
	// convolutions, each of stride 2 in time and frequency.
	Channels []int `json:"channels,omitempty"`
	// Hidden is the width of the frame projection that is pooled (CNN and
	// transfer).
	Hidden int `json:"hidden,omitempty"`
	// Dropout on the pooled vector while training.
	Dropout float32 `json:"dropout,omitempty"`

	// Descriptors is a baseline's descriptor count: NumDescriptors (or 0,
	// as files written before the extended set say it) or
	// NumDescriptorsExtended.
	Descriptors int `json:"descriptors,omitempty"`

	// Encoder is the acoustic model's ID (acoustic.Model.ID) a transfer
	// model was trained on, EncoderLayers and EncoderDim its hidden
	// states' count and width.
	Encoder       string `json:"encoder,omitempty"`
	EncoderLayers int    `json:"encoder_layers,omitempty"`
	EncoderDim    int    `json:"encoder_dim,omitempty"`
}

// DefaultCNN is the shipped from-scratch architecture: about 50 k
// parameters, 40 log-mels, 80 ms pooled frames.
func DefaultCNN() Config {
	return Config{Kind: KindCNN, Mels: 40, Channels: []int{12, 24, 48}, Hidden: 96, Dropout: 0.1}
}

// DefaultBaseline is the logistic-regression baseline on the first
// NumDescriptors descriptors.
func DefaultBaseline() Config { return Config{Kind: KindBaseline} }

// ExtendedBaseline is the logistic-regression baseline on all
// NumDescriptorsExtended descriptors.
func ExtendedBaseline() Config {
	return Config{Kind: KindBaseline, Descriptors: NumDescriptorsExtended}
}

// descriptorCount is a baseline's input width.
func (c Config) descriptorCount() int {
	if c.Descriptors == 0 {
		return NumDescriptors
	}
	return c.Descriptors
}

// TransferConfig is the transfer head for enc.
func TransferConfig(enc *acoustic.Model) Config {
	return Config{Kind: KindTransfer, Hidden: 96, Dropout: 0.1, Encoder: enc.ID(), EncoderLayers: enc.Layers(), EncoderDim: enc.Config().Dim}
}

// Validate reports the first problem with c.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	if c.Kind != KindBaseline && c.Descriptors != 0 {
		return bad("descriptors %d on a %s model", c.Descriptors, c.Kind)
	}
	switch c.Kind {
	case KindBaseline:
		if n := c.descriptorCount(); n != NumDescriptors && n != NumDescriptorsExtended {
			return bad("descriptors %d: want %d or %d", n, NumDescriptors, NumDescriptorsExtended)
		}
	case KindCNN:
		if c.Mels < 8 || c.Mels > 256 {
			return bad("mels %d outside 8..256", c.Mels)
		}
		if len(c.Channels) != 3 {
			return bad("%d channel counts, want 3", len(c.Channels))
		}
		for _, ch := range c.Channels {
			if ch < 1 || ch > 512 {
				return bad("channels %v outside 1..512", c.Channels)
			}
		}
	case KindTransfer:
		if c.EncoderLayers < 1 || c.EncoderLayers > 64 || c.EncoderDim < 1 || c.EncoderDim > 4096 {
			return bad("encoder of %d layers × %d", c.EncoderLayers, c.EncoderDim)
		}
		if c.Encoder == "" {
			return bad("transfer model without an encoder ID")
		}
	default:
		return bad("unknown kind %q", c.Kind)
	}
	if c.Kind != KindBaseline && (c.Hidden < 1 || c.Hidden > 4096) {
		return bad("hidden %d outside 1..4096", c.Hidden)
	}
	if c.Dropout < 0 || c.Dropout >= 1 {
		return bad("dropout %g outside [0, 1)", c.Dropout)
	}
	return nil
}

// freqAfterConvs is the CNN's frequency bins after three stride-2 convs.
func (c Config) freqAfterConvs() int {
	f := c.Mels
	for range 3 {
		f = convOut(f)
	}
	return f
}

// convOut is the length after a 3-tap, stride-2, pad-1 convolution.
func convOut(n int) int {
	if n <= 0 {
		return 0
	}
	return (n-1)/2 + 1
}

// Model is a trained emotion model: weights and config. It is immutable
// once built and safe for concurrent use; a Tagger runs it.
type Model struct {
	cfg    Config
	set    nn.ParamSet
	enc    *acoustic.Model
	card   json.RawMessage
	convW  [3]*nn.Param
	convB  [3]*nn.Param
	layerW *nn.Param // transfer: [1, EncoderLayers] logits of the layer weights
	projW  *nn.Param
	projB  *nn.Param
	attnW  *nn.Param
	attnB  *nn.Param
	outW   *nn.Param
	outB   *nn.Param
	// baseline: standardisation (x−mean)·scale before out.w
	mean, scale *nn.Param
}

// New returns a model of cfg with freshly initialised weights (for
// training). A transfer model needs its encoder, a frozen acoustic model
// whose ID matches cfg.Encoder; other kinds take nil.
func New(cfg Config, enc *acoustic.Model, seed uint64) (*Model, error) {
	m, err := newUninitialised(cfg, enc)
	if err != nil {
		return nil, err
	}
	if cfg.Kind == KindBaseline {
		nn.InitConst(m.scale, 1)
		return m, nil
	}
	// The draws in the order the weights are laid out, as ever: a seed
	// gives the weights it gave before Load stopped calling New.
	rng := nn.NewRand(seed)
	if cfg.Kind == KindCNN {
		for i := range cfg.Channels {
			nn.InitKaimingNormal(m.convW[i], rng)
		}
	}
	nn.InitKaimingNormal(m.projW, rng)
	nn.InitXavierUniform(m.attnW, rng)
	nn.InitXavierUniform(m.outW, rng)
	return m, nil
}

// newUninitialised lays out the weights of cfg, all zero, in their fixed
// order: New initialises them, and Load overwrites every one without
// drawing random numbers first.
func newUninitialised(cfg Config, enc *acoustic.Model) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg}
	if cfg.Kind == KindTransfer {
		if enc == nil || enc.ID() != cfg.Encoder || enc.Layers() != cfg.EncoderLayers || enc.Config().Dim != cfg.EncoderDim {
			got := "none"
			if enc != nil {
				got = enc.ID()
			}
			return nil, fmt.Errorf("%w: trained on %s, given %s", ErrEncoder, cfg.Encoder, got)
		}
		m.enc = enc
	}
	s := &m.set
	switch cfg.Kind {
	case KindBaseline:
		nd := cfg.descriptorCount()
		m.mean = s.New("norm.mean", nd)
		m.scale = s.New("norm.scale", nd)
		m.outW = s.New("out.w", NumLabels, nd)
		m.outB = s.New("out.b", NumLabels)
		return m, nil
	case KindCNN:
		in := 1
		for i, ch := range cfg.Channels {
			m.convW[i] = s.New(fmt.Sprintf("conv%d.w", i+1), ch, in, 3, 3)
			m.convB[i] = s.New(fmt.Sprintf("conv%d.b", i+1), ch)
			in = ch
		}
		m.projW = s.New("proj.w", cfg.Hidden, in*cfg.freqAfterConvs())
	case KindTransfer:
		m.layerW = s.New("layers.w", 1, cfg.EncoderLayers)
		m.projW = s.New("proj.w", cfg.Hidden, cfg.EncoderDim)
	}
	m.projB = s.New("proj.b", cfg.Hidden)
	m.attnW = s.New("attn.w", 1, cfg.Hidden)
	m.attnB = s.New("attn.b", 1)
	m.outW = s.New("out.w", NumLabels, cfg.Hidden)
	m.outB = s.New("out.b", NumLabels)
	return m, nil
}

// Config returns the model's config.
func (m *Model) Config() Config { return m.cfg }

// Params returns the weights in a fixed order (for training and saving).
func (m *Model) Params() []*nn.Param { return m.set.Params() }

// Card returns the training record stored with the model (JSON; nil for
// an untrained model).
func (m *Model) Card() json.RawMessage { return m.card }

// Encoder returns the acoustic model a transfer model reads (nil for the
// other kinds).
func (m *Model) Encoder() *acoustic.Model { return m.enc }

// LayerWeights returns a transfer model's softmax weights of the encoder
// layers (front projection first), or nil.
func (m *Model) LayerWeights() []float32 {
	if m.layerW == nil {
		return nil
	}
	w := m.layerW.Value
	out := make([]float32, len(w))
	var mx float32 = float32(math.Inf(-1))
	for _, v := range w {
		mx = max(mx, v)
	}
	var sum float32
	for i, v := range w {
		out[i] = float32(math.Exp(float64(v - mx)))
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// fileConfig is the JSON metadata of a model file.
type fileConfig struct {
	Config Config          `json:"config"`
	Card   json.RawMessage `json:"card,omitempty"`
}

// Save writes the model as a safetensors file with its config and card
// (any JSON-marshalable training record) in the metadata. Weights are
// stored as float16, halving the file with no measurable loss for a
// classifier; the baseline's few weights stay float32.
func (m *Model) Save(path string, card any) error {
	fc, err := m.fileConfig(card)
	if err != nil {
		return err
	}
	dtype := safetensors.F16
	if m.cfg.Kind == KindBaseline {
		dtype = safetensors.F32
	}
	if err := nn.SaveModel(path, fc, m.Params(), dtype); err != nil {
		return fmt.Errorf("emotion: save %s: %w", path, err)
	}
	return nil
}

func (m *Model) fileConfig(card any) (fileConfig, error) {
	fc := fileConfig{Config: m.cfg}
	if card != nil {
		b, err := json.Marshal(card)
		if err != nil {
			return fc, fmt.Errorf("emotion: card: %w", err)
		}
		fc.Card = b
	}
	return fc, nil
}

// Load reads a model file written by Save. enc is the acoustic model a
// transfer model was trained on (ErrEncoder when missing or different);
// the other kinds ignore it.
func Load(data []byte, enc *acoustic.Model) (*Model, error) {
	f, err := nn.LoadModel(data)
	if err != nil {
		return nil, fmt.Errorf("emotion: load: %w", err)
	}
	var fc fileConfig
	if err := f.UnmarshalConfig(&fc); err != nil {
		return nil, fmt.Errorf("emotion: load config: %w", err)
	}
	if fc.Config.Kind != KindTransfer {
		enc = nil
	}
	m, err := newUninitialised(fc.Config, enc) // f.Load overwrites every tensor
	if err != nil {
		return nil, fmt.Errorf("emotion: load: %w", err)
	}
	if err := f.Load(m.Params()); err != nil {
		return nil, fmt.Errorf("emotion: load weights: %w", err)
	}
	for _, p := range m.Params() {
		for _, v := range p.Value {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("emotion: load: weight %s is not finite", p.Name)
			}
		}
	}
	m.card = fc.Card
	return m, nil
}
