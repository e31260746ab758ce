package vec

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkOps times each vector kernel, dispatched (impl=mynah) beside
// its pure-Go twin (impl=purego), at an L1-resident length (1024) and a
// row of a 4096-wide layer, reporting elements per nanosecond.
func BenchmarkOps(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{1024, 4096} {
		x, y, dst := padded(rng, n), padded(rng, n), padded(rng, n)
		for i := range x {
			x[i] *= 0.01 // keep repeated Axpy/Scale/Exp finite
		}
		for _, p := range opsPaths {
			impl := "mynah"
			if p.name == "purego" {
				impl = "purego"
			}
			kernels := []struct {
				name string
				run  func()
			}{
				{"Dot", func() { p.dot(x, y) }},
				{"Sum", func() { p.sum(x) }},
				{"Max", func() { p.max(x) }},
				{"Axpy", func() { p.axpy(1e-9, x, dst) }},
				{"Scale", func() { p.scale(1, dst) }},
				{"Add", func() { p.add(dst, x, y) }},
				{"Mul", func() { p.mul(dst, x, y) }},
				{"Exp", func() { copy(dst, x); p.exp(dst) }},
			}
			for _, k := range kernels {
				b.Run(fmt.Sprintf("op=%s/n=%d/impl=%s", k.name, n, impl), func(b *testing.B) {
					for b.Loop() {
						k.run()
					}
					b.ReportMetric(float64(n)*float64(b.N)/float64(b.Elapsed().Nanoseconds()), "elem/ns")
				})
			}
		}
	}
}
