package acoustic

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

func tinyConfig() Config {
	cfg := DefaultConfig()
	cfg.Name = "tiny"
	cfg.Mels = 16
	cfg.ConvChannels = [2]int{4, 8}
	cfg.Dim = 16
	cfg.Heads = 2
	cfg.FFMult = 2
	cfg.Blocks = 2
	cfg.ConvKernel = 3
	cfg.Dropout = 0
	cfg.PhoneVocab = []string{"<blank>", "AA", "B"}
	cfg.PhoneHeadBlock = 1
	return cfg
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	bad := []func(*Config){
		func(c *Config) { c.Mels = 0 },
		func(c *Config) { c.Heads = 5 },
		func(c *Config) { c.Vocab = nil },
		func(c *Config) { c.TimeStride = 0 },
		func(c *Config) { c.Dropout = 1 },
		func(c *Config) { c.PhoneVocab = []string{"<blank>", "X"}; c.PhoneHeadBlock = 99 },
	}
	for i, mutate := range bad {
		cfg := DefaultConfig()
		mutate(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("case %d: invalid config accepted", i)
		}
	}
}

func TestForwardShapes(t *testing.T) {
	cfg := tinyConfig()
	m, err := New(cfg, testFrontEnd(cfg.Mels), 1)
	if err != nil {
		t.Fatal(err)
	}
	tape := nn.NewTape(1)
	for _, frames := range []int{1, 2, 3, 7, 30} {
		tape.Reset()
		b := randomBatch(2, frames, cfg.Mels, 3)
		b.Lengths = []int{frames, max(1, frames/2)}
		out, err := m.Forward(tape, b, ForwardOptions{ChunkSize: 2})
		if err != nil {
			t.Fatalf("%d frames: %v", frames, err)
		}
		want := []int{2, cfg.OutputFrames(frames), len(cfg.Vocab)}
		if got := out.Logits.Shape; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("%d frames: logits %v, want %v", frames, got, want)
		}
		if out.PhoneLogits == nil || out.PhoneLogits.Dim(-1) != 3 {
			t.Errorf("%d frames: phone head missing", frames)
		}
	}
	if _, err := m.Forward(tape, Batch{Size: 1, Frames: 3, Lengths: []int{3}}, ForwardOptions{}); err == nil {
		t.Error("batch without features accepted")
	}
}

// TestOverfit checks that a tiny model learns two fixed utterances: the
// whole forward/backward/optimiser path is wired correctly.
func TestOverfit(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a few seconds")
	}
	cfg := tinyConfig()
	cfg.PhoneVocab, cfg.PhoneHeadBlock = nil, 0
	m, err := New(cfg, testFrontEnd(cfg.Mels), 1)
	if err != nil {
		t.Fatal(err)
	}
	vocab := m.Vocab()
	texts := []string{"ab", "ba c"}
	labels := make([][]int, len(texts))
	for i, s := range texts {
		if labels[i], err = vocab.Encode(s); err != nil {
			t.Fatal(err)
		}
	}
	batch := randomBatch(2, 60, cfg.Mels, 5)
	batch.Lengths = []int{60, 60}
	opt, err := nn.NewAdamW(m.Params(), nn.DefaultAdamWConfig(), nn.DecayMatrices)
	if err != nil {
		t.Fatal(err)
	}
	tape := nn.NewTape(1)
	var first, last float32
	for step := 0; step < 150; step++ {
		tape.Reset()
		nn.ZeroGrads(m.Params())
		out, err := m.Forward(tape, batch, ForwardOptions{})
		if err != nil {
			t.Fatal(err)
		}
		loss, err := tape.CTCLoss(out.Logits, out.Lengths, labels, nn.CTCOptions{Reduction: nn.CTCMean})
		if err != nil {
			t.Fatal(err)
		}
		tape.Backward(loss)
		tape.AddParamGradsTo()
		opt.Step(3e-3)
		if step == 0 {
			first = loss.Item()
		}
		last = loss.Item()
	}
	if !(last < first/5) {
		t.Fatalf("loss went from %g to %g", first, last)
	}
	// Greedy decoding of the training inputs now gives their transcripts.
	r, err := m.NewRunner()
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		feats := batch.Features[i*60*cfg.Mels : (i+1)*60*cfg.Mels]
		lp, frames, err := r.LogProbsFromFeatures(feats, 60)
		if err != nil {
			t.Fatal(err)
		}
		if got := vocab.GreedyDecode(lp, frames); got != texts[i] {
			t.Errorf("utterance %d decodes to %q, want %q (loss %g)", i, got, texts[i], last)
		}
	}
}

func TestSaveLoad(t *testing.T) {
	cfg := tinyConfig()
	m, err := New(cfg, testFrontEnd(cfg.Mels), 7)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.Save(path, safetensors.F32, map[string]string{"note": "test"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.Config().Name != "tiny" || !strings.HasPrefix(got.ID(), "tiny@") {
		t.Errorf("loaded %q / %q", got.Config().Name, got.ID())
	}
	for i, p := range m.Params() {
		q := got.Params()[i]
		if p.Name != q.Name || !equalFloats(p.Value, q.Value) {
			t.Fatalf("param %s differs after the round trip", p.Name)
		}
	}
	// A truncated file is an error, never a panic.
	for _, n := range []int{0, 7, 100, len(raw) / 2, len(raw) - 1} {
		if _, err := Load(raw[:n]); err == nil {
			t.Errorf("file truncated to %d bytes loaded", n)
		}
	}
	// A file of another architecture is refused with the tensor named.
	other := tinyConfig()
	other.Dim = 32
	m2, _ := New(other, testFrontEnd(other.Mels), 1)
	var buf bytes.Buffer
	if err := nn.WriteModel(&buf, fileConfig{Model: cfg, FrontEnd: testFrontEnd(cfg.Mels)}, m2.Params(), safetensors.F32); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(buf.Bytes()); err == nil || !strings.Contains(err.Error(), "front.proj.weight") {
		t.Errorf("mismatched tensors: error %v does not name a tensor", err)
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestVocab(t *testing.T) {
	v := EnglishChars()
	if v.Size() != 29 {
		t.Fatalf("size %d", v.Size())
	}
	ids, err := v.Encode("it's ok")
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Decode(ids); got != "it's ok" {
		t.Errorf("round trip gives %q", got)
	}
	if _, err := v.Encode("caf\u00e9"); err == nil {
		t.Error("é encoded")
	}
	// Greedy: frames a a blank a space b → "aa b".
	V := v.Size()
	path := []int{3, 3, 0, 3, 1, 4}
	lp := make([]float32, len(path)*V)
	for t, k := range path {
		for j := 0; j < V; j++ {
			lp[t*V+j] = -10
		}
		lp[t*V+k] = 0
	}
	if got := v.GreedyDecode(lp, len(path)); got != "aa b" {
		t.Errorf("greedy = %q, want %q", got, "aa b")
	}
}
