package nn

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

type toyConfig struct {
	Arch   string   `json:"arch"`
	Width  int      `json:"width"`
	Vocab  []string `json:"vocab"`
	FrameM float64  `json:"frame_ms"`
}

func toyParams(cfg toyConfig, seed uint64) []*Param {
	r := rand.New(rand.NewPCG(seed, seed+1))
	ps := []*Param{
		NewParam("front.conv.w", cfg.Width, 1, 3, 3),
		NewParam("front.conv.b", cfg.Width),
		NewParam("block0.ff.w", cfg.Width, cfg.Width),
		NewParam("block0.norm.gain", cfg.Width),
		NewParam("out.w", len(cfg.Vocab), cfg.Width),
	}
	for _, p := range ps {
		for i := range p.Value {
			p.Value[i] = float32(r.NormFloat64() * 0.3)
		}
	}
	return ps
}

var toyCfg = toyConfig{Arch: "toy-ctc", Width: 8, Vocab: []string{"_", "a", "b", "c"}, FrameM: 30}

func TestModelFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	params := toyParams(toyCfg, 1)
	for _, dtype := range []safetensors.DType{safetensors.F32, safetensors.F16} {
		t.Run(string(dtype), func(t *testing.T) {
			path := filepath.Join(dir, "model-"+string(dtype)+".safetensors")
			if err := SaveModel(path, toyCfg, params, dtype); err != nil {
				t.Fatal(err)
			}
			m, err := LoadModelFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var cfg toyConfig
			if err := m.UnmarshalConfig(&cfg); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(cfg) != fmt.Sprint(toyCfg) || m.FormatVersion() != ModelFormatVersion {
				t.Errorf("config %+v version %q", cfg, m.FormatVersion())
			}
			// The same file through an io.ReaderAt.
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			st, _ := fh.Stat()
			m2, err := OpenModel(fh, st.Size())
			if err != nil {
				t.Fatal(err)
			}
			for _, mf := range []*ModelFile{m, m2} {
				fresh := toyParams(toyCfg, 99)
				if err := mf.Load(fresh); err != nil {
					t.Fatal(err)
				}
				for i, p := range fresh {
					for j, v := range p.Value {
						want := params[i].Value[j]
						if dtype == safetensors.F16 {
							want = safetensors.F16ToFloat32(safetensors.F16FromFloat32(want))
						}
						if math.Float32bits(v) != math.Float32bits(want) {
							t.Fatalf("%s[%d] = %v, want %v", p.Name, j, v, want)
						}
					}
				}
			}
		})
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left %s", e.Name())
		}
	}
}

// TestModelFileMetadata checks the file with the plain safetensors reader:
// format, format_version and config as a JSON string.
func TestModelFileMetadata(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteModel(&buf, toyCfg, toyParams(toyCfg, 1), safetensors.F32); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "mynah" || f.Metadata["format_version"] != "1" {
		t.Errorf("metadata %v", f.Metadata)
	}
	var back toyConfig
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &back); err != nil || back.Arch != "toy-ctc" {
		t.Errorf("config %q: %v", f.Metadata["config"], err)
	}
	if len(f.Tensors()) != 5 {
		t.Errorf("%d tensors", len(f.Tensors()))
	}
}

