package nn

import (
	"fmt"

	"github.com/mynah-speech/mynah/internal/vec"
)

// Conv2D returns the 2-D cross-correlation of x [B,C,H,W] with w
// [O,C,KH,KW] plus b [O] (or nil), with the given strides and zero
// padding on both sides; the result is [B,O,OH,OW] with
// OH = (H + 2·padH − KH)/strideH + 1, and likewise OW.
//
// It lowers each image to columns (im2col, Chellapilla et al., 2006) a
// block of output rows at a time, sized to stay in cache, and multiplies
// each block in vec.Sgemm. The columns are rebuilt in backward rather
// than kept, trading a cheap copy for memory.
func (t *Tape) Conv2D(x, w, b *Var, strideH, strideW, padH, padW int) *Var {
	if len(x.Shape) != 4 || len(w.Shape) != 4 || x.Shape[1] != w.Shape[1] {
		panic(fmt.Sprintf("nn.Conv2D: x %v, w %v: want x [B,C,H,W], w [O,C,KH,KW]", x.Shape, w.Shape))
	}
	if strideH < 1 || strideW < 1 || padH < 0 || padW < 0 {
		panic(fmt.Sprintf("nn.Conv2D: stride %d×%d, padding %d×%d", strideH, strideW, padH, padW))
	}
	g := conv2dGeom{
		B: x.Shape[0], C: x.Shape[1], H: x.Shape[2], W: x.Shape[3],
		O: w.Shape[0], KH: w.Shape[2], KW: w.Shape[3],
		SH: strideH, SW: strideW, PH: padH, PW: padW,
	}
	g.OH = (g.H+2*padH-g.KH)/strideH + 1
	g.OW = (g.W+2*padW-g.KW)/strideW + 1
	if g.OH < 1 || g.OW < 1 {
		panic(fmt.Sprintf("nn.Conv2D: kernel %v larger than padded input %v", w.Shape, x.Shape))
	}
	if b != nil && (len(b.Shape) != 1 || b.Shape[0] != g.O) {
		panic(fmt.Sprintf("nn.Conv2D: bias %v, want [%d]", b.Shape, g.O))
	}
	y := t.newVarRaw([]int{g.B, g.O, g.OH, g.OW})
	ckk, ohw := g.C*g.KH*g.KW, g.OH*g.OW
	rowsPer := g.blockRows()
	col := t.scratchRaw(ckk * rowsPer * g.OW)
	inSize := g.C * g.H * g.W
	for bi := 0; bi < g.B; bi++ {
		xb := x.Data[bi*inSize : (bi+1)*inSize]
		yb := y.Data[bi*g.O*ohw : (bi+1)*g.O*ohw]
		beta := float32(0)
		if b != nil {
			for o := 0; o < g.O; o++ {
				row := yb[o*ohw : (o+1)*ohw]
				bv := b.Data[o]
				for j := range row {
					row[j] = bv
				}
			}
			beta = 1
		}
		for oh0 := 0; oh0 < g.OH; oh0 += rowsPer {
			oh1 := min(oh0+rowsPer, g.OH)
			cols := (oh1 - oh0) * g.OW
			g.im2col(xb, col[:ckk*cols], oh0, oh1)
			t.sgemm(false, false, g.O, cols, ckk, 1, w.Data, ckk, col, cols, beta, yb[oh0*g.OW:], ohw)
		}
	}
	nd := t.rec(backConv2D, y, x, w, b)
	if nd != nil {
		nd.buf = col
		gi := g.ints()
		nd.ints = t.ints.alloc(len(gi))
		copy(nd.ints, gi[:])
	}
	t.releaseScratch(col, nd)
	return y
}

// blockRows is how many output rows' columns are lowered at a time: about
// 512 KB of columns, so that each block is multiplied while it is still in
// the L2 cache instead of streaming a whole image's columns through memory.
func (g *conv2dGeom) blockRows() int {
	ckk := g.C * g.KH * g.KW
	rows := (128 << 10) / max(ckk*g.OW, 1)
	return min(max(rows, 1), g.OH)
}

type conv2dGeom struct {
	B, C, H, W, O, KH, KW, SH, SW, PH, PW, OH, OW int
}

func (g *conv2dGeom) ints() [13]int {
	return [13]int{g.B, g.C, g.H, g.W, g.O, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.OH, g.OW}
}

func geomFrom(s []int) conv2dGeom {
	return conv2dGeom{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12]}
}

// owRange returns the output columns [lo, hi) whose input column
// ow·SW − PW + kw lies inside [0, W).
func (g *conv2dGeom) owRange(kw int) (lo, hi int) {
	// iw = ow*SW - PW + kw >= 0  ⇔  ow >= ceil((PW-kw)/SW)
	lo = 0
	if d := g.PW - kw; d > 0 {
		lo = (d + g.SW - 1) / g.SW
	}
	// iw <= W-1  ⇔  ow <= floor((W-1+PW-kw)/SW)
	hi = 0
	if d := g.W - 1 + g.PW - kw; d >= 0 {
		hi = min(d/g.SW+1, g.OW)
	}
	return lo, max(hi, lo)
}

