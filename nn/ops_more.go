package nn

import (
	"errors"
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/internal/vec"
)

// ErrBadIndex reports an Embedding id outside the table.
var ErrBadIndex = errors.New("nn: index out of range")

// Embedding returns the rows of table [V,D] named by ids, shaped
// [shape..., D] (shape's product must be len(ids); no shape gives
// [len(ids), D]). Ids come from data, so one outside [0,V) is an error.
func (t *Tape) Embedding(table *Var, ids []int, shape ...int) (*Var, error) {
	if len(table.Shape) != 2 {
		panic(fmt.Sprintf("nn.Embedding: table %v, want [V,D]", table.Shape))
	}
	V, D := table.Shape[0], table.Shape[1]
	var s [maxRank]int
	n := 1
	if len(shape) == 0 {
		s[0] = len(ids)
	} else {
		if len(shape) >= maxRank {
			panic(fmt.Sprintf("nn.Embedding: rank %d too large", len(shape)+1))
		}
		n = copy(s[:], shape)
		if numElems(s[:n]) != len(ids) {
			panic(fmt.Sprintf("nn.Embedding: %d ids for shape %v", len(ids), s[:n]))
		}
	}
	s[n] = D
	for i, id := range ids {
		if id < 0 || id >= V {
			return nil, fmt.Errorf("nn.Embedding: id %d at position %d, table has %d rows: %w", id, i, V, ErrBadIndex)
		}
	}
	y := t.newVarRaw(s[:n+1])
	for i, id := range ids {
		copy(y.Data[i*D:(i+1)*D], table.Data[id*D:(id+1)*D])
	}
	if nd := t.rec(backEmbedding, y, table); nd != nil {
		nd.ints = t.ints.alloc(len(ids))
		copy(nd.ints, ids)
	}
	return y, nil
}

func backEmbedding(t *Tape, n *node) {
	dw := t.grad(n.a)
	if dw == nil {
		return
	}
	D := n.a.Shape[1]
	for i, id := range n.ints {
		vec.Axpy(1, n.out.Grad[i*D:(i+1)*D], dw[id*D:(id+1)*D])
	}
}

// GroupNorm normalises x [B,C,...] (channels first) over each group of
// C/groups channels and all positions, then applies the per-channel
// gamma and beta [C] (either may be nil): Wu & He, "Group
// Normalization", 2018. groups = C is instance norm; groups = 1 is layer
// norm over channels and positions.
func (t *Tape) GroupNorm(x *Var, groups int, gamma, beta *Var, eps float32) *Var {
	if len(x.Shape) < 2 || groups < 1 || x.Shape[1]%groups != 0 {
		panic(fmt.Sprintf("nn.GroupNorm: x %v with %d groups", x.Shape, groups))
	}
	B, C := x.Shape[0], x.Shape[1]
	L := numElems(x.Shape[2:])
	for _, p := range []*Var{gamma, beta} {
		if p != nil && (len(p.Shape) != 1 || p.Shape[0] != C) {
			panic(fmt.Sprintf("nn.GroupNorm: affine %v for %d channels", p.Shape, C))
		}
	}
	cg := C / groups
	m := cg * L // elements per group
	y := t.newVarRaw(x.Shape)
	stats := t.scratchRaw(2 * B * groups)
	for g := 0; g < B*groups; g++ {
		xs := x.Data[g*m : (g+1)*m]
		var sum float64
		for _, v := range xs {
			sum += float64(v)
		}
		mean := sum / float64(max(m, 1))
		var ss float64
		for _, v := range xs {
			d := float64(v) - mean
			ss += d * d
		}
		rstd := float32(1 / math.Sqrt(ss/float64(max(m, 1))+float64(eps)))
		stats[2*g], stats[2*g+1] = float32(mean), rstd
		ys := y.Data[g*m : (g+1)*m]
		for c := 0; c < cg; c++ {
			ch := (g%groups)*cg + c
			sc, sh := rstd, -float32(mean)*rstd
			if gamma != nil {
				sc *= gamma.Data[ch]
				sh *= gamma.Data[ch]
			}
			if beta != nil {
				sh += beta.Data[ch]
			}
			for j, v := range xs[c*L : (c+1)*L] {
				ys[c*L+j] = v*sc + sh
			}
		}
	}
	if nd := t.rec(backGroupNorm, y, x, gamma, beta); nd != nil {
		nd.buf = stats
		nd.i[0], nd.i[1], nd.i[2], nd.i[3] = B, C, L, groups
	}
	return y
}