func TestModelFileF16HalvesSize(t *testing.T) {
	big := toyConfig{Arch: "toy", Width: 144, Vocab: make([]string, 500)}
	params := toyParams(big, 2)
	var f32, f16 bytes.Buffer
	if err := WriteModel(&f32, big, params, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	if err := WriteModel(&f16, big, params, safetensors.F16); err != nil {
		t.Fatal(err)
	}
	ratio := float64(f16.Len()) / float64(f32.Len())
	if ratio > 0.51 {
		t.Errorf("F16 file is %.3f of F32 (%d vs %d bytes)", ratio, f16.Len(), f32.Len())
	}
	// The worst relative error of the fp16 weights.
	m, _ := LoadModel(f16.Bytes())
	back := toyParams(big, 3)
	if err := m.Load(back); err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, p := range params {
		for j, v := range p.Value {
			if math.Abs(float64(v)) > 1e-4 {
				worst = max(worst, math.Abs(float64(back[i].Value[j]-v)/float64(v)))
			}
		}
	}
	if worst > 1.0/2048 {
		t.Errorf("worst fp16 relative error %g above 2^-11", worst)
	}
	t.Logf("F16 size ratio %.4f, worst relative error %.3g", ratio, worst)
}

func TestModelFileStrictLoad(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteModel(&buf, toyCfg, toyParams(toyCfg, 1), safetensors.F32); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func([]*Param) []*Param
		names []string // must all appear in the error
	}{
		{"missing", func(ps []*Param) []*Param { return append(ps, NewParam("extra.w", 2)) }, []string{"missing tensor extra.w"}},
		{"unknown", func(ps []*Param) []*Param { return ps[1:] }, []string{"unknown tensor front.conv.w"}},
		{"mis-shaped", func(ps []*Param) []*Param { ps[2] = NewParam("block0.ff.w", 8, 9); return ps }, []string{"block0.ff.w has shape [8 8], param has [8 9]"}},
		{"all at once", func(ps []*Param) []*Param {
			ps[2] = NewParam("block0.ff.w", 4, 16)
			return append(ps[1:], NewParam("x", 1))
		}, []string{"unknown tensor front.conv.w", "block0.ff.w", "missing tensor x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps := c.edit(toyParams(toyCfg, 5))
			before := ps[len(ps)-1].Value[0]
			err := m.Load(ps)
			if !errors.Is(err, ErrTensorMismatch) {
				t.Fatalf("err = %v", err)
			}
			for _, n := range c.names {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("error %q does not name %q", err, n)
				}
			}
			if ps[len(ps)-1].Value[0] != before {
				t.Error("params changed by a failed load")
			}
		})
	}
	var cfg struct{ Arch string }
	if err := m.UnmarshalConfig(&cfg); err == nil {
		t.Error("UnmarshalConfig accepted a config with unknown fields")
	}
}

func TestModelFileRejectsOtherFiles(t *testing.T) {
	var buf bytes.Buffer
	_ = safetensors.Write(&buf, nil, map[string]string{"format": "pt"})
	if _, err := LoadModel(buf.Bytes()); !errors.Is(err, ErrModelFormat) {
		t.Errorf("format pt: %v", err)
	}
	buf.Reset()
	_ = safetensors.Write(&buf, nil, map[string]string{"format": "mynah", "format_version": "2", "config": "{}"})
	if _, err := LoadModel(buf.Bytes()); !errors.Is(err, ErrModelFormat) {
		t.Errorf("version 2: %v", err)
	}
	buf.Reset()
	_ = safetensors.Write(&buf, nil, map[string]string{"format": "mynah", "format_version": "1", "config": "{"})
	if _, err := LoadModel(buf.Bytes()); !errors.Is(err, ErrModelFormat) {
		t.Errorf("bad config: %v", err)
	}
	if _, err := LoadModel([]byte("not a model")); !errors.Is(err, safetensors.ErrInvalid) {
		t.Errorf("garbage: %v", err)
	}
	if err := WriteModel(&buf, toyCfg, nil, safetensors.I16); err == nil {
		t.Error("WriteModel accepted I16 storage")
	}
}

func TestSaveModelFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := SaveModel(path, toyCfg, toyParams(toyCfg, 1), safetensors.F32); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	// A config that cannot be marshalled fails the write midway.
	if err := SaveModel(path, map[string]any{"f": func() {}}, toyParams(toyCfg, 2), safetensors.F32); err == nil {
		t.Fatal("unmarshallable config accepted")
	}
	now, _ := os.ReadFile(path)
	if !bytes.Equal(old, now) {
		t.Error("failed save changed the file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed save", len(entries))
	}
}

// tinyModel is a committed model file: loading it from embedded bytes is
// the path a shipped model takes, and rewriting it must give the same
// bytes (the format is stable). Regenerate with
// MYNAH_WRITE_GOLDEN=1 go test -run TestEmbeddedModel ./nn
//
//go:embed testdata/model/tiny.safetensors
var tinyModel []byte

