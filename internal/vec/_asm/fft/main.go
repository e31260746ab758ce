// Command fft generates internal/vec/fft_amd64.s, the AVX2+FMA FFT
// kernels, and their Go declarations (fft_stub_amd64.go). Run it through
// `go generate` in internal/vec (see gen_fft.go); each kernel's pure-Go
// twin in fft_generic.go defines what it computes.
//
// All kernels work on split complex data (real and imaginary parts in
// separate slices) eight float32 lanes at a time, so every butterfly is
// plain vertical arithmetic and twiddles are broadcast scalars. Lengths
// are in units the Go wrappers in fft_amd64.go guarantee (multiples of 8
// lanes); the wrappers run any tail through the twin.
package main

import (
	"github.com/mmcloughlin/avo/gotypes"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("amd64,!purego")

	constants()
	radix2()
	radix4()
	radix3()
	radix5()
	finish8()
	realPost()
	deinterleave()
	interleave()
	squareSum()

	Generate()
}

// loadGP loads an argument into a fresh general-purpose register.
func loadGP(c gotypes.Component) GPVirtual {
	g := GP64()
	Load(c, g)
	return g
}

// stageRegs loads the pointers and sizes every Stockham stage uses.
type stageRegs struct {
	yr, yi, xr, xi, tw GPVirtual
	m, s               GPVirtual // m butterflies per lane; s in bytes
	sm                 GPVirtual // s·m bytes: distance between inputs
}

func loadStage() stageRegs {
	var r stageRegs
	r.yr = loadGP(Param("yr").Base())
	r.yi = loadGP(Param("yi").Base())
	r.xr = loadGP(Param("xr").Base())
	r.xi = loadGP(Param("xi").Base())
	r.tw = loadGP(Param("tw").Base())
	r.m = loadGP(Param("m"))
	r.s = loadGP(Param("s"))
	SHLQ(U8(2), r.s) // lanes to bytes
	r.sm = GP64()
	MOVQ(r.s, r.sm)
	IMULQ(r.m, r.sm)
	return r
}

// cmulStore stores w·(ur, ui) to (dr, di): re = ur·wr − ui·wi,
// im = ur·wi + ui·wr, using two temporaries.
func cmulStore(ur, ui, wr, wi VecVirtual, dr, di Mem) {
	t := YMM()
	VMULPS(wi, ui, t)
	VFMSUB231PS(wr, ur, t) // t = ur·wr − t
	VMOVUPS(t, dr)
	u := YMM()
	VMULPS(wi, ur, u)
	VFMADD231PS(wr, ui, u) // u = ui·wr + u
	VMOVUPS(u, di)
}

// radix2: y[q + s·2p] = a + b, y[q + s·(2p+1)] = W^p·(a − b) with
// a = x[q + s·p], b = x[q + s·(p+m)].
func radix2() {
	TEXT("fftRadix2AVX2", NOSPLIT, "func(yr, yi, xr, xi, tw []float32, m, s int)")
	Doc("fftRadix2AVX2 is fftRadix2Generic for s a multiple of 8.")
	r := loadStage()
	Label("r2p")
	wr, wi := YMM(), YMM()
	VBROADCASTSS(Mem{Base: r.tw}, wr)
	VBROADCASTSS(Mem{Base: r.tw, Disp: 4}, wi)
	q := GP64()
	XORQ(q, q)
	Label("r2q")
	ar, ai, br, bi := YMM(), YMM(), YMM(), YMM()
	VMOVUPS(Mem{Base: r.xr, Index: q, Scale: 1}, ar)
	VMOVUPS(Mem{Base: r.xi, Index: q, Scale: 1}, ai)
	xrb, xib := GP64(), GP64()
	LEAQ(Mem{Base: r.xr, Index: r.sm, Scale: 1}, xrb)
	LEAQ(Mem{Base: r.xi, Index: r.sm, Scale: 1}, xib)
	VMOVUPS(Mem{Base: xrb, Index: q, Scale: 1}, br)
	VMOVUPS(Mem{Base: xib, Index: q, Scale: 1}, bi)
	sr, si := YMM(), YMM()
	VADDPS(br, ar, sr)
	VADDPS(bi, ai, si)
	VMOVUPS(sr, Mem{Base: r.yr, Index: q, Scale: 1})
	VMOVUPS(si, Mem{Base: r.yi, Index: q, Scale: 1})
	VSUBPS(br, ar, ar)
	VSUBPS(bi, ai, ai)
	yrb, yib := GP64(), GP64()
	LEAQ(Mem{Base: r.yr, Index: r.s, Scale: 1}, yrb)
	LEAQ(Mem{Base: r.yi, Index: r.s, Scale: 1}, yib)
	cmulStore(ar, ai, wr, wi, Mem{Base: yrb, Index: q, Scale: 1}, Mem{Base: yib, Index: q, Scale: 1})
	ADDQ(U8(32), q)
	CMPQ(q, r.s)
	JL(LabelRef("r2q"))
	// Next p: x advances by s, y by 2s, twiddles by one pair.
	ADDQ(r.s, r.xr)
	ADDQ(r.s, r.xi)
	ADDQ(r.s, r.yr)
	ADDQ(r.s, r.yr)
	ADDQ(r.s, r.yi)
	ADDQ(r.s, r.yi)
	ADDQ(U8(8), r.tw)
	DECQ(r.m)
	JNZ(LabelRef("r2p"))
	VZEROUPPER()
	RET()
}

