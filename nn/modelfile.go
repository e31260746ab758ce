package nn

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// Model files are safetensors files whose "__metadata__" holds
//
//	format          "mynah"
//	format_version  ModelFormatVersion
//	config          the model's config as a JSON string (architecture,
//	                front-end, vocabulary): everything needed to rebuild
//	                the Params that the tensors then fill
//
// and whose tensors are named by Param.Name. Weights are stored as F32, or
// as F16 to halve the shipped size (widened back to float32 on load).

// ModelFormat is the "format" metadata value of a mynah model file.
const ModelFormat = "mynah"

// ModelFormatVersion is the "format_version" this package writes and
// reads. It changes only when the layout of the file changes, not when a
// model's own config does.
const ModelFormatVersion = "1"

// ErrModelFormat reports a file that is valid safetensors but not a mynah
// model file this package can read (wrong format, version or config).
var ErrModelFormat = errors.New("nn: not a mynah model file")

// ErrTensorMismatch reports a file whose tensors do not match the params
// they are loaded into: unknown, missing or mis-shaped tensors. The error
// text names each one.
var ErrTensorMismatch = errors.New("nn: tensors do not match params")

// SaveModel writes params and config to path as a model file, storing the
// weights as dtype (safetensors.F32 or safetensors.F16). config is
// marshalled with encoding/json (a json.RawMessage is stored as is). The
// write is atomic: a temporary file in the same directory is synced and
// renamed over path, so readers see the old file or the new, never half.
func SaveModel(path string, config any, params []*Param, dtype safetensors.DType) error {
	err := writeFileAtomic(path, func(w io.Writer) error {
		return WriteModel(w, config, params, dtype)
	})
	if err != nil {
		return fmt.Errorf("save model %s: %w", path, err)
	}
	return nil
}

// WriteModel writes the model file of SaveModel to w.
func WriteModel(w io.Writer, config any, params []*Param, dtype safetensors.DType) error {
	if dtype != safetensors.F32 && dtype != safetensors.F16 {
		return fmt.Errorf("model file: weights stored as %s; want F32 or F16", dtype)
	}
	cfg, err := json.Marshal(config)
	if err != nil {
		return fmt.Errorf("model file: marshal config: %w", err)
	}
	tensors, err := paramTensors(params, "", dtype)
	if err != nil {
		return fmt.Errorf("model file: %w", err)
	}
	meta := map[string]string{
		"format":         ModelFormat,
		"format_version": ModelFormatVersion,
		"config":         string(cfg),
	}
	return safetensors.Write(w, tensors, meta)
}

// paramTensors encodes params as tensors named prefix+Name.
func paramTensors(params []*Param, prefix string, dtype safetensors.DType) ([]safetensors.Tensor, error) {
	out := make([]safetensors.Tensor, 0, len(params))
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		if seen[p.Name] {
			return nil, fmt.Errorf("duplicate param name %q", p.Name)
		}
		seen[p.Name] = true
		if n := shapeSize(p.Shape); n != len(p.Value) {
			return nil, fmt.Errorf("param %s: shape %v holds %d values, has %d", p.Name, p.Shape, n, len(p.Value))
		}
		data, err := safetensors.EncodeFloat32(nil, dtype, p.Value)
		if err != nil {
			return nil, fmt.Errorf("param %s: %w", p.Name, err)
		}
		out = append(out, safetensors.Tensor{Name: prefix + p.Name, DType: dtype, Shape: p.Shape, Data: data})
	}
	return out, nil
}

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// ModelFile is an opened model file: its config and its tensors, ready to
// fill the Params of a model built from that config. It is safe for
// concurrent use.
type ModelFile struct {
	file    *safetensors.File
	config  string
	version string
}

// LoadModel opens a model file held in memory, for example embedded with
// //go:embed. Nothing is copied until Load decodes the tensors straight
// into the Params, and data must not change while the ModelFile is used.
func LoadModel(data []byte) (*ModelFile, error) {
	f, err := safetensors.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	return newModelFile(f)
}