func backGroupNorm(t *Tape, n *node) {
	B, C, L, groups := n.i[0], n.i[1], n.i[2], n.i[3]
	x, gamma := n.a, n.b
	dx, dg, db := t.grad(x), t.grad(gamma), t.grad(n.c)
	dy := n.out.Grad
	cg := C / groups
	m := cg * L
	for g := 0; g < B*groups; g++ {
		mean, rstd := n.buf[2*g], n.buf[2*g+1]
		xs, gs := x.Data[g*m:(g+1)*m], dy[g*m:(g+1)*m]
		// ĝ = dy·γ; dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) over the group.
		var sg, sgx float64
		for c := 0; c < cg; c++ {
			ch := (g%groups)*cg + c
			gm := float32(1)
			if gamma != nil {
				gm = gamma.Data[ch]
			}
			var dgc, dbc float32
			for j := c * L; j < (c+1)*L; j++ {
				xh := (xs[j] - mean) * rstd
				dgc += gs[j] * xh
				dbc += gs[j]
				sg += float64(gs[j] * gm)
				sgx += float64(gs[j] * gm * xh)
			}
			if dg != nil {
				dg[ch] += dgc
			}
			if db != nil {
				db[ch] += dbc
			}
		}
		if dx == nil {
			continue
		}
		mg, mgx := float32(sg/float64(m)), float32(sgx/float64(m))
		for c := 0; c < cg; c++ {
			ch := (g%groups)*cg + c
			gm := float32(1)
			if gamma != nil {
				gm = gamma.Data[ch]
			}
			for j := c * L; j < (c+1)*L; j++ {
				xh := (xs[j] - mean) * rstd
				dx[g*m+j] += rstd * (gs[j]*gm - mg - xh*mgx)
			}
		}
	}
}

// BatchNormStats are the running mean and variance a BatchNorm keeps for
// inference, updated in training as r ← (1−Momentum)·r + Momentum·batch
// (PyTorch's convention, with the unbiased batch variance).
type BatchNormStats struct {
	Mean, Var []float32
	Momentum  float32
}

// NewBatchNormStats returns stats for c channels: mean 0, variance 1,
// momentum 0.1.
func NewBatchNormStats(c int) *BatchNormStats {
	s := &BatchNormStats{Mean: make([]float32, c), Var: make([]float32, c), Momentum: 0.1}
	for i := range s.Var {
		s.Var[i] = 1
	}
	return s
}

// BatchNorm normalises each channel (the last dimension of x) over all
// other positions (Ioffe & Szegedy, 2015), then applies gamma and beta
// [C] (either may be nil). In training it uses the batch's statistics and
// folds them into st (when non-nil); in inference it uses st. With
// Workers, each worker sees only its shard's statistics, and st must not
// be shared between workers (give worker 0 the stats, others nil).
func (t *Tape) BatchNorm(x, gamma, beta *Var, st *BatchNormStats, eps float32) *Var {
	C := x.Dim(-1)
	rows := len(x.Data) / max(C, 1)
	mean := t.scratch(C)
	rstd := t.scratchRaw(C)
	if t.training || st == nil {
		for r := 0; r < rows; r++ {
			for c, v := range x.Data[r*C : (r+1)*C] {
				mean[c] += v
			}
		}
		for c := range mean {
			mean[c] /= float32(max(rows, 1))
		}
		varc := t.scratch(C)
		for r := 0; r < rows; r++ {
			for c, v := range x.Data[r*C : (r+1)*C] {
				d := v - mean[c]
				varc[c] += d * d
			}
		}
		for c := range rstd {
			rstd[c] = float32(1 / math.Sqrt(float64(varc[c]/float32(max(rows, 1))+eps)))
		}
		if t.training && st != nil {
			mom := st.Momentum
			for c := range mean {
				unbiased := varc[c] / float32(max(rows-1, 1))
				st.Mean[c] = (1-mom)*st.Mean[c] + mom*mean[c]
				st.Var[c] = (1-mom)*st.Var[c] + mom*unbiased
			}
		}
	} else {
		copy(mean, st.Mean)
		for c := range rstd {
			rstd[c] = float32(1 / math.Sqrt(float64(st.Var[c]+eps)))
		}
	}
	y := t.newVarRaw(x.Shape)
	for r := 0; r < rows; r++ {
		xr, yr := x.Data[r*C:(r+1)*C], y.Data[r*C:(r+1)*C]
		for c, v := range xr {
			h := (v - mean[c]) * rstd[c]
			if gamma != nil {
				h *= gamma.Data[c]
			}
			if beta != nil {
				h += beta.Data[c]
			}
			yr[c] = h
		}
	}
	if nd := t.rec(backBatchNorm, y, x, gamma, beta); nd != nil {
		nd.buf, nd.buf2 = mean, rstd
		nd.i[0] = b2i(t.training || st == nil) // batch statistics used
	}
	return y
}

