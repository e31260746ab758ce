package vec

import (
	"fmt"
	"sync"
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// where op(X) is X or its transpose. op(A) is m×k, op(B) is k×n and C is
// m×n; lda, ldb and ldc are the row strides of A, B and C as stored.
// When beta is 0, C is not read (NaNs in C do not propagate), as in BLAS.
//
// It runs on the calling goroutine: the AVX2+FMA kernels when the CPU has
// them (also on AVX-512 machines: there is no AVX-512 SGEMM kernel yet),
// else the pure-Go twin. It is safe for concurrent use, and once warm it
// allocates nothing. Like the reference BLAS (whose xerbla aborts), it panics when a
// dimension is negative, a stride is smaller than its row, or a slice is
// shorter than the matrix it holds: those are bugs in the caller, and the
// assembly must never be handed memory it does not own.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemmDispatched.run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Epilogue{})
}

// Activation is an element-wise function an Epilogue applies.
type Activation uint8

const (
	// NoActivation leaves the values as they are.
	NoActivation Activation = iota
	// ReLU is max(x, 0); NaN stays NaN.
	ReLU
	// SiLU is x·σ(x) = x / (1 + e^-x) (Elfwing et al., "Sigmoid-Weighted
	// Linear Units", 2018; Swish), with the exponential of ExpInPlace.
	SiLU
)

// Epilogue is work SgemmEpilogue fuses into the product: after
// alpha·op(A)·op(B) + beta·C, it adds Bias[j] to column j of every row
// (when Bias is non-nil; it must then hold n values) and applies Act.
//
// Fusing pays because each tile of C is finished while it is still in
// registers or L1, where a separate pass re-reads all of C from L2 or
// memory. Measured on the AVX2 path (single thread, thread CPU time, best
// of 7; shapes MxKxN 1000x256x1024, 512³, 333x144x576, 333x576x144,
// 8x256x1024): a separate bias+ReLU pass costs 8-32% of the GEMM's time,
// the fused one 0-2.5%; fused bias+SiLU costs 4-25%, nearly all of it the
// exponential itself. BenchmarkSgemmEpilogue compares the two in one run.
//
// Training needs the pre-activation to differentiate SiLU, so it would
// fuse only the bias and apply SiLU itself; inference can fuse both.
type Epilogue struct {
	Bias []float32
	Act  Activation
}

// SgemmEpilogue is SgemmParallel (threads ≤ 1 runs on the calling
// goroutine) followed, element by element, by ep. It panics as Sgemm does,
// or if ep.Bias is non-nil and shorter than n, or ep.Act is unknown.
func SgemmEpilogue(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if ep.Bias != nil && len(ep.Bias) < n {
		panic(fmt.Sprintf("vec.SgemmEpilogue: bias has %d values, C has %d columns", len(ep.Bias), n))
	}
	if ep.Act > SiLU {
		panic(fmt.Sprintf("vec.SgemmEpilogue: unknown activation %d", ep.Act))
	}
	sgemmDispatched.runParallel(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
}

// parallelMinFlops is the product size below which SgemmParallel stays on
// one goroutine: on the 2-core development machine, products under about
// 20 MFLOP ran faster single-threaded (issue 5).
const parallelMinFlops = 20e6

// SgemmParallel is Sgemm split across up to threads goroutines, each
// computing a band of rows (or of columns, when C is wider than tall) of
// C. Products under about 20 MFLOP, and threads ≤ 1, run on the calling
// goroutine. Each band is computed exactly as Sgemm would compute it, so
// the result does not depend on threads.
func SgemmParallel(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemmDispatched.runParallel(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Epilogue{})
}

// checkSgemm panics unless every index Sgemm touches lies inside its slice.
func checkSgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("vec.Sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	checkMatrix("C", m, n, c, ldc)
	if k == 0 {
		return
	}
	if transA {
		checkMatrix("A", k, m, a, lda)
	} else {
		checkMatrix("A", m, k, a, lda)
	}
	if transB {
		checkMatrix("B", n, k, b, ldb)
	} else {
		checkMatrix("B", k, n, b, ldb)
	}
}

// checkMatrix panics unless x holds a rows×cols row-major matrix with row
// stride ld.
func checkMatrix(name string, rows, cols int, x []float32, ld int) {
	if ld < cols || ld < 1 {
		panic(fmt.Sprintf("vec.Sgemm: ld%s=%d is less than its %d columns", name, ld, cols))
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("vec.Sgemm: %s has %d elements, a %d×%d matrix with stride %d needs %d", name, len(x), rows, cols, ld, need))
	}
}