// radix4: the Stockham radix-4 DIF butterfly of fftRadix4Generic.
func radix4() {
	TEXT("fftRadix4AVX2", NOSPLIT, "func(yr, yi, xr, xi, tw []float32, m, s int)")
	Doc("fftRadix4AVX2 is fftRadix4Generic for s a multiple of 8.")
	r := loadStage()
	sm3 := GP64()
	LEAQ(Mem{Base: r.sm, Index: r.sm, Scale: 2}, sm3)
	s3 := GP64()
	LEAQ(Mem{Base: r.s, Index: r.s, Scale: 2}, s3)
	Label("r4p")
	w := make([]VecVirtual, 6)
	for i := range w {
		w[i] = YMM()
		VBROADCASTSS(Mem{Base: r.tw, Disp: 4 * i}, w[i])
	}
	ra, ia, ry, iy := GP64(), GP64(), GP64(), GP64()
	MOVQ(r.xr, ra)
	MOVQ(r.xi, ia)
	MOVQ(r.yr, ry)
	MOVQ(r.yi, iy)
	q := GP64()
	MOVQ(r.s, q)
	Label("r4q")
	ar, ai, br, bi, cr, ci, dr, di := YMM(), YMM(), YMM(), YMM(), YMM(), YMM(), YMM(), YMM()
	VMOVUPS(Mem{Base: ra}, ar)
	VMOVUPS(Mem{Base: ra, Index: r.sm, Scale: 1}, br)
	VMOVUPS(Mem{Base: ra, Index: r.sm, Scale: 2}, cr)
	VMOVUPS(Mem{Base: ra, Index: sm3, Scale: 1}, dr)
	VMOVUPS(Mem{Base: ia}, ai)
	VMOVUPS(Mem{Base: ia, Index: r.sm, Scale: 1}, bi)
	VMOVUPS(Mem{Base: ia, Index: r.sm, Scale: 2}, ci)
	VMOVUPS(Mem{Base: ia, Index: sm3, Scale: 1}, di)
	apcR, apcI, bpdR, bpdI := YMM(), YMM(), YMM(), YMM()
	VADDPS(cr, ar, apcR)
	VSUBPS(cr, ar, ar) // amcR
	VADDPS(ci, ai, apcI)
	VSUBPS(ci, ai, ai) // amcI
	VADDPS(dr, br, bpdR)
	VSUBPS(dr, br, br) // bmdR
	VADDPS(di, bi, bpdI)
	VSUBPS(di, bi, bi) // bmdI
	t := YMM()
	VADDPS(bpdR, apcR, t)
	VMOVUPS(t, Mem{Base: ry})
	t = YMM()
	VADDPS(bpdI, apcI, t)
	VMOVUPS(t, Mem{Base: iy})
	VSUBPS(bpdR, apcR, apcR) // u2r
	VSUBPS(bpdI, apcI, apcI) // u2i
	cmulStore(apcR, apcI, w[2], w[3], Mem{Base: ry, Index: r.s, Scale: 2}, Mem{Base: iy, Index: r.s, Scale: 2})
	u1r, u1i := YMM(), YMM()
	VADDPS(bi, ar, u1r) // amcR + bmdI
	VSUBPS(br, ai, u1i) // amcI − bmdR
	VSUBPS(bi, ar, ar)  // u3r = amcR − bmdI
	VADDPS(br, ai, ai)  // u3i = amcI + bmdR
	cmulStore(u1r, u1i, w[0], w[1], Mem{Base: ry, Index: r.s, Scale: 1}, Mem{Base: iy, Index: r.s, Scale: 1})
	cmulStore(ar, ai, w[4], w[5], Mem{Base: ry, Index: s3, Scale: 1}, Mem{Base: iy, Index: s3, Scale: 1})
	ADDQ(U8(32), ra)
	ADDQ(U8(32), ia)
	ADDQ(U8(32), ry)
	ADDQ(U8(32), iy)
	SUBQ(U8(32), q)
	JNZ(LabelRef("r4q"))
	// Next p: x advances by s, y by 4s, twiddles by three pairs.
	ADDQ(r.s, r.xr)
	ADDQ(r.s, r.xi)
	LEAQ(Mem{Base: r.yr, Index: r.s, Scale: 4}, r.yr)
	LEAQ(Mem{Base: r.yi, Index: r.s, Scale: 4}, r.yi)
	ADDQ(U8(24), r.tw)
	DECQ(r.m)
	JNZ(LabelRef("r4p"))
	VZEROUPPER()
	RET()
}