func backBatchNorm(t *Tape, n *node) {
	x, gamma := n.a, n.b
	C := x.Dim(-1)
	rows := len(x.Data) / max(C, 1)
	mean, rstd := n.buf, n.buf2
	dx, dg, db := t.grad(x), t.grad(gamma), t.grad(n.c)
	dy := n.out.Grad
	sg := t.scratch(C)  // Σ dy
	sgx := t.scratch(C) // Σ dy·x̂
	for r := 0; r < rows; r++ {
		xr, gr := x.Data[r*C:(r+1)*C], dy[r*C:(r+1)*C]
		for c, g := range gr {
			sg[c] += g
			sgx[c] += g * (xr[c] - mean[c]) * rstd[c]
		}
	}
	if dg != nil {
		vec.Axpy(1, sgx, dg)
	}
	if db != nil {
		vec.Axpy(1, sg, db)
	}
	if dx == nil {
		return
	}
	batchStats := n.i[0] == 1
	inv := 1 / float32(max(rows, 1))
	for r := 0; r < rows; r++ {
		xr, gr, dr := x.Data[r*C:(r+1)*C], dy[r*C:(r+1)*C], dx[r*C:(r+1)*C]
		for c, g := range gr {
			gm := float32(1)
			if gamma != nil {
				gm = gamma.Data[c]
			}
			if !batchStats {
				dr[c] += g * gm * rstd[c]
				continue
			}
			xh := (xr[c] - mean[c]) * rstd[c]
			dr[c] += gm * rstd[c] * (g - sg[c]*inv - xh*sgx[c]*inv)
		}
	}
}

// MaxAxis returns the maximum of x over axis, which is removed (keepDim
// false) or kept with size 1: max pooling over time or frequency. The
// gradient goes to the first maximal element.
func (t *Tape) MaxAxis(x *Var, axis int, keepDim bool) *Var {
	axis = normAxis("MaxAxis", axis, len(x.Shape))
	outer, mid, inner := outerInner(x.Shape, axis)
	if mid == 0 {
		panic(fmt.Sprintf("nn.MaxAxis: empty axis %d of %v", axis, x.Shape))
	}
	var shape [maxRank]int
	r := 0
	for i, d := range x.Shape {
		if i == axis {
			if keepDim {
				shape[r] = 1
				r++
			}
			continue
		}
		shape[r] = d
		r++
	}
	y := t.newVarRaw(shape[:r])
	arg := t.ints.alloc(outer * inner)
	for o := 0; o < outer; o++ {
		yr := y.Data[o*inner : (o+1)*inner]
		copy(yr, x.Data[o*mid*inner:])
		ar := arg[o*inner : (o+1)*inner]
		for m := 1; m < mid; m++ {
			xr := x.Data[(o*mid+m)*inner : (o*mid+m+1)*inner]
			for j, v := range xr {
				if v > yr[j] {
					yr[j], ar[j] = v, m
				}
			}
		}
	}
	if nd := t.rec(backMaxAxis, y, x); nd != nil {
		nd.ints = arg
		nd.i[0], nd.i[1], nd.i[2] = outer, mid, inner
	}
	return y
}

func backMaxAxis(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	outer, mid, inner := n.i[0], n.i[1], n.i[2]
	for o := 0; o < outer; o++ {
		for j := 0; j < inner; j++ {
			dx[(o*mid+n.ints[o*inner+j])*inner+j] += n.out.Grad[o*inner+j]
		}
	}
}

