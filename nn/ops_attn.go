package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mynah-speech/mynah/internal/vec"
)

// AttnMask says which keys each query may see. The zero value lets every
// query see every key. Every rule keeps a contiguous range of keys per
// query, so attention normalises only over that range.
type AttnMask struct {
	// KeyLens, when non-nil, holds each batch item's number of valid keys;
	// keys at or beyond it are padding and never seen.
	KeyLens []int
	// QueryOffset is the position of query 0 on the key axis: with Tk−Tq
	// keys cached from earlier chunks it is usually Tk − Tq.
	QueryOffset int
	// ChunkSize > 0 enables chunk masking for dynamic-chunk streaming
	// training (Zhang et al., "Unified Streaming and Non-streaming
	// Two-pass End-to-end Model", 2020): a query in chunk c sees keys in
	// chunks ≤ c.
	ChunkSize int
	// LeftChunks limits chunk masking to the LeftChunks chunks before the
	// query's own; negative means unlimited. Ignored without ChunkSize.
	LeftChunks int
	// Causal hides keys after the query's own position.
	Causal bool
}

// keyRange returns the keys [lo, hi) that query i of batch item b sees.
func (m *AttnMask) keyRange(b, i, tk int) (lo, hi int) {
	hi = tk
	if m.KeyLens != nil {
		hi = min(hi, m.KeyLens[b])
	}
	pos := i + m.QueryOffset
	if m.Causal {
		hi = min(hi, pos+1)
	}
	if m.ChunkSize > 0 {
		c := pos / m.ChunkSize
		hi = min(hi, (c+1)*m.ChunkSize)
		if m.LeftChunks >= 0 {
			lo = max(lo, (c-m.LeftChunks)*m.ChunkSize)
		}
	}
	return lo, max(hi, lo)
}

// Attention is fused multi-head scaled dot-product attention (Vaswani et
// al., 2017): q [B,Tq,D], k and v [B,Tk,D], heads dividing D. Head h uses
// columns h·D/heads … (h+1)·D/heads of each; the result [B,Tq,D] has the
// heads side by side, ready for the output projection. The projections
// and any rotary embedding are done outside (Linear, RoPE).
//
// The softmax probabilities are kept for backward (B·heads·Tq·Tk floats);
// every matrix product runs in vec.Sgemm with strided operands, so no
// head is copied out.
func (t *Tape) Attention(q, k, v *Var, heads int, mask AttnMask) *Var {
	if len(q.Shape) != 3 || len(k.Shape) != 3 || len(v.Shape) != 3 ||
		k.Shape[0] != q.Shape[0] || v.Shape[0] != q.Shape[0] ||
		k.Shape[2] != q.Shape[2] || v.Shape[2] != q.Shape[2] || k.Shape[1] != v.Shape[1] {
		panic(fmt.Sprintf("nn.Attention: q %v, k %v, v %v: want [B,Tq,D], [B,Tk,D], [B,Tk,D]", q.Shape, k.Shape, v.Shape))
	}
	B, Tq, D, Tk := q.Shape[0], q.Shape[1], q.Shape[2], k.Shape[1]
	if heads < 1 || D%heads != 0 {
		panic(fmt.Sprintf("nn.Attention: %d heads do not divide width %d", heads, D))
	}
	if mask.KeyLens != nil && len(mask.KeyLens) != B {
		panic(fmt.Sprintf("nn.Attention: %d key lengths for batch %d", len(mask.KeyLens), B))
	}
	dh := D / heads
	scale := float32(1 / math.Sqrt(float64(dh)))
	y := t.newVarRaw([]int{B, Tq, D})
	probs := t.scratchRaw(B * heads * Tq * Tk)
	// Key ranges per (batch, query), shared by all heads.
	ranges := t.ints.alloc(2 * B * Tq)
	for b := 0; b < B; b++ {
		for i := 0; i < Tq; i++ {
			ranges[2*(b*Tq+i)], ranges[2*(b*Tq+i)+1] = mask.keyRange(b, i, Tk)
		}
	}
	for b := 0; b < B; b++ {
		qb, kb, vb := q.Data[b*Tq*D:], k.Data[b*Tk*D:], v.Data[b*Tk*D:]
		yb := y.Data[b*Tq*D:]
		for h := 0; h < heads; h++ {
			p := probs[(b*heads+h)*Tq*Tk : (b*heads+h+1)*Tq*Tk]
			t.sgemm(false, true, Tq, Tk, dh, scale, qb[h*dh:], D, kb[h*dh:], D, 0, p, Tk)
			maskedSoftmax(p, ranges[2*b*Tq:2*(b+1)*Tq], Tq, Tk)
			t.sgemm(false, false, Tq, dh, Tk, 1, p, Tk, vb[h*dh:], D, 0, yb[h*dh:], D)
		}
	}
	nd := t.rec(backAttention, y, q, k, v)
	if nd != nil {
		nd.buf = probs
		nd.ints = ranges
		nd.i[0] = heads
		nd.f[0] = scale
	}
	t.releaseScratch(probs, nd)
	return y
}

