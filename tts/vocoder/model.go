package vocoder

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/mynah-speech/mynah/internal/vec"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// Model is a vocoder: its Config and, when Config.Net.Width > 0, the
// weights of the network that corrects the DSP envelopes. It is immutable
// once built and safe for concurrent use; a Session holds the per-call
// scratch.
type Model struct {
	cfg    Config
	grid   int // G, envelope grid size
	inW    *nn.Param
	inB    *nn.Param
	blockW []*nn.Param
	blockB []*nn.Param
	outW   *nn.Param
	outB   *nn.Param
	params []*nn.Param
}

// correctionRange bounds the network's log-gain corrections,
// correctionRange·tanh(·) nats either way, so that no output can blow the
// envelopes up.
const correctionRange = 4

// New validates c and builds its model. Network weights are initialised
// from seed (Kaiming-uniform convolutions, a zero head), so a new
// model's corrections are zero and it vocodes exactly as the pure-DSP
// estimate does.
func New(c Config, seed uint64) (*Model, error) {
	m, err := newModel(c)
	if err != nil {
		return nil, fmt.Errorf("new vocoder: %w", err)
	}
	if c.Net.Width == 0 {
		return m, nil
	}
	rng := nn.NewRand(seed)
	nn.InitKaimingUniform(m.inW, rng, m.NumInputs()*c.Net.Kernel)
	for _, w := range m.blockW {
		nn.InitKaimingUniform(w, rng, c.Net.Width*c.Net.Kernel)
		// Residual branches start small so the stack starts near identity.
		for i := range w.Value {
			w.Value[i] *= 0.5
		}
	}
	return m, nil
}

// newModel validates c and allocates its zero weights.
func newModel(c Config) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &Model{cfg: c, grid: len(envelopeGrid(c))}
	n := c.Net
	if n.Width == 0 {
		return m, nil
	}
	var ps nn.ParamSet
	m.inW = ps.New("in.w", n.Width, m.NumInputs(), n.Kernel)
	m.inB = ps.New("in.b", n.Width)
	for l := range n.Layers {
		m.blockW = append(m.blockW, ps.New(fmt.Sprintf("block%d.w", l), n.Width, n.Width, n.Kernel))
		m.blockB = append(m.blockB, ps.New(fmt.Sprintf("block%d.b", l), n.Width))
	}
	m.outW = ps.New("out.w", 2*m.grid, n.Width)
	m.outB = ps.New("out.b", 2*m.grid)
	m.params = ps.Params()
	return m, nil
}