// AttentionPool returns Σ_t softmax(scores)_t · x_t for x [B,T,C] and
// scores [B,T] (for example Linear(x, w [1,C]) reshaped), over the first
// lens[b] frames of each item (nil lens: all): attentive pooling of a
// sequence into one vector [B,C], as in emotion and speaker models
// (Okabe et al., "Attentive Statistics Pooling", 2018, without the
// statistics). An item of length 0 pools to zeros.
func (t *Tape) AttentionPool(x, scores *Var, lens []int) *Var {
	if len(x.Shape) != 3 || len(scores.Shape) != 2 || scores.Shape[0] != x.Shape[0] || scores.Shape[1] != x.Shape[1] {
		panic(fmt.Sprintf("nn.AttentionPool: x %v, scores %v: want [B,T,C], [B,T]", x.Shape, scores.Shape))
	}
	B, T, C := x.Shape[0], x.Shape[1], x.Shape[2]
	if lens != nil && len(lens) != B {
		panic(fmt.Sprintf("nn.AttentionPool: %d lengths for batch %d", len(lens), B))
	}
	p := t.scratchRaw(B * T)
	y := t.newVar([]int{B, C})
	saved := t.ints.alloc(B)
	for b := 0; b < B; b++ {
		n := T
		if lens != nil {
			n = min(max(lens[b], 0), T)
		}
		saved[b] = n
		pr := p[b*T : (b+1)*T]
		clear(pr[n:])
		softmaxRow(scores.Data[b*T:b*T+n], pr[:n])
		for ti := 0; ti < n; ti++ {
			vec.Axpy(pr[ti], x.Data[(b*T+ti)*C:(b*T+ti+1)*C], y.Data[b*C:(b+1)*C])
		}
	}
	if nd := t.rec(backAttentionPool, y, x, scores); nd != nil {
		nd.buf = p
		nd.ints = saved
	}
	return y
}

func backAttentionPool(t *Tape, n *node) {
	x, scores := n.a, n.b
	B, T, C := x.Shape[0], x.Shape[1], x.Shape[2]
	dx, ds := t.grad(x), t.grad(scores)
	for b := 0; b < B; b++ {
		g := n.out.Grad[b*C : (b+1)*C]
		y := n.out.Data[b*C : (b+1)*C]
		pr := n.buf[b*T : (b+1)*T]
		for ti := 0; ti < n.ints[b]; ti++ {
			xr := x.Data[(b*T+ti)*C : (b*T+ti+1)*C]
			if dx != nil {
				vec.Axpy(pr[ti], g, dx[(b*T+ti)*C:(b*T+ti+1)*C])
			}
			if ds != nil {
				// d y/d s_t = p_t·(x_t − y).
				ds[b*T+ti] += pr[ti] * (vec.Dot(g, xr) - vec.Dot(g, y))
			}
		}
	}
}

// Conv1D is a grouped, strided, dilated convolution over time for
// channels-last sequences: x [B,T,Cin], w [Cout, Cin/groups, K] (PyTorch's
// layout), b [Cout] or nil, padded with padLeft and padRight zero frames;
// the result is [B, T', Cout] with T' = (T + padLeft + padRight −
// dilation·(K−1) − 1)/stride + 1. Each group's frames are lowered to
// columns and multiplied in one GEMM per batch item.
func (t *Tape) Conv1D(x, w, b *Var, stride, padLeft, padRight, dilation, groups int) *Var {
	if len(x.Shape) != 3 || len(w.Shape) != 3 || groups < 1 || x.Shape[2]%groups != 0 ||
		w.Shape[0]%groups != 0 || w.Shape[1] != x.Shape[2]/groups {
		panic(fmt.Sprintf("nn.Conv1D: x %v, w %v, %d groups: want x [B,T,Cin], w [Cout,Cin/groups,K]", x.Shape, w.Shape, groups))
	}
	if stride < 1 || dilation < 1 || padLeft < 0 || padRight < 0 {
		panic(fmt.Sprintf("nn.Conv1D: stride %d dilation %d padding %d,%d", stride, dilation, padLeft, padRight))
	}
	B, T, Cin := x.Shape[0], x.Shape[1], x.Shape[2]
	Cout, Cg, K := w.Shape[0], w.Shape[1], w.Shape[2]
	if b != nil && (len(b.Shape) != 1 || b.Shape[0] != Cout) {
		panic(fmt.Sprintf("nn.Conv1D: bias %v for %d channels", b.Shape, Cout))
	}
	span := T + padLeft + padRight - dilation*(K-1)
	To := 0
	if span > 0 {
		To = (span-1)/stride + 1
	}
	y := t.newVarRaw([]int{B, To, Cout})
	og, ck := Cout/groups, Cg*K
	col := t.scratchRaw(To * ck)
	geo := conv1dGeom{T: T, Cin: Cin, Cg: Cg, K: K, To: To, stride: stride, padLeft: padLeft, dilation: dilation}
	for bi := 0; bi < B; bi++ {
		xb := x.Data[bi*T*Cin : (bi+1)*T*Cin]
		yb := y.Data[bi*To*Cout : (bi+1)*To*Cout]
		for g := 0; g < groups; g++ {
			geo.im2col(xb, col, g)
			wg := w.Data[g*og*ck : (g+1)*og*ck]
			if b != nil && g == 0 {
				// Bias for every group at once; the GEMMs then accumulate.
				for to := 0; to < To; to++ {
					copy(yb[to*Cout:(to+1)*Cout], b.Data)
				}
			}
			beta := float32(0)
			if b != nil {
				beta = 1
			}
			t.sgemm(false, true, To, og, ck, 1, col, ck, wg, ck, beta, yb[g*og:], Cout)
		}
	}
	nd := t.rec(backConv1D, y, x, w, b)
	if nd != nil {
		nd.buf = col
		nd.i = [8]int{stride, padLeft, dilation, groups, To}
	}
	t.releaseScratch(col, nd)
	return y
}

