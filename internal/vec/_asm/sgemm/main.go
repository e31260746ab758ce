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
func sgemmKernel(mr int, table expTable) {
	name := fmt.Sprintf("sgemmKernel%dx16AVX2", mr)
	TEXT(name, NOSPLIT, "func(kc int, a *float32, b *float32, bs int, c *float32, ldc int, flags int, bias *float32)")
	Doc(fmt.Sprintf("%s adds the %d×16 product of a packed A panel and a B panel to C.", name, mr))
	Pragma("noescape")

	kc := Load(Param("kc"), GP64())
	pa := Load(Param("a"), GP64())
	pb := Load(Param("b"), GP64())
	bs := Load(Param("bs"), GP64())
	SHLQ(Imm(2), bs)
	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(Imm(2), ldc)

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
	VZEROUPPER()
	RET()
}
