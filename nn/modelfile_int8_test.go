package nn

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

func TestQuantizeInt8(t *testing.T) {
	w := []float32{
		0.5, -1, 0.25, 0, // scale 1/127
		0, 0, 0, 0, // all zero: scale 0
		100, -50, 1, -100, // scale 100/127
	}
	q, err := QuantizeInt8(w, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	wantQ := []int8{64, -127, 32, 0, 0, 0, 0, 0, 127, -64, 1, -127}
	for i := range wantQ {
		if q.Q[i] != wantQ[i] {
			t.Fatalf("Q = %v, want %v", q.Q, wantQ)
		}
	}
	if q.Scales[1] != 0 || q.Scales[0] != float32(1)/127 {
		t.Errorf("scales %v", q.Scales)
	}
	back := make([]float32, len(w))
	if err := q.Dequantize(back); err != nil {
		t.Fatal(err)
	}
	for r := range 3 {
		for c := range 4 {
			i := r*4 + c
			if d := math.Abs(float64(back[i] - w[i])); d > float64(q.Scales[r])/2*1.0001 {
				t.Errorf("w[%d] = %v came back %v: error above half a step", i, w[i], back[i])
			}
		}
	}
	if _, err := QuantizeInt8([]float32{float32(math.NaN())}, 1, 1); err == nil {
		t.Error("NaN quantised")
	}
	if _, err := QuantizeInt8(w, 5, 4); err == nil {
		t.Error("wrong shape accepted")
	}
}

// TestInt8RoundTripError measures the relative RMS error of per-channel
// int8 on Gaussian weights whose rows have very different scales, against
// a single per-tensor scale: the reason for per-channel scales.
func TestInt8RoundTripError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rows, cols := 144, 576
	w := make([]float32, rows*cols)
	for i := range rows {
		s := math.Exp(r.NormFloat64()) // rows differ by e^±2
		for j := range cols {
			w[i*cols+j] = float32(r.NormFloat64() * s * 0.05)
		}
	}
	relRMS := func(back []float32) float64 {
		num, den := 0.0, 0.0
		for i := range w {
			d := float64(back[i] - w[i])
			num += d * d
			den += float64(w[i]) * float64(w[i])
		}
		return math.Sqrt(num / den)
	}
	q, _ := QuantizeInt8(w, rows, cols)
	back := make([]float32, len(w))
	_ = q.Dequantize(back)
	perChannel := relRMS(back)
	qt, _ := QuantizeInt8(w, 1, rows*cols)
	_ = qt.Dequantize(back)
	perTensor := relRMS(back)
	t.Logf("int8 relative RMS error: per-channel %.4f, per-tensor %.4f", perChannel, perTensor)
	if perChannel > 0.012 {
		t.Errorf("per-channel int8 error %.4f above 1.2%%", perChannel)
	}
	if perChannel > perTensor/2 {
		t.Errorf("per-channel %.4f not clearly better than per-tensor %.4f", perChannel, perTensor)
	}
}

func TestModelFileInt8(t *testing.T) {
	big := toyConfig{Arch: "toy", Width: 144, Vocab: make([]string, 500)}
	params := toyParams(big, 4)
	var f32, i8 bytes.Buffer
	if err := WriteModel(&f32, big, params, safetensors.F32); err != nil {
		t.Fatal(err)
	}
	if err := WriteModel(&i8, big, params, safetensors.I8); err != nil {
		t.Fatal(err)
	}
	ratio := float64(i8.Len()) / float64(f32.Len())
	t.Logf("int8 file is %.3f of fp32 (%d vs %d bytes)", ratio, i8.Len(), f32.Len())
	if ratio > 0.27 {
		t.Errorf("int8 file is %.3f of fp32", ratio)
	}
	m, err := LoadModel(i8.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	back := toyParams(big, 5)
	if err := m.Load(back); err != nil {
		t.Fatal(err)
	}
	for i, p := range params {
		if !quantizable(p) {
			for j := range p.Value {
				if back[i].Value[j] != p.Value[j] {
					t.Fatalf("vector %s not kept exactly", p.Name)
				}
			}
			continue
		}
		q, ok, err := m.Int8(p.Name)
		if err != nil || !ok || q.Rows != p.Shape[0] {
			t.Fatalf("Int8(%s): %v %v %+v", p.Name, ok, err, q.Rows)
		}
		for j := range p.Value {
			step := float64(q.Scales[j/q.Cols])
			if math.Abs(float64(back[i].Value[j]-p.Value[j])) > step/2*1.0001 {
				t.Fatalf("%s[%d]: %v came back %v", p.Name, j, p.Value[j], back[i].Value[j])
			}
		}
	}
	if _, ok, _ := m.Int8("front.conv.b"); ok {
		t.Error("a bias reported as int8")
	}
}

func TestModelFileInt8Strict(t *testing.T) {
	w := NewParam("w", 2, 3)
	copy(w.Value, []float32{1, 2, 3, -4, 5, 6})
	q, _ := QuantizeInt8(w.Value, 2, 3)
	qb := make([]byte, 6)
	for i, v := range q.Q {
		qb[i] = byte(v)
	}
	sc, _ := safetensors.EncodeFloat32(nil, safetensors.F32, q.Scales)
	meta := map[string]string{"format": "mynah", "format_version": "1", "config": "{}"}
	cases := []struct {
		name    string
		tensors []safetensors.Tensor
		want    string
	}{
		{"no scales", []safetensors.Tensor{{Name: "w", DType: safetensors.I8, Shape: []int{2, 3}, Data: qb}}, "needs an F32 w.qscale"},
		{"wrong scale shape", []safetensors.Tensor{
			{Name: "w", DType: safetensors.I8, Shape: []int{2, 3}, Data: qb},
			{Name: "w.qscale", DType: safetensors.F32, Shape: []int{3}, Data: append(sc, 0, 0, 0, 0)},
		}, "needs an F32 w.qscale"},
		{"negative scale", []safetensors.Tensor{
			{Name: "w", DType: safetensors.I8, Shape: []int{2, 3}, Data: qb},
			{Name: "w.qscale", DType: safetensors.F32, Shape: []int{2}, Data: []byte{0, 0, 0x80, 0xbf, 0, 0, 0x80, 0x3f}},
		}, "scale 0 is -1"},
		{"stray scales", []safetensors.Tensor{
			{Name: "w", DType: safetensors.F32, Shape: []int{2, 3}, Data: make([]byte, 24)},
			{Name: "w.qscale", DType: safetensors.F32, Shape: []int{2}, Data: sc},
		}, "unknown tensor w.qscale"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, c.tensors, meta); err != nil {
			t.Fatal(err)
		}
		m, err := LoadModel(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		err = m.Load([]*Param{NewParam("w", 2, 3)})
		if !errors.Is(err, ErrTensorMismatch) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want it to say %q", c.name, err, c.want)
		}
	}
	if err := WriteModel(&bytes.Buffer{}, "{}", []*Param{NewParam("a.qscale", 2, 2)}, safetensors.I8); err == nil {
		t.Error("param named like a scale accepted")
	}
}
