package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// Kernels of the log-mel front end. Both do exactly the arithmetic of
// their pure-Go twins (logFloorGo, bandMatVec8Go in internal/vec): the same
// IEEE single operations in the same order, and no FMA (the twins could
// not round a fused product the same way), so the two paths agree bit for
// bit.

// logConsts are the constants of logFloorAVX2, each over 8 lanes.
var logConsts = []struct {
	name string
	bits uint32
}{
	{"mant", 0x007fffff},
	{"onebits", 0x3f800000},
	{"bias", 127},
	{"sqrt2", math.Float32bits(float32(math.Sqrt2))},
	{"half", math.Float32bits(0.5)},
	{"one", math.Float32bits(1)},
	{"c3", math.Float32bits(float32(1.0 / 3))},
	{"c5", math.Float32bits(float32(1.0 / 5))},
	{"c7", math.Float32bits(float32(1.0 / 7))},
	{"c9", math.Float32bits(float32(1.0 / 9))},
	{"ln2", math.Float32bits(float32(math.Ln2))},
	{"inf", math.Float32bits(float32(math.Inf(1)))},
}

// logFloor emits logFloorAVX2: x = ln(max(x, floor)) with x = 2^e·m,
// m in [√½, √2), ln m = 2·atanh(s), s = (m−1)/(m+1), by the odd series to
// s⁹ (the method of logFloorGo, which documents it); NaN and +Inf pass
// through.
func logFloor() {
	consts := GLOBL("logconsts", RODATA|NOPTR)
	at := map[string]Mem{}
	for i, c := range logConsts {
		for l := 0; l < 8; l++ {
			DATA(32*i+4*l, U32(c.bits))
		}
		at[c.name] = consts.Offset(32 * i)
	}
	TEXT("logFloorAVX2", NOSPLIT, "func(x []float32, floor float32)")
	Doc("logFloorAVX2 sets x[i] = ln(max(x[i], floor)) for i < n, n = len(x) rounded down to a multiple of 8.")
	Pragma("noescape")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	fl := YMM()
	VBROADCASTSS(Load(Param("floor"), XMM()), fl)
	SHRQ(Imm(3), n)
	JZ(LabelRef("log_done"))
	Label("log_loop")
	x := YMM()
	// x is the first (Intel: second) source of MAX, so a NaN passes
	// through, as Go's max(x, floor) lets it.
	VMAXPS(Mem{Base: px}, fl, x)
	e, m, mask, t := YMM(), YMM(), YMM(), YMM()
	VPSRLD(Imm(23), x, e)
	VPSUBD(at["bias"], e, e)
	VANDPS(at["mant"], x, m)
	VORPS(at["onebits"], m, m)
	VCMPPS(Imm(0x1e), at["sqrt2"], m, mask) // m > √2 (ordered, quiet)
	VMULPS(at["half"], m, t)
	VBLENDVPS(mask, t, m, m)
	VPSUBD(mask, e, e) // mask lanes are −1: e++
	num, den, s, s2 := YMM(), YMM(), YMM(), YMM()
	VSUBPS(at["one"], m, num)
	VADDPS(at["one"], m, den)
	VDIVPS(den, num, s)
	VMULPS(s, s, s2)
	p := YMM()
	VMULPS(at["c9"], s2, p)
	for _, c := range []string{"c7", "c5", "c3", "one"} {
		VADDPS(at[c], p, p)
		if c != "one" {
			VMULPS(s2, p, p)
		}
	}
	VADDPS(s, s, s) // 2·s, exact
	VMULPS(p, s, p)
	VCVTDQ2PS(e, t)
	VMULPS(at["ln2"], t, t)
	VADDPS(p, t, t)
	// NaN and +Inf are their own logarithms: where x is not below +Inf
	// (unordered or equal: predicate NLT_UQ), keep x.
	VCMPPS(Imm(0x05), at["inf"], x, mask)
	VBLENDVPS(mask, x, t, t)
	VMOVUPS(t, Mem{Base: px})
	ADDQ(Imm(32), px)
	DECQ(n)
	JNZ(LabelRef("log_loop"))
	Label("log_done")
	VZEROUPPER()
	RET()
}

