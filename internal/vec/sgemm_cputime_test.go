//go:build linux

package vec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// processCPU is the CPU time the process has used, on all threads (gonum
// runs its blocks on goroutines, which a thread clock would miss).
func processCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return time.Duration(ts.Nano())
}

// TestSgemmCPUTime prints BenchmarkSgemm's table measured in process CPU
// time instead of wall time (GOMAXPROCS=1, so every peer is single-threaded), best of 9 interleaved trials, with each
// peer's ratio to the first. On the shared 2-core development machine,
// where wall-clock benchmarks swing by 2× with other jobs, this is the
// steadier comparison. It runs only when asked:
//
//	MYNAH_SGEMM_CPUTIME=1 go test -tags openblas -run SgemmCPUTime -v ./internal/vec/
func TestSgemmCPUTime(t *testing.T) {
	if os.Getenv("MYNAH_SGEMM_CPUTIME") == "" {
		t.Skip("set MYNAH_SGEMM_CPUTIME=1 to run")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	shapes := []struct{ m, k, n int }{{512, 512, 512}, {1000, 256, 1024}, {256, 256, 256}, {100, 80, 256}, {8, 256, 1024}}
	for _, s := range shapes {
		rng := rand.New(rand.NewPCG(uint64(s.m), uint64(s.n)))
		a := storedMatrix(rng, s.m, s.k, s.k)
		bm := storedMatrix(rng, s.k, s.n, s.n)
		c := make([]float32, s.m*s.n)
		flop := 2 * float64(s.m) * float64(s.k) * float64(s.n)
		best := make([]float64, len(sgemmPeers))
		for trial := 0; trial < 9; trial++ {
			for i, impl := range sgemmPeers {
				reps := max(1, int(5e8/flop))
				if impl.name == "mynah" || impl.name == "openblas" {
					reps = max(1, int(2e9/flop))
				}
				t0 := processCPU()
				for r := 0; r < reps; r++ {
					impl.sgemm(false, false, s.m, s.n, s.k, 1, a, s.k, bm, s.n, 0, c, s.n)
				}
				best[i] = max(best[i], flop*float64(reps)/(processCPU()-t0).Seconds()/1e9)
			}
		}
		line := fmt.Sprintf("%dx%dx%d", s.m, s.k, s.n)
		for i, impl := range sgemmPeers {
			line += fmt.Sprintf("  %s=%.1f GFLOP/s (%.2f×)", impl.name, best[i], best[0]/best[i])
		}
		t.Log(line)
	}
}