type conv1dGeom struct {
	T, Cin, Cg, K, To, stride, padLeft, dilation int
}

// im2col writes group g's columns of one item x [T,Cin] into col
// [To, Cg·K], ordered (channel, tap) like a weight row.
func (c *conv1dGeom) im2col(x, col []float32, g int) {
	ck := c.Cg * c.K
	for to := 0; to < c.To; to++ {
		row := col[to*ck : (to+1)*ck]
		if c.K == 3 && c.im2colRow3(x, row, to, g) {
			continue
		}
		for k := 0; k < c.K; k++ {
			ti := to*c.stride - c.padLeft + k*c.dilation
			if ti < 0 || ti >= c.T {
				for ch := 0; ch < c.Cg; ch++ {
					row[ch*c.K+k] = 0
				}
				continue
			}
			xr := x[ti*c.Cin+g*c.Cg : ti*c.Cin+(g+1)*c.Cg]
			for ch, v := range xr {
				row[ch*c.K+k] = v
			}
		}
	}
}

// im2colRow3 writes output row to's columns for a kernel of three taps
// that all fall inside x, interleaving the three source rows in one
// sequential pass (the general loop writes each tap with a stride of K
// and checks bounds per element; kernel 3 is every TTS convolution). It
// reports false, writing nothing, when a tap falls in the padding.
func (c *conv1dGeom) im2colRow3(x, row []float32, to, g int) bool {
	t0 := to*c.stride - c.padLeft
	t2 := t0 + 2*c.dilation
	if t0 < 0 || t2 >= c.T {
		return false
	}
	off := g * c.Cg
	r0 := x[t0*c.Cin+off : t0*c.Cin+off+c.Cg]
	r1 := x[(t0+c.dilation)*c.Cin+off:]
	r1 = r1[:len(r0)]
	r2 := x[t2*c.Cin+off:]
	r2 = r2[:len(r0)]
	row = row[:3*len(r0)]
	for ch, v := range r0 {
		d := (*[3]float32)(row[3*ch:])
		d[0], d[1], d[2] = v, r1[ch], r2[ch]
	}
	return true
}

// col2im adds col [To, Cg·K] back into group g of dx [T,Cin].
func (c *conv1dGeom) col2im(col, dx []float32, g int) {
	ck := c.Cg * c.K
	for to := 0; to < c.To; to++ {
		row := col[to*ck : (to+1)*ck]
		for k := 0; k < c.K; k++ {
			ti := to*c.stride - c.padLeft + k*c.dilation
			if ti < 0 || ti >= c.T {
				continue
			}
			dr := dx[ti*c.Cin+g*c.Cg : ti*c.Cin+(g+1)*c.Cg]
			for ch := range dr {
				dr[ch] += row[ch*c.K+k]
			}
		}
	}
}