// maskedSoftmax replaces each row i of the Tq×Tk scores p by its softmax
// over the keys [lo, hi) = ranges[2i], ranges[2i+1], and zeros elsewhere.
// The exponentials of the whole block go through one vec.ExpInPlace call
// (masked entries as −∞, which give 0): with the short rows of axial
// attention, per-row calls cost more than the arithmetic.
func maskedSoftmax(p []float32, ranges []int, Tq, Tk int) {
	negInf := float32(math.Inf(-1))
	for i := 0; i < Tq; i++ {
		lo, hi := ranges[2*i], ranges[2*i+1]
		row := p[i*Tk : (i+1)*Tk]
		for j := range row[:lo] {
			row[j] = negInf
		}
		for j := hi; j < Tk; j++ {
			row[j] = negInf
		}
		if hi > lo {
			valid := row[lo:hi]
			m := vec.Max(valid)
			if math.IsInf(float64(m), 0) {
				m = 0 // all −∞ (or +∞) scores: leave them to exp
			}
			for j := range valid {
				valid[j] -= m
			}
		}
	}
	vec.ExpInPlace(p[:Tq*Tk])
	for i := 0; i < Tq; i++ {
		lo, hi := ranges[2*i], ranges[2*i+1]
		if hi > lo {
			valid := p[i*Tk+lo : i*Tk+hi]
			if s := vec.Sum(valid); s > 0 {
				vec.Scale(1/s, valid)
			}
		}
	}
}

