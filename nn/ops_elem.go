package nn

import (
	"fmt"
	"slices"

	"github.com/mynah-speech/mynah/internal/vec"
)

// bcast describes a NumPy-style broadcast of two operands to one output
// shape, row by row: the output is viewed as rows of its last dimension,
// and each operand steps through a row with stride 0 (broadcast) or 1.
type bcast struct {
	rank     int
	shape    [maxRank]int // output shape
	stA, stB [maxRank]int // element strides, 0 on broadcast dimensions
	rows     int
	inner    int
}

func newBcast(op string, a, b []int) bcast {
	var bc bcast
	bc.rank = max(len(a), len(b))
	if bc.rank > maxRank {
		panic(fmt.Sprintf("nn.%s: rank %d exceeds %d", op, bc.rank, maxRank))
	}
	sa, sb := 1, 1
	for i := bc.rank - 1; i >= 0; i-- {
		da, db := 1, 1
		if j := i - (bc.rank - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (bc.rank - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			bc.shape[i] = da
		case da == 1:
			bc.shape[i] = db
		case db == 1:
			bc.shape[i] = da
		default:
			panic(fmt.Sprintf("nn.%s: shapes %v and %v do not broadcast", op, a, b))
		}
		if da != 1 || bc.shape[i] == 1 {
			bc.stA[i] = sa
		}
		if db != 1 || bc.shape[i] == 1 {
			bc.stB[i] = sb
		}
		sa *= da
		sb *= db
	}
	if bc.rank == 0 {
		bc.rows, bc.inner = 1, 1
		return bc
	}
	bc.inner = bc.shape[bc.rank-1]
	bc.rows = 1
	for i := 0; i < bc.rank-1; i++ {
		bc.rows *= bc.shape[i]
	}
	return bc
}

// offsets returns the starting offsets in a and b of output row r.
func (bc *bcast) offsets(r int) (oa, ob int) {
	for i := bc.rank - 2; i >= 0; i-- {
		d := bc.shape[i]
		idx := r % d
		r /= d
		oa += idx * bc.stA[i]
		ob += idx * bc.stB[i]
	}
	return
}

// Add returns a + b with NumPy broadcasting (for example [B,T,C] + [C]).
func (t *Tape) Add(a, b *Var) *Var { return t.addScaled(a, b, 1) }

// AddScaled returns a + s·b (a residual connection with factor s, as in
// the Macaron half-step feed-forward of Conformer), with broadcasting.
func (t *Tape) AddScaled(a, b *Var, s float32) *Var { return t.addScaled(a, b, s) }

// Sub returns a − b with broadcasting.
func (t *Tape) Sub(a, b *Var) *Var { return t.addScaled(a, b, -1) }

func (t *Tape) addScaled(a, b *Var, s float32) *Var {
	if slices.Equal(a.Shape, b.Shape) {
		y := t.newVarRaw(a.Shape)
		if s == 1 {
			vec.Add(y.Data, a.Data, b.Data)
		} else {
			copy(y.Data, a.Data)
			vec.Axpy(s, b.Data, y.Data)
		}
		if nd := t.rec(backAddSame, y, a, b); nd != nil {
			nd.f[0] = s
		}
		return y
	}
	bc := newBcast("Add", a.Shape, b.Shape)
	y := t.newVarRaw(bc.shape[:bc.rank])
	in := bc.inner
	sa, sb := bc.stA[max(bc.rank-1, 0)], bc.stB[max(bc.rank-1, 0)]
	for r := 0; r < bc.rows; r++ {
		oa, ob := bc.offsets(r)
		yr := y.Data[r*in : (r+1)*in]
		for j := range yr {
			yr[j] = a.Data[oa+j*sa] + s*b.Data[ob+j*sb]
		}
	}
	if nd := t.rec(backAddBcast, y, a, b); nd != nil {
		nd.f[0] = s
	}
	return y
}

func backAddSame(t *Tape, n *node) {
	dy, s := n.out.Grad, n.f[0]
	if da, fresh := t.gradOut(n.a); fresh {
		copy(da, dy)
	} else if da != nil {
		vec.Axpy(1, dy, da)
	}
	if db, fresh := t.gradOut(n.b); fresh {
		for i, g := range dy {
			db[i] = s * g
		}
	} else if db != nil {
		vec.Axpy(s, dy, db)
	}
}

func backAddBcast(t *Tape, n *node) {
	dy, s := n.out.Grad, n.f[0]
	bc := newBcast("Add", n.a.Shape, n.b.Shape)
	in := bc.inner
	sa, sb := bc.stA[max(bc.rank-1, 0)], bc.stB[max(bc.rank-1, 0)]
	da, db := t.grad(n.a), t.grad(n.b)
	for r := 0; r < bc.rows; r++ {
		oa, ob := bc.offsets(r)
		g := dy[r*in : (r+1)*in]
		if da != nil {
			for j, v := range g {
				da[oa+j*sa] += v
			}
		}
		if db != nil {
			for j, v := range g {
				db[ob+j*sb] += s * v
			}
		}
	}
}

// Mul returns the elementwise product a ⊙ b with broadcasting (gates,
// squeeze-excitation scales, masks).
func (t *Tape) Mul(a, b *Var) *Var {
	if slices.Equal(a.Shape, b.Shape) {
		y := t.newVarRaw(a.Shape)
		vec.Mul(y.Data, a.Data, b.Data)
		t.rec(backMulSame, y, a, b)
		return y
	}
	bc := newBcast("Mul", a.Shape, b.Shape)
	y := t.newVarRaw(bc.shape[:bc.rank])
	in := bc.inner
	sa, sb := bc.stA[max(bc.rank-1, 0)], bc.stB[max(bc.rank-1, 0)]
	for r := 0; r < bc.rows; r++ {
		oa, ob := bc.offsets(r)
		yr := y.Data[r*in : (r+1)*in]
		for j := range yr {
			yr[j] = a.Data[oa+j*sa] * b.Data[ob+j*sb]
		}
	}
	t.rec(backMulBcast, y, a, b)
	return y
}

func backMulSame(t *Tape, n *node) {
	dy := n.out.Grad
	if da := t.grad(n.a); da != nil {
		for i, g := range dy {
			da[i] += g * n.b.Data[i]
		}
	}
	if db := t.grad(n.b); db != nil {
		for i, g := range dy {
			db[i] += g * n.a.Data[i]
		}
	}
}

func backMulBcast(t *Tape, n *node) {
	dy := n.out.Grad
	a, b := n.a.Data, n.b.Data
	bc := newBcast("Mul", n.a.Shape, n.b.Shape)
	in := bc.inner
	sa, sb := bc.stA[max(bc.rank-1, 0)], bc.stB[max(bc.rank-1, 0)]
	da, db := t.grad(n.a), t.grad(n.b)
	for r := 0; r < bc.rows; r++ {
		oa, ob := bc.offsets(r)
		g := dy[r*in : (r+1)*in]
		if da != nil {
			for j, v := range g {
				da[oa+j*sa] += v * b[ob+j*sb]
			}
		}
		if db != nil {
			for j, v := range g {
				db[ob+j*sb] += v * a[oa+j*sa]
			}
		}
	}
}

// Scale returns s·x.
func (t *Tape) Scale(x *Var, s float32) *Var {
	y := t.newVarRaw(x.Shape)
	for i, v := range x.Data {
		y.Data[i] = s * v
	}
	if nd := t.rec(backScale, y, x); nd != nil {
		nd.f[0] = s
	}
	return y
}

func backScale(t *Tape, n *node) {
	if dx := t.grad(n.a); dx != nil {
		s := n.f[0]
		for i, g := range n.out.Grad {
			dx[i] += s * g
		}
	}
}

// Sum returns the sum of all elements as a [1] Var (for losses).
func (t *Tape) Sum(x *Var) *Var { return t.sumScaled(x, 1) }

// Mean returns the mean of all elements as a [1] Var.
func (t *Tape) Mean(x *Var) *Var {
	if len(x.Data) == 0 {
		return t.sumScaled(x, 0)
	}
	return t.sumScaled(x, 1/float32(len(x.Data)))
}

func (t *Tape) sumScaled(x *Var, s float32) *Var {
	y := t.newVarRaw([]int{1})
	// Accumulate in float64: losses are sums over many terms.
	var acc float64
	for _, v := range x.Data {
		acc += float64(v)
	}
	y.Data[0] = float32(acc * float64(s))
	if nd := t.rec(backSum, y, x); nd != nil {
		nd.f[0] = s
	}
	return y
}

func backSum(t *Tape, n *node) {
	if dx := t.grad(n.a); dx != nil {
		g := n.out.Grad[0] * n.f[0]
		for i := range dx {
			dx[i] += g
		}
	}
}

// SumAxis returns the sum of x over axis, which is removed from the shape
// (keepDim false) or kept with size 1.
func (t *Tape) SumAxis(x *Var, axis int, keepDim bool) *Var {
	return t.reduceAxis(x, axis, keepDim, 1)
}

// MeanAxis returns the mean of x over axis (mean pooling).
func (t *Tape) MeanAxis(x *Var, axis int, keepDim bool) *Var {
	axis = normAxis("MeanAxis", axis, len(x.Shape))
	d := x.Shape[axis]
	s := float32(1)
	if d > 0 {
		s = 1 / float32(d)
	}
	return t.reduceAxis(x, axis, keepDim, s)
}

func normAxis(op string, axis, rank int) int {
	if axis < 0 {
		axis += rank
	}
	if axis < 0 || axis >= rank {
		panic(fmt.Sprintf("nn.%s: axis out of range for rank %d", op, rank))
	}
	return axis
}

// outerInner splits shape around axis: the product of dimensions before
// it, its size, and the product after it.
func outerInner(shape []int, axis int) (outer, mid, inner int) {
	outer, inner = 1, 1
	for i := 0; i < axis; i++ {
		outer *= shape[i]
	}
	for i := axis + 1; i < len(shape); i++ {
		inner *= shape[i]
	}
	return outer, shape[axis], inner
}

func (t *Tape) reduceAxis(x *Var, axis int, keepDim bool, s float32) *Var {
	axis = normAxis("SumAxis", axis, len(x.Shape))
	outer, mid, inner := outerInner(x.Shape, axis)
	var shape [maxRank]int
	n := 0
	for i, d := range x.Shape {
		if i == axis {
			if keepDim {
				shape[n] = 1
				n++
			}
			continue
		}
		shape[n] = d
		n++
	}
	y := t.newVar(shape[:n])
	for o := 0; o < outer; o++ {
		yr := y.Data[o*inner : (o+1)*inner]
		for m := 0; m < mid; m++ {
			xr := x.Data[(o*mid+m)*inner : (o*mid+m+1)*inner]
			for j, v := range xr {
				yr[j] += v
			}
		}
		if s != 1 {
			for j := range yr {
				yr[j] *= s
			}
		}
	}
	if nd := t.rec(backReduceAxis, y, x); nd != nil {
		nd.i[0], nd.i[1], nd.i[2] = outer, mid, inner
		nd.f[0] = s
	}
	return y
}

func backReduceAxis(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	outer, mid, inner, s := n.i[0], n.i[1], n.i[2], n.f[0]
	dy := n.out.Grad
	for o := 0; o < outer; o++ {
		g := dy[o*inner : (o+1)*inner]
		for m := 0; m < mid; m++ {
			dr := dx[(o*mid+m)*inner : (o*mid+m+1)*inner]
			for j, v := range g {
				dr[j] += s * v
			}
		}
	}
}