func backConv1D(t *Tape, n *node) {
	x, w := n.a, n.b
	B, T, Cin := x.Shape[0], x.Shape[1], x.Shape[2]
	Cout, Cg, K := w.Shape[0], w.Shape[1], w.Shape[2]
	stride, padLeft, dilation, groups, To := n.i[0], n.i[1], n.i[2], n.i[3], n.i[4]
	og, ck := Cout/groups, Cg*K
	geo := conv1dGeom{T: T, Cin: Cin, Cg: Cg, K: K, To: To, stride: stride, padLeft: padLeft, dilation: dilation}
	dx, dw, db := t.grad(x), t.grad(w), t.grad(n.c)
	dy := n.out.Grad
	col := n.buf
	var dcol []float32
	if dx != nil {
		dcol = t.scratchRaw(To * ck)
	}
	for bi := 0; bi < B; bi++ {
		xb := x.Data[bi*T*Cin : (bi+1)*T*Cin]
		dyb := dy[bi*To*Cout : (bi+1)*To*Cout]
		if db != nil {
			colSumInto(db, dyb, To, Cout)
		}
		for g := 0; g < groups; g++ {
			wg := w.Data[g*og*ck : (g+1)*og*ck]
			if dw != nil {
				geo.im2col(xb, col, g)
				t.sgemm(true, false, og, ck, To, 1, dyb[g*og:], Cout, col, ck, 1, dw[g*og*ck:], ck)
			}
			if dx != nil {
				t.sgemm(false, false, To, ck, og, 1, dyb[g*og:], Cout, wg, ck, 0, dcol, ck)
				geo.col2im(dcol, dx[bi*T*Cin:(bi+1)*T*Cin], g)
			}
		}
	}
}

// MaskLengths returns x [B,T,...] with every frame t ≥ lens[b] set to
// zero, so padding cannot leak into valid frames through a symmetric
// convolution or into a sum over time.
func (t *Tape) MaskLengths(x *Var, lens []int) *Var {
	if len(x.Shape) < 2 || len(lens) != x.Shape[0] {
		panic(fmt.Sprintf("nn.MaskLengths: x %v with %d lengths: want [B,T,...] and B lengths", x.Shape, len(lens)))
	}
	B, T := x.Shape[0], x.Shape[1]
	inner := numElems(x.Shape[2:])
	y := t.newVarRaw(x.Shape)
	saved := t.ints.alloc(B)
	for b := 0; b < B; b++ {
		n := min(max(lens[b], 0), T)
		saved[b] = n
		copy(y.Data[b*T*inner:(b*T+n)*inner], x.Data[b*T*inner:])
		clear(y.Data[(b*T+n)*inner : (b+1)*T*inner])
	}
	if nd := t.rec(backMaskLengths, y, x); nd != nil {
		nd.ints = saved
	}
	return y
}

func backMaskLengths(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	B, T := n.a.Shape[0], n.a.Shape[1]
	inner := numElems(n.a.Shape[2:])
	for b := 0; b < B; b++ {
		lo, hi := b*T*inner, (b*T+n.ints[b])*inner
		vec.Axpy(1, n.out.Grad[lo:hi], dx[lo:hi])
	}
}

// MaskedMean returns the mean of x [B,T,C] over the first lens[b] frames
// of each item, [B,C]: mean pooling of padded sequences. An item of
// length 0 gives zeros.
func (t *Tape) MaskedMean(x *Var, lens []int) *Var {
	if len(x.Shape) != 3 || len(lens) != x.Shape[0] {
		panic(fmt.Sprintf("nn.MaskedMean: x %v with %d lengths: want [B,T,C] and B lengths", x.Shape, len(lens)))
	}
	B, T, C := x.Shape[0], x.Shape[1], x.Shape[2]
	y := t.newVar([]int{B, C})
	saved := t.ints.alloc(B)
	for b := 0; b < B; b++ {
		n := min(max(lens[b], 0), T)
		saved[b] = n
		yr := y.Data[b*C : (b+1)*C]
		for ti := 0; ti < n; ti++ {
			vec.Axpy(1, x.Data[(b*T+ti)*C:(b*T+ti+1)*C], yr)
		}
		if n > 0 {
			vec.Scale(1/float32(n), yr)
		}
	}
	if nd := t.rec(backMaskedMean, y, x); nd != nil {
		nd.ints = saved
	}
	return y
}

func backMaskedMean(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	B, T, C := n.a.Shape[0], n.a.Shape[1], n.a.Shape[2]
	for b := 0; b < B; b++ {
		cnt := n.ints[b]
		if cnt == 0 {
			continue
		}
		g := n.out.Grad[b*C : (b+1)*C]
		for ti := 0; ti < cnt; ti++ {
			vec.Axpy(1/float32(cnt), g, dx[(b*T+ti)*C:(b*T+ti+1)*C])
		}
	}
}