func backAttention(t *Tape, n *node) {
	q, k, v := n.a, n.b, n.c
	B, Tq, D, Tk := q.Shape[0], q.Shape[1], q.Shape[2], k.Shape[1]
	heads := n.i[0]
	dh := D / heads
	scale := n.f[0]
	dq, freshQ := t.gradOut(q)
	dk, freshK := t.gradOut(k)
	dv, freshV := t.gradOut(v)
	if q == k || q == v || k == v {
		// Aliased inputs share one buffer: accumulate into zeros.
		for _, g := range [][]float32{dq, dk, dv} {
			if g != nil && (freshQ || freshK || freshV) {
				clear(g)
			}
		}
		freshQ, freshK, freshV = false, false, false
	}
	bq, bk, bv := betaFor(freshQ), betaFor(freshK), betaFor(freshV)
	dy := n.out.Grad
	dp := t.scratchRaw(Tq * Tk)
	for b := 0; b < B; b++ {
		qb, kb, vb := q.Data[b*Tq*D:], k.Data[b*Tk*D:], v.Data[b*Tk*D:]
		dyb := dy[b*Tq*D:]
		for h := 0; h < heads; h++ {
			p := n.buf[(b*heads+h)*Tq*Tk : (b*heads+h+1)*Tq*Tk]
			if dv != nil {
				t.sgemm(true, false, Tk, dh, Tq, 1, p, Tk, dyb[h*dh:], D, bv, dv[b*Tk*D+h*dh:], D)
			}
			if dq == nil && dk == nil {
				continue
			}
			// dP = dO·Vᵀ; dS = P ⊙ (dP − rowsum(dP ⊙ P)), times the scale.
			t.sgemm(false, true, Tq, Tk, dh, 1, dyb[h*dh:], D, vb[h*dh:], D, 0, dp, Tk)
			for i := 0; i < Tq; i++ {
				lo, hi := n.ints[2*(b*Tq+i)], n.ints[2*(b*Tq+i)+1]
				pr := p[i*Tk+lo : i*Tk+hi]
				dr := dp[i*Tk : (i+1)*Tk]
				var dot float32
				for j, pv := range pr {
					dot += pv * dr[lo+j]
				}
				clear(dr[:lo])
				clear(dr[hi:])
				ds := dr[lo:hi]
				for j, pv := range pr {
					ds[j] = scale * pv * (ds[j] - dot)
				}
			}
			if dq != nil {
				t.sgemm(false, false, Tq, dh, Tk, 1, dp, Tk, kb[h*dh:], D, bq, dq[b*Tq*D+h*dh:], D)
			}
			if dk != nil {
				t.sgemm(true, false, Tk, dh, Tq, 1, dp, Tk, qb[h*dh:], D, bk, dk[b*Tk*D+h*dh:], D)
			}
		}
	}
}

// RoPE applies rotary position embeddings (Su et al., "RoFormer", 2021)
// to x [B,T,D] split into heads of width D/heads (which must be even):
// within each head, dimension pair (i, i + D/heads/2) at position
// p = t + posOffset is rotated by the angle p·10000^(−2i/(D/heads)). Dot
// products of rotated queries and keys then depend only on their relative
// position, so cached keys stay valid as a stream advances.
func (t *Tape) RoPE(x *Var, heads, posOffset int) *Var {
	if len(x.Shape) != 3 || heads < 1 || x.Shape[2]%heads != 0 || (x.Shape[2]/heads)%2 != 0 {
		panic(fmt.Sprintf("nn.RoPE: x %v with %d heads: want [B,T,D] with even D/heads", x.Shape, heads))
	}
	B, T, D := x.Shape[0], x.Shape[1], x.Shape[2]
	half := D / heads / 2
	cos, sin := t.ropeTable(T, half, posOffset)
	y := t.newVarRaw(x.Shape)
	for b := 0; b < B; b++ {
		for ti := 0; ti < T; ti++ {
			cr, sr := cos[ti*half:(ti+1)*half], sin[ti*half:(ti+1)*half]
			off := (b*T + ti) * D
			for h := 0; h < heads; h++ {
				base := off + h*2*half
				x1, x2 := x.Data[base:base+half], x.Data[base+half:base+2*half]
				y1, y2 := y.Data[base:base+half], y.Data[base+half:base+2*half]
				for i, c := range cr {
					s := sr[i]
					a, bb := x1[i], x2[i]
					y1[i] = a*c - bb*s
					y2[i] = a*s + bb*c
				}
			}
		}
	}
	if nd := t.rec(backRoPE, y, x); nd != nil {
		nd.buf, nd.buf2 = cos, sin
		nd.i[0] = heads
	}
	return y
}

// ropeTable returns cos and sin of the rotary angles, [T, half] each,
// reusing the previous table while the arguments repeat (every layer of a
// pass asks for the same one).
func (t *Tape) ropeTable(T, half, posOffset int) (cos, sin []float32) {
	key := [3]int{T, half, posOffset}
	if t.rope.cos != nil && t.rope.key == key {
		return t.rope.cos, t.rope.sin
	}
	cos, sin = t.scratchRaw(T*half), t.scratchRaw(T*half)
	for ti := 0; ti < T; ti++ {
		p := float64(ti + posOffset)
		for i := 0; i < half; i++ {
			theta := p * math.Pow(10000, -float64(i)/float64(half))
			s, c := math.Sincos(theta)
			cos[ti*half+i], sin[ti*half+i] = float32(c), float32(s)
		}
	}
	t.rope.key, t.rope.cos, t.rope.sin = key, cos, sin
	return cos, sin
}

