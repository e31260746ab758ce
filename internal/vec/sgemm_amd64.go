//go:build amd64 && !purego

package vec

// sgemmAVX2 multiplies 6×16 tiles (12 YMM accumulators) with FMA, the
// BLIS choice for Zen and Haswell. Blocking for AMD Zen 3 (32 KiB L1d,
// 512 KiB L2 per core): a 256×16 B panel is 16 KiB, a 144×256 A block
// 144 KiB, as in BLIS's zen configuration.
var sgemmAVX2 = func() *sgemmImpl {
	g := newSgemmImpl("avx2", 6, 16, 256, 144, 4080, 24, microAVX2)
	g.panels = panelsAVX2
	g.packBT16 = packBT16Asm
	g.packB16 = packB16Asm
	g.packA6 = packA6Asm
	g.packAT = func(dst []float32, alpha float32, a []float32, lda, kb, mb int) {
		packATAsm(g, dst, alpha, a, lda, kb, mb)
	}
	return g
}()

// packA6Asm interleaves the bulk (kb rounded down to 8) in registers and
// the rest in Go. panel has packSlack floats to spare past 6·kb.
func packA6Asm(panel []float32, alpha float32, a []float32, lda, kb int) {
	_ = panel[6*kb+1]
	_ = a[5*lda+kb-1]
	k8 := kb &^ 7
	if k8 > 0 {
		packA6AVX2(&panel[0], &a[0], lda, k8, alpha)
	}
	for p := k8; p < kb; p++ {
		for r := 0; r < 6; r++ {
			panel[6*p+r] = alpha * a[r*lda+p]
		}
	}
}

// packATAsm packs the whole 6-row panels of Aᵀ in assembly and the last,
// shorter panel in Go.
func packATAsm(g *sgemmImpl, dst []float32, alpha float32, a []float32, lda, kb, mb int) {
	panels := mb / 6
	if panels > 0 {
		_ = dst[6*panels*kb-1]
		_ = a[(kb-1)*lda+6*panels-1]
		packAT6AVX2(&dst[0], &a[0], lda, kb, panels, alpha)
	}
	if full := 6 * panels; full < mb {
		rows := mb - full
		for p := 0; p < kb; p++ {
			out := dst[full*kb+p*rows : full*kb+p*rows+rows]
			for r, v := range a[p*lda+full : p*lda+mb] {
				out[r] = alpha * v
			}
		}
	}
}

// packB16Asm copies whole 16-column panels of B in assembly.
func packB16Asm(dst []float32, b []float32, ldb, kb, panels int) {
	if kb <= 0 || panels <= 0 {
		return
	}
	_ = dst[16*panels*kb-1]
	_ = b[(kb-1)*ldb+16*panels-1]
	packB16AVX2(&dst[0], &b[0], ldb, kb, panels)
}

// packBT16Asm transposes the bulk (kb rounded down to 8) in registers and
// the rest in Go.
func packBT16Asm(panel []float32, b []float32, ldb, kb int) {
	_ = panel[16*kb-1]
	_ = b[15*ldb+kb-1]
	k8 := kb &^ 7
	if k8 > 0 {
		packBT16AVX2(&panel[0], &b[0], ldb, k8)
	}
	for j := 0; j < 16; j++ {
		for p := k8; p < kb; p++ {
			panel[p*16+j] = b[j*ldb+p]
		}
	}
}

// sgemmDispatched is chosen once, at package initialisation, from the CPU
// features read in cpu_amd64.go; nothing changes it afterwards.
var sgemmDispatched = func() *sgemmImpl {
	if hasAVX2FMA {
		return sgemmAVX2
	}
	return sgemmGo
}()

// panelsAVX2 runs the 6×16 kernel on np whole A panels in one call. The
// driver guarantees what microAVX2 needs, for np·6 rows.
func panelsAVX2(np, kc int, a, b []float32, bs int, c []float32, ldc int, flags int, bias []float32) {
	_ = a[np*6*kc-1]
	_ = b[(kc-1)*bs+15]
	_ = c[(np*6-1)*ldc+15]
	pbias := &a[0] // any valid pointer; read only under flagBias
	if flags&flagBias != 0 {
		_ = bias[15]
		pbias = &bias[0]
	}
	sgemmKernel6x16PanelsAVX2(np, kc, &a[0], &b[0], bs, &c[0], ldc, flags, pbias)
}

// microAVX2 calls the generated kernel for rows (1..6) rows. The driver
// guarantees the panels hold kc steps, C the whole tile and, when flags
// ask for it, bias 16 values.
func microAVX2(rows, kc int, a, b []float32, bs int, c []float32, ldc int, flags int, bias []float32) {
	_ = a[rows*kc-1]
	_ = b[(kc-1)*bs+15]
	_ = c[(rows-1)*ldc+15]
	pbias := &a[0] // any valid pointer; read only under flagBias
	if flags&flagBias != 0 {
		_ = bias[15]
		pbias = &bias[0]
	}
	switch rows {
	case 6:
		sgemmKernel6x16AVX2(kc, &a[0], &b[0], bs, &c[0], ldc, flags, pbias)
	case 5:
		sgemmKernel5x16AVX2(kc, &a[0], &b[0], bs, &c[0], ldc, flags, pbias)
	case 4:
		sgemmKernel4x16AVX2(kc, &a[0], &b[0], bs, &c[0], ldc, flags, pbias)
	case 3:
		sgemmKernel3x16AVX2(kc, &a[0], &b[0], bs, &c[0], ldc, flags, pbias)
	case 2:
		sgemmKernel2x16AVX2(kc, &a[0], &b[0], bs, &c[0], ldc, flags, pbias)
	case 1:
		sgemmKernel1x16AVX2(kc, &a[0], &b[0], bs, &c[0], ldc, flags, pbias)
	}
}