// im2col writes the columns of output rows [oh0, oh1) of one image
// x [C,H,W] into col [C·KH·KW, (oh1−oh0)·OW].
func (g *conv2dGeom) im2col(x, col []float32, oh0, oh1 int) {
	cols := (oh1 - oh0) * g.OW
	r := 0
	for c := 0; c < g.C; c++ {
		xc := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				dst := col[r*cols : (r+1)*cols]
				r++
				lo, hi := g.owRange(kw)
				for oh := oh0; oh < oh1; oh++ {
					row := dst[(oh-oh0)*g.OW : (oh-oh0+1)*g.OW]
					ih := oh*g.SH - g.PH + kh
					if ih < 0 || ih >= g.H {
						clear(row)
						continue
					}
					clear(row[:lo])
					clear(row[hi:])
					src := xc[ih*g.W:]
					if g.SW == 1 {
						base := lo - g.PW + kw
						copy(row[lo:hi], src[base:base+hi-lo])
					} else {
						for ow := lo; ow < hi; ow++ {
							row[ow] = src[ow*g.SW-g.PW+kw]
						}
					}
				}
			}
		}
	}
}

// col2im adds the columns of output rows [oh0, oh1), col
// [C·KH·KW, (oh1−oh0)·OW], back into image dx [C,H,W].
func (g *conv2dGeom) col2im(col, dx []float32, oh0, oh1 int) {
	cols := (oh1 - oh0) * g.OW
	r := 0
	for c := 0; c < g.C; c++ {
		dc := dx[c*g.H*g.W : (c+1)*g.H*g.W]
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				src := col[r*cols : (r+1)*cols]
				r++
				lo, hi := g.owRange(kw)
				for oh := oh0; oh < oh1; oh++ {
					ih := oh*g.SH - g.PH + kh
					if ih < 0 || ih >= g.H {
						continue
					}
					row := src[(oh-oh0)*g.OW : (oh-oh0+1)*g.OW]
					drow := dc[ih*g.W:]
					for ow := lo; ow < hi; ow++ {
						drow[ow*g.SW-g.PW+kw] += row[ow]
					}
				}
			}
		}
	}
}

func backConv2D(t *Tape, n *node) {
	g := geomFrom(n.ints)
	x, w := n.a, n.b
	dy := n.out.Grad
	ckk, ohw := g.C*g.KH*g.KW, g.OH*g.OW
	inSize := g.C * g.H * g.W
	dx, dw, db := t.grad(x), t.grad(w), t.grad(n.c)
	rowsPer := g.blockRows()
	col := n.buf // forward's scratch, free again now
	var dcol []float32
	if dx != nil {
		dcol = t.scratchRaw(ckk * rowsPer * g.OW)
	}
	for bi := 0; bi < g.B; bi++ {
		dyb := dy[bi*g.O*ohw : (bi+1)*g.O*ohw]
		if db != nil {
			for o := 0; o < g.O; o++ {
				db[o] += vec.Sum(dyb[o*ohw : (o+1)*ohw])
			}
		}
		for oh0 := 0; oh0 < g.OH; oh0 += rowsPer {
			oh1 := min(oh0+rowsPer, g.OH)
			cols := (oh1 - oh0) * g.OW
			dyBlk := dyb[oh0*g.OW:]
			if dw != nil {
				g.im2col(x.Data[bi*inSize:(bi+1)*inSize], col[:ckk*cols], oh0, oh1)
				t.sgemm(false, true, g.O, ckk, cols, 1, dyBlk, ohw, col, cols, 1, dw, ckk)
			}
			if dx != nil {
				t.sgemm(true, false, ckk, cols, g.O, 1, w.Data, ckk, dyBlk, ohw, 0, dcol, cols)
				g.col2im(dcol[:ckk*cols], dx[bi*inSize:(bi+1)*inSize], oh0, oh1)
			}
		}
	}
}

// DepthwiseConv1D convolves each channel of x [B,T,C] with its own kernel
// w [C,K], plus b [C] (or nil), and returns [B,T,C]: Conformer's
// convolution module (Gulati et al., 2020). causal pads K−1 frames on the
// left, so frame t sees only frames ≤ t (streaming); otherwise the padding
// is split, (K−1)/2 on the left.
func (t *Tape) DepthwiseConv1D(x, w, b *Var, causal bool) *Var {
	k := w.Dim(-1)
	left := (k - 1) / 2
	if causal {
		left = k - 1
	}
	return t.DepthwiseConv1DPad(x, w, b, left, k-1-left, 1)
}

