package nn

import (
	"fmt"
	"slices"

	"github.com/mynah-speech/mynah/internal/vec"
)

// Reshape returns x with a new shape of the same size; one dimension may
// be −1 and is inferred. The data is shared, not copied.
func (t *Tape) Reshape(x *Var, shape ...int) *Var {
	var s [maxRank]int
	if len(shape) > maxRank {
		panic(fmt.Sprintf("nn.Reshape: rank %d exceeds %d", len(shape), maxRank))
	}
	n := copy(s[:], shape)
	infer, known := -1, 1
	for i := 0; i < n; i++ {
		if s[i] == -1 {
			if infer >= 0 {
				panic(fmt.Sprintf("nn.Reshape: two −1 in %v", slices.Clone(shape)))
			}
			infer = i
			continue
		}
		known *= s[i]
	}
	if infer >= 0 && known > 0 {
		s[infer] = len(x.Data) / known
	}
	if numElems(s[:n]) != len(x.Data) {
		panic(fmt.Sprintf("nn.Reshape: %v to %v changes the size", x.Shape, slices.Clone(shape)))
	}
	y := t.emptyVar(s[:n])
	y.Data = x.Data
	t.rec(backIdentity, y, x)
	return y
}

// backIdentity adds the output gradient to the input's (same size).
func backIdentity(t *Tape, n *node) {
	if dx, fresh := t.gradOut(n.a); fresh {
		copy(dx, n.out.Grad)
	} else if dx != nil {
		vec.Axpy(1, n.out.Grad, dx)
	}
}

// Permute returns x with its dimensions reordered: output dimension i is
// input dimension perm[i] (a general transpose; [B,T,H,D] with perm
// 0,2,1,3 gives [B,H,T,D]). The result is a contiguous copy.
func (t *Tape) Permute(x *Var, perm ...int) *Var {
	r := len(x.Shape)
	if len(perm) != r {
		panic(fmt.Sprintf("nn.Permute: permutation %v for shape %v", slices.Clone(perm), x.Shape))
	}
	var seen [maxRank]bool
	var shape [maxRank]int
	for i, p := range perm {
		if p < 0 || p >= r || seen[p] {
			panic(fmt.Sprintf("nn.Permute: %v is not a permutation", slices.Clone(perm)))
		}
		seen[p] = true
		shape[i] = x.Shape[p]
	}
	y := t.newVarRaw(shape[:r])
	var pr [maxRank]int
	copy(pr[:], perm)
	permuteCopy(x.Data, y.Data, x.Shape, pr[:r], false)
	if nd := t.rec(backPermute, y, x); nd != nil {
		nd.ints = t.ints.alloc(r)
		copy(nd.ints, perm)
	}
	return y
}

// permuteCopy writes src (shape) permuted by perm into dst, or when add is
// set, adds src's values from dst's positions back: with add, dst is read
// in output order and accumulated into src order (the adjoint).
func permuteCopy(src, dst []float32, shape []int, perm []int, add bool) {
	r := len(shape)
	var inStride [maxRank]int
	s := 1
	for i := r - 1; i >= 0; i-- {
		inStride[i] = s
		s *= shape[i]
	}
	// Strides of the source seen in output order.
	var st, outShape [maxRank]int
	for i := 0; i < r; i++ {
		st[i] = inStride[perm[i]]
		outShape[i] = shape[perm[i]]
	}
	if len(src) == 0 {
		return
	}
	inner := outShape[r-1]
	innerSt := st[r-1]
	var idx [maxRank]int
	off := 0
	for o := 0; o < len(dst); o += inner {
		if add {
			d := dst[o : o+inner]
			for j, v := range d {
				src[off+j*innerSt] += v
			}
		} else {
			d := dst[o : o+inner]
			for j := range d {
				d[j] = src[off+j*innerSt]
			}
		}
		// Advance the odometer over the outer output dimensions.
		for i := r - 2; i >= 0; i-- {
			idx[i]++
			off += st[i]
			if idx[i] < outShape[i] {
				break
			}
			off -= st[i] * idx[i]
			idx[i] = 0
		}
	}
}