// The float32 constants the butterflies broadcast, in one read-only table.
var constValues = []float32{
	0.5,
	0.86602540378443864676,  // sin(2π/3)
	0.30901699437494742410,  // cos(2π/5)
	-0.80901699437494742410, // cos(4π/5)
	0.95105651629515357212,  // sin(2π/5)
	0.58778525229247312917,  // sin(4π/5)
	0.70710678118654752440,  // 1/√2
}

var constTable Mem

func constants() {
	constTable = GLOBL("fftConst", RODATA|NOPTR)
	for i, v := range constValues {
		DATA(4*i, F32(v))
	}
	reverseIdx = GLOBL("fftReverse8", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		DATA(4*i, U32(7-i))
	}
}

// broadcastConst puts one of constValues in every lane.
func broadcastConst(v float32) VecVirtual {
	for i, c := range constValues {
		if c == v {
			x := YMM()
			VBROADCASTSS(constTable.Offset(4*i), x)
			return x
		}
	}
	panic("constant not in table")
}

// radix3: the radix-3 butterfly of fftRadix3Generic.
func radix3() {
	TEXT("fftRadix3AVX2", NOSPLIT, "func(yr, yi, xr, xi, tw []float32, m, s int)")
	Doc("fftRadix3AVX2 is fftRadix3Generic for s a multiple of 8.")
	r := loadStage()
	Label("r3p")
	ra, ia, ry, iy := GP64(), GP64(), GP64(), GP64()
	MOVQ(r.xr, ra)
	MOVQ(r.xi, ia)
	MOVQ(r.yr, ry)
	MOVQ(r.yi, iy)
	q := GP64()
	MOVQ(r.s, q)
	Label("r3q")
	ar, ai, br, bi, cr, ci := YMM(), YMM(), YMM(), YMM(), YMM(), YMM()
	VMOVUPS(Mem{Base: ra}, ar)
	VMOVUPS(Mem{Base: ra, Index: r.sm, Scale: 1}, br)
	VMOVUPS(Mem{Base: ra, Index: r.sm, Scale: 2}, cr)
	VMOVUPS(Mem{Base: ia}, ai)
	VMOVUPS(Mem{Base: ia, Index: r.sm, Scale: 1}, bi)
	VMOVUPS(Mem{Base: ia, Index: r.sm, Scale: 2}, ci)
	t1r, t1i := YMM(), YMM()
	VADDPS(cr, br, t1r)
	VADDPS(ci, bi, t1i)
	VSUBPS(cr, br, br) // b − c
	VSUBPS(ci, bi, bi)
	t := YMM()
	VADDPS(t1r, ar, t)
	VMOVUPS(t, Mem{Base: ry})
	t = YMM()
	VADDPS(t1i, ai, t)
	VMOVUPS(t, Mem{Base: iy})
	half := broadcastConst(0.5)
	VFNMADD231PS(half, t1r, ar) // t2r = ar − t1r/2
	VFNMADD231PS(half, t1i, ai)
	s60 := broadcastConst(0.86602540378443864676)
	VMULPS(s60, bi, bi) // t3r = sin60·(bi − ci)
	VMULPS(s60, br, br) // −t3i
	ur, ui := YMM(), YMM()
	VADDPS(bi, ar, ur)
	VSUBPS(br, ai, ui)
	VSUBPS(bi, ar, ar)
	VADDPS(br, ai, ai)
	w1r, w1i, w2r, w2i := YMM(), YMM(), YMM(), YMM()
	VBROADCASTSS(Mem{Base: r.tw}, w1r)
	VBROADCASTSS(Mem{Base: r.tw, Disp: 4}, w1i)
	VBROADCASTSS(Mem{Base: r.tw, Disp: 8}, w2r)
	VBROADCASTSS(Mem{Base: r.tw, Disp: 12}, w2i)
	cmulStore(ur, ui, w1r, w1i, Mem{Base: ry, Index: r.s, Scale: 1}, Mem{Base: iy, Index: r.s, Scale: 1})
	cmulStore(ar, ai, w2r, w2i, Mem{Base: ry, Index: r.s, Scale: 2}, Mem{Base: iy, Index: r.s, Scale: 2})
	ADDQ(U8(32), ra)
	ADDQ(U8(32), ia)
	ADDQ(U8(32), ry)
	ADDQ(U8(32), iy)
	SUBQ(U8(32), q)
	JNZ(LabelRef("r3q"))
	ADDQ(r.s, r.xr)
	ADDQ(r.s, r.xi)
	s3 := GP64()
	LEAQ(Mem{Base: r.s, Index: r.s, Scale: 2}, s3)
	ADDQ(s3, r.yr)
	ADDQ(s3, r.yi)
	ADDQ(U8(16), r.tw)
	DECQ(r.m)
	JNZ(LabelRef("r3p"))
	VZEROUPPER()
	RET()
}

