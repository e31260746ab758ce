package nn

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
// and whose tensors are named by Param.Name. Weights are stored as F32, as
// F16 to halve the shipped size, or as per-channel int8 (modelfile_int8.go)
// for about a quarter; all are widened back to float32 on load.

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
// weights as dtype: safetensors.F32, safetensors.F16, or safetensors.I8
// (weights of rank two or more quantised per output channel, see
// QuantizeInt8; vectors kept F32). config is
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
	if dtype != safetensors.F32 && dtype != safetensors.F16 && dtype != safetensors.I8 {
		return fmt.Errorf("model file: weights stored as %s; want F32, F16 or I8", dtype)
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

// paramTensors encodes params as tensors named prefix+Name. With dtype
// I8, quantizable params become an I8 tensor and its scales, and the rest
// F32.
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
		if dtype == safetensors.I8 {
			if strings.HasSuffix(p.Name, QScaleSuffix) {
				return nil, fmt.Errorf("param %s: name ends in %s, reserved for int8 scales", p.Name, QScaleSuffix)
			}
			if !quantizable(p) {
				data, _ := safetensors.EncodeFloat32(nil, safetensors.F32, p.Value)
				out = append(out, safetensors.Tensor{Name: prefix + p.Name, DType: safetensors.F32, Shape: p.Shape, Data: data})
				continue
			}
			q, err := QuantizeInt8(p.Value, p.Shape[0], len(p.Value)/p.Shape[0])
			if err != nil {
				return nil, fmt.Errorf("param %s: %w", p.Name, err)
			}
			data := make([]byte, len(q.Q))
			for i, v := range q.Q {
				data[i] = byte(v)
			}
			scales, _ := safetensors.EncodeFloat32(nil, safetensors.F32, q.Scales)
			out = append(out,
				safetensors.Tensor{Name: prefix + p.Name, DType: safetensors.I8, Shape: p.Shape, Data: data},
				safetensors.Tensor{Name: prefix + p.Name + QScaleSuffix, DType: safetensors.F32, Shape: []int{q.Rows}, Data: scales})
			continue
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
// consider returns false are ignored (nil considers all). An I8 tensor is
// dequantised with its <name>.qscale companion.
func fillParams(f *safetensors.File, want map[string]*Param, consider func(name string) bool) error {
	var problems []string
	for _, t := range f.Tensors() {
		if consider != nil && !consider(t.Name) {
			continue
		}
		if base, ok := strings.CutSuffix(t.Name, QScaleSuffix); ok {
			if bt, ok := f.Info(base); ok && bt.DType == safetensors.I8 {
				continue // checked with its weight
			}
		}
		p, ok := want[t.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("unknown tensor %s %v", t.Name, t.Shape))
		case !slices.Equal(t.Shape, p.Shape) || shapeSize(p.Shape) != len(p.Value):
			problems = append(problems, fmt.Sprintf("tensor %s has shape %v, param has %v", t.Name, t.Shape, p.Shape))
		case t.DType == safetensors.I8:
			if _, err := int8Scales(f, t.Name, t.Shape); err != nil {
				problems = append(problems, err.Error())
			}
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
		p, ok := want[t.Name]
		if !ok || consider != nil && !consider(t.Name) {
			continue // an int8 scale tensor
		}
		if t.DType == safetensors.I8 {
			if err := dequantizeInto(f, t.Name, t.Shape, p.Value); err != nil {
				return fmt.Errorf("tensor %s (params partly overwritten): %w", t.Name, err)
			}
			continue
		}
		if err := f.Float32s(t.Name, p.Value); err != nil {
			return fmt.Errorf("tensor %s (params partly overwritten): %w", t.Name, err)
		}
	}
	return nil
}

// int8Scales checks and reads the scales of the I8 tensor name.
func int8Scales(f *safetensors.File, name string, shape []int) ([]float32, error) {
	st, ok := f.Info(name + QScaleSuffix)
	if len(shape) < 2 {
		return nil, fmt.Errorf("int8 tensor %s has rank %d, want 2 or more", name, len(shape))
	}
	if !ok || st.DType != safetensors.F32 || len(st.Shape) != 1 || st.Shape[0] != shape[0] {
		return nil, fmt.Errorf("int8 tensor %s needs an F32 %s%s of shape [%d]", name, name, QScaleSuffix, shape[0])
	}
	scales := make([]float32, shape[0])
	if err := f.Float32s(name+QScaleSuffix, scales); err != nil {
		return nil, err
	}
	for i, s := range scales {
		if !(s >= 0) || math.IsInf(float64(s), 0) {
			return nil, fmt.Errorf("int8 tensor %s: scale %d is %v", name, i, s)
		}
	}
	return scales, nil
}

// dequantizeInto writes the I8 tensor name, times its scales, into dst
// straight from the stored bytes.
func dequantizeInto(f *safetensors.File, name string, shape []int, dst []float32) error {
	scales, err := int8Scales(f, name, shape)
	if err != nil {
		return err
	}
	raw, err := f.Bytes(name)
	if err != nil {
		return err
	}
	if len(raw) != len(dst) {
		return fmt.Errorf("int8 tensor %s: %d values for %d", name, len(raw), len(dst))
	}
	cols := len(raw) / shape[0]
	for r, s := range scales {
		row := raw[r*cols : (r+1)*cols]
		out := dst[r*cols : (r+1)*cols]
		for i, b := range row {
			out[i] = float32(int8(b)) * s
		}
	}
	return nil
}

// readInt8 reads an I8 tensor and its scales.
func readInt8(f *safetensors.File, name string, shape []int) (Int8Weights, error) {
	scales, err := int8Scales(f, name, shape)
	if err != nil {
		return Int8Weights{}, err
	}
	raw, err := f.Bytes(name)
	if err != nil {
		return Int8Weights{}, err
	}
	rows := shape[0]
	cols := 0
	if rows > 0 {
		cols = len(raw) / rows
	}
	q := Int8Weights{Rows: rows, Cols: cols, Q: make([]int8, len(raw)), Scales: scales}
	for i, b := range raw {
		q.Q[i] = int8(b)
	}
	return q, nil
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