func TestEmbeddedModel(t *testing.T) {
	tiny := toyConfig{Arch: "tiny", Width: 2, Vocab: []string{"_", "a"}, FrameM: 10}
	var buf bytes.Buffer
	if err := WriteModel(&buf, tiny, toyParams(tiny, 7), safetensors.F16); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("MYNAH_WRITE_GOLDEN") != "" {
		if err := os.WriteFile("testdata/model/tiny.safetensors", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(buf.Bytes(), tinyModel) {
		t.Error("writer output differs from the committed testdata/model/tiny.safetensors")
	}
	m, err := LoadModel(tinyModel)
	if err != nil {
		t.Fatal(err)
	}
	params := toyParams(tiny, 8)
	allocs := testing.AllocsPerRun(5, func() {
		if err := m.Load(params); err != nil {
			t.Fatal(err)
		}
	})
	// The map of names is the only allocation: no copy of the weights.
	t.Logf("%v allocations per Load", allocs)
	if allocs > 10 {
		t.Errorf("%v allocations per Load", allocs)
	}
}

func ExampleSaveModel() {
	dir, _ := os.MkdirTemp("", "mynah-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	type config struct {
		Width int `json:"width"`
	}
	w := NewParam("w", 2, 2)
	copy(w.Value, []float32{1, 2, 3, 4})
	if err := SaveModel(path, config{Width: 2}, []*Param{w}, safetensors.F16); err != nil {
		panic(err)
	}

	m, err := LoadModelFile(path)
	if err != nil {
		panic(err)
	}
	var cfg config
	_ = m.UnmarshalConfig(&cfg)
	loaded := NewParam("w", 2, cfg.Width) // rebuild from the config, then fill
	if err := m.Load([]*Param{loaded}); err != nil {
		panic(err)
	}
	fmt.Println(m.Config(), loaded.Value)
	// Output:
	// {"width":2} [1 2 3 4]
}

// FuzzLoadModel feeds arbitrary bytes to the model-file and checkpoint
// readers and the strict loaders: no input may panic, and a load that
// fails must say why. Seeds in testdata/fuzz/FuzzLoadModel are the F16 and
// I8 forms of the tiny model and a checkpoint
// (MYNAH_WRITE_FUZZ_SEEDS=1 go test -run TestWriteModelFuzzSeeds ./nn).
func FuzzLoadModel(f *testing.F) {
	for _, s := range modelFuzzSeeds() {
		f.Add(s)
	}
	tiny := toyConfig{Arch: "tiny", Width: 2, Vocab: []string{"_", "a"}, FrameM: 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		params := toyParams(tiny, 1)
		if m, err := LoadModel(data); err == nil {
			var cfg toyConfig
			_ = m.UnmarshalConfig(&cfg)
			_ = m.Load(params)
			for _, ti := range m.Tensors() {
				_, _, _ = m.Int8(ti.Name)
			}
		}
		opt, _ := NewAdamW(params, DefaultAdamWConfig(), nil)
		ema, _ := NewEMA(params, 0.9)
		c := Checkpoint{Params: params, Optimizer: opt, EMA: ema}
		_ = ReadCheckpoint(data, &c)
	})
}

func modelFuzzSeeds() [][]byte {
	tiny := toyConfig{Arch: "tiny", Width: 2, Vocab: []string{"_", "a"}, FrameM: 10}
	params := toyParams(tiny, 7)
	var seeds [][]byte
	for _, d := range []safetensors.DType{safetensors.F16, safetensors.I8} {
		var buf bytes.Buffer
		_ = WriteModel(&buf, tiny, params, d)
		seeds = append(seeds, buf.Bytes())
	}
	opt, _ := NewAdamW(params, DefaultAdamWConfig(), nil)
	ema, _ := NewEMA(params, 0.9)
	var buf bytes.Buffer
	_ = WriteCheckpoint(&buf, Checkpoint{Step: 3, Params: params, Optimizer: opt, EMA: ema, Trainer: json.RawMessage(`{"pos":1}`)})
	return append(seeds, buf.Bytes())
}

// TestWriteModelFuzzSeeds regenerates testdata/fuzz/FuzzLoadModel.
func TestWriteModelFuzzSeeds(t *testing.T) {
	if os.Getenv("MYNAH_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set MYNAH_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/FuzzLoadModel")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoadModel")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range modelFuzzSeeds() {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkLoadModel times filling 3 M parameters from a model file held
// in memory (the embedded path), for each storage type.
func BenchmarkLoadModel(b *testing.B) {
	params := []*Param{NewParam("w", 1000, 3000)}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range params[0].Value {
		params[0].Value[i] = float32(r.NormFloat64())
	}
	for _, d := range []safetensors.DType{safetensors.F32, safetensors.F16, safetensors.I8} {
		b.Run("dtype="+string(d), func(b *testing.B) {
			var buf bytes.Buffer
			if err := WriteModel(&buf, toyCfg, params, d); err != nil {
				b.Fatal(err)
			}
			data := buf.Bytes()
			dst := []*Param{NewParam("w", 1000, 3000)}
			b.ReportAllocs()
			for b.Loop() {
				m, err := LoadModel(data)
				if err != nil {
					b.Fatal(err)
				}
				if err := m.Load(dst); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*3e6/b.Elapsed().Seconds()/1e6, "Mparams/s")
			b.ReportMetric(float64(len(data))/1e6, "file-MB")
		})
	}
}