// numParams is the number of network weights c describes.
func (c Config) numParams() int {
	n := c.Net
	if n.Width == 0 {
		return 0
	}
	G := len(envelopeGrid(c))
	return n.Width*(c.NumMels+2)*n.Kernel + n.Width + n.Layers*(n.Width*n.Width*n.Kernel+n.Width) + 2*G*n.Width + 2*G
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Params returns the network's weights (none for a pure-DSP model), for
// training. Changing them while the model is in use is a data race.
func (m *Model) Params() []*nn.Param { return m.params }

// NumInputs is the network's input width per frame: the normalised
// log-mels, a voicing flag and log(F0/200 Hz).
func (m *Model) NumInputs() int { return m.cfg.NumMels + 2 }

// GridSize returns G, the number of envelope grid points.
func (m *Model) GridSize() int { return m.grid }

// Inputs appends to dst the network inputs of T frames (T×NumInputs).
func (m *Model) Inputs(dst []float32, logMels, f0 []float32) []float32 {
	c := m.cfg
	mean, std := c.Net.MelMean, c.Net.MelStd
	floor := float32(math.Log(float64(c.LogFloor)))
	for t, v := range f0 {
		for j, x := range logMels[t*c.NumMels : (t+1)*c.NumMels] {
			if !(x >= floor) {
				x = floor
			}
			x = min(x, 30)
			if len(mean) > 0 {
				x = (x - mean[j]) / std[j]
			}
			dst = append(dst, x)
		}
		if v > 0 && !math.IsInf(float64(v), 0) {
			dst = append(dst, 1, float32(math.Log(float64(v)/200)))
		} else {
			dst = append(dst, 0, 0)
		}
	}
	return dst
}

// Forward records the network on t for inputs x [B, T, NumInputs] and
// returns the log-gain corrections [B, T, 2G]: the harmonic envelope's
// first, then the noise envelope's. Convolutions are "same"-padded.
func (m *Model) Forward(t *nn.Tape, x *nn.Var) *nn.Var {
	k := m.cfg.Net.Kernel
	pad := k / 2
	// Each activation goes back to the tape after its last reader: a no-op
	// while training, and in inference it keeps the pass's memory to a few
	// activations (nn.Tape.Release).
	c := t.Conv1D(x, t.Param(m.inW), t.Param(m.inB), 1, pad, pad, 1, 1)
	h := t.SiLU(c)
	t.Release(c)
	for l := range m.blockW {
		c := t.Conv1D(h, t.Param(m.blockW[l]), t.Param(m.blockB[l]), 1, pad, pad, 1, 1)
		r := t.SiLU(c)
		t.Release(c)
		sum := t.Add(h, r)
		t.Release(h, r)
		h = sum
	}
	o := t.Linear(h, t.Param(m.outW), t.Param(m.outB))
	t.Release(h)
	th := t.Tanh(o)
	t.Release(o)
	y := t.Scale(th, correctionRange)
	t.Release(th)
	return y
}

// ApplyCorrections multiplies fr's envelopes by exp of the corrections
// corr (T×2G, as Forward makes them).
func (m *Model) ApplyCorrections(fr *Frames, corr []float32) {
	G := m.grid
	var gains [512]float32 // exponentiated a chunk at a time in vec's kernel
	env := [2][]float32{fr.Harmonic, fr.Noise}
	for t := range fr.F0 {
		c := corr[t*2*G : (t+1)*2*G]
		for off := 0; off < len(c); off += len(gains) {
			g := gains[:min(len(gains), len(c)-off)]
			copy(g, c[off:])
			vec.ExpInPlace(g)
			for k, v := range g {
				i := off + k // 0..2G-1: harmonic then noise
				env[i/G][t*G+i%G] *= v
			}
		}
	}
}

// Session vocodes with one Model; it holds scratch buffers and is not
// safe for concurrent use. Give each goroutine its own.
type Session struct {
	m      *Model
	syn    *Synthesizer
	tape   *nn.Tape
	frames Frames
	inputs []float32
}

// NewSession returns a Session of m.
func (m *Model) NewSession() *Session {
	syn, err := NewSynthesizer(m.cfg)
	if err != nil {
		panic(fmt.Sprintf("vocoder: model config no longer valid: %v", err)) // validated in New
	}
	t := nn.NewTape(0)
	t.SetTraining(false)
	t.SetGradEnabled(false)
	return &Session{m: m, syn: syn, tape: t}
}

// Vocode writes the T·hop samples for T frames of TTS log-mels (T×NumMels,
// frame-major) and F0 (T values in Hz, 0 unvoiced) to dst (grown as
// needed) and returns it. The output is deterministic.
func (s *Session) Vocode(dst, logMels, f0 []float32) ([]float32, error) {
	if err := s.syn.Estimate(&s.frames, logMels, f0); err != nil {
		return dst[:0], fmt.Errorf("vocode: %w", err)
	}
	if s.m.params != nil && len(f0) > 0 {
		T := len(f0)
		s.inputs = s.m.Inputs(s.inputs[:0], logMels, f0)
		s.tape.Reset()
		x := s.tape.Input([]int{1, T, s.m.NumInputs()}, s.inputs)
		s.m.ApplyCorrections(&s.frames, s.m.Forward(s.tape, x).Data)
	}
	return s.syn.Synthesize(dst, &s.frames), nil
}

// FLOPs estimates the floating-point operations the session has done so
// far: the network's matrix products and the DSP.
func (s *Session) FLOPs() int64 { return s.tape.FLOPs() + s.syn.FLOPs() }

// Vocode is Session.Vocode on a fresh session, for one-off calls.
func (m *Model) Vocode(logMels, f0 []float32) ([]float32, error) {
	return m.NewSession().Vocode(nil, logMels, f0)
}

// ConfigKey is the metadata key, after the caller's prefix, that holds a
// saved model's Config as JSON.
const ConfigKey = "config"

// Tensors returns the network's weights as safetensors tensors named
// prefix+name, stored as dtype (F32, F16 or BF16). A pure-DSP model has
// none.
func (m *Model) Tensors(prefix string, dtype safetensors.DType) ([]safetensors.Tensor, error) {
	var out []safetensors.Tensor
	for _, p := range m.params {
		data, err := safetensors.EncodeFloat32(nil, dtype, p.Value)
		if err != nil {
			return nil, fmt.Errorf("vocoder tensor %s: %w", p.Name, err)
		}
		out = append(out, safetensors.Tensor{Name: prefix + p.Name, DType: dtype, Shape: slices.Clone(p.Shape), Data: data})
	}
	return out, nil
}

// Metadata returns the metadata entries a file holding the model needs:
// prefix+ConfigKey with the Config as JSON.
func (m *Model) Metadata(prefix string) (map[string]string, error) {
	b, err := json.Marshal(m.cfg)
	if err != nil {
		return nil, fmt.Errorf("vocoder config: %w", err)
	}
	return map[string]string{prefix + ConfigKey: string(b)}, nil
}

// Save writes the model alone as a safetensors file, tensors and config
// under prefix.
func (m *Model) Save(w io.Writer, prefix string, dtype safetensors.DType) error {
	ts, err := m.Tensors(prefix, dtype)
	if err != nil {
		return err
	}
	meta, err := m.Metadata(prefix)
	if err != nil {
		return err
	}
	if err := safetensors.Write(w, ts, meta); err != nil {
		return fmt.Errorf("save vocoder: %w", err)
	}
	return nil
}

// Load builds the model stored under prefix in f: its config from the
// metadata key prefix+ConfigKey, its weights from the tensors named
// prefix+name. Tensors under other prefixes (another model in the same
// voice file) are ignored; a missing, extra or mis-shaped tensor under
// prefix is an error.
func Load(f *safetensors.File, prefix string) (*Model, error) {
	raw, ok := f.Metadata[prefix+ConfigKey]
	if !ok {
		return nil, fmt.Errorf("load vocoder: no %q metadata", prefix+ConfigKey)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("load vocoder: config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("load vocoder: %w", err)
	}
	// The config only claims a size: allocate it only when the file
	// holds that many values under prefix.
	stored := 0
	for _, info := range f.Tensors() {
		if strings.HasPrefix(info.Name, prefix) {
			stored += info.NumElements()
		}
	}
	if need := c.numParams(); need > stored {
		return nil, fmt.Errorf("load vocoder: config needs %d weights, the file holds %d under %q", need, stored, prefix)
	}
	m, err := newModel(c)
	if err != nil {
		return nil, fmt.Errorf("load vocoder: %w", err)
	}
	want := map[string]*nn.Param{}
	for _, p := range m.params {
		want[prefix+p.Name] = p
	}
	for _, info := range f.Tensors() {
		if !strings.HasPrefix(info.Name, prefix) {
			continue
		}
		p, ok := want[info.Name]
		if !ok {
			return nil, fmt.Errorf("load vocoder: unknown tensor %s %v", info.Name, info.Shape)
		}
		if !slices.Equal(info.Shape, p.Shape) {
			return nil, fmt.Errorf("load vocoder: tensor %s has shape %v, want %v", info.Name, info.Shape, p.Shape)
		}
		if err := f.Float32s(info.Name, p.Value); err != nil {
			return nil, fmt.Errorf("load vocoder: tensor %s: %w", info.Name, err)
		}
		delete(want, info.Name)
	}
	if len(want) > 0 {
		var missing []string
		for name := range want {
			missing = append(missing, name)
		}
		slices.Sort(missing)
		return nil, fmt.Errorf("load vocoder: missing tensors %v", missing)
	}
	return m, nil
}

// LoadBytes is Load on a safetensors file held in memory.
func LoadBytes(data []byte, prefix string) (*Model, error) {
	f, err := safetensors.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load vocoder: %w", err)
	}
	return Load(f, prefix)
}
