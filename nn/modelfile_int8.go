package nn

import (
	"fmt"
	"math"
)

// Int8 model files. Weight tensors of rank two or more may be stored as I8
// with one float32 scale per output channel (dimension 0: the rows of a
// [out, in] linear weight, the filters of a [out, in, kh, kw] convolution),
// symmetric around zero (w ≈ q·scale, q in [-127, 127]; Jacob et al.,
// "Quantization and Training of Neural Networks for Efficient
// Integer-Arithmetic-Only Inference", CVPR 2018, with zero point 0 as is
// usual for weights). Per-channel scales keep a channel of small weights
// from being flattened by a channel of large ones. The scales are stored
// beside the weight as an F32 tensor named <name>.qscale of shape [out].
// Vectors (biases, norm gains) stay F32: they are tiny and sensitive.

// QScaleSuffix names the per-channel scale tensor stored beside an I8
// weight tensor.
const QScaleSuffix = ".qscale"

// Int8Weights is a weight tensor quantised to int8 with one scale per row.
type Int8Weights struct {
	Rows, Cols int
	// Q is Rows×Cols, row-major.
	Q []int8
	// Scales has one entry per row: row r is Q[r·Cols:(r+1)·Cols]·Scales[r].
	Scales []float32
}

// QuantizeInt8 quantises w (rows × cols, row-major) symmetrically per row:
// scale = max|w_row|/127 and q = round(w/scale). A row of zeros gets scale 0.
// NaN or Inf weights are an error (they have no int8 form).
func QuantizeInt8(w []float32, rows, cols int) (Int8Weights, error) {
	if rows < 0 || cols < 0 || len(w) != rows*cols {
		return Int8Weights{}, fmt.Errorf("quantize int8: %d values for %d×%d", len(w), rows, cols)
	}
	q := Int8Weights{Rows: rows, Cols: cols, Q: make([]int8, len(w)), Scales: make([]float32, rows)}
	for r := range rows {
		row := w[r*cols : (r+1)*cols]
		maxAbs := float32(0)
		for _, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return Int8Weights{}, fmt.Errorf("quantize int8: row %d holds %v", r, v)
			}
			maxAbs = max(maxAbs, float32(math.Abs(float64(v))))
		}
		if maxAbs == 0 {
			continue
		}
		scale := maxAbs / 127
		q.Scales[r] = scale
		inv := 1 / float64(scale)
		out := q.Q[r*cols : (r+1)*cols]
		for i, v := range row {
			x := math.RoundToEven(float64(v) * inv)
			out[i] = int8(max(-127, min(127, x)))
		}
	}
	return q, nil
}

// Dequantize writes q·scale into dst (len Rows·Cols).
func (q *Int8Weights) Dequantize(dst []float32) error {
	if len(dst) != q.Rows*q.Cols || len(q.Q) != len(dst) || len(q.Scales) != q.Rows {
		return fmt.Errorf("dequantize int8: %d values for %d×%d", len(dst), q.Rows, q.Cols)
	}
	for r := range q.Rows {
		s := q.Scales[r]
		row := q.Q[r*q.Cols : (r+1)*q.Cols]
		out := dst[r*q.Cols : (r+1)*q.Cols]
		for i, v := range row {
			out[i] = float32(v) * s
		}
	}
	return nil
}

// quantizable reports whether a param is stored as I8 in an int8 model
// file: rank two or more, and at least one element.
func quantizable(p *Param) bool { return len(p.Shape) >= 2 && len(p.Value) > 0 }

// Int8 returns the named weight as stored in an int8 model file, for an
// inference path that computes with int8 directly. ok is false when the
// tensor is absent or not stored as I8.
func (m *ModelFile) Int8(name string) (w Int8Weights, ok bool, err error) {
	t, found := m.file.Info(name)
	if !found || t.DType != "I8" {
		return Int8Weights{}, false, nil
	}
	w, err = readInt8(m.file, t.Name, t.Shape)
	if err != nil {
		return Int8Weights{}, false, fmt.Errorf("model file: %w", err)
	}
	return w, true, nil
}