// scaleC multiplies C by beta, writing zeros when beta is 0 (so NaNs in
// C do not survive, as BLAS requires).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// sgemmImpl is one SGEMM kernel family: a register-tile micro-kernel and
// the cache blocking that feeds it. The driver is the five-loop algorithm
// of Goto & van de Geijn ("Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 34(3), 2008) in the loop order of BLIS (Van Zee
// & van de Geijn, ACM TOMS 41(3), 2015): a kc×nc block of op(B) is packed
// into nr-wide panels (kept in L3), an mc×kc block of op(A) into mr-tall
// panels (kept in L2), and the micro-kernel multiplies one A panel by one B
// panel (kept in L1) into an mr×nr tile of C.
type sgemmImpl struct {
	name   string
	mr, nr int // register tile of the micro-kernel
	kc     int // depth of a packed panel: a kc×nr B panel fits L1
	mc     int // rows of A packed at once: mc×kc fits L2; a multiple of mr
	nc     int // columns of B packed at once: kc×nc fits L3; a multiple of nr
	// directB is the largest m for which B (not transposed) is read in
	// place instead of packed: with few rows each B panel is used only a
	// few times, so packing it costs more than the strided reads it saves.
	directB int
	// micro stores the rows×nr product of a packed A panel (kc steps of
	// rows floats) and a B panel (kc steps of nr floats, bs apart) into C,
	// whose rows are ldc apart, applying the tile flags (flagAccumulate
	// and the epilogue; bias then holds nr values). 1 ≤ rows ≤ mr, kc ≥ 1.
	micro func(rows, kc int, a, b []float32, bs int, c []float32, ldc int, flags int, bias []float32)
	// panels, when set, is micro on np whole mr-row panels of A in turn
	// (consecutive in a, C moving down mr rows each time), one call for
	// a whole column of tiles; nil means a loop over micro.
	panels func(np, kc int, a, b []float32, bs int, c []float32, ldc int, flags int, bias []float32)
	// packBT16 transposes 16 stored rows of B into a 16-wide panel (used
	// when nr = 16); packBT16Go or an assembly version of it.
	packBT16 func(panel []float32, b []float32, ldb, kb int)
	// packB16 copies panels·16 columns of B (not transposed) into 16-wide
	// panels (used when nr = 16); packB16Go or an assembly version of it.
	packB16 func(dst []float32, b []float32, ldb, kb, panels int)
	// packA6 interleaves 6 rows of A into a panel (used when mr = 6).
	packA6 func(panel []float32, alpha float32, a []float32, lda, kb int)
	// packAT packs op(A) = Aᵀ (see packATGo).
	packAT func(dst []float32, alpha float32, a []float32, lda, kb, mb int)
	// pool recycles packing buffers between calls; it holds no state a
	// result could depend on.
	pool *sync.Pool
}

// Flags of a micro-kernel call; _asm/sgemm/main.go has the same values.
const (
	flagAccumulate = 1 << iota // add the product to C instead of overwriting C
	flagBias                   // then add bias[0:nr] to every row
	flagReLU                   // then max(x, 0)
	flagSiLU                   // then x·σ(x)
)

// epilogueFlags are the micro-kernel flags that apply ep.
func epilogueFlags(ep Epilogue) int {
	f := 0
	if ep.Bias != nil {
		f |= flagBias
	}
	switch ep.Act {
	case ReLU:
		f |= flagReLU
	case SiLU:
		f |= flagSiLU
	}
	return f
}

