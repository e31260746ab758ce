package nn

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/internal/vec"
)

// LayerNorm normalises x over its last dimension to zero mean and unit
// variance, then scales by gamma and shifts by beta (both [D], either may
// be nil): Ba, Kiros & Hinton, "Layer Normalization", 2016. eps is added
// to the variance (1e-5 in PyTorch).
func (t *Tape) LayerNorm(x, gamma, beta *Var, eps float32) *Var {
	d := x.Dim(-1)
	if gamma != nil && (len(gamma.Shape) != 1 || gamma.Shape[0] != d) {
		panic(fmt.Sprintf("nn.LayerNorm: gamma %v for x %v", gamma.Shape, x.Shape))
	}
	if beta != nil && (len(beta.Shape) != 1 || beta.Shape[0] != d) {
		panic(fmt.Sprintf("nn.LayerNorm: beta %v for x %v", beta.Shape, x.Shape))
	}
	rows := len(x.Data) / max(d, 1)
	y := t.newVarRaw(x.Shape)
	stats := t.scratchRaw(2 * rows) // mean, 1/σ per row, kept for backward
	invD := 1 / float32(max(d, 1))
	for r := 0; r < rows; r++ {
		xr := x.Data[r*d : (r+1)*d]
		yr := y.Data[r*d : (r+1)*d]
		// Two-pass variance (centre, then square) for stability; the
		// reductions and scalings run in vec's AVX2 kernels.
		mean := vec.Sum(xr) * invD
		for j, v := range xr {
			yr[j] = v - mean
		}
		rstd := float32(1 / math.Sqrt(float64(vec.Dot(yr, yr)*invD+eps)))
		stats[2*r], stats[2*r+1] = mean, rstd
		vec.Scale(rstd, yr)
		if gamma != nil {
			vec.Mul(yr, yr, gamma.Data)
		}
		if beta != nil {
			vec.Add(yr, yr, beta.Data)
		}
	}
	nd := t.rec(backLayerNorm, y, x, gamma, beta)
	if nd != nil {
		nd.buf = stats
		nd.i[0], nd.i[1] = rows, d
	}
	t.releaseScratch(stats, nd)
	return y
}

func backLayerNorm(t *Tape, n *node) {
	rows, d := n.i[0], n.i[1]
	x, gamma := n.a, n.b
	dx, freshX := t.gradOut(x)
	dg, db := t.grad(gamma), t.grad(n.c)
	stats := n.buf
	dy := n.out.Grad
	invD := 1 / float32(d)
	xh := t.scratchRaw(d) // normalised row x̂
	gh := t.scratchRaw(d) // ĝ = g⊙γ, or g⊙x̂ for dγ
	for r := 0; r < rows; r++ {
		xr := x.Data[r*d : (r+1)*d]
		g := dy[r*d : (r+1)*d]
		mean, rstd := stats[2*r], stats[2*r+1]
		for j, v := range xr {
			xh[j] = (v - mean) * rstd
		}
		if dg != nil {
			vec.Mul(gh, g, xh)
			vec.Add(dg, dg, gh)
		}
		if db != nil {
			vec.Add(db, db, g)
		}
		if dx == nil {
			continue
		}
		// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)), ĝ = g⊙γ.
		if gamma != nil {
			vec.Mul(gh, g, gamma.Data)
		} else {
			copy(gh, g)
		}
		sg := vec.Sum(gh) * invD
		sgx := vec.Dot(gh, xh) * invD
		dr := dx[r*d : (r+1)*d]
		c := -rstd * sg
		if freshX {
			for j := range dr {
				dr[j] = c
			}
		} else {
			for j := range dr {
				dr[j] += c
			}
		}
		vec.Axpy(rstd, gh, dr)
		vec.Axpy(-rstd*sgx, xh, dr)
	}
}

// Softmax returns the softmax over the last dimension.
func (t *Tape) Softmax(x *Var) *Var {
	d := x.Dim(-1)
	rows := len(x.Data) / max(d, 1)
	y := t.newVarRaw(x.Shape)
	for r := 0; r < rows; r++ {
		softmaxRow(x.Data[r*d:(r+1)*d], y.Data[r*d:(r+1)*d])
	}
	if nd := t.rec(backSoftmax, y, x); nd != nil {
		nd.i[0], nd.i[1] = rows, d
	}
	return y
}

// softmaxRow writes softmax(x) into y, subtracting the maximum first.
// A row of all −∞ gives zeros.
func softmaxRow(x, y []float32) {
	if len(x) == 0 {
		return
	}
	m := vec.Max(x)
	if math.IsInf(float64(m), -1) {
		clear(y)
		return
	}
	y = y[:len(x)]
	for j, v := range x {
		y[j] = v - m
	}
	vec.ExpInPlace(y)
	vec.Scale(1/vec.Sum(y), y)
}

func backSoftmax(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	rows, d := n.i[0], n.i[1]
	for r := 0; r < rows; r++ {
		y := n.out.Data[r*d : (r+1)*d]
		g := n.out.Grad[r*d : (r+1)*d]
		var dot float32
		for j, v := range g {
			dot += v * y[j]
		}
		dr := dx[r*d : (r+1)*d]
		for j, v := range g {
			dr[j] += y[j] * (v - dot)
		}
	}
}

// LogSoftmax returns x − log Σ exp(x) over the last dimension, computed
// stably (the input CTC expects).
func (t *Tape) LogSoftmax(x *Var) *Var {
	d := x.Dim(-1)
	rows := len(x.Data) / max(d, 1)
	y := t.newVarRaw(x.Shape)
	for r := 0; r < rows; r++ {
		logSoftmaxRow(x.Data[r*d:(r+1)*d], y.Data[r*d:(r+1)*d])
	}
	if nd := t.rec(backLogSoftmax, y, x); nd != nil {
		nd.i[0], nd.i[1] = rows, d
	}
	return y
}

func logSoftmaxRow(x, y []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var s float32
	for _, v := range x {
		s += expf(v - m)
	}
	lse := m + logf(s)
	for j, v := range x {
		y[j] = v - lse
	}
}

func backLogSoftmax(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	rows, d := n.i[0], n.i[1]
	for r := 0; r < rows; r++ {
		y := n.out.Data[r*d : (r+1)*d]
		g := n.out.Grad[r*d : (r+1)*d]
		var sum float32
		for _, v := range g {
			sum += v
		}
		dr := dx[r*d : (r+1)*d]
		for j, v := range g {
			dr[j] += v - expf(y[j])*sum
		}
	}
}