// OpenModel opens a model file of the given size through r, reading only
// the header now and the tensors when Load asks for them.
func OpenModel(r io.ReaderAt, size int64) (*ModelFile, error) {
	f, err := safetensors.Open(r, size)
	if err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	return newModelFile(f)
}

// LoadModelFile reads the model file at path into memory and opens it.
func LoadModelFile(path string) (*ModelFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	m, err := LoadModel(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func newModelFile(f *safetensors.File) (*ModelFile, error) {
	if got := f.Metadata["format"]; got != ModelFormat {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrModelFormat, got, ModelFormat)
	}
	version := f.Metadata["format_version"]
	if version != ModelFormatVersion {
		return nil, fmt.Errorf("%w: format_version %q, this reader knows %q", ErrModelFormat, version, ModelFormatVersion)
	}
	cfg, ok := f.Metadata["config"]
	if !ok || !json.Valid([]byte(cfg)) {
		return nil, fmt.Errorf("%w: config metadata missing or not JSON", ErrModelFormat)
	}
	return &ModelFile{file: f, config: cfg, version: version}, nil
}

// Config returns the config JSON stored with the model.
func (m *ModelFile) Config() string { return m.config }

// UnmarshalConfig decodes the stored config into v, rejecting fields v
// does not know (a config the code cannot honour is an error, not a
// silently different model).
func (m *ModelFile) UnmarshalConfig(v any) error {
	dec := json.NewDecoder(strings.NewReader(m.config))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("model config: %w", err)
	}
	return nil
}

// FormatVersion returns the file's format_version.
func (m *ModelFile) FormatVersion() string { return m.version }

// Tensors describes the stored tensors in data order.
func (m *ModelFile) Tensors() []safetensors.Info { return m.file.Tensors() }

// Load fills params from the file, strictly: every param must be stored
// under its name with its shape, and every stored tensor must be some
// param's. Otherwise nothing is changed and the error (ErrTensorMismatch)
// names every unknown, missing and mis-shaped tensor.
func (m *ModelFile) Load(params []*Param) error {
	want := make(map[string]*Param, len(params))
	for _, p := range params {
		want[p.Name] = p
	}
	if err := fillParams(m.file, want, nil); err != nil {
		return fmt.Errorf("load model: %w", err)
	}
	return nil
}

// fillParams decodes file tensors into the params keyed by tensor name,
// after checking that the two sets match exactly. Tensors for which
// consider returns false are ignored (nil considers all).
func fillParams(f *safetensors.File, want map[string]*Param, consider func(name string) bool) error {
	var problems []string
	for _, t := range f.Tensors() {
		if consider != nil && !consider(t.Name) {
			continue
		}
		p, ok := want[t.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("unknown tensor %s %v", t.Name, t.Shape))
		case !slices.Equal(t.Shape, p.Shape) || shapeSize(p.Shape) != len(p.Value):
			problems = append(problems, fmt.Sprintf("tensor %s has shape %v, param has %v", t.Name, t.Shape, p.Shape))
		case !t.DType.IsFloat():
			problems = append(problems, fmt.Sprintf("tensor %s is %s, not a float type", t.Name, t.DType))
		}
	}
	var missing []string
	for name := range want {
		if _, ok := f.Info(name); !ok {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	for _, name := range missing {
		problems = append(problems, fmt.Sprintf("missing tensor %s %v", name, want[name].Shape))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrTensorMismatch, strings.Join(problems, "; "))
	}
	// The checks above rule out every decode error of a parsed buffer; a
	// read error from an opened file leaves the params partly written, and
	// the error says so.
	for _, t := range f.Tensors() {
		if consider != nil && !consider(t.Name) {
			continue
		}
		if err := f.Float32s(t.Name, want[t.Name].Value); err != nil {
			return fmt.Errorf("tensor %s (params partly overwritten): %w", t.Name, err)
		}
	}
	return nil
}

// writeFileAtomic writes path through a temporary file in the same
// directory, synced before it is renamed over path, so a crash leaves
// either the old file or the complete new one.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable; not every system can sync a
	// directory, and the file is complete either way.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