// sgemmWork is the scratch one Sgemm call packs into.
type sgemmWork struct {
	a, b []float32
	tile []float32 // mr×nr, for C tiles narrower than nr
	bias []float32 // nr, the bias of such a tile, zero-padded
}

func newSgemmImpl(name string, mr, nr, kc, mc, nc, directB int, micro func(rows, kc int, a, b []float32, bs int, c []float32, ldc int, flags int, bias []float32)) *sgemmImpl {
	g := &sgemmImpl{
		name: name, mr: mr, nr: nr, kc: kc, mc: mc, nc: nc, directB: directB, micro: micro,
		packBT16: packBT16Go, packB16: packB16Go, packA6: packA6Go,
		pool: &sync.Pool{New: func() any { return new(sgemmWork) }},
	}
	g.packAT = g.packATGo
	return g
}

// grow returns s resized to n elements, reallocating only when it must.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// run is Sgemm on this kernel family, with arguments already checked.
func (g *sgemmImpl) run(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		applyEpilogue(m, n, c, ldc, ep)
		return
	}
	if m*n*k <= tinyMACs {
		sgemmTiny(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
		return
	}
	// With beta = 0 the first k block overwrites C instead of adding to
	// it, which saves a pass over C and never reads it.
	if beta != 0 {
		scaleC(m, n, beta, c, ldc)
	}
	w := g.pool.Get().(*sgemmWork)
	defer g.pool.Put(w)

	kcMax := min(g.kc, k)
	ncMax := min(g.nc, roundUp(n, g.nr))
	mcMax := min(g.mc, roundUp(m, g.mr))
	w.b = grow(w.b, kcMax*roundUp(ncMax, g.nr))
	w.a = grow(w.a, kcMax*mcMax+packSlack)
	w.tile = grow(w.tile, g.mr*g.nr)
	w.bias = grow(w.bias, g.nr)
	epilogue := epilogueFlags(ep)

	direct := !transB && m <= g.directB
	for jc := 0; jc < n; jc += g.nc {
		nb := min(g.nc, n-jc)
		for pc := 0; pc < k; pc += g.kc {
			kb := min(g.kc, k-pc)
			var bBlock []float32
			if direct {
				bBlock = b[pc*ldb+jc:]
			} else {
				g.packB(w.b, transB, b, ldb, pc, jc, kb, nb)
			}
			flags := 0
			if beta != 0 || pc > 0 {
				flags |= flagAccumulate
			}
			var bias []float32
			if pc+kb == k {
				flags |= epilogue
				if ep.Bias != nil {
					bias = ep.Bias[jc : jc+nb]
				}
			}
			for ic := 0; ic < m; ic += g.mc {
				mb := min(g.mc, m-ic)
				g.packA(w.a, transA, alpha, a, lda, ic, pc, mb, kb)
				if direct {
					g.macroDirect(w, mb, nb, kb, bBlock, ldb, c[ic*ldc+jc:], ldc, flags, bias)
				} else {
					g.macro(w, mb, nb, kb, w.b, c[ic*ldc+jc:], ldc, flags, bias)
				}
			}
		}
	}
}

// macroDirect is macro with B read in place (row stride ldb); only a last
// panel narrower than nr is packed, so the kernel never reads past B.
func (g *sgemmImpl) macroDirect(w *sgemmWork, mb, nb, kb int, b []float32, ldb int, c []float32, ldc int, flags int, bias []float32) {
	full := nb / g.nr * g.nr
	for jr := 0; jr < full; jr += g.nr {
		var tileBias []float32
		if bias != nil {
			tileBias = bias[jr : jr+g.nr]
		}
		ir := 0
		if g.panels != nil && mb >= g.mr {
			np := mb / g.mr
			g.panels(np, kb, w.a, b[jr:], ldb, c[jr:], ldc, flags, tileBias)
			ir = np * g.mr
		}
		for ; ir < mb; ir += g.mr {
			rows := min(g.mr, mb-ir)
			g.micro(rows, kb, w.a[ir*kb:ir*kb+rows*kb], b[jr:], ldb, c[ir*ldc+jr:], ldc, flags, tileBias)
		}
	}
	if full < nb {
		if bias != nil {
			bias = bias[full:]
		}
		g.packB(w.b, false, b, ldb, 0, full, kb, nb-full)
		g.macro(w, mb, nb-full, kb, w.b, c[full:], ldc, flags, bias)
	}
}