func backPermute(t *Tape, n *node) {
	if dx := t.grad(n.a); dx != nil {
		permuteCopy(dx, n.out.Grad, n.a.Shape, n.ints, true)
	}
}

// Transpose swaps dimensions i and j.
func (t *Tape) Transpose(x *Var, i, j int) *Var {
	r := len(x.Shape)
	i, j = normAxis("Transpose", i, r), normAxis("Transpose", j, r)
	var perm [maxRank]int
	for k := range r {
		perm[k] = k
	}
	perm[i], perm[j] = j, i
	return t.Permute(x, perm[:r]...)
}

// Concat joins xs along axis; all other dimensions must agree.
func (t *Tape) Concat(axis int, xs ...*Var) *Var {
	if len(xs) == 0 {
		panic("nn.Concat: no inputs")
	}
	r := len(xs[0].Shape)
	axis = normAxis("Concat", axis, r)
	var shape [maxRank]int
	copy(shape[:], xs[0].Shape)
	total := 0
	for _, x := range xs {
		if len(x.Shape) != r {
			panic(fmt.Sprintf("nn.Concat: ranks differ: %v and %v", xs[0].Shape, x.Shape))
		}
		for i := range r {
			if i != axis && x.Shape[i] != shape[i] {
				panic(fmt.Sprintf("nn.Concat: shapes %v and %v differ off axis %d", xs[0].Shape, x.Shape, axis))
			}
		}
		total += x.Shape[axis]
	}
	shape[axis] = total
	y := t.newVarRaw(shape[:r])
	outer, _, inner := outerInner(shape[:r], axis)
	for o := 0; o < outer; o++ {
		off := o * total * inner
		for _, x := range xs {
			n := x.Shape[axis] * inner
			copy(y.Data[off:off+n], x.Data[o*n:(o+1)*n])
			off += n
		}
	}
	if nd := t.rec(backConcat, y, xs...); nd != nil {
		nd.i[0], nd.i[1], nd.i[2], nd.i[3] = outer, inner, total, axis
		nd.vs = t.varList(xs)
	}
	return y
}

func backConcat(t *Tape, n *node) {
	outer, inner, total, axis := n.i[0], n.i[1], n.i[2], n.i[3]
	off0 := 0
	for _, x := range n.vs {
		axisLen := x.Shape[axis]
		if dx := t.grad(x); dx != nil {
			m := axisLen * inner
			for o := 0; o < outer; o++ {
				g := n.out.Grad[o*total*inner+off0 : o*total*inner+off0+m]
				d := dx[o*m : (o+1)*m]
				for j, v := range g {
					d[j] += v
				}
			}
		}
		off0 += axisLen * inner
	}
}

// Slice returns x restricted to [start, end) along axis (a copy).
func (t *Tape) Slice(x *Var, axis, start, end int) *Var {
	r := len(x.Shape)
	axis = normAxis("Slice", axis, r)
	if start < 0 || end > x.Shape[axis] || start > end {
		panic(fmt.Sprintf("nn.Slice: [%d,%d) of axis %d in %v", start, end, axis, x.Shape))
	}
	var shape [maxRank]int
	copy(shape[:], x.Shape)
	shape[axis] = end - start
	y := t.newVarRaw(shape[:r])
	outer, mid, inner := outerInner(x.Shape, axis)
	m := (end - start) * inner
	for o := 0; o < outer; o++ {
		copy(y.Data[o*m:(o+1)*m], x.Data[(o*mid+start)*inner:])
	}
	if nd := t.rec(backSlice, y, x); nd != nil {
		nd.i[0], nd.i[1], nd.i[2], nd.i[3] = outer, mid, inner, start
		nd.i[4] = end - start
	}
	return y
}

func backSlice(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	outer, mid, inner, start, l := n.i[0], n.i[1], n.i[2], n.i[3], n.i[4]
	m := l * inner
	for o := 0; o < outer; o++ {
		g := n.out.Grad[o*m : (o+1)*m]
		d := dx[(o*mid+start)*inner:]
		for j, v := range g {
			d[j] += v
		}
	}
}
