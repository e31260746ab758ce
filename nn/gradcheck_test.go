package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gradCase is one op under a finite-difference gradient check: build
// records the op on inputs made from params with the given shapes.
type gradCase struct {
	name   string
	shapes [][]int
	build  func(t *Tape, in []*Var) *Var
	// init, when set, fills the parameter values (for example to keep
	// ReLU inputs away from the kink); otherwise they are N(0,1).
	init func(i int, p *Param, rng *rand.Rand)
	// eps overrides the finite-difference step.
	eps float64
	// tol overrides the absolute tolerance.
	tol float64
}

// checkGrad compares the tape's gradient of L = Σ out⊙R (R fixed random)
// with central differences (L(p+ε) − L(p−ε)) / 2ε, element by element.
func checkGrad(t *testing.T, c gradCase) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	params := make([]*Param, len(c.shapes))
	for i, s := range c.shapes {
		params[i] = NewParam(fmt.Sprintf("p%d", i), s...)
		if c.init != nil {
			c.init(i, params[i], rng)
		} else {
			for j := range params[i].Value {
				params[i].Value[j] = float32(rng.NormFloat64())
			}
		}
	}
	forward := func() (*Tape, *Var) {
		tp := NewTape(7)
		in := make([]*Var, len(params))
		for i, p := range params {
			in[i] = tp.Param(p)
		}
		return tp, c.build(tp, in)
	}
	tp, out := forward()
	r := make([]float32, len(out.Data))
	for i := range r {
		r[i] = float32(rng.NormFloat64())
	}
	loss := tp.Sum(tp.Mul(out, tp.Input(out.Shape, r)))
	tp.Backward(loss)
	lossAt := func() float64 {
		_, o := forward()
		var s float64
		for i, v := range o.Data {
			s += float64(v) * float64(r[i])
		}
		return s
	}
	eps := 1e-2
	if c.eps != 0 {
		eps = c.eps
	}
	atol := 1e-3
	if c.tol != 0 {
		atol = c.tol
	}
	for pi, p := range params {
		got := tp.ParamGrad(p)
		if got == nil {
			t.Errorf("%s: input %d got no gradient", c.name, pi)
			continue
		}
		// Check at most 40 elements per input, spread over the tensor.
		step := max(1, len(p.Value)/40)
		bad := 0
		for j := 0; j < len(p.Value); j += step {
			orig := p.Value[j]
			p.Value[j] = orig + float32(eps)
			lp := lossAt()
			p.Value[j] = orig - float32(eps)
			lm := lossAt()
			p.Value[j] = orig
			want := (lp - lm) / (2 * eps)
			g := float64(got[j])
			if math.Abs(g-want) > atol+3e-3*math.Max(math.Abs(g), math.Abs(want)) {
				if bad < 5 {
					t.Errorf("%s: d/d in%d[%d] = %.6g, finite difference %.6g", c.name, pi, j, g, want)
				}
				bad++
			}
		}
	}
}

// awayFromZero draws values with |v| in [0.1, 1.5], random sign, for ops
// with a kink at zero.
func awayFromZero(_ int, p *Param, rng *rand.Rand) {
	for j := range p.Value {
		v := 0.1 + 1.4*rng.Float32()
		if rng.IntN(2) == 0 {
			v = -v
		}
		p.Value[j] = v
	}
}

