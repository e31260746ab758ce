//go:build amd64 && !purego

package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPackingAsmMatchesGo holds each assembly packing routine to its Go
// twin bit for bit, for depths around the 8-float blocks, with sentinels
// past what each may write.
func TestPackingAsmMatchesGo(t *testing.T) {
	if !hasAVX2FMA {
		t.Skip("no AVX2+FMA")
	}
	for _, kb := range []int{1, 7, 8, 9, 16, 23, 64, 255, 256} {
		t.Run(fmt.Sprintf("kb=%d", kb), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(kb), 3))
			const ld = 300
			src := storedMatrix(rng, 300, ld, ld)
			const alpha = -0.75
			fresh := func(n int) []float32 {
				x := make([]float32, n+packSlack+4)
				for i := range x {
					x[i] = sentinel
				}
				return x
			}
			same := func(name string, got, want []float32, written int) {
				t.Helper()
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) && i < written {
						t.Fatalf("%s: element %d = %v, Go twin %v", name, i, got[i], want[i])
					}
				}
				for i := written + packSlack; i < len(got); i++ {
					if math.Float32bits(got[i]) != math.Float32bits(sentinel) {
						t.Fatalf("%s: element %d past the slack was written", name, i)
					}
				}
			}

			got, want := fresh(6*kb), fresh(6*kb)
			packA6Asm(got, alpha, src[5:], ld, kb)
			packA6Go(want, alpha, src[5:], ld, kb)
			same("packA6", got, want, 6*kb)

			got, want = fresh(16*kb), fresh(16*kb)
			packBT16Asm(got, src[3:], ld, kb)
			packBT16Go(want, src[3:], ld, kb)
			same("packBT16", got, want, 16*kb)

			for _, panels := range []int{1, 2, 5, 16} {
				got, want = fresh(16*panels*kb), fresh(16*panels*kb)
				packB16Asm(got, src[7:], ld, kb, panels)
				packB16Go(want, src[7:], ld, kb, panels)
				same(fmt.Sprintf("packB16 panels=%d", panels), got, want, 16*panels*kb)
			}

			for _, mb := range []int{1, 5, 6, 13, 144} {
				got, want = fresh(mb*kb), fresh(mb*kb)
				packATAsm(sgemmAVX2, got, alpha, src[2:], ld, kb, mb)
				sgemmAVX2.packATGo(want, alpha, src[2:], ld, kb, mb)
				same(fmt.Sprintf("packAT mb=%d", mb), got, want, mb*kb)
			}
		})
	}
}
