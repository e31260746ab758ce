package fft

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/mynah-speech/mynah/internal/vec"
)

// MaxLen is the largest transform length NewReal accepts; it bounds the
// memory a plan takes (about 10·n float32 values).
const MaxLen = 1 << 24

// ErrLength reports a transform length NewReal cannot plan.
var ErrLength = errors.New("fft: length must be even, at most MaxLen, with n/2 a product of 2, 3 and 5")

// stage is one Stockham pass of the complex transform.
type stage struct {
	radix, m, s int
	tw          []float32
}

// Real is a plan for the real-input FFT of one length. Its tables are
// immutable but it owns scratch buffers, so a Real is not safe for
// concurrent use: give each goroutine its own (NewReal is cheap).
type Real struct {
	n, m     int
	k        vec.FFTKernels
	fourStep bool // complex transform as n1 × 8 four-step (m % 8 == 0)
	n1       int  // m / 8 when fourStep
	stages   []stage
	finR     []float32 // four-step twiddles W_m^(n2·k1), row-major n1×8
	finI     []float32
	postR    []float32 // W_n^k / 2, k < m
	postI    []float32
	bufs     [4][]float32 // two ping-pong split-complex buffers
	outR     []float32    // m+1 bins, split
	outI     []float32
}

// NewReal plans the real FFT of length n.
func NewReal(n int) (*Real, error) {
	if n < 2 || n%2 != 0 || n > MaxLen {
		return nil, fmt.Errorf("new real fft of length %d: %w", n, ErrLength)
	}
	m := n / 2
	radices, ok := factor(m)
	if !ok {
		return nil, fmt.Errorf("new real fft of length %d: %w", n, ErrLength)
	}
	p := &Real{n: n, m: m, k: vec.FFTDispatched()}
	stride, length := 1, m
	if m%8 == 0 {
		p.fourStep = true
		p.n1 = m / 8
		radices, _ = factor(p.n1)
		stride, length = 8, p.n1
		p.finR = make([]float32, m)
		p.finI = make([]float32, m)
		for k1 := 0; k1 < p.n1; k1++ {
			for n2 := 0; n2 < 8; n2++ {
				p.finR[8*k1+n2], p.finI[8*k1+n2] = vec.Twiddle(n2*k1, m)
			}
		}
	}
	for _, r := range radices {
		sub := length / r
		p.stages = append(p.stages, stage{radix: r, m: sub, s: stride, tw: vec.FFTTwiddles(r, sub)})
		stride *= r
		length = sub
	}
	p.postR = make([]float32, m)
	p.postI = make([]float32, m)
	for k := 0; k < m; k++ {
		re, im := vec.Twiddle(k, n)
		p.postR[k], p.postI[k] = re/2, im/2
	}
	// m+8: Z[m] = Z[0] sits after the data, and vector kernels may read a
	// whole vector at the end.
	for i := range p.bufs {
		p.bufs[i] = make([]float32, m+8)
	}
	p.outR = make([]float32, m+1)
	p.outI = make([]float32, m+1)
	return p, nil
}

// factor splits m into radices, 4s first (fewest passes), then 2, 3, 5.
func factor(m int) ([]int, bool) {
	var rs []int
	for m%4 == 0 {
		rs = append(rs, 4)
		m /= 4
	}
	for _, r := range []int{2, 3, 5} {
		for m%r == 0 {
			rs = append(rs, r)
			m /= r
		}
	}
	return rs, m == 1
}

// PureGo returns a plan of the same length that runs the pure-Go kernels
// whatever the CPU, for tests and benchmarks that compare the two paths.
// It shares the immutable tables but has its own scratch.
func (p *Real) PureGo() *Real {
	q := *p
	q.k = vec.FFTPureGo()
	for i := range q.bufs {
		q.bufs[i] = make([]float32, len(p.bufs[i]))
	}
	q.outR = make([]float32, len(p.outR))
	q.outI = make([]float32, len(p.outI))
	return &q
}

// Len returns the transform length n.
func (p *Real) Len() int { return p.n }

// Bins returns n/2 + 1, the number of output bins.
func (p *Real) Bins() int { return p.m + 1 }

// complexForward transforms the m-point split complex signal in
// (bufs[0], bufs[1]) and returns the slices holding the result (one of the
// two buffer pairs), each with room for m+1 values.
func (p *Real) complexForward(xr, xi, yr, yi []float32) (zr, zi []float32) {
	for _, st := range p.stages {
		switch st.radix {
		case 2:
			p.k.Radix2(yr, yi, xr, xi, st.tw, st.m, st.s)
		case 3:
			p.k.Radix3(yr, yi, xr, xi, st.tw, st.m, st.s)
		case 4:
			p.k.Radix4(yr, yi, xr, xi, st.tw, st.m, st.s)
		case 5:
			p.k.Radix5(yr, yi, xr, xi, st.tw, st.m, st.s)
		}
		xr, xi, yr, yi = yr, yi, xr, xi
	}
	if p.fourStep {
		p.k.Finish8(yr, yi, xr, xi, p.finR, p.finI, p.n1)
		xr, xi = yr, yi
	}
	return xr, xi
}