func TestGradients(t *testing.T) {
	cases := []gradCase{
		{name: "Linear", shapes: [][]int{{2, 3, 5}, {4, 5}, {4}}, build: func(t *Tape, in []*Var) *Var { return t.Linear(in[0], in[1], in[2]) }},
		{name: "LinearNoBias", shapes: [][]int{{3, 5}, {4, 5}}, build: func(t *Tape, in []*Var) *Var { return t.Linear(in[0], in[1], nil) }},
		{name: "MatMul2D", shapes: [][]int{{3, 4}, {4, 5}}, build: func(t *Tape, in []*Var) *Var { return t.MatMul(in[0], in[1]) }},
		{name: "MatMulBatched", shapes: [][]int{{2, 3, 4}, {2, 4, 5}}, build: func(t *Tape, in []*Var) *Var { return t.MatMul(in[0], in[1]) }},
		{name: "MatMulShared", shapes: [][]int{{2, 3, 4}, {4, 5}}, build: func(t *Tape, in []*Var) *Var { return t.MatMul(in[0], in[1]) }},
		{name: "MatMulTA", shapes: [][]int{{2, 4, 3}, {2, 4, 5}}, build: func(t *Tape, in []*Var) *Var { return t.MatMulT(in[0], in[1], true, false) }},
		{name: "MatMulTB", shapes: [][]int{{2, 3, 4}, {2, 5, 4}}, build: func(t *Tape, in []*Var) *Var { return t.MatMulT(in[0], in[1], false, true) }},
		{name: "MatMulTT", shapes: [][]int{{4, 3}, {5, 4}}, build: func(t *Tape, in []*Var) *Var { return t.MatMulT(in[0], in[1], true, true) }},
		{name: "AddSame", shapes: [][]int{{2, 3}, {2, 3}}, build: func(t *Tape, in []*Var) *Var { return t.Add(in[0], in[1]) }},
		{name: "AddBias", shapes: [][]int{{2, 3, 4}, {4}}, build: func(t *Tape, in []*Var) *Var { return t.Add(in[0], in[1]) }},
		{name: "AddBcastMid", shapes: [][]int{{2, 1, 4}, {2, 3, 1}}, build: func(t *Tape, in []*Var) *Var { return t.Add(in[0], in[1]) }},
		{name: "AddScaled", shapes: [][]int{{2, 3}, {2, 3}}, build: func(t *Tape, in []*Var) *Var { return t.AddScaled(in[0], in[1], 0.5) }},
		{name: "Sub", shapes: [][]int{{2, 3}, {3}}, build: func(t *Tape, in []*Var) *Var { return t.Sub(in[0], in[1]) }},
		{name: "MulSame", shapes: [][]int{{2, 3}, {2, 3}}, build: func(t *Tape, in []*Var) *Var { return t.Mul(in[0], in[1]) }},
		{name: "MulBcast", shapes: [][]int{{2, 3, 4}, {2, 1, 4}}, build: func(t *Tape, in []*Var) *Var { return t.Mul(in[0], in[1]) }},
		{name: "Scale", shapes: [][]int{{5}}, build: func(t *Tape, in []*Var) *Var { return t.Scale(in[0], -1.5) }},
		{name: "Sum", shapes: [][]int{{2, 3}}, build: func(t *Tape, in []*Var) *Var { return t.Sum(in[0]) }},
		{name: "Mean", shapes: [][]int{{2, 3}}, build: func(t *Tape, in []*Var) *Var { return t.Mean(in[0]) }},
		{name: "SumAxis", shapes: [][]int{{2, 3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.SumAxis(in[0], 1, false) }},
		{name: "MeanAxisKeep", shapes: [][]int{{2, 3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.MeanAxis(in[0], -1, true) }},
		{name: "ReLU", shapes: [][]int{{3, 4}}, init: awayFromZero, build: func(t *Tape, in []*Var) *Var { return t.ReLU(in[0]) }},
		{name: "Sigmoid", shapes: [][]int{{3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.Sigmoid(in[0]) }},
		{name: "Tanh", shapes: [][]int{{3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.Tanh(in[0]) }},
		{name: "SiLU", shapes: [][]int{{3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.SiLU(in[0]) }},
		{name: "GELU", shapes: [][]int{{3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.GELU(in[0]) }},
		{name: "GLU", shapes: [][]int{{2, 3, 6}}, build: func(t *Tape, in []*Var) *Var { return t.GLU(in[0]) }},
	}
	cases = append(cases, moreGradCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkGrad(t, c) })
	}
}

// moreGradCases is extended by the other op files' tests.
var moreGradCases []gradCase