// radix5: the radix-5 butterfly of fftRadix5Generic, in two passes
// through registers (real and imaginary intermediate sums) to stay within
// sixteen.
func radix5() {
	TEXT("fftRadix5AVX2", NOSPLIT, "func(yr, yi, xr, xi, tw []float32, m, s int)")
	Doc("fftRadix5AVX2 is fftRadix5Generic for s a multiple of 8.")
	r := loadStage()
	sm3 := GP64()
	LEAQ(Mem{Base: r.sm, Index: r.sm, Scale: 2}, sm3)
	// Stack: u1, u2, v1, v2 (re, im each) for the output pass.
	tmp := AllocLocal(8 * 32)
	slot := func(i int) Mem { return tmp.Offset(32 * i) }
	Label("r5p")
	ra, ia, ry, iy := GP64(), GP64(), GP64(), GP64()
	MOVQ(r.xr, ra)
	MOVQ(r.xi, ia)
	MOVQ(r.yr, ry)
	MOVQ(r.yi, iy)
	q := GP64()
	MOVQ(r.s, q)
	Label("r5q")
	// One part (re or im) at a time: a, t1..t4 and the u/v sums.
	for part := 0; part < 2; part++ {
		base := ra
		ybase := ry
		if part == 1 {
			base = ia
			ybase = iy
		}
		a, b, c, d, e := YMM(), YMM(), YMM(), YMM(), YMM()
		VMOVUPS(Mem{Base: base}, a)
		VMOVUPS(Mem{Base: base, Index: r.sm, Scale: 1}, b)
		VMOVUPS(Mem{Base: base, Index: r.sm, Scale: 2}, c)
		VMOVUPS(Mem{Base: base, Index: sm3, Scale: 1}, d)
		VMOVUPS(Mem{Base: base, Index: r.sm, Scale: 4}, e)
		t1, t2 := YMM(), YMM()
		VADDPS(e, b, t1)
		VSUBPS(e, b, b) // t3
		VADDPS(d, c, t2)
		VSUBPS(d, c, c) // t4
		sum := YMM()
		VADDPS(t1, a, sum)
		VADDPS(t2, sum, sum)
		VMOVUPS(sum, Mem{Base: ybase})
		c72, c144 := broadcastConst(0.30901699437494742410), broadcastConst(-0.80901699437494742410)
		u1, u2 := YMM(), YMM()
		VMOVAPS(a, u1)
		VFMADD231PS(c72, t1, u1)
		VFMADD231PS(c144, t2, u1)
		VMOVAPS(a, u2)
		VFMADD231PS(c144, t1, u2)
		VFMADD231PS(c72, t2, u2)
		s72, s144 := broadcastConst(0.95105651629515357212), broadcastConst(0.58778525229247312917)
		v1, v2 := YMM(), YMM()
		VMULPS(s72, b, v1)
		VFMADD231PS(s144, c, v1)
		VMULPS(s144, b, v2)
		VFNMADD231PS(s72, c, v2)
		VMOVUPS(u1, slot(0+part))
		VMOVUPS(u2, slot(2+part))
		VMOVUPS(v1, slot(4+part))
		VMOVUPS(v2, slot(6+part))
	}
	// X1 = u1 − i·v1, X4 = u1 + i·v1, X2 = u2 − i·v2, X3 = u2 + i·v2;
	// −i·(vr, vi) = (vi, −vr).
	outputs := []struct {
		k, u, v int
		sign    float64
	}{{1, 0, 4, -1}, {4, 0, 4, 1}, {2, 2, 6, -1}, {3, 2, 6, 1}}
	for _, o := range outputs {
		ur, ui, vr, vi := YMM(), YMM(), YMM(), YMM()
		VMOVUPS(slot(o.u), ur)
		VMOVUPS(slot(o.u+1), ui)
		VMOVUPS(slot(o.v), vr)
		VMOVUPS(slot(o.v+1), vi)
		zr, zi := YMM(), YMM()
		if o.sign < 0 {
			VADDPS(vi, ur, zr)
			VSUBPS(vr, ui, zi)
		} else {
			VSUBPS(vi, ur, zr)
			VADDPS(vr, ui, zi)
		}
		wr, wi := YMM(), YMM()
		VBROADCASTSS(Mem{Base: r.tw, Disp: 8 * (o.k - 1)}, wr)
		VBROADCASTSS(Mem{Base: r.tw, Disp: 8*(o.k-1) + 4}, wi)
		dr, di := Mem{Base: ry}, Mem{Base: iy}
		switch o.k {
		case 1:
			dr.Index, dr.Scale, di.Index, di.Scale = r.s, 1, r.s, 1
		case 2:
			dr.Index, dr.Scale, di.Index, di.Scale = r.s, 2, r.s, 2
		case 4:
			dr.Index, dr.Scale, di.Index, di.Scale = r.s, 4, r.s, 4
		case 3:
			s3 := GP64()
			LEAQ(Mem{Base: r.s, Index: r.s, Scale: 2}, s3)
			dr.Index, dr.Scale, di.Index, di.Scale = s3, 1, s3, 1
		}
		cmulStore(zr, zi, wr, wi, dr, di)
	}
	ADDQ(U8(32), ra)
	ADDQ(U8(32), ia)
	ADDQ(U8(32), ry)
	ADDQ(U8(32), iy)
	SUBQ(U8(32), q)
	JNZ(LabelRef("r5q"))
	ADDQ(r.s, r.xr)
	ADDQ(r.s, r.xi)
	s5 := GP64()
	LEAQ(Mem{Base: r.s, Index: r.s, Scale: 4}, s5)
	ADDQ(s5, r.yr)
	ADDQ(s5, r.yi)
	ADDQ(U8(32), r.tw)
	DECQ(r.m)
	JNZ(LabelRef("r5p"))
	VZEROUPPER()
	RET()
}