// forwardSplit leaves X[0..m] in (outR, outI).
func (p *Real) forwardSplit(outR, outI, src []float32) {
	m := p.m
	if len(src) < p.n {
		panic(fmt.Sprintf("fft: Forward of length %d given %d samples", p.n, len(src)))
	}
	xr, xi := p.bufs[0], p.bufs[1]
	p.k.Deinterleave(xr[:m], xi[:m], src[:p.n])
	zr, zi := p.complexForward(xr, xi, p.bufs[2], p.bufs[3])
	zr[m], zi[m] = zr[0], zi[0]
	p.k.RealPost(outR, outI, zr, zi, p.postR, p.postI, m)
	outR[m], outI[m] = zr[0]-zi[0], 0
	outI[0] = 0
}

// Forward writes the n/2+1 bins X[0..n/2] of the real signal src[:n] to
// dst. It panics if src or dst is too short (a programming error, like an
// index out of range).
func (p *Real) Forward(dst []complex64, src []float32) {
	if len(dst) < p.m+1 {
		panic(fmt.Sprintf("fft: Forward of length %d needs %d bins, dst has %d", p.n, p.m+1, len(dst)))
	}
	p.forwardSplit(p.outR, p.outI, src)
	p.k.Interleave(complexAsFloats(dst[:p.m+1]), p.outR, p.outI)
}

// ForwardSplit is Forward with the real and imaginary parts of the bins
// written to separate slices of n/2+1 values.
func (p *Real) ForwardSplit(re, im []float32, src []float32) {
	if len(re) < p.m+1 || len(im) < p.m+1 {
		panic(fmt.Sprintf("fft: ForwardSplit of length %d needs %d bins", p.n, p.m+1))
	}
	p.forwardSplit(re, im, src)
}

// Power writes |X[k]|², k = 0..n/2, the power spectrum of src[:n].
func (p *Real) Power(dst []float32, src []float32) {
	if len(dst) < p.m+1 {
		panic(fmt.Sprintf("fft: Power of length %d needs %d bins, dst has %d", p.n, p.m+1, len(dst)))
	}
	p.forwardSplit(p.outR, p.outI, src)
	p.k.SquareSum(dst[:p.m+1], p.outR, p.outI)
}

// Inverse writes to dst[:n] the real signal whose spectrum is src[:n/2+1],
// scaled by 1/n so that Inverse undoes Forward. The imaginary parts of
// src[0] and src[n/2] are ignored, as numpy.fft.irfft does.
func (p *Real) Inverse(dst []float32, src []complex64) {
	m := p.m
	if len(src) < m+1 || len(dst) < p.n {
		panic(fmt.Sprintf("fft: Inverse of length %d given %d bins and %d outputs", p.n, len(src), len(dst)))
	}
	// Undo the real split: Z[k] = Xe[k] + i·Xo[k] with
	// Xe = (X[k] + conj X[m−k])/2 and Xo = (X[k] − conj X[m−k])·conj(W_n^k)/2,
	// folding the 1/m of the inverse in. Z goes in with real and imaginary
	// parts swapped, which turns the forward transform into the inverse
	// (swap(F(swap(Z))) = m·F⁻¹(Z)).
	zi, zr := p.bufs[0], p.bufs[1]
	scale := 1 / float32(p.n)
	x0 := real(src[0])
	xm := real(src[m])
	for k := 0; k < m; k++ {
		ar, ai := real(src[k]), imag(src[k])
		br, bi := real(src[m-k]), -imag(src[m-k])
		if k == 0 {
			ar, ai, br, bi = x0, 0, xm, 0
		}
		er, ei := ar+br, ai+bi
		dr, di := ar-br, ai-bi
		// conj(W) = (wr, −wi) with (wr, wi) = 2·postR/I.
		wr, wi := 2*p.postR[k], -2*p.postI[k]
		or, oi := dr*wr-di*wi, dr*wi+di*wr
		// Z = Xe + i·Xo.
		zr[k] = scale * (er - oi)
		zi[k] = scale * (ei + or)
	}
	outA, outB := p.complexForward(zi, zr, p.bufs[2], p.bufs[3])
	// (outA, outB) = swap(result): real part of z is outB.
	p.k.Interleave(dst[:p.n], outB[:m], outA[:m])
}

// complexAsFloats views a []complex64 as its interleaved float32 parts.
func complexAsFloats(c []complex64) []float32 {
	if len(c) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&c[0])), 2*len(c))
}
