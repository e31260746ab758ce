package acoustic

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// Prefix is the tensor-name prefix of the acoustic model in a model or
// voice file ("acoustic.embed.weight", ...).
const Prefix = "acoustic."

// ConfigKey is the metadata key, after the prefix, holding the Config as
// JSON ("acoustic.config" in a voice file, as the vocoder's is
// "vocoder.config").
const ConfigKey = "config"

// FileFormat is the "format" metadata of a file written by Save.
const FileFormat = "mynah-tts-acoustic"

// ErrFormat reports a file that is not an acoustic model this package can
// read, or whose tensors do not match its config.
var ErrFormat = errors.New("tts acoustic: bad model file")

// Tensors encodes the weights as safetensors tensors named prefix+param
// name, as F32 or F16 (half the size; the model is trained in float32 and
// loses nothing audible at half precision).
func (m *Model) Tensors(prefix string, dtype safetensors.DType) ([]safetensors.Tensor, error) {
	if dtype != safetensors.F32 && dtype != safetensors.F16 {
		return nil, fmt.Errorf("tts acoustic: weights as %s; want F32 or F16", dtype)
	}
	out := make([]safetensors.Tensor, 0, len(m.params))
	for _, p := range m.params {
		data, err := safetensors.EncodeFloat32(nil, dtype, p.Value)
		if err != nil {
			return nil, fmt.Errorf("tts acoustic: %s: %w", p.Name, err)
		}
		out = append(out, safetensors.Tensor{Name: prefix + p.Name, DType: dtype, Shape: slices.Clone(p.Shape), Data: data})
	}
	return out, nil
}

// ConfigJSON returns the config as stored under ConfigKey.
func (m *Model) ConfigJSON() string {
	b, _ := json.Marshal(m.cfg) // a validated Config always marshals
	return string(b)
}

// Metadata returns the safetensors metadata that goes with Tensors(prefix,
// ...): the config under prefix+ConfigKey.
func (m *Model) Metadata(prefix string) map[string]string {
	return map[string]string{prefix + ConfigKey: m.ConfigJSON()}
}

// FromTensors builds the model of cfg and fills it from the tensors named
// prefix+param in f, strictly: every param must be there with its shape.
// Tensors under other prefixes (a vocoder's) are ignored; an extra tensor
// under prefix is an error.
func FromTensors(cfg Config, f *safetensors.File, prefix string) (*Model, error) {
	m, err := newUninitialised(cfg) // every tensor is overwritten below

	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(m.params))
	var problems []string
	for _, p := range m.params {
		name := prefix + p.Name
		want[name] = true
		info, ok := f.Info(name)
		if !ok {
			problems = append(problems, "missing "+name)
			continue
		}
		if !slices.Equal(info.Shape, p.Shape) || !info.DType.IsFloat() {
			problems = append(problems, fmt.Sprintf("%s is %s %v, want %v", name, info.DType, info.Shape, p.Shape))
		}
	}
	for _, info := range f.Tensors() {
		if strings.HasPrefix(info.Name, prefix) && !want[info.Name] {
			problems = append(problems, "unknown "+info.Name)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrFormat, strings.Join(problems, "; "))
	}
	for _, p := range m.params {
		if err := f.Float32s(prefix+p.Name, p.Value); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, p.Name, err)
		}
	}
	return m, nil
}

// Save writes the model as a safetensors file: tensors named
// Prefix+param, the Config under Prefix+ConfigKey, format FileFormat, and card
// (if not nil) as JSON under "card".
func (m *Model) Save(w io.Writer, dtype safetensors.DType, card any) error {
	tensors, err := m.Tensors(Prefix, dtype)
	if err != nil {
		return err
	}
	meta := m.Metadata(Prefix)
	meta["format"] = FileFormat
	if card != nil {
		b, err := json.Marshal(card)
		if err != nil {
			return fmt.Errorf("tts acoustic: card: %w", err)
		}
		meta["card"] = string(b)
	}
	if err := safetensors.Write(w, tensors, meta); err != nil {
		return fmt.Errorf("tts acoustic: save: %w", err)
	}
	return nil
}

// Load reads a file written by Save, or any safetensors file (a voice
// file) with the config under Prefix+ConfigKey and the tensors under
// Prefix.
func Load(data []byte) (*Model, error) {
	f, err := safetensors.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("tts acoustic: %w", err)
	}
	return LoadFile(f, Prefix)
}

// LoadFile builds the model stored in f under prefix, its config read from
// the metadata key prefix+ConfigKey.
func LoadFile(f *safetensors.File, prefix string) (*Model, error) {
	raw, ok := f.Metadata[prefix+ConfigKey]
	if !ok {
		return nil, fmt.Errorf("%w: no %q metadata", ErrFormat, prefix+ConfigKey)
	}
	var cfg Config
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	// The config alone could ask for gigabytes; build only what the file's
	// tensors can fill.
	stored := 0
	for _, info := range f.Tensors() {
		if strings.HasPrefix(info.Name, prefix) {
			stored += info.NumElements()
		}
	}
	if want := cfg.NumParams(); want != stored {
		return nil, fmt.Errorf("%w: config needs %d weights, the file holds %d under %q", ErrFormat, want, stored, prefix)
	}
	return FromTensors(cfg, f, prefix)
}
