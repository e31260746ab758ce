package acoustic

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// The torch reference check runs a small model of this architecture
// through a forward and backward pass and compares the logits, the loss
// and every parameter's gradient with an independent PyTorch
// implementation (testdata/torchref.py), in float64 there. It guards the
// whole chain: the conv front's strides and padding, the frequency
// attention, rotary positions, key-length and chunk masks, GLU, the causal
// depthwise convolution, the CTC loss and all their backward passes.
//
// Regenerate after an intended change of the architecture:
//
//	go test ./acoustic -run TorchReference -torchref-input
//	/usr/bin/python3 acoustic/testdata/torchref.py \
//	    acoustic/testdata/torchref_input.safetensors acoustic/testdata/torchref.safetensors
//	rm acoustic/testdata/torchref_input.safetensors
var writeTorchInput = flag.Bool("torchref-input", false, "write testdata/torchref_input.safetensors for testdata/torchref.py")

// torchRefCase is one forward configuration of the reference file.
type torchRefCase struct {
	Name       string `json:"name"`
	ChunkSize  int    `json:"chunk_size"`
	LeftChunks int    `json:"left_chunks"`
}

// torchRefMeta is the JSON metadata of the reference files.
type torchRefMeta struct {
	Config      Config         `json:"cfg"`
	Lengths     []int          `json:"lengths"`
	Labels      [][]int        `json:"labels"`
	PhoneLabels [][]int        `json:"phone_labels"`
	PhoneWeight float64        `json:"phone_weight"`
	Cases       []torchRefCase `json:"cases"`
}

func torchRefConfig() Config {
	cfg := tinyConfig()
	cfg.Name = "torchref"
	cfg.FreqAttentionHeads = 2
	cfg.ConvKernel = 5
	cfg.PhoneVocab = []string{"<blank>", "AA", "B", "K", "S"}
	cfg.PhoneHeadBlock = 1
	return cfg
}

func f32Bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func writeTorchRefInput(t *testing.T, path string) {
	cfg := torchRefConfig()
	m, err := New(cfg, testFrontEnd(cfg.Mels), 7)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	// Non-zero biases and gains, so their gradients and uses are checked too.
	for _, p := range m.Params() {
		if len(p.Shape) == 1 {
			for i := range p.Value {
				p.Value[i] += float32(0.2 * rng.NormFloat64())
			}
		}
	}
	meta := torchRefMeta{
		Config: cfg, Lengths: []int{40, 31},
		Labels:      [][]int{{8, 5, 12, 12, 15}, {1, 26, 3}},
		PhoneLabels: [][]int{{1, 2, 3}, {4, 4}},
		PhoneWeight: 0.3,
		Cases:       []torchRefCase{{Name: "full"}, {Name: "chunk", ChunkSize: 3, LeftChunks: 1}},
	}
	feats := make([]float32, 2*40*cfg.Mels)
	for i := range feats {
		feats[i] = float32(rng.NormFloat64())
	}
	for i := 31 * cfg.Mels; i < 40*cfg.Mels; i++ {
		feats[40*cfg.Mels+i] = 0 // the padding of the shorter utterance
	}
	tensors := []safetensors.Tensor{{Name: "input.features", DType: safetensors.F32, Shape: []int{2, 40, cfg.Mels}, Data: f32Bytes(feats)}}
	for _, p := range m.Params() {
		tensors = append(tensors, safetensors.Tensor{Name: "param." + p.Name, DType: safetensors.F32, Shape: p.Shape, Data: f32Bytes(p.Value)})
	}
	blob, err := json.Marshal(meta)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, tensors, map[string]string{"meta": string(blob)}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: now run testdata/torchref.py", path)
}

func readF32(t *testing.T, f *safetensors.File, name string, n int) []float32 {
	t.Helper()
	dst := make([]float32, n)
	if err := f.Float32s(name, dst); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return dst
}

func relErr(got, want []float32) float64 {
	var num, den float64
	for i := range want {
		d := float64(got[i]) - float64(want[i])
		num += d * d
		den += float64(want[i]) * float64(want[i])
	}
	return math.Sqrt(num) / (math.Sqrt(den) + 1e-12)
}

func TestMatchesTorchReference(t *testing.T) {
	if *writeTorchInput {
		writeTorchRefInput(t, filepath.Join("testdata", "torchref_input.safetensors"))
		return
	}
	data, err := os.ReadFile(filepath.Join("testdata", "torchref.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var meta torchRefMeta
	if err := json.Unmarshal([]byte(f.Metadata["meta"]), &meta); err != nil {
		t.Fatal(err)
	}
	cfg := meta.Config
	m, err := New(cfg, testFrontEnd(cfg.Mels), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		copy(p.Value, readF32(t, f, "param."+p.Name, len(p.Value)))
	}
	batch := Batch{Size: len(meta.Lengths), Frames: 40, Lengths: meta.Lengths}
	batch.Features = readF32(t, f, "input.features", batch.Size*batch.Frames*cfg.Mels)
	tokens, phones := 0, 0
	for i := range meta.Labels {
		tokens += len(meta.Labels[i])
		phones += len(meta.PhoneLabels[i])
	}
	for _, c := range meta.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tape := nn.NewTape(1)
			out, err := m.Forward(tape, batch, ForwardOptions{ChunkSize: c.ChunkSize, LeftChunks: c.LeftChunks})
			if err != nil {
				t.Fatal(err)
			}
			opts := nn.CTCOptions{Reduction: nn.CTCSum, ZeroInfinity: true}
			chars, err := tape.CTCLoss(out.Logits, out.Lengths, meta.Labels, opts)
			if err != nil {
				t.Fatal(err)
			}
			ph, err := tape.CTCLoss(out.PhoneLogits, out.Lengths, meta.PhoneLabels, opts)
			if err != nil {
				t.Fatal(err)
			}
			loss := tape.Add(tape.Scale(chars, 1/float32(tokens)), tape.Scale(ph, float32(meta.PhoneWeight)/float32(phones)))
			tape.Backward(loss)

			wantLoss := readF32(t, f, c.Name+".loss", 1)[0]
			if d := math.Abs(float64(loss.Item()-wantLoss)) / float64(wantLoss); d > 1e-5 {
				t.Errorf("loss %.7g, torch %.7g (relative %.2g)", loss.Item(), wantLoss, d)
			}
			wantLogits := readF32(t, f, c.Name+".logits", len(out.Logits.Data))
			V := len(cfg.Vocab)
			maxDiff := 0.0
			for b, n := range out.Lengths { // padded frames are don't-care
				off := b * out.Logits.Dim(1) * V
				for i := off; i < off+n*V; i++ {
					maxDiff = max(maxDiff, math.Abs(float64(out.Logits.Data[i]-wantLogits[i])))
				}
			}
			if maxDiff > 1e-4 {
				t.Errorf("logits differ from torch by up to %.3g", maxDiff)
			}
			for _, p := range m.Params() {
				want := readF32(t, f, c.Name+".grad."+p.Name, len(p.Value))
				got := tape.ParamGrad(p)
				if got == nil {
					got = make([]float32, len(p.Value))
				}
				var norm float64
				for _, w := range want {
					norm += float64(w) * float64(w)
				}
				if math.Sqrt(norm) < 1e-9 { // structurally zero (a key bias under softmax)
					continue
				}
				if e := relErr(got, want); e > 1e-4 {
					t.Errorf("gradient of %s: relative error %.3g against torch", p.Name, e)
				}
			}
		})
	}
}
