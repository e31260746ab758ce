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
		for mr := 1; mr <= 6; mr++ {
			sgemmKernel(mr)
		}
	case "ops":
		genOps()
	default:
		log.Fatalf("unknown -kernels %q", *kernels)
	}
	Generate()
}

// sgemmKernel emits sgemmKernel<mr>x16AVX2: C[0:mr][0:16] += A·B (or
// C = A·B when accumulate is false, so a beta = 0 product never reads C),
// where a is a packed panel (kc steps of mr floats), b advances bs floats
// per step (16 for a packed panel, ldb when B is read in place) and C has
// row stride ldc floats.
func sgemmKernel(mr int) {
	name := fmt.Sprintf("sgemmKernel%dx16AVX2", mr)
	TEXT(name, NOSPLIT, "func(kc int, a *float32, b *float32, bs int, c *float32, ldc int, accumulate bool)")
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
	accumulate := Load(Param("accumulate"), GP8())
	TESTB(accumulate, accumulate)
	JZ(LabelRef(name + "_overwrite"))
	for i := 0; i < mr; i++ {
		VADDPS(Mem{Base: pc}, acc[i][0], acc[i][0])
		VMOVUPS(acc[i][0], Mem{Base: pc})
		VADDPS(Mem{Base: pc, Disp: 32}, acc[i][1], acc[i][1])
		VMOVUPS(acc[i][1], Mem{Base: pc, Disp: 32})
		if i+1 < mr {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()
	Label(name + "_overwrite")
	for i := 0; i < mr; i++ {
		VMOVUPS(acc[i][0], Mem{Base: pc})
		VMOVUPS(acc[i][1], Mem{Base: pc, Disp: 32})
		if i+1 < mr {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()
}