// transpose8 transposes the 8×8 matrix whose rows are in v, in place.
func transpose8(v []VecVirtual) {
	t := make([]VecVirtual, 8)
	for i := 0; i < 4; i++ {
		t[2*i], t[2*i+1] = YMM(), YMM()
		VUNPCKLPS(v[2*i+1], v[2*i], t[2*i])
		VUNPCKHPS(v[2*i+1], v[2*i], t[2*i+1])
	}
	// t0 = r0/r1 lo, t1 = r0/r1 hi, t2 = r2/r3 lo, t3 = r2/r3 hi, ...
	for h := 0; h < 2; h++ {
		a, b, c, d := t[4*h], t[4*h+1], t[4*h+2], t[4*h+3]
		v[4*h], v[4*h+1], v[4*h+2], v[4*h+3] = YMM(), YMM(), YMM(), YMM()
		VSHUFPS(U8(0x44), c, a, v[4*h])
		VSHUFPS(U8(0xEE), c, a, v[4*h+1])
		VSHUFPS(U8(0x44), d, b, v[4*h+2])
		VSHUFPS(U8(0xEE), d, b, v[4*h+3])
	}
	// v0..v3 hold columns 0..3 of rows 0..3 (low lane) and 4..7 (high
	// lane); v4..v7 the same for rows 4..7.
	out := make([]VecVirtual, 8)
	for i := 0; i < 4; i++ {
		out[i], out[i+4] = YMM(), YMM()
		VPERM2F128(U8(0x20), v[i+4], v[i], out[i])
		VPERM2F128(U8(0x31), v[i+4], v[i], out[i+4])
	}
	copy(v, out)
}

