package nn

import (
	"fmt"
	"math"
)

// ReLU returns max(x, 0).
func (t *Tape) ReLU(x *Var) *Var {
	y := t.newVarRaw(x.Shape)
	reluSlice(y.Data, x.Data)
	t.rec(backReLU, y, x)
	return y
}

// reluSlice writes max(x, 0) to dst, as Go's max gives it (+0 for ±0, NaN
// kept), with integer masks: the compiler turns max into about 20
// instructions with its NaN and signed-zero fix-ups, this into 8.
func reluSlice(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		b := math.Float32bits(v)
		neg := uint32(int32(b) >> 31)                         // all ones when the sign is set
		nan := uint32(int32(0x7f800000-(b&0x7fffffff)) >> 31) // all ones for a NaN
		dst[i] = math.Float32frombits(b &^ (neg &^ nan))
	}
}

func backReLU(t *Tape, n *node) {
	// Mask the gradient's bits instead of branching on the sign of y,
	// which is a coin toss the branch predictor loses half the time.
	y := n.out.Data
	dx, fresh := t.gradOut(n.a)
	if dx == nil {
		return
	}
	for i, g := range n.out.Grad {
		m := uint32(0)
		if y[i] > 0 {
			m = ^uint32(0)
		}
		v := math.Float32frombits(math.Float32bits(g) & m)
		if fresh {
			dx[i] = v
		} else {
			dx[i] += v
		}
	}
}

// Sigmoid returns the logistic function 1/(1+e^-x).
func (t *Tape) Sigmoid(x *Var) *Var {
	y := t.newVarRaw(x.Shape)
	sigmoidSlice(y.Data, x.Data)
	t.rec(backSigmoid, y, x)
	return y
}

func backSigmoid(t *Tape, n *node) {
	if dx := t.grad(n.a); dx != nil {
		for i, g := range n.out.Grad {
			s := n.out.Data[i]
			dx[i] += g * s * (1 - s)
		}
	}
}

// Tanh returns the hyperbolic tangent.
func (t *Tape) Tanh(x *Var) *Var {
	y := t.newVarRaw(x.Shape)
	for i, v := range x.Data {
		y.Data[i] = tanhf(v)
	}
	t.rec(backTanh, y, x)
	return y
}

func backTanh(t *Tape, n *node) {
	if dx := t.grad(n.a); dx != nil {
		for i, g := range n.out.Grad {
			y := n.out.Data[i]
			dx[i] += g * (1 - y*y)
		}
	}
}

// SiLU returns x·σ(x), the swish activation of Conformer's feed-forward
// and convolution modules (Ramachandran et al., 2017). σ(x) is kept for
// backward: the exponential is the costly part.
func (t *Tape) SiLU(x *Var) *Var {
	y := t.newVarRaw(x.Shape)
	var sig []float32
	if t.record && x.needGrad {
		sig = t.scratchRaw(len(x.Data))
		sigmoidSlice(sig, x.Data)
		for i, v := range x.Data {
			y.Data[i] = v * sig[i]
		}
	} else {
		// Without a tape entry, σ goes through y itself.
		sigmoidSlice(y.Data, x.Data)
		for i, v := range x.Data {
			y.Data[i] *= v
		}
	}
	if nd := t.rec(backSiLU, y, x); nd != nil {
		nd.buf = sig
	}
	return y
}

func backSiLU(t *Tape, n *node) {
	// d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x))) = σ + y·(1 − σ).
	y, sig := n.out.Data, n.buf
	if dx, fresh := t.gradOut(n.a); fresh {
		for i, g := range n.out.Grad {
			s := sig[i]
			dx[i] = g * (s + y[i]*(1-s))
		}
	} else if dx != nil {
		for i, g := range n.out.Grad {
			s := sig[i]
			dx[i] += g * (s + y[i]*(1-s))
		}
	}
}

// GELU returns x·Φ(x) with the exact normal CDF (Hendrycks & Gimpel, 2016),
// as PyTorch's default.
func (t *Tape) GELU(x *Var) *Var {
	y := t.newVarRaw(x.Shape)
	for i, v := range x.Data {
		y.Data[i] = float32(0.5 * float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2)))
	}
	t.rec(backGELU, y, x)
	return y
}

func backGELU(t *Tape, n *node) {
	if dx := t.grad(n.a); dx != nil {
		const invSqrt2Pi = 0.3989422804014327
		for i, g := range n.out.Grad {
			x := float64(n.a.Data[i])
			cdf := 0.5 * (1 + math.Erf(x/math.Sqrt2))
			pdf := invSqrt2Pi * math.Exp(-0.5*x*x)
			dx[i] += g * float32(cdf+x*pdf)
		}
	}
}

// GLU splits the last dimension of x into halves a and b and returns
// a ⊙ σ(b), the gated linear unit (Dauphin et al., 2017) of Conformer's
// convolution module. The last dimension must be even.
func (t *Tape) GLU(x *Var) *Var {
	d := x.Dim(-1)
	if d%2 != 0 {
		panic(fmt.Sprintf("nn.GLU: last dimension of %v is odd", x.Shape))
	}
	h := d / 2
	var shape [maxRank]int
	r := copy(shape[:], x.Shape)
	shape[r-1] = h
	y := t.newVarRaw(shape[:r])
	rows := len(x.Data) / max(d, 1)
	for row := 0; row < rows; row++ {
		a := x.Data[row*d : row*d+h]
		b := x.Data[row*d+h : row*d+d]
		yr := y.Data[row*h : row*h+h]
		sigmoidSlice(yr, b)
		for j := range yr {
			yr[j] *= a[j]
		}
	}
	if nd := t.rec(backGLU, y, x); nd != nil {
		nd.i[0], nd.i[1] = rows, h
	}
	return y
}

func backGLU(t *Tape, n *node) {
	dx, fresh := t.gradOut(n.a)
	if dx == nil {
		return
	}
	if fresh {
		clear(dx) // written half by half below; zero once, cheaply
	}
	rows, h := n.i[0], n.i[1]
	d := 2 * h
	sig := t.scratchRaw(h)
	for row := 0; row < rows; row++ {
		a := n.a.Data[row*d : row*d+h]
		b := n.a.Data[row*d+h : row*d+d]
		da := dx[row*d : row*d+h]
		db := dx[row*d+h : row*d+d]
		g := n.out.Grad[row*h : row*h+h]
		sigmoidSlice(sig, b)
		for j, gv := range g {
			s := sig[j]
			da[j] += gv * s
			db[j] += gv * a[j] * s * (1 - s)
		}
	}
}