// macro multiplies the packed mb×kb block of A by the packed kb×nb block
// of B into C (already offset to the block's corner) with the tile flags;
// bias, when the flags use it, holds nb values.
func (g *sgemmImpl) macro(w *sgemmWork, mb, nb, kb int, bPacked []float32, c []float32, ldc int, flags int, bias []float32) {
	mr, nr := g.mr, g.nr
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		bp := bPacked[jr*kb : jr*kb+nr*kb]
		var tileBias []float32
		if bias != nil {
			if cols == nr {
				tileBias = bias[jr : jr+nr]
			} else {
				tileBias = w.bias
				clear(tileBias)
				copy(tileBias, bias[jr:jr+cols])
			}
		}
		ir := 0
		if cols == nr && g.panels != nil && mb >= mr {
			np := mb / mr
			g.panels(np, kb, w.a, bp, nr, c[jr:], ldc, flags, tileBias)
			ir = np * mr
		}
		for ; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			ap := w.a[ir*kb : ir*kb+rows*kb]
			if cols == nr {
				g.micro(rows, kb, ap, bp, nr, c[ir*ldc+jr:], ldc, flags, tileBias)
				continue
			}
			// A tile narrower than nr goes through a scratch tile so the
			// kernel never touches memory past C's columns.
			tile := w.tile
			if flags&flagAccumulate != 0 {
				for r := 0; r < rows; r++ {
					copy(tile[r*nr:r*nr+cols], c[(ir+r)*ldc+jr:(ir+r)*ldc+jr+cols])
				}
			}
			g.micro(rows, kb, ap, bp, nr, tile, nr, flags, tileBias)
			for r := 0; r < rows; r++ {
				copy(c[(ir+r)*ldc+jr:(ir+r)*ldc+jr+cols], tile[r*nr:r*nr+cols])
			}
		}
	}
}

// packA copies alpha·op(A)[ic:ic+mb, pc:pc+kb] into dst as panels of mr
// rows, each stored k-major (kb steps of mr floats); the last panel holds
// only the rows that remain, so panel ir starts at ir·kb. dst has
// packSlack floats to spare past mb·kb.
func (g *sgemmImpl) packA(dst []float32, transA bool, alpha float32, a []float32, lda, ic, pc, mb, kb int) {
	if transA {
		g.packAT(dst, alpha, a[pc*lda+ic:], lda, kb, mb)
		return
	}
	for ir := 0; ir < mb; ir += g.mr {
		rows := min(g.mr, mb-ir)
		if rows == 6 && g.mr == 6 {
			g.packA6(dst[ir*kb:], alpha, a[(ic+ir)*lda+pc:], lda, kb)
			continue
		}
		panel := dst[ir*kb : ir*kb+rows*kb]
		for r := 0; r < rows; r++ {
			src := a[(ic+ir+r)*lda+pc : (ic+ir+r)*lda+pc+kb]
			for p, v := range src {
				panel[p*rows+r] = alpha * v
			}
		}
	}
}

// packSlack is how many floats past its packed data a packing routine may
// write (packA6AVX2's overlapping stores).
const packSlack = 8

// packATGo packs op(A) = Aᵀ: a holds the stored k×m block (row p of the
// block at a[p·lda:]), and its first mb columns become panels of mr rows.
// It walks the stored rows in order (sequential reads) and deals each one
// out to the panels.
func (g *sgemmImpl) packATGo(dst []float32, alpha float32, a []float32, lda, kb, mb int) {
	mr := g.mr
	full := mb / mr * mr
	for p := 0; p < kb; p++ {
		src := a[p*lda : p*lda+mb]
		for ir := 0; ir < full; ir += mr {
			out := dst[ir*kb+p*mr : ir*kb+p*mr+mr]
			for r, v := range src[ir : ir+mr] {
				out[r] = alpha * v
			}
		}
		if rows := mb - full; rows > 0 {
			out := dst[full*kb+p*rows : full*kb+p*rows+rows]
			for r, v := range src[full:] {
				out[r] = alpha * v
			}
		}
	}
}