// DepthwiseConv1DContext is the causal DepthwiseConv1D of x [B,T,C] given
// the K−1 frames before it in ctx [B,K−1,C] (cached state when streaming
// chunk by chunk; zeros at the start). The result is [B,T,C]. The next
// chunk's context is the last K−1 frames of Concat(ctx, x) along axis 1.
func (t *Tape) DepthwiseConv1DContext(x, ctx, w, b *Var) *Var {
	if len(ctx.Shape) != 3 || ctx.Shape[1] != w.Dim(-1)-1 {
		panic(fmt.Sprintf("nn.DepthwiseConv1DContext: context %v for kernel %v", ctx.Shape, w.Shape))
	}
	full := t.Concat(1, ctx, x)
	return t.DepthwiseConv1DPad(full, w, b, 0, 0, 1)
}

// DepthwiseConv1DPad is the general depthwise convolution over time: x
// [B,T,C] padded with padLeft and padRight zero frames, kernel w [C,K]
// with taps dilation frames apart, bias b [C] or nil. The result has
// T + padLeft + padRight − dilation·(K−1) frames.
func (t *Tape) DepthwiseConv1DPad(x, w, b *Var, padLeft, padRight, dilation int) *Var {
	if len(x.Shape) != 3 || len(w.Shape) != 2 || w.Shape[0] != x.Shape[2] {
		panic(fmt.Sprintf("nn.DepthwiseConv1D: x %v, w %v: want x [B,T,C], w [C,K]", x.Shape, w.Shape))
	}
	if b != nil && (len(b.Shape) != 1 || b.Shape[0] != x.Shape[2]) {
		panic(fmt.Sprintf("nn.DepthwiseConv1D: bias %v for %d channels", b.Shape, x.Shape[2]))
	}
	if padLeft < 0 || padRight < 0 || dilation < 1 {
		panic(fmt.Sprintf("nn.DepthwiseConv1D: padding %d,%d dilation %d", padLeft, padRight, dilation))
	}
	B, T, C := x.Shape[0], x.Shape[1], x.Shape[2]
	K := w.Shape[1]
	To := T + padLeft + padRight - dilation*(K-1)
	if To < 0 {
		To = 0
	}
	y := t.newVarRaw([]int{B, To, C})
	// Transpose the kernel to [K,C] so the inner loop runs along channels.
	wt := t.scratchRaw(K * C)
	for c := 0; c < C; c++ {
		for k := 0; k < K; k++ {
			wt[k*C+c] = w.Data[c*K+k]
		}
	}
	tmp := t.scratchRaw(C)
	for bi := 0; bi < B; bi++ {
		xb := x.Data[bi*T*C : (bi+1)*T*C]
		for to := 0; to < To; to++ {
			yr := y.Data[(bi*To+to)*C : (bi*To+to+1)*C]
			if b != nil {
				copy(yr, b.Data)
			} else {
				clear(yr)
			}
			for k := 0; k < K; k++ {
				ti := to - padLeft + k*dilation
				if ti < 0 || ti >= T {
					continue
				}
				vec.Mul(tmp, wt[k*C:(k+1)*C], xb[ti*C:(ti+1)*C])
				vec.Add(yr, yr, tmp)
			}
		}
	}
	nd := t.rec(backDepthwise, y, x, w, b)
	if nd != nil {
		nd.buf = wt
		nd.i[0], nd.i[1], nd.i[2], nd.i[3] = padLeft, dilation, K, To
	}
	t.releaseScratch(wt, nd)
	t.releaseScratch(tmp, nil)
	return y
}

func backDepthwise(t *Tape, n *node) {
	x := n.a
	B, T, C := x.Shape[0], x.Shape[1], x.Shape[2]
	padLeft, dilation, K, To := n.i[0], n.i[1], n.i[2], n.i[3]
	wt := n.buf
	dy := n.out.Grad
	dx, dw, db := t.grad(x), t.grad(n.b), t.grad(n.c)
	var dwt []float32
	if dw != nil {
		dwt = t.scratch(K * C)
	}
	tmp := t.scratchRaw(C)
	for bi := 0; bi < B; bi++ {
		xb := x.Data[bi*T*C : (bi+1)*T*C]
		for to := 0; to < To; to++ {
			g := dy[(bi*To+to)*C : (bi*To+to+1)*C]
			if db != nil {
				vec.Add(db, db, g)
			}
			for k := 0; k < K; k++ {
				ti := to - padLeft + k*dilation
				if ti < 0 || ti >= T {
					continue
				}
				if dx != nil {
					dr := dx[bi*T*C+ti*C : bi*T*C+(ti+1)*C]
					vec.Mul(tmp, wt[k*C:(k+1)*C], g)
					vec.Add(dr, dr, tmp)
				}
				if dwt != nil {
					dk := dwt[k*C : (k+1)*C]
					vec.Mul(tmp, xb[ti*C:(ti+1)*C], g)
					vec.Add(dk, dk, tmp)
				}
			}
		}
	}
	if dw != nil {
		for c := 0; c < C; c++ {
			for k := 0; k < K; k++ {
				dw[c*K+k] += dwt[k*C+c]
			}
		}
	}
}
