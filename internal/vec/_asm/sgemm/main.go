// Command sgemm generates internal/vec's AVX2 assembly: the SGEMM
// micro-kernels (-kernels sgemm) and the vector kernels (-kernels ops).
// It is run by `go generate` in internal/vec (see gen_sgemm.go there).
//
// The SGEMM micro-kernels follow the BLIS design (Van Zee & van de Geijn,
// "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", ACM
// TOMS 41(3), 2015; Goto & van de Geijn, "Anatomy of High-Performance
// Matrix Multiplication", ACM TOMS 34(3), 2008): an mr×16 block of C is
// held in 2·mr YMM accumulators while rank-1 updates stream through a
// packed mr-wide panel of A (broadcast one element at a time) and a
// 16-wide panel of B (two 8-float loads per k).
package main

import (
	"flag"
	"fmt"
	"log"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

var kernels = flag.String("kernels", "sgemm", "which kernels to generate: sgemm or ops")

func main() {
	flag.Parse()
	ConstraintExpr("amd64,!purego")
	switch *kernels {
	case "sgemm":
		table := emitExpTable()
		for mr := 1; mr <= 6; mr++ {
			sgemmKernel(mr, table)
		}
		sgemmKernelPanels(6, table, true)
		packBT16()
		packB16()
		packA6()
		packAT6()
	case "ops":
		genOps()
	default:
		log.Fatalf("unknown -kernels %q", *kernels)
	}
	Generate()
}

// Flags of the micro-kernels' epilogue (sgemm_amd64.go has the same).
const (
	flagAccumulate = 1 << iota // add the product to C instead of overwriting C
	flagBias                   // then add bias[0:16] to every row
	flagReLU                   // then max(x, 0)
	flagSiLU                   // then x·σ(x)
)

// sgemmKernel emits sgemmKernel<mr>x16AVX2: C[0:mr][0:16] = A·B, plus C
// when flags has flagAccumulate (so a beta = 0 product never reads C),
// plus bias, then an activation, as the flags ask. a is a packed panel
// (kc steps of mr floats), b advances bs floats per step (16 for a packed
// panel, ldb when B is read in place) and C has row stride ldc floats.
func sgemmKernel(mr int, table expTable) { sgemmKernelPanels(mr, table, false) }

// sgemmKernelPanels emits the mr×16 kernel, or with panels set
// sgemmKernel<mr>x16PanelsAVX2, which runs it on np A panels in turn
// (consecutive in memory, as packA lays them out) against the same B
// panel, C moving down mr rows each time: the macro-kernel's inner loop,
// in assembly, so the Go driver makes one call per B panel instead of one
// per tile.
func sgemmKernelPanels(mr int, table expTable, panels bool) {
	name := fmt.Sprintf("sgemmKernel%dx16AVX2", mr)
	sig := "func(kc int, a *float32, b *float32, bs int, c *float32, ldc int, flags int, bias *float32)"
	if panels {
		name = fmt.Sprintf("sgemmKernel%dx16PanelsAVX2", mr)
		sig = "func(np int, kc int, a *float32, b *float32, bs int, c *float32, ldc int, flags int, bias *float32)"
	}
	TEXT(name, NOSPLIT, sig)
	if panels {
		Doc(fmt.Sprintf("%s adds the %d×16 products of np consecutive packed A panels and one B panel to np·%d rows of C.", name, mr, mr))
	} else {
		Doc(fmt.Sprintf("%s adds the %d×16 product of a packed A panel and a B panel to C.", name, mr))
	}
	Pragma("noescape")

	var np reg.Register
	if panels {
		np = Load(Param("np"), GP64())
		TESTQ(np, np)
		JZ(LabelRef(name + "_end"))
	}
	pa := Load(Param("a"), GP64())
	bs := Load(Param("bs"), GP64())
	SHLQ(Imm(2), bs)
	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(Imm(2), ldc)
	if panels {
		Label(name + "_panel")
	}
	kc := Load(Param("kc"), GP64())
	pb := Load(Param("b"), GP64())

	// Warm the C rows we will update at the end; the loop hides the latency.
	pcRow := GP64()
	MOVQ(pc, pcRow)
	for i := 0; i < mr; i++ {
		PREFETCHT0(Mem{Base: pcRow})
		PREFETCHT0(Mem{Base: pcRow, Disp: 60})
		if i+1 < mr {
			ADDQ(ldc, pcRow)
		}
	}

	acc := make([][2]reg.VecVirtual, mr)
	for i := range acc {
		for j := 0; j < 2; j++ {
			acc[i][j] = YMM()
			VXORPS(acc[i][j], acc[i][j], acc[i][j])
		}
	}
	b0, b1, t := YMM(), YMM(), YMM()

	step := func(u int) {
		VMOVUPS(Mem{Base: pb}, b0)
		VMOVUPS(Mem{Base: pb, Disp: 32}, b1)
		for i := 0; i < mr; i++ {
			VBROADCASTSS(Mem{Base: pa, Disp: 4 * (u*mr + i)}, t)
			VFMADD231PS(b0, t, acc[i][0])
			VFMADD231PS(b1, t, acc[i][1])
		}
		ADDQ(bs, pb)
	}

	const unroll = 4
	n4 := GP64()
	MOVQ(kc, n4)
	SHRQ(Imm(2), n4)
	JZ(LabelRef(name + "_tail"))
	Label(name + "_loop4")
	// The A panels stream from L2; fetch 96 k-steps ahead (32 measured
	// ~0.5% slower at 256³, and the same at 512³).
	PREFETCHT0(Mem{Base: pa, Disp: 4 * mr * 96})
	for u := 0; u < unroll; u++ {
		step(u)
	}
	ADDQ(Imm(uint64(4*mr*unroll)), pa)
	DECQ(n4)
	JNZ(LabelRef(name + "_loop4"))

	Label(name + "_tail")
	ANDQ(Imm(unroll-1), kc)
	JZ(LabelRef(name + "_store"))
	Label(name + "_loop1")
	step(0)
	ADDQ(Imm(uint64(4*mr)), pa)
	DECQ(kc)
	JNZ(LabelRef(name + "_loop1"))

	Label(name + "_store")
	flags := Load(Param("flags"), GP64())
	rowPtr := GP64()
	eachRow := func(body func(row Mem, i int)) {
		MOVQ(pc, rowPtr)
		for i := 0; i < mr; i++ {
			body(Mem{Base: rowPtr}, i)
			if i+1 < mr {
				ADDQ(ldc, rowPtr)
			}
		}
	}
	TESTQ(U32(flagAccumulate), flags)
	JZ(LabelRef(name + "_bias"))
	eachRow(func(row Mem, i int) {
		VADDPS(row, acc[i][0], acc[i][0])
		VADDPS(row.Offset(32), acc[i][1], acc[i][1])
	})
	Label(name + "_bias")
	TESTQ(U32(flagBias), flags)
	JZ(LabelRef(name + "_relu"))
	pbias := Load(Param("bias"), GP64())
	VMOVUPS(Mem{Base: pbias}, b0)
	VMOVUPS(Mem{Base: pbias, Disp: 32}, b1)
	for i := 0; i < mr; i++ {
		VADDPS(b0, acc[i][0], acc[i][0])
		VADDPS(b1, acc[i][1], acc[i][1])
	}
	Label(name + "_relu")
	TESTQ(U32(flagReLU), flags)
	JZ(LabelRef(name + "_write"))
	VXORPS(t, t, t)
	for i := 0; i < mr; i++ {
		// The accumulator is the first (Intel: second) source, so NaN stays NaN.
		VMAXPS(acc[i][0], t, acc[i][0])
		VMAXPS(acc[i][1], t, acc[i][1])
	}
	Label(name + "_write")
	eachRow(func(row Mem, i int) {
		VMOVUPS(acc[i][0], row)
		VMOVUPS(acc[i][1], row.Offset(32))
	})
	TESTQ(U32(flagSiLU), flags)
	JZ(LabelRef(name + "_done"))
	// SiLU runs over the tile just written (in L1), where every register
	// is free for the exponential.
	lo, hi := YMM(), YMM()
	VMOVUPS(table.at["lo"], lo)
	VMOVUPS(table.at["hi"], hi)
	eachRow(func(row Mem, i int) {
		for h := 0; h < 2; h++ {
			v := YMM()
			VMOVUPS(row.Offset(32*h), v)
			table.siluInPlace(v, lo, hi)
			VMOVUPS(v, row.Offset(32*h))
		}
	})
	Label(name + "_done")
	if panels {
		for i := 0; i < mr; i++ {
			ADDQ(ldc, pc)
		}
		DECQ(np)
		JNZ(LabelRef(name + "_panel"))
		Label(name + "_end")
	}
	VZEROUPPER()
	RET()
}

// packBT16 emits packBT16AVX2, which packs 16 stored rows of B (ldb
// floats apart) into a 16-wide k-major panel, that is, transposes a 16×kb
// block, kb a multiple of 8. Each 8×8 sub-block is transposed in
// registers with the unpack/shuffle/permute sequence of Intel's
// optimisation manual (§11.11, "8x8 matrix transpose").
func packBT16() {
	TEXT("packBT16AVX2", NOSPLIT, "func(dst *float32, src *float32, ldb int, kb int)")
	Doc("packBT16AVX2 sets dst[p*16+j] = src[j*ldb+p] for j < 16, p < kb (kb a multiple of 8).")
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	ldb := Load(Param("ldb"), GP64())
	SHLQ(Imm(2), ldb)
	kb := Load(Param("kb"), GP64())
	SHRQ(Imm(3), kb)
	JZ(LabelRef("packbt_done"))
	ld3 := GP64()
	LEAQ(Mem{Base: ldb, Index: ldb, Scale: 2}, ld3)
	Label("packbt_loop")
	for half := 0; half < 2; half++ {
		// Rows 8·half .. 8·half+7, columns p .. p+7.
		base := GP64()
		MOVQ(src, base)
		if half == 1 {
			LEAQ(Mem{Base: src, Index: ldb, Scale: 8}, base)
		}
		r := make([]reg.VecVirtual, 8)
		for i := range r {
			r[i] = YMM()
		}
		row := func(i int) Mem {
			switch i % 4 {
			case 0:
				return Mem{Base: base}
			case 1:
				return Mem{Base: base, Index: ldb, Scale: 1}
			case 2:
				return Mem{Base: base, Index: ldb, Scale: 2}
			default:
				return Mem{Base: base, Index: ld3, Scale: 1}
			}
		}
		for i := 0; i < 4; i++ {
			VMOVUPS(row(i), r[i])
		}
		LEAQ(Mem{Base: base, Index: ldb, Scale: 4}, base)
		for i := 4; i < 8; i++ {
			VMOVUPS(row(i), r[i])
		}
		t := make([]reg.VecVirtual, 8)
		for i := range t {
			t[i] = YMM()
		}
		for i := 0; i < 8; i += 2 {
			VUNPCKLPS(r[i+1], r[i], t[i])
			VUNPCKHPS(r[i+1], r[i], t[i+1])
		}
		// t0=lo(0,1) t1=hi(0,1) t2=lo(2,3) t3=hi(2,3) ...
		VSHUFPS(Imm(0x44), t[2], t[0], r[0])
		VSHUFPS(Imm(0xee), t[2], t[0], r[1])
		VSHUFPS(Imm(0x44), t[3], t[1], r[2])
		VSHUFPS(Imm(0xee), t[3], t[1], r[3])
		VSHUFPS(Imm(0x44), t[6], t[4], r[4])
		VSHUFPS(Imm(0xee), t[6], t[4], r[5])
		VSHUFPS(Imm(0x44), t[7], t[5], r[6])
		VSHUFPS(Imm(0xee), t[7], t[5], r[7])
		for i := 0; i < 4; i++ {
			VPERM2F128(Imm(0x20), r[4+i], r[i], t[i])
			VPERM2F128(Imm(0x31), r[4+i], r[i], t[4+i])
		}
		for i := 0; i < 8; i++ {
			VMOVUPS(t[i], Mem{Base: dst, Disp: 64*i + 32*half})
		}
	}
	ADDQ(Imm(32), src)
	ADDQ(U32(512), dst)
	DECQ(kb)
	JNZ(LabelRef("packbt_loop"))
	Label("packbt_done")
	VZEROUPPER()
	RET()
}

// packA6 emits packA6AVX2: six stored rows of A (lda floats apart) scaled
// by alpha and interleaved into a 6-wide k-major panel, kb a multiple of
// 8. Each 6×8 block is transposed in registers as an 8×8 one whose last
// two rows are zero; every 8-float store overlaps the next by two floats,
// so dst needs 2 floats of slack past 6·kb.
func packA6() {
	TEXT("packA6AVX2", NOSPLIT, "func(dst *float32, src *float32, lda int, kb int, alpha float32)")
	Doc("packA6AVX2 sets dst[p*6+r] = alpha·src[r*lda+p] for r < 6, p < kb (kb a multiple of 8); it writes dst[6*kb] and dst[6*kb+1] too.")
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(Imm(2), lda)
	kb := Load(Param("kb"), GP64())
	alpha := YMM()
	VBROADCASTSS(Load(Param("alpha"), XMM()), alpha)
	SHRQ(Imm(3), kb)
	JZ(LabelRef("packa6_done"))
	lda3 := GP64()
	LEAQ(Mem{Base: lda, Index: lda, Scale: 2}, lda3)
	z := YMM()
	VXORPS(z, z, z)
	Label("packa6_loop")
	r := make([]reg.VecVirtual, 6)
	for i := range r {
		r[i] = YMM()
	}
	base := GP64()
	MOVQ(src, base)
	VMULPS(Mem{Base: base}, alpha, r[0])
	VMULPS(Mem{Base: base, Index: lda, Scale: 1}, alpha, r[1])
	VMULPS(Mem{Base: base, Index: lda, Scale: 2}, alpha, r[2])
	VMULPS(Mem{Base: base, Index: lda3, Scale: 1}, alpha, r[3])
	VMULPS(Mem{Base: base, Index: lda, Scale: 4}, alpha, r[4])
	LEAQ(Mem{Base: base, Index: lda, Scale: 4}, base)
	VMULPS(Mem{Base: base, Index: lda, Scale: 1}, alpha, r[5])
	t := make([]reg.VecVirtual, 6)
	for i := range t {
		t[i] = YMM()
	}
	for i := 0; i < 6; i += 2 {
		VUNPCKLPS(r[i+1], r[i], t[i])
		VUNPCKHPS(r[i+1], r[i], t[i+1])
	}
	// Rows 6 and 7 are zero, so their unpacked halves are z.
	s := make([]reg.VecVirtual, 8)
	for i := range s {
		s[i] = YMM()
	}
	VSHUFPS(Imm(0x44), t[2], t[0], s[0])
	VSHUFPS(Imm(0xee), t[2], t[0], s[1])
	VSHUFPS(Imm(0x44), t[3], t[1], s[2])
	VSHUFPS(Imm(0xee), t[3], t[1], s[3])
	VSHUFPS(Imm(0x44), z, t[4], s[4])
	VSHUFPS(Imm(0xee), z, t[4], s[5])
	VSHUFPS(Imm(0x44), z, t[5], s[6])
	VSHUFPS(Imm(0xee), z, t[5], s[7])
	cols := make([]reg.VecVirtual, 8)
	for i := 0; i < 4; i++ {
		cols[i], cols[4+i] = YMM(), YMM()
		VPERM2F128(Imm(0x20), s[4+i], s[i], cols[i])
		VPERM2F128(Imm(0x31), s[4+i], s[i], cols[4+i])
	}
	// In ascending order: each store's two spare lanes are overwritten by
	// the next one.
	for i, col := range cols {
		VMOVUPS(col, Mem{Base: dst, Disp: 24 * i})
	}
	ADDQ(Imm(32), src)
	ADDQ(Imm(192), dst)
	DECQ(kb)
	JNZ(LabelRef("packa6_loop"))
	Label("packa6_done")
	VZEROUPPER()
	RET()
}

// packAT6 emits packAT6AVX2: for each of kb stored rows of Aᵀ (lda floats
// apart), alpha times its first 6·panels floats dealt out 6 at a time to
// panels consecutive 6-wide k-major panels (6·kb floats apart).
func packAT6() {
	TEXT("packAT6AVX2", NOSPLIT, "func(dst *float32, src *float32, lda int, kb int, panels int, alpha float32)")
	Doc("packAT6AVX2 sets dst[q*6*kb+p*6+r] = alpha·src[p*lda+6*q+r] for r < 6, q < panels, p < kb.")
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(Imm(2), lda)
	kb := Load(Param("kb"), GP64())
	panels := Load(Param("panels"), GP64())
	alpha := YMM()
	VBROADCASTSS(Load(Param("alpha"), XMM()), alpha)
	stride := GP64() // bytes between panels: 24·kb
	LEAQ(Mem{Base: kb, Index: kb, Scale: 2}, stride)
	SHLQ(Imm(3), stride)
	TESTQ(kb, kb)
	JZ(LabelRef("packat6_done"))
	TESTQ(panels, panels)
	JZ(LabelRef("packat6_done"))
	Label("packat6_row")
	s, d, q := GP64(), GP64(), GP64()
	MOVQ(src, s)
	MOVQ(dst, d)
	MOVQ(panels, q)
	Label("packat6_panel")
	lo, hi := XMM(), XMM()
	VMULPS(Mem{Base: s}, alpha.AsX(), lo)
	VMOVSD(Mem{Base: s, Disp: 16}, hi)
	VMULPS(hi, alpha.AsX(), hi)
	VMOVUPS(lo, Mem{Base: d})
	VMOVSD(hi, Mem{Base: d, Disp: 16})
	ADDQ(Imm(24), s)
	ADDQ(stride, d)
	DECQ(q)
	JNZ(LabelRef("packat6_panel"))
	ADDQ(lda, src)
	ADDQ(Imm(24), dst)
	DECQ(kb)
	JNZ(LabelRef("packat6_row"))
	Label("packat6_done")
	VZEROUPPER()
	RET()
}

// packB16 emits packB16AVX2, which packs panels·16 columns of B (not
// transposed, ldb floats between rows) into 16-wide k-major panels, kb
// rows deep: a plain copy of 64 bytes per row and panel. It walks B row
// by row (sequential reads) and deals each row out to the panels, as the
// Go twin does; the vector copy replaces sixteen scalar moves and their
// bounds checks, which made packing B a tenth of a 256³ product.
func packB16() {
	TEXT("packB16AVX2", NOSPLIT, "func(dst *float32, src *float32, ldb int, kb int, panels int)")
	Doc("packB16AVX2 sets dst[q*16*kb+p*16+j] = src[p*ldb+q*16+j] for j < 16, p < kb, q < panels.")
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	ldb := Load(Param("ldb"), GP64())
	SHLQ(Imm(2), ldb)
	kb := Load(Param("kb"), GP64())
	panels := Load(Param("panels"), GP64())
	TESTQ(kb, kb)
	JZ(LabelRef("packb_done"))
	TESTQ(panels, panels)
	JZ(LabelRef("packb_done"))
	pstride := GP64() // bytes between panels: 64·kb
	MOVQ(kb, pstride)
	SHLQ(Imm(6), pstride)
	Label("packb_row")
	s, d, q := GP64(), GP64(), GP64()
	MOVQ(src, s)
	MOVQ(dst, d)
	MOVQ(panels, q)
	Label("packb_panel")
	x0, x1 := YMM(), YMM()
	VMOVUPS(Mem{Base: s}, x0)
	VMOVUPS(Mem{Base: s, Disp: 32}, x1)
	VMOVUPS(x0, Mem{Base: d})
	VMOVUPS(x1, Mem{Base: d, Disp: 32})
	ADDQ(Imm(64), s)
	ADDQ(pstride, d)
	DECQ(q)
	JNZ(LabelRef("packb_panel"))
	ADDQ(ldb, src)
	ADDQ(Imm(64), dst)
	DECQ(kb)
	JNZ(LabelRef("packb_row"))
	Label("packb_done")
	VZEROUPPER()
	RET()
}