// packA6Go interleaves six rows of A (lda apart) into a 6-wide panel,
// reading six streams and writing one, so each panel line is written whole.
func packA6Go(panel []float32, alpha float32, a []float32, lda, kb int) {
	r0 := a[0*lda : 0*lda+kb]
	r1 := a[1*lda : 1*lda+kb]
	r2 := a[2*lda : 2*lda+kb]
	r3 := a[3*lda : 3*lda+kb]
	r4 := a[4*lda : 4*lda+kb]
	r5 := a[5*lda : 5*lda+kb]
	panel = panel[:6*kb]
	for p := range r0 {
		out := panel[6*p : 6*p+6 : 6*p+6]
		out[0] = alpha * r0[p]
		out[1] = alpha * r1[p]
		out[2] = alpha * r2[p]
		out[3] = alpha * r3[p]
		out[4] = alpha * r4[p]
		out[5] = alpha * r5[p]
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into dst as panels of nr
// columns, each stored k-major (kb steps of nr floats), the last panel
// padded with zeros.
func (g *sgemmImpl) packB(dst []float32, transB bool, b []float32, ldb, pc, jc, kb, nb int) {
	nr := g.nr
	full := nb / nr * nr
	if !transB {
		if nr == 16 && full > 0 {
			g.packB16(dst, b[pc*ldb+jc:], ldb, kb, full/16)
		} else {
			for p := 0; p < kb; p++ {
				src := b[(pc+p)*ldb+jc : (pc+p)*ldb+jc+full]
				out := dst[p*nr:]
				for jr := 0; jr < full; jr += nr {
					copy(out[jr*kb:jr*kb+nr], src[jr:jr+nr])
				}
			}
		}
		if full < nb {
			for p := 0; p < kb; p++ {
				o := dst[full*kb+p*nr : full*kb+p*nr+nr]
				n := copy(o, b[(pc+p)*ldb+jc+full:(pc+p)*ldb+jc+nb])
				clear(o[n:])
			}
		}
		return
	}
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		panel := dst[jr*kb : jr*kb+nr*kb]
		if cols == 16 && nr == 16 {
			g.packBT16(panel, b[(jc+jr)*ldb+pc:], ldb, kb)
			continue
		}
		if cols < nr {
			clear(panel)
		}
		// op(B)[p][j] = B[j][p]: read each stored row once.
		for j := 0; j < cols; j++ {
			src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kb]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
	}
}

// packB16Go copies panels·16 columns of B (row stride ldb, kb rows) into
// 16-wide k-major panels. It walks B row by row (sequential reads),
// dealing each row out to the panels; a whole-panel copy per row would
// issue many short copies down a column, which measured slower.
func packB16Go(dst []float32, b []float32, ldb, kb, panels int) {
	for p := 0; p < kb; p++ {
		src := b[p*ldb : p*ldb+16*panels]
		out := dst[p*16:]
		for q := 0; q < panels; q++ {
			o := out[q*16*kb : q*16*kb+16 : q*16*kb+16]
			s := src[q*16 : q*16+16 : q*16+16]
			o[0], o[1], o[2], o[3] = s[0], s[1], s[2], s[3]
			o[4], o[5], o[6], o[7] = s[4], s[5], s[6], s[7]
			o[8], o[9], o[10], o[11] = s[8], s[9], s[10], s[11]
			o[12], o[13], o[14], o[15] = s[12], s[13], s[14], s[15]
		}
	}
}

// packBT16Go transposes 16 stored rows of B (ldb apart, kb long) into a
// 16-wide panel, writing each panel line whole; sixteen read streams fit
// the prefetchers where a column-at-a-time scatter did not.
func packBT16Go(panel []float32, b []float32, ldb, kb int) {
	var rows [16][]float32
	for j := range rows {
		rows[j] = b[j*ldb : j*ldb+kb]
	}
	panel = panel[:16*kb]
	for p0 := 0; p0 < kb; p0 += 8 {
		p1 := min(p0+8, kb)
		for j := range rows {
			src := rows[j][p0:p1]
			for q, v := range src {
				panel[(p0+q)*16+j] = v
			}
		}
	}
}

// runParallel splits the product into bands of C, one per goroutine.
func (g *sgemmImpl) runParallel(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	flops := 2 * float64(m) * float64(n) * float64(k)
	if threads <= 1 || flops < parallelMinFlops {
		g.run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
		return
	}
	var wg sync.WaitGroup
	if m >= n {
		// Bands of rows, in whole micro-tiles, so each band tiles exactly
		// as the single-threaded call would.
		band := roundUp((m+threads-1)/threads, g.mr)
		for i0 := 0; i0 < m; i0 += band {
			rows := min(band, m-i0)
			aOff := i0 * lda
			if transA {
				aOff = i0
			}
			wg.Go(func() {
				g.run(transA, transB, rows, n, k, alpha, a[aOff:], lda, b, ldb, beta, c[i0*ldc:], ldc, ep)
			})
		}
	} else {
		band := roundUp((n+threads-1)/threads, g.nr)
		for j0 := 0; j0 < n; j0 += band {
			cols := min(band, n-j0)
			bOff := j0
			if transB {
				bOff = j0 * ldb
			}
			bandEp := ep
			if ep.Bias != nil {
				bandEp.Bias = ep.Bias[j0 : j0+cols]
			}
			wg.Go(func() {
				g.run(transA, transB, m, cols, k, alpha, a, lda, b[bOff:], ldb, beta, c[j0:], ldc, bandEp)
			})
		}
	}
	wg.Wait()
}

// tinyMACs is the largest product (in multiply-adds) computed with plain
// loops: below it the fixed cost of packing and blocking (about 200 ns)
// exceeds the arithmetic, which the plain loop does at about 2.5 ns per
// multiply-add (1×1×1 went from about 200 to 30-50 ns).
const tinyMACs = 128

// sgemmTiny is the textbook triple loop, with the epilogue; the
// transposes become strides so the inner loop has no branches.
func sgemmTiny(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	aRow, aStep := lda, 1 // op(A)[i][p] = a[i*aRow + p*aStep]
	if transA {
		aRow, aStep = 1, lda
	}
	bStep, bCol := ldb, 1 // op(B)[p][j] = b[p*bStep + j*bCol]
	if transB {
		bStep, bCol = 1, ldb
	}
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		for j := range crow {
			var sum float32
			ia, ib := i*aRow, j*bCol
			for p := 0; p < k; p++ {
				sum += a[ia] * b[ib]
				ia += aStep
				ib += bStep
			}
			v := alpha * sum
			if beta != 0 {
				v += beta * crow[j]
			}
			if ep.Bias != nil {
				v += ep.Bias[j]
			}
			if ep.Act != NoActivation {
				v = activate(v, ep.Act)
			}
			crow[j] = v
		}
	}
}

// applyEpilogue applies ep to an m×n C in plain Go; only products with
// k = 0 or alpha = 0, which never reach a micro-kernel, need it.
func applyEpilogue(m, n int, c []float32, ldc int, ep Epilogue) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			v := row[j]
			if ep.Bias != nil {
				v += ep.Bias[j]
			}
			row[j] = activate(v, ep.Act)
		}
	}
}

// activate is one element of an Activation, as the micro-kernels compute it.
func activate(v float32, act Activation) float32 {
	switch act {
	case ReLU:
		return max(v, 0) // max propagates NaN
	case SiLU:
		return v / (1 + exp32(-v))
	}
	return v
}

// roundUp rounds x up to a multiple of q.
func roundUp(x, q int) int { return (x + q - 1) / q * q }
