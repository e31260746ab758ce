package nn

import (
	"fmt"

	"github.com/mynah-speech/mynah/internal/vec"
)

// Linear returns x·wᵀ + b, the fully connected layer.
//
// x is [..., in]; w is [out, in], the PyTorch layout, so weights convert
// without transposition; b is [out] or nil. The result is [..., out]. All
// leading dimensions of x are folded into one GEMM.
func (t *Tape) Linear(x, w, b *Var) *Var {
	if len(w.Shape) != 2 || len(x.Shape) < 1 || x.Dim(-1) != w.Shape[1] {
		panic(fmt.Sprintf("nn.Linear: x %v, w %v: want x [..., in], w [out, in]", x.Shape, w.Shape))
	}
	out, in := w.Shape[0], w.Shape[1]
	if b != nil && (len(b.Shape) != 1 || b.Shape[0] != out) {
		panic(fmt.Sprintf("nn.Linear: bias %v, want [%d]", b.Shape, out))
	}
	rows := numElems(x.Shape[:len(x.Shape)-1])
	var shape [maxRank]int
	n := copy(shape[:], x.Shape)
	shape[n-1] = out
	y := t.newVarRaw(shape[:n])
	if b != nil {
		t.sgemmBias(false, true, rows, out, in, x.Data, in, w.Data, in, y.Data, out, b.Data)
	} else {
		t.sgemm(false, true, rows, out, in, 1, x.Data, in, w.Data, in, 0, y.Data, out)
	}
	if nd := t.rec(backLinear, y, x, w, b); nd != nil {
		nd.i[0], nd.i[1], nd.i[2] = rows, in, out
	}
	return y
}

func backLinear(t *Tape, n *node) {
	rows, in, out := n.i[0], n.i[1], n.i[2]
	dy := n.out.Grad
	if dx, fresh := t.gradOut(n.a); dx != nil {
		t.sgemm(false, false, rows, in, out, 1, dy, out, n.b.Data, in, betaFor(fresh), dx, in)
	}
	if dw, fresh := t.gradOut(n.b); dw != nil {
		t.sgemm(true, false, out, in, rows, 1, dy, out, n.a.Data, in, betaFor(fresh), dw, in)
	}
	if db := t.grad(n.c); db != nil {
		colSumInto(db, dy, rows, out)
	}
}

// colSumInto adds the column sums of the rows×cols matrix m into dst.
func colSumInto(dst, m []float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		row := m[r*cols : (r+1)*cols]
		for j, v := range row {
			dst[j] += v
		}
	}
}

// MatMul returns the matrix product a·b. Shapes may be [m,k]·[k,n] → [m,n],
// batched [B,m,k]·[B,k,n] → [B,m,n], or [B,m,k]·[k,n] → [B,m,n] (b shared
// across the batch).
func (t *Tape) MatMul(a, b *Var) *Var {
	return t.MatMulT(a, b, false, false)
}

