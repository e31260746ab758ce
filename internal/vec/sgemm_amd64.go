//go:build amd64 && !purego

package vec

// sgemmAVX2 multiplies 6×16 tiles (12 YMM accumulators) with FMA, the
// BLIS choice for Zen and Haswell. Blocking for AMD Zen 3 (32 KiB L1d,
// 512 KiB L2 per core): a 256×16 B panel is 16 KiB, a 144×256 A block
// 144 KiB, as in BLIS's zen configuration.
var sgemmAVX2 = newSgemmImpl("avx2", 6, 16, 256, 144, 4080, 24, microAVX2)

// sgemmDispatched is chosen once, at package initialisation, from the CPU
// features read in cpu_amd64.go; nothing changes it afterwards.
var sgemmDispatched = func() *sgemmImpl {
	if hasAVX2FMA {
		return sgemmAVX2
	}
	return sgemmGo
}()

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
