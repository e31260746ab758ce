package vocoder

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// testInputs makes T frames of plausible log-mels and a voiced stretch.
func testInputs(T int) (mels, f0 []float32) {
	mels = make([]float32, T*80)
	f0 = make([]float32, T)
	for t := range T {
		for j := range 80 {
			mels[t*80+j] = float32(-2 - 0.08*float64(j) + math.Sin(float64(t)/5+float64(j)/9))
		}
		if t > T/5 && t < 4*T/5 {
			f0[t] = float32(180 + 30*math.Sin(float64(t)/20))
		}
	}
	return mels, f0
}

func TestNewModelIsTheDSPEstimate(t *testing.T) {
	c := Default()
	dsp, err := New(c, 0)
	if err != nil {
		t.Fatal(err)
	}
	c.Net = DefaultNet()
	learned, err := New(c, 7)
	if err != nil {
		t.Fatal(err)
	}
	mels, f0 := testInputs(60)
	a, err := dsp.Vocode(mels, f0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := learned.Vocode(mels, f0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 60*256 || !reflect.DeepEqual(a, b) {
		t.Fatal("an untrained network changed the DSP output")
	}
	if _, err := dsp.Vocode(mels[:79], f0[:1]); err == nil {
		t.Error("79 mels for one frame accepted")
	}
}

func TestSaveLoadWithOtherTensors(t *testing.T) {
	c := Default()
	c.Net = DefaultNet()
	c.Net.MelMean = make([]float32, 80)
	c.Net.MelStd = make([]float32, 80)
	for i := range c.Net.MelStd {
		c.Net.MelMean[i], c.Net.MelStd[i] = -5, 2
	}
	m, _ := New(c, 3)
	for _, p := range m.Params() {
		for i := range p.Value {
			p.Value[i] += 0.01 * float32(i%7)
		}
	}
	ts, err := m.Tensors("vocoder.", safetensors.F32)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := m.Metadata("vocoder.")
	meta["card"] = `{"name":"test"}`
	other, _ := safetensors.EncodeFloat32(nil, safetensors.F32, []float32{1, 2})
	ts = append(ts, safetensors.Tensor{Name: "acoustic.w", DType: safetensors.F32, Shape: []int{2}, Data: other})
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, ts, meta); err != nil {
		t.Fatal(err)
	}
	back, err := LoadBytes(buf.Bytes(), "vocoder.")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Config(), m.Config()) {
		t.Errorf("config changed:\n%+v\n%+v", back.Config(), m.Config())
	}
	for i, p := range m.Params() {
		if !reflect.DeepEqual(p.Value, back.Params()[i].Value) {
			t.Errorf("param %s changed", p.Name)
		}
	}
	mels, f0 := testInputs(30)
	a, _ := m.Vocode(mels, f0)
	b, _ := back.Vocode(mels, f0)
	if !reflect.DeepEqual(a, b) {
		t.Error("loaded model vocodes differently")
	}
	// F16 halves the weights and still loads.
	var small bytes.Buffer
	if err := m.Save(&small, "v/", safetensors.F16); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBytes(small.Bytes(), "v/"); err != nil {
		t.Fatal(err)
	}
}

func TestLoadErrors(t *testing.T) {
	c := Default()
	c.Net = DefaultNet()
	m, _ := New(c, 3)
	ts, _ := m.Tensors("vocoder.", safetensors.F32)
	meta, _ := m.Metadata("vocoder.")
	write := func(ts []safetensors.Tensor, meta map[string]string) []byte {
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, ts, meta); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	extra, _ := safetensors.EncodeFloat32(nil, safetensors.F32, []float32{1})
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"not safetensors", "load vocoder", []byte("hello")},
		{"no config", "metadata", write(ts, nil)},
		{"bad config", "config", write(ts, map[string]string{"vocoder.config": `{"sample_rate":"x"}`})},
		{"unknown field", "config", write(ts, map[string]string{"vocoder.config": `{"bogus":1}`})},
		{"missing tensor", "weights", write(ts[1:], meta)},
		{"extra tensor", "unknown tensor", write(append(ts[:len(ts):len(ts)], safetensors.Tensor{Name: "vocoder.x", DType: safetensors.F32, Shape: []int{1}, Data: extra}), meta)},
		{"wrong shape", "shape", write(append([]safetensors.Tensor{{Name: ts[0].Name, DType: safetensors.F32, Shape: []int{len(ts[0].Data) / 4}, Data: ts[0].Data}}, ts[1:]...), meta)},
	} {
		_, err := LoadBytes(tc.data, "vocoder.")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

// fuzzSeeds are a tiny learned model in F16 and a pure-DSP one.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, net := range []NetConfig{{Width: 4, Layers: 1, Kernel: 3}, {}} {
		c := Default()
		c.Net = net
		m, _ := New(c, 1)
		var buf bytes.Buffer
		if err := m.Save(&buf, "vocoder.", safetensors.F16); err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, buf.Bytes())
	}
	return seeds
}

func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("MYNAH_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set MYNAH_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/FuzzLoadBytes")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoadBytes")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds(t) {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzLoadBytes(f *testing.F) {
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadBytes(data, "vocoder.")
		if err != nil {
			return
		}
		// Whatever loads must vocode without panicking.
		mels, f0 := testInputs(4)
		if _, err := m.Vocode(mels, f0); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNumParams(t *testing.T) {
	c := Default()
	c.Net = DefaultNet()
	m, _ := New(c, 1)
	got := 0
	for _, p := range m.Params() {
		got += len(p.Value)
	}
	if got != c.numParams() {
		t.Fatalf("numParams %d, model has %d", c.numParams(), got)
	}
	t.Logf("%d weights", got)
}

// TestSessionSteadyStateAllocations: a warm session vocodes without
// allocating (style: buffers are reused).
func TestSessionSteadyStateAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, net := range []NetConfig{{}, DefaultNet()} {
		c := Default()
		c.Net = net
		m, _ := New(c, 1)
		s := m.NewSession()
		mels, f0 := testInputs(40)
		out, _ := s.Vocode(nil, mels, f0)
		allocs := testing.AllocsPerRun(5, func() {
			out, _ = s.Vocode(out, mels, f0)
		})
		if allocs > 0 {
			t.Errorf("width %d: %.0f allocations per warm Vocode", net.Width, allocs)
		}
	}
}