// finish8: twiddle, 8×8 transpose and 8-point DFT per block of 8 rows,
// as fftFinish8Generic. The last block overlaps the one before it when
// n1 is not a multiple of 8 (x and y are distinct, so recomputing rows is
// harmless); n1 ≥ 8.
func finish8() {
	TEXT("fftFinish8AVX2", NOSPLIT, "func(yr, yi, xr, xi, twr, twi []float32, n1 int)")
	Doc("fftFinish8AVX2 is fftFinish8Generic for n1 ≥ 8.")
	yr := loadGP(Param("yr").Base())
	yi := loadGP(Param("yi").Base())
	xr := loadGP(Param("xr").Base())
	xi := loadGP(Param("xi").Base())
	twr := loadGP(Param("twr").Base())
	twi := loadGP(Param("twi").Base())
	n1 := loadGP(Param("n1"))
	scratch := AllocLocal(16 * 32) // re rows 0..7, im rows 8..15
	re := func(i int) Mem { return scratch.Offset(32 * i) }
	im := func(i int) Mem { return scratch.Offset(32 * (8 + i)) }
	kb := GP64()
	XORQ(kb, kb)
	last := GP64()
	LEAQ(Mem{Base: n1, Disp: -8}, last)
	Label("f8block")
	CMPQ(kb, last)
	JLE(LabelRef("f8go"))
	MOVQ(last, kb)
	Label("f8go")
	off := GP64() // byte offset of row kb: 32·kb
	MOVQ(kb, off)
	SHLQ(U8(5), off)
	// Twiddle the 8 rows; keep real parts in registers, spill imaginary.
	rows := make([]VecVirtual, 8)
	for k := 0; k < 8; k++ {
		a, b := YMM(), YMM()
		m := func(base GPVirtual) Mem { return Mem{Base: base, Index: off, Scale: 1, Disp: 32 * k} }
		VMOVUPS(m(xr), a)
		VMOVUPS(m(xi), b)
		t := YMM()
		VMULPS(m(twi), b, t)
		VFMSUB231PS(m(twr), a, t) // re = a·wr − b·wi
		u := YMM()
		VMULPS(m(twi), a, u)
		VFMADD231PS(m(twr), b, u) // im = a·wi + b·wr
		VMOVUPS(u, im(k))
		rows[k] = t
	}
	transpose8(rows)
	for k := 0; k < 8; k++ {
		VMOVUPS(rows[k], re(k))
	}
	for k := 0; k < 8; k++ {
		rows[k] = YMM()
		VMOVUPS(im(k), rows[k])
	}
	transpose8(rows)
	for k := 0; k < 8; k++ {
		VMOVUPS(rows[k], im(k))
	}
	// 8-point DFT down the columns (now vectors 0..7, lanes = k1), in the
	// order of dft8: first the even half (x0, x2, x4, x6) to e0..e3 in the
	// scratch slots 0, 2, 4, 6 ...
	ld := func(i int) (VecVirtual, VecVirtual) {
		r, j := YMM(), YMM()
		VMOVUPS(re(i), r)
		VMOVUPS(im(i), j)
		return r, j
	}
	dft4 := func(i0, i1, i2, i3 int) (out [4][2]VecVirtual) {
		// a = x_i0 ± x_i2 (the radix-2 step across 4 apart), then the
		// 4-point combination: e0 = a0 + a2, e2 = a0 − a2,
		// e1 = a1 − i·a3, e3 = a1 + i·a3.
		x0r, x0i := ld(i0)
		x4r, x4i := ld(i2)
		a0r, a0i := YMM(), YMM()
		VADDPS(x4r, x0r, a0r)
		VADDPS(x4i, x0i, a0i)
		VSUBPS(x4r, x0r, x0r) // a1
		VSUBPS(x4i, x0i, x0i)
		x2r, x2i := ld(i1)
		x6r, x6i := ld(i3)
		a2r, a2i := YMM(), YMM()
		VADDPS(x6r, x2r, a2r)
		VADDPS(x6i, x2i, a2i)
		VSUBPS(x6r, x2r, x2r) // a3
		VSUBPS(x6i, x2i, x2i)
		e0r, e0i, e2r, e2i := YMM(), YMM(), YMM(), YMM()
		VADDPS(a2r, a0r, e0r)
		VADDPS(a2i, a0i, e0i)
		VSUBPS(a2r, a0r, e2r)
		VSUBPS(a2i, a0i, e2i)
		e1r, e1i, e3r, e3i := YMM(), YMM(), YMM(), YMM()
		VADDPS(x2i, x0r, e1r) // a1r + a3i
		VSUBPS(x2r, x0i, e1i) // a1i − a3r
		VSUBPS(x2i, x0r, e3r)
		VADDPS(x2r, x0i, e3i)
		return [4][2]VecVirtual{{e0r, e0i}, {e1r, e1i}, {e2r, e2i}, {e3r, e3i}}
	}
	// Even half: inputs 0, 2, 4, 6 → e0..e3 spilled to slots 0, 2, 4, 6.
	e := dft4(0, 2, 4, 6)
	for k := 0; k < 4; k++ {
		VMOVUPS(e[k][0], re(2*k))
		VMOVUPS(e[k][1], im(2*k))
	}
	// Odd half: inputs 1, 3, 5, 7 → o0..o3, kept in registers.
	o := dft4(1, 3, 5, 7)
	// Twiddles: t1 = W8·o1, t2 = −i·o2, t3 = W8³·o3.
	s := broadcastConst(0.70710678118654752440)
	t1r, t1i := YMM(), YMM()
	VADDPS(o[1][1], o[1][0], t1r)
	VMULPS(s, t1r, t1r)
	VSUBPS(o[1][0], o[1][1], t1i)
	VMULPS(s, t1i, t1i)
	t3r, t3i := YMM(), YMM()
	VSUBPS(o[3][0], o[3][1], t3r) // o3i − o3r
	VMULPS(s, t3r, t3r)
	VADDPS(o[3][1], o[3][0], t3i)
	VMULPS(s, t3i, t3i) // negated below
	// Output row k2 goes to y + 4·(kb + n1·k2).
	n1b := GP64()
	MOVQ(n1, n1b)
	SHLQ(U8(2), n1b)
	n1b3 := GP64()
	LEAQ(Mem{Base: n1b, Index: n1b, Scale: 2}, n1b3)
	pr, pi := GP64(), GP64()
	LEAQ(Mem{Base: yr, Index: kb, Scale: 4}, pr)
	LEAQ(Mem{Base: yi, Index: kb, Scale: 4}, pi)
	dst := func(p GPVirtual, k2 int) Mem {
		switch k2 % 4 {
		case 0:
			return Mem{Base: p}
		case 1:
			return Mem{Base: p, Index: n1b, Scale: 1}
		case 2:
			return Mem{Base: p, Index: n1b, Scale: 2}
		default:
			return Mem{Base: p, Index: n1b3, Scale: 1}
		}
	}
	emit := func(k int, tr, ti VecVirtual, negTi bool) {
		er, ei := ld(2 * k)
		sr, si := YMM(), YMM()
		VADDPS(tr, er, sr)
		VSUBPS(tr, er, er)
		if negTi {
			VSUBPS(ti, ei, si)
			VADDPS(ti, ei, ei)
		} else {
			VADDPS(ti, ei, si)
			VSUBPS(ti, ei, ei)
		}
		VMOVUPS(sr, dst(pr, k))
		VMOVUPS(si, dst(pi, k))
		// X[k+4] lives 4·n1 rows further: advance copies of the bases.
		qr, qi := GP64(), GP64()
		LEAQ(Mem{Base: pr, Index: n1b, Scale: 4}, qr)
		LEAQ(Mem{Base: pi, Index: n1b, Scale: 4}, qi)
		VMOVUPS(er, dst(qr, k))
		VMOVUPS(ei, dst(qi, k))
	}
	emit(0, o[0][0], o[0][1], false)
	emit(1, t1r, t1i, false)
	// t2 = −i·o2 = (o2i, −o2r).
	emit(2, o[2][1], o[2][0], true)
	// t3 = (s·(o3i − o3r), −s·(o3r + o3i)).
	emit(3, t3r, t3i, true)
	ADDQ(U8(8), kb)
	CMPQ(kb, n1)
	JL(LabelRef("f8block"))
	VZEROUPPER()
	RET()
}