// MatMulT is MatMul with either operand transposed in its last two
// dimensions: op(a)·op(b) where op(x) is x or xᵀ.
func (t *Tape) MatMulT(a, b *Var, transA, transB bool) *Var {
	ra, rb := len(a.Shape), len(b.Shape)
	if ra < 2 || ra > 3 || rb < 2 || rb > 3 || (ra == 2 && rb == 3) {
		panic(fmt.Sprintf("nn.MatMul: shapes %v and %v", a.Shape, b.Shape))
	}
	batch := 1
	if ra == 3 {
		batch = a.Shape[0]
		if rb == 3 && b.Shape[0] != batch {
			panic(fmt.Sprintf("nn.MatMul: batch sizes differ in %v and %v", a.Shape, b.Shape))
		}
	}
	ar, ac := a.Shape[ra-2], a.Shape[ra-1]
	br, bc := b.Shape[rb-2], b.Shape[rb-1]
	m, k := ar, ac
	if transA {
		m, k = ac, ar
	}
	k2, nn := br, bc
	if transB {
		k2, nn = bc, br
	}
	if k != k2 {
		panic(fmt.Sprintf("nn.MatMul: inner dimensions differ in %v and %v", a.Shape, b.Shape))
	}
	var y *Var
	if ra == 3 {
		y = t.newVarRaw([]int{batch, m, nn})
	} else {
		y = t.newVarRaw([]int{m, nn})
	}
	bStride := 0
	if rb == 3 {
		bStride = br * bc
	}
	if ra == 3 && rb == 2 && !transA {
		// Shared right operand: fold the batch into the rows, one GEMM.
		t.sgemm(false, transB, batch*m, nn, k, 1, a.Data, ac, b.Data, bc, 0, y.Data, nn)
	} else {
		for i := 0; i < batch; i++ {
			t.sgemm(transA, transB, m, nn, k, 1, a.Data[i*ar*ac:], ac, b.Data[i*bStride:], bc, 0, y.Data[i*m*nn:], nn)
		}
	}
	if nd := t.rec(backMatMul, y, a, b); nd != nil {
		nd.i = [8]int{batch, m, nn, k, b2i(transA), b2i(transB), bStride, ra}
	}
	return y
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func backMatMul(t *Tape, n *node) {
	batch, m, nn, k := n.i[0], n.i[1], n.i[2], n.i[3]
	transA, transB, bStride := n.i[4] == 1, n.i[5] == 1, n.i[6]
	a, b := n.a, n.b
	ac, bc := a.Dim(-1), b.Dim(-1)
	aSize := a.Dim(-1) * a.Dim(-2)
	dy := n.out.Grad
	if da := t.grad(a); da != nil {
		for i := 0; i < batch; i++ {
			dyi := dy[i*m*nn:]
			// Y = op(A)·op(B). dop(A) = dY·op(B)ᵀ; if A is transposed,
			// dA = (dY·op(B)ᵀ)ᵀ = op(B)·dYᵀ.
			if !transA {
				t.sgemm(false, !transB, m, k, nn, 1, dyi, nn, b.Data[i*bStride:], bc, 1, da[i*aSize:], ac)
			} else {
				t.sgemm(transB, true, k, m, nn, 1, b.Data[i*bStride:], bc, dyi, nn, 1, da[i*aSize:], ac)
			}
		}
	}
	if db := t.grad(b); db != nil {
		for i := 0; i < batch; i++ {
			dyi := dy[i*m*nn:]
			// dop(B) = op(A)ᵀ·dY; if B is transposed, dB = dYᵀ·op(A).
			if !transB {
				t.sgemm(!transA, false, k, nn, m, 1, a.Data[i*aSize:], ac, dyi, nn, 1, db[i*bStride:], bc)
			} else {
				t.sgemm(true, transA, nn, k, m, 1, dyi, nn, a.Data[i*aSize:], ac, 1, db[i*bStride:], bc)
			}
		}
	}
}

// LinearSiLU is SiLU(Linear(x, w, b)). When the tape records, it is
// exactly those two ops; in inference the activation is fused into the
// GEMM's epilogue (vec.SgemmEpilogue), finishing each tile while it is in
// cache, so a streaming model runs faster without a separate pass.
func (t *Tape) LinearSiLU(x, w, b *Var) *Var { return t.linearAct(x, w, b, vec.SiLU) }

// LinearReLU is ReLU(Linear(x, w, b)), fused in inference like LinearSiLU.
func (t *Tape) LinearReLU(x, w, b *Var) *Var { return t.linearAct(x, w, b, vec.ReLU) }

func (t *Tape) linearAct(x, w, b *Var, act vec.Activation) *Var {
	if t.record && (x.needGrad || w.needGrad || (b != nil && b.needGrad)) {
		y := t.Linear(x, w, b)
		if act == vec.SiLU {
			return t.SiLU(y)
		}
		return t.ReLU(y)
	}
	if len(w.Shape) != 2 || len(x.Shape) < 1 || x.Dim(-1) != w.Shape[1] {
		panic(fmt.Sprintf("nn.Linear: x %v, w %v: want x [..., in], w [out, in]", x.Shape, w.Shape))
	}
	out, in := w.Shape[0], w.Shape[1]
	var bias []float32
	if b != nil {
		if len(b.Shape) != 1 || b.Shape[0] != out {
			panic(fmt.Sprintf("nn.Linear: bias %v, want [%d]", b.Shape, out))
		}
		bias = b.Data
	}
	rows := numElems(x.Shape[:len(x.Shape)-1])
	var shape [maxRank]int
	n := copy(shape[:], x.Shape)
	shape[n-1] = out
	y := t.newVarRaw(shape[:n])
	t.flops += 2 * int64(rows) * int64(out) * int64(in)
	vec.SgemmEpilogue(1, false, true, rows, out, in, 1, x.Data, in, w.Data, in, 0, y.Data, out, vec.Epilogue{Bias: bias, Act: act})
	return y
}
