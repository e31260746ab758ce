package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// genOps emits the vector kernels. Each processes the largest multiple of
// 8 elements of its first slice; the Go wrappers in ops_amd64.go handle the
// tail (and check the lengths, so the assembly never reads out of bounds).
func genOps() {
	dot()
	sum()
	maxKernel()
	axpy()
	scale()
	binary("addAVX2", "+", VADDPS)
	binary("mulAVX2", "·", VMULPS)
	exp()
	logFloor()
	bandMatVec8()
}

// hsum reduces the 8 lanes of y to lane 0 of its low half.
func hsum(y reg.VecVirtual) {
	hi := XMM()
	VEXTRACTF128(Imm(1), y, hi)
	lo := y.AsX()
	VADDPS(hi, lo, lo)
	VHADDPS(lo, lo, lo)
	VHADDPS(lo, lo, lo)
}

func dot() {
	TEXT("dotAVX2", NOSPLIT, "func(x, y []float32) float32")
	Doc("dotAVX2 returns the dot product of x[:n] and y[:n], n = len(x) rounded down to a multiple of 8.")
	Pragma("noescape")
	px := Load(Param("x").Base(), GP64())
	py := Load(Param("y").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	acc := []reg.VecVirtual{YMM(), YMM(), YMM(), YMM()}
	for _, a := range acc {
		VXORPS(a, a, a)
	}
	n32 := GP64()
	MOVQ(n, n32)
	SHRQ(Imm(5), n32)
	JZ(LabelRef("dot_8"))
	Label("dot_32")
	for i, a := range acc {
		t := YMM()
		VMOVUPS(Mem{Base: px, Disp: 32 * i}, t)
		VFMADD231PS(Mem{Base: py, Disp: 32 * i}, t, a)
	}
	ADDQ(Imm(128), px)
	ADDQ(Imm(128), py)
	DECQ(n32)
	JNZ(LabelRef("dot_32"))
	Label("dot_8")
	VADDPS(acc[1], acc[0], acc[0])
	VADDPS(acc[3], acc[2], acc[2])
	VADDPS(acc[2], acc[0], acc[0])
	SHRQ(Imm(3), n)
	ANDQ(Imm(3), n)
	JZ(LabelRef("dot_done"))
	Label("dot_8loop")
	t := YMM()
	VMOVUPS(Mem{Base: px}, t)
	VFMADD231PS(Mem{Base: py}, t, acc[0])
	ADDQ(Imm(32), px)
	ADDQ(Imm(32), py)
	DECQ(n)
	JNZ(LabelRef("dot_8loop"))
	Label("dot_done")
	hsum(acc[0])
	VZEROUPPER()
	Store(acc[0].AsX(), ReturnIndex(0))
	RET()
}

func sum() {
	TEXT("sumAVX2", NOSPLIT, "func(x []float32) float32")
	Doc("sumAVX2 returns the sum of x[:n], n = len(x) rounded down to a multiple of 8.")
	Pragma("noescape")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	acc := []reg.VecVirtual{YMM(), YMM(), YMM(), YMM()}
	for _, a := range acc {
		VXORPS(a, a, a)
	}
	n32 := GP64()
	MOVQ(n, n32)
	SHRQ(Imm(5), n32)
	JZ(LabelRef("sum_8"))
	Label("sum_32")
	for i, a := range acc {
		VADDPS(Mem{Base: px, Disp: 32 * i}, a, a)
	}
	ADDQ(Imm(128), px)
	DECQ(n32)
	JNZ(LabelRef("sum_32"))
	Label("sum_8")
	VADDPS(acc[1], acc[0], acc[0])
	VADDPS(acc[3], acc[2], acc[2])
	VADDPS(acc[2], acc[0], acc[0])
	SHRQ(Imm(3), n)
	ANDQ(Imm(3), n)
	JZ(LabelRef("sum_done"))
	Label("sum_8loop")
	VADDPS(Mem{Base: px}, acc[0], acc[0])
	ADDQ(Imm(32), px)
	DECQ(n)
	JNZ(LabelRef("sum_8loop"))
	Label("sum_done")
	hsum(acc[0])
	VZEROUPPER()
	Store(acc[0].AsX(), ReturnIndex(0))
	RET()
}

func maxKernel() {
	TEXT("maxAVX2", NOSPLIT, "func(x []float32) (max float32, nan bool)")
	Doc("maxAVX2 returns the largest of x[:n], n = len(x) rounded down to a multiple of 8 (at least 8),",
		"and whether any of them is NaN (then max is meaningless).")
	Pragma("noescape")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	SHRQ(Imm(3), n)
	m0, m1 := YMM(), YMM()
	nan0, nan1 := YMM(), YMM()
	VMOVUPS(Mem{Base: px}, m0)
	VMOVUPS(m0, m1)
	VCMPPS(Imm(3), m0, m0, nan0)
	VXORPS(nan1, nan1, nan1)
	// n counts the 8-float blocks; the first is loaded, the rest go in pairs.
	DECQ(n)
	n2 := GP64()
	MOVQ(n, n2)
	SHRQ(Imm(1), n2)
	JZ(LabelRef("max_tail"))
	Label("max_16")
	for i, pair := range [][2]reg.VecVirtual{{m0, nan0}, {m1, nan1}} {
		t, u := YMM(), YMM()
		VMOVUPS(Mem{Base: px, Disp: 32 + 32*i}, t)
		VCMPPS(Imm(3), t, t, u)
		VORPS(u, pair[1], pair[1])
		VMAXPS(t, pair[0], pair[0])
	}
	ADDQ(Imm(64), px)
	DECQ(n2)
	JNZ(LabelRef("max_16"))
	Label("max_tail")
	ANDQ(Imm(1), n)
	JZ(LabelRef("max_done"))
	t, u := YMM(), YMM()
	VMOVUPS(Mem{Base: px, Disp: 32}, t)
	VCMPPS(Imm(3), t, t, u)
	VORPS(u, nan0, nan0)
	VMAXPS(t, m0, m0)
	Label("max_done")
	VMAXPS(m1, m0, m0)
	VORPS(nan1, nan0, nan0)
	hi := XMM()
	VEXTRACTF128(Imm(1), m0, hi)
	lo := m0.AsX()
	VMAXPS(hi, lo, lo)
	VPERMILPS(Imm(0x4e), lo, hi)
	VMAXPS(hi, lo, lo)
	VPERMILPS(Imm(0xb1), lo, hi)
	VMAXPS(hi, lo, lo)
	mask := GP32()
	VMOVMSKPS(nan0, mask)
	VZEROUPPER()
	Store(lo, Return("max"))
	TESTL(mask, mask)
	flag := GP8()
	SETNE(flag)
	Store(flag, Return("nan"))
	RET()
}

func axpy() {
	TEXT("axpyAVX2", NOSPLIT, "func(alpha float32, x, y []float32)")
	Doc("axpyAVX2 sets y[i] += alpha·x[i] for i < n, n = len(x) rounded down to a multiple of 8, with one rounding (FMA).")
	Pragma("noescape")
	a := YMM()
	VBROADCASTSS(Load(Param("alpha"), XMM()), a)
	px := Load(Param("x").Base(), GP64())
	py := Load(Param("y").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	loop4x8(n, "axpy", func(disp int) {
		t := YMM()
		VMOVUPS(Mem{Base: py, Disp: disp}, t)
		VFMADD231PS(Mem{Base: px, Disp: disp}, a, t)
		VMOVUPS(t, Mem{Base: py, Disp: disp})
	}, func(bytes int) {
		ADDQ(Imm(uint64(bytes)), px)
		ADDQ(Imm(uint64(bytes)), py)
	})
	VZEROUPPER()
	RET()
}

func scale() {
	TEXT("scaleAVX2", NOSPLIT, "func(alpha float32, x []float32)")
	Doc("scaleAVX2 sets x[i] *= alpha for i < n, n = len(x) rounded down to a multiple of 8.")
	Pragma("noescape")
	a := YMM()
	VBROADCASTSS(Load(Param("alpha"), XMM()), a)
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	loop4x8(n, "scale", func(disp int) {
		t := YMM()
		VMULPS(Mem{Base: px, Disp: disp}, a, t)
		VMOVUPS(t, Mem{Base: px, Disp: disp})
	}, func(bytes int) {
		ADDQ(Imm(uint64(bytes)), px)
	})
	VZEROUPPER()
	RET()
}

func binary(name, verb string, op func(ops ...Op)) {
	TEXT(name, NOSPLIT, "func(dst, x, y []float32)")
	Doc(name + " sets dst[i] = x[i] " + verb + " y[i] for i < n, n = len(dst) rounded down to a multiple of 8.")
	Pragma("noescape")
	pd := Load(Param("dst").Base(), GP64())
	px := Load(Param("x").Base(), GP64())
	py := Load(Param("y").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	loop4x8(n, name, func(disp int) {
		t := YMM()
		VMOVUPS(Mem{Base: px, Disp: disp}, t)
		op(Mem{Base: py, Disp: disp}, t, t)
		VMOVUPS(t, Mem{Base: pd, Disp: disp})
	}, func(bytes int) {
		ADDQ(Imm(uint64(bytes)), pd)
		ADDQ(Imm(uint64(bytes)), px)
		ADDQ(Imm(uint64(bytes)), py)
	})
	VZEROUPPER()
	RET()
}

// loop4x8 runs body over n floats (n rounded down to 8) in blocks of 32,
// then of 8. body gets a byte displacement; advance moves the pointers.
func loop4x8(n reg.Register, prefix string, body func(disp int), advance func(bytes int)) {
	n32 := GP64()
	MOVQ(n, n32)
	SHRQ(Imm(5), n32)
	JZ(LabelRef(prefix + "_8"))
	Label(prefix + "_32")
	for i := 0; i < 4; i++ {
		body(32 * i)
	}
	advance(128)
	DECQ(n32)
	JNZ(LabelRef(prefix + "_32"))
	Label(prefix + "_8")
	SHRQ(Imm(3), n)
	ANDQ(Imm(3), n)
	JZ(LabelRef(prefix + "_done"))
	Label(prefix + "_8loop")
	body(0)
	advance(32)
	DECQ(n)
	JNZ(LabelRef(prefix + "_8loop"))
	Label(prefix + "_done")
}

// Constants of the exponential, each repeated over 8 lanes. The method is
// Cephes expf (S. L. Moshier, Cephes Math Library, 1984-2000): x = n·ln2 + r
// with |r| ≤ ln2/2 by Cody-Waite reduction, e^r by a degree-7 polynomial,
// then 2^n applied as two halves so that n = 128 (x near the overflow
// threshold) and gradual underflow both come out right.
var expConsts = []struct {
	name  string
	value float32
}{
	{"lo", -104},
	{"hi", 89},
	{"log2e", math.Log2E},
	{"ln2hi", 0.693359375},
	{"ln2lo", -2.12194440e-4},
	{"p0", 1.9875691500e-4},
	{"p1", 1.3981999507e-3},
	{"p2", 8.3334519073e-3},
	{"p3", 4.1665795894e-2},
	{"p4", 1.6666665459e-1},
	{"p5", 5.0000001201e-1},
	{"one", 1},
}

// expTable is the constant data the vector exponential reads: each
// constant of expConsts over 8 lanes, the exponent bias, and the sign mask.
type expTable struct {
	at   map[string]Mem
	bias Mem
	sign Mem
}

// emitExpTable emits the exponential's constants as file-local data.
func emitExpTable() expTable {
	consts := GLOBL("expconsts", RODATA|NOPTR)
	at := map[string]Mem{}
	for i, c := range expConsts {
		for l := 0; l < 8; l++ {
			DATA(32*i+4*l, U32(math.Float32bits(c.value)))
		}
		at[c.name] = consts.Offset(32 * i)
	}
	bias := GLOBL("expbias", RODATA|NOPTR)
	for l := 0; l < 8; l++ {
		DATA(4*l, U32(127))
	}
	sign := GLOBL("signmask", RODATA|NOPTR)
	for l := 0; l < 8; l++ {
		DATA(4*l, U32(0x80000000))
	}
	return expTable{at: at, bias: bias, sign: sign}
}

// expInPlace emits y = e^x for the 8 lanes of x, overwriting x; lo and hi
// hold the clamp bounds.
func (t expTable) expInPlace(x, lo, hi reg.VecVirtual) {
	at := t.at
	// x is the first (Intel: second) source of MIN/MAX, so a NaN passes through.
	VMINPS(x, hi, x)
	VMAXPS(x, lo, x)
	ni, nf := YMM(), YMM()
	VMULPS(at["log2e"], x, nf)
	VCVTPS2DQ(nf, ni) // round to nearest
	VCVTDQ2PS(ni, nf)
	VFNMADD231PS(at["ln2hi"], nf, x)
	VFNMADD231PS(at["ln2lo"], nf, x)
	y := YMM()
	VMOVUPS(at["p0"], y)
	for _, p := range []string{"p1", "p2", "p3", "p4", "p5"} {
		VFMADD213PS(at[p], x, y)
	}
	r2 := YMM()
	VMULPS(x, x, r2)
	VFMADD213PS(x, r2, y)
	VADDPS(at["one"], y, y)
	n1, n2 := YMM(), YMM()
	VPSRAD(Imm(1), ni, n1)
	VPSUBD(n1, ni, n2)
	VPADDD(t.bias, n1, n1)
	VPADDD(t.bias, n2, n2)
	VPSLLD(Imm(23), n1, n1)
	VPSLLD(Imm(23), n2, n2)
	VMULPS(n1, y, y)
	VMULPS(n2, y, x)
}

// expInPlace2 is expInPlace on two vectors, the steps interleaved.
func (t expTable) expInPlace2(x0, x1, lo, hi reg.VecVirtual) {
	at := t.at
	xs := []reg.VecVirtual{x0, x1}
	ni := []reg.VecVirtual{YMM(), YMM()}
	nf := []reg.VecVirtual{YMM(), YMM()}
	y := []reg.VecVirtual{YMM(), YMM()}
	for i, x := range xs {
		VMINPS(x, hi, x)
		VMAXPS(x, lo, x)
		VMULPS(at["log2e"], x, nf[i])
	}
	for i := range xs {
		VCVTPS2DQ(nf[i], ni[i])
		VCVTDQ2PS(ni[i], nf[i])
	}
	for i, x := range xs {
		VFNMADD231PS(at["ln2hi"], nf[i], x)
	}
	for i, x := range xs {
		VFNMADD231PS(at["ln2lo"], nf[i], x)
		VMOVUPS(at["p0"], y[i])
	}
	for _, p := range []string{"p1", "p2", "p3", "p4", "p5"} {
		for i, x := range xs {
			VFMADD213PS(at[p], x, y[i])
		}
	}
	for i, x := range xs {
		r2 := nf[i] // nf is dead: reuse it for r²
		VMULPS(x, x, r2)
		VFMADD213PS(x, r2, y[i])
		VADDPS(at["one"], y[i], y[i])
	}
	for i, x := range xs {
		n1, n2 := nf[i], YMM()
		VPSRAD(Imm(1), ni[i], n1)
		VPSUBD(n1, ni[i], n2)
		VPADDD(t.bias, n1, n1)
		VPADDD(t.bias, n2, n2)
		VPSLLD(Imm(23), n1, n1)
		VPSLLD(Imm(23), n2, n2)
		VMULPS(n1, y[i], y[i])
		VMULPS(n2, y[i], x)
	}
}

// siluInPlace emits x = x·σ(x) = x / (1 + e^-x) for the 8 lanes of x.
func (t expTable) siluInPlace(x, lo, hi reg.VecVirtual) {
	e := YMM()
	VXORPS(t.sign, x, e)
	t.expInPlace(e, lo, hi)
	VADDPS(t.at["one"], e, e)
	VDIVPS(e, x, x)
}

func exp() {
	table := emitExpTable()
	TEXT("expAVX2", NOSPLIT, "func(x []float32)")
	Doc("expAVX2 sets x[i] = e^x[i] for i < n, n = len(x) rounded down to a multiple of 8.")
	Pragma("noescape")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	SHRQ(Imm(3), n)
	lo, hi := YMM(), YMM()
	VMOVUPS(table.at["lo"], lo)
	VMOVUPS(table.at["hi"], hi)
	// Two vectors per iteration: the exponential is one long dependency
	// chain, and two independent ones keep both FMA pipes busy.
	n2 := GP64()
	MOVQ(n, n2)
	SHRQ(Imm(1), n2)
	JZ(LabelRef("exp_tail"))
	Label("exp_loop2")
	x0, x1 := YMM(), YMM()
	VMOVUPS(Mem{Base: px}, x0)
	VMOVUPS(Mem{Base: px, Disp: 32}, x1)
	table.expInPlace2(x0, x1, lo, hi)
	VMOVUPS(x0, Mem{Base: px})
	VMOVUPS(x1, Mem{Base: px, Disp: 32})
	ADDQ(Imm(64), px)
	DECQ(n2)
	JNZ(LabelRef("exp_loop2"))
	Label("exp_tail")
	ANDQ(Imm(1), n)
	JZ(LabelRef("exp_done"))
	x := YMM()
	VMOVUPS(Mem{Base: px}, x)
	table.expInPlace(x, lo, hi)
	VMOVUPS(x, Mem{Base: px})
	Label("exp_done")
	VZEROUPPER()
	RET()
}