// realPost: the real-FFT split of fftRealPostGeneric, eight k at a time,
// with Z[m−k] read as a reversed vector. m is a multiple of 8.
func realPost() {
	TEXT("fftRealPostAVX2", NOSPLIT, "func(yr, yi, zr, zi, twr, twi []float32, m int)")
	Doc("fftRealPostAVX2 is fftRealPostGeneric for m a multiple of 8.")
	yr := loadGP(Param("yr").Base())
	yi := loadGP(Param("yi").Base())
	zr := loadGP(Param("zr").Base())
	zi := loadGP(Param("zi").Base())
	twr := loadGP(Param("twr").Base())
	twi := loadGP(Param("twi").Base())
	m := loadGP(Param("m"))
	rev := YMM()
	VMOVDQU(reverseIdx, rev)
	half := broadcastConst(0.5)
	// Mirror pointers: Z[m−k−7 .. m−k] for k = 0 starts at m−7.
	br, bi := GP64(), GP64()
	LEAQ(Mem{Base: zr, Index: m, Scale: 4, Disp: -28}, br)
	LEAQ(Mem{Base: zi, Index: m, Scale: 4, Disp: -28}, bi)
	k := GP64()
	XORQ(k, k)
	Label("rp")
	ar, ai, vr, vi := YMM(), YMM(), YMM(), YMM()
	VMOVUPS(Mem{Base: zr, Index: k, Scale: 4}, ar)
	VMOVUPS(Mem{Base: zi, Index: k, Scale: 4}, ai)
	VPERMPS(Mem{Base: br}, rev, vr)
	VPERMPS(Mem{Base: bi}, rev, vi)
	er, ei, or, oi := YMM(), YMM(), YMM(), YMM()
	VADDPS(vr, ar, er)
	VSUBPS(vi, ai, ei)
	VADDPS(vi, ai, or)
	VSUBPS(ar, vr, oi)
	wr, wi := YMM(), YMM()
	VMOVUPS(Mem{Base: twr, Index: k, Scale: 4}, wr)
	VMOVUPS(Mem{Base: twi, Index: k, Scale: 4}, wi)
	// yr = 0.5·er + (wr·or − wi·oi); yi = 0.5·ei + (wr·oi + wi·or).
	t := YMM()
	VMULPS(wi, oi, t)
	VFMSUB231PS(wr, or, t)
	VFMADD231PS(half, er, t)
	VMOVUPS(t, Mem{Base: yr, Index: k, Scale: 4})
	u := YMM()
	VMULPS(wi, or, u)
	VFMADD231PS(wr, oi, u)
	VFMADD231PS(half, ei, u)
	VMOVUPS(u, Mem{Base: yi, Index: k, Scale: 4})
	SUBQ(U8(32), br)
	SUBQ(U8(32), bi)
	ADDQ(U8(8), k)
	CMPQ(k, m)
	JL(LabelRef("rp"))
	VZEROUPPER()
	RET()
}