// bandMatVec8 emits bandMatVec8AVX2, the product of a band matrix stored
// by vec.BandMatrix8 (blocks of 8 rows; block g's columns first..first+
// count−1 as spans[2g], spans[2g+1]; its weights count columns × 8 lanes)
// with a vector: each column broadcasts x[col] and adds w·x[col] to one of
// four accumulators in turn (column k of the block to accumulator k mod 4,
// so four add chains run side by side), and the block's result is
// (a0 + a1) + (a2 + a3).
func bandMatVec8() {
	TEXT("bandMatVec8AVX2", NOSPLIT, "func(dst, w []float32, spans []int32, x []float32)")
	Doc("bandMatVec8AVX2 computes the len(dst)/8 blocks of a BandMatrix8 times x; the caller checks every bound.")
	Pragma("noescape")
	pd := Load(Param("dst").Base(), GP64())
	nb := Load(Param("dst").Len(), GP64())
	pw := Load(Param("w").Base(), GP64())
	ps := Load(Param("spans").Base(), GP64())
	px := Load(Param("x").Base(), GP64())
	SHRQ(Imm(3), nb)
	JZ(LabelRef("band_done"))
	Label("band_block")
	first, count, pc := GP64(), GP64(), GP64()
	MOVLQSX(Mem{Base: ps}, first)
	MOVLQSX(Mem{Base: ps, Disp: 4}, count)
	LEAQ(Mem{Base: px, Index: first, Scale: 4}, pc)
	acc := []reg.VecVirtual{YMM(), YMM(), YMM(), YMM()}
	for _, a := range acc {
		VXORPS(a, a, a)
	}
	n4 := GP64()
	MOVQ(count, n4)
	SHRQ(Imm(2), n4)
	JZ(LabelRef("band_tail"))
	Label("band_cols4")
	for u, a := range acc {
		t := YMM()
		VBROADCASTSS(Mem{Base: pc, Disp: 4 * u}, t)
		VMULPS(Mem{Base: pw, Disp: 32 * u}, t, t)
		VADDPS(t, a, a)
	}
	ADDQ(Imm(16), pc)
	ADDQ(Imm(128), pw)
	DECQ(n4)
	JNZ(LabelRef("band_cols4"))
	Label("band_tail")
	ANDQ(Imm(3), count)
	JZ(LabelRef("band_sum"))
	for u := 0; u < 3; u++ {
		t := YMM()
		VBROADCASTSS(Mem{Base: pc, Disp: 4 * u}, t)
		VMULPS(Mem{Base: pw, Disp: 32 * u}, t, t)
		VADDPS(t, acc[u], acc[u])
		if u < 2 {
			DECQ(count)
			JZ(LabelRef("band_tailend"))
		}
	}
	Label("band_tailend")
	// pw moves past the tail's columns: count was cut to 0 on the way,
	// so recompute the tail length from the span.
	tail := GP64()
	MOVLQSX(Mem{Base: ps, Disp: 4}, tail)
	ANDQ(Imm(3), tail)
	SHLQ(Imm(5), tail)
	ADDQ(tail, pw)
	Label("band_sum")
	VADDPS(acc[1], acc[0], acc[0])
	VADDPS(acc[3], acc[2], acc[2])
	VADDPS(acc[2], acc[0], acc[0])
	VMOVUPS(acc[0], Mem{Base: pd})
	ADDQ(Imm(32), pd)
	ADDQ(Imm(8), ps)
	DECQ(nb)
	JNZ(LabelRef("band_block"))
	Label("band_done")
	VZEROUPPER()
	RET()
}