func backRoPE(t *Tape, n *node) {
	dx := t.grad(n.a)
	if dx == nil {
		return
	}
	B, T, D := n.a.Shape[0], n.a.Shape[1], n.a.Shape[2]
	heads := n.i[0]
	half := D / heads / 2
	cos, sin := n.buf, n.buf2
	for b := 0; b < B; b++ {
		for ti := 0; ti < T; ti++ {
			cr, sr := cos[ti*half:(ti+1)*half], sin[ti*half:(ti+1)*half]
			off := (b*T + ti) * D
			for h := 0; h < heads; h++ {
				base := off + h*2*half
				g1, g2 := n.out.Grad[base:base+half], n.out.Grad[base+half:base+2*half]
				d1, d2 := dx[base:base+half], dx[base+half:base+2*half]
				for i, c := range cr {
					s := sr[i]
					d1[i] += g1[i]*c + g2[i]*s
					d2[i] += g2[i]*c - g1[i]*s
				}
			}
		}
	}
}

// Dropout zeroes each element of x with probability p and scales the
// rest by 1/(1−p) (inverted dropout, Srivastava et al., 2014). The mask
// comes from a PCG stream seeded by one draw from the tape's generator and
// is regenerated in backward rather than stored, saving a tensor of memory
// traffic. It is the identity outside training.
func (t *Tape) Dropout(x *Var, p float32) *Var {
	if !t.training || p <= 0 {
		return x
	}
	if p >= 1 {
		return t.Scale(x, 0)
	}
	y := t.newVarRaw(x.Shape)
	seed := t.rng.Uint64()
	dropoutApply(x.Data, y.Data, p, seed, false)
	if nd := t.rec(backDropout, y, x); nd != nil {
		nd.i[0] = int(seed)
		nd.f[0] = p
	}
	return y
}

// dropoutApply writes src⊙mask (or, with add, adds it) into dst, the mask
// drawn from PCG(seed): four 16-bit uniforms per 64-bit output, so p is
// resolved to 1/65536.
func dropoutApply(src, dst []float32, p float32, seed uint64, add bool) {
	var rng rand.PCG
	rng.Seed(seed, 0x2545f4914f6cdd1d)
	// table[1] is used when the 16-bit draw falls below the threshold:
	// (u − threshold) wraps to a value with the top bit set. No branch.
	table := [2]float32{1 / (1 - p), 0}
	threshold := uint64(float64(p)*(1<<16) + 0.5)
	n := len(src)
	dst = dst[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		r := rng.Uint64()
		s, d := src[i:i+4:i+4], dst[i:i+4:i+4]
		m0 := table[((r&0xffff)-threshold)>>63]
		m1 := table[((r>>16&0xffff)-threshold)>>63]
		m2 := table[((r>>32&0xffff)-threshold)>>63]
		m3 := table[((r>>48)-threshold)>>63]
		if add {
			d[0] += s[0] * m0
			d[1] += s[1] * m1
			d[2] += s[2] * m2
			d[3] += s[3] * m3
		} else {
			d[0] = s[0] * m0
			d[1] = s[1] * m1
			d[2] = s[2] * m2
			d[3] = s[3] * m3
		}
	}
	if i < n {
		r := rng.Uint64()
		for ; i < n; i++ {
			m := table[((r&0xffff)-threshold)>>63]
			r >>= 16
			if add {
				dst[i] += src[i] * m
			} else {
				dst[i] = src[i] * m
			}
		}
	}
}

func backDropout(t *Tape, n *node) {
	if dx, fresh := t.gradOut(n.a); dx != nil {
		dropoutApply(n.out.Grad, dx, n.f[0], uint64(n.i[0]), !fresh)
	}
}