// reverseIdx is the VPERMPS index vector 7, 6, ..., 0.
var reverseIdx Mem

// deinterleave splits 16 values at a time; n (even's length) is a
// positive multiple of 8.
func deinterleave() {
	TEXT("deinterleaveAVX2", NOSPLIT, "func(even, odd, src []float32)")
	Doc("deinterleaveAVX2 is deinterleaveGeneric for len(even) a positive multiple of 8.")
	ev := loadGP(Param("even").Base())
	od := loadGP(Param("odd").Base())
	src := loadGP(Param("src").Base())
	n := loadGP(Param("even").Len())
	Label("dl")
	a, b := YMM(), YMM()
	VMOVUPS(Mem{Base: src}, a)
	VMOVUPS(Mem{Base: src, Disp: 32}, b)
	e, o := YMM(), YMM()
	VSHUFPS(U8(0x88), b, a, e) // a0 a2 b0 b2 | a4 a6 b4 b6
	VSHUFPS(U8(0xDD), b, a, o)
	VPERMPD(U8(0xD8), e, e) // 64-bit lanes 0 2 1 3
	VPERMPD(U8(0xD8), o, o)
	VMOVUPS(e, Mem{Base: ev})
	VMOVUPS(o, Mem{Base: od})
	ADDQ(U8(64), src)
	ADDQ(U8(32), ev)
	ADDQ(U8(32), od)
	SUBQ(U8(8), n)
	JNZ(LabelRef("dl"))
	VZEROUPPER()
	RET()
}

// interleave merges 8 pairs at a time; len(re) a positive multiple of 8.
func interleave() {
	TEXT("interleaveAVX2", NOSPLIT, "func(dst, re, im []float32)")
	Doc("interleaveAVX2 is interleaveGeneric for len(re) a positive multiple of 8.")
	dst := loadGP(Param("dst").Base())
	re := loadGP(Param("re").Base())
	im := loadGP(Param("im").Base())
	n := loadGP(Param("re").Len())
	Label("il")
	a, b := YMM(), YMM()
	VMOVUPS(Mem{Base: re}, a)
	VMOVUPS(Mem{Base: im}, b)
	lo, hi := YMM(), YMM()
	VUNPCKLPS(b, a, lo) // r0 i0 r1 i1 | r4 i4 r5 i5
	VUNPCKHPS(b, a, hi) // r2 i2 r3 i3 | r6 i6 r7 i7
	o0, o1 := YMM(), YMM()
	VPERM2F128(U8(0x20), hi, lo, o0)
	VPERM2F128(U8(0x31), hi, lo, o1)
	VMOVUPS(o0, Mem{Base: dst})
	VMOVUPS(o1, Mem{Base: dst, Disp: 32})
	ADDQ(U8(64), dst)
	ADDQ(U8(32), re)
	ADDQ(U8(32), im)
	SUBQ(U8(8), n)
	JNZ(LabelRef("il"))
	VZEROUPPER()
	RET()
}

// squareSum: dst = re² + im², len(dst) a positive multiple of 8.
func squareSum() {
	TEXT("squareSumAVX2", NOSPLIT, "func(dst, re, im []float32)")
	Doc("squareSumAVX2 is squareSumGeneric for len(dst) a positive multiple of 8.")
	dst := loadGP(Param("dst").Base())
	re := loadGP(Param("re").Base())
	im := loadGP(Param("im").Base())
	n := loadGP(Param("dst").Len())
	Label("ss")
	a, b := YMM(), YMM()
	VMOVUPS(Mem{Base: re}, a)
	VMOVUPS(Mem{Base: im}, b)
	VMULPS(a, a, a)
	VFMADD231PS(b, b, a)
	VMOVUPS(a, Mem{Base: dst})
	ADDQ(U8(32), dst)
	ADDQ(U8(32), re)
	ADDQ(U8(32), im)
	SUBQ(U8(8), n)
	JNZ(LabelRef("ss"))
	VZEROUPPER()
	RET()
}
