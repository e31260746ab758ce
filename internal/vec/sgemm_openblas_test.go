//go:build openblas && cgo

package vec

import (
	"fmt"
	"os"

	"github.com/mynah-speech/mynah/internal/vec/sgemmblas"
)

// With the openblas tag, OpenBLAS joins BenchmarkSgemm as impl=openblas.
func init() {
	fmt.Fprintln(os.Stderr, sgemmblas.SingleThread())
	sgemmPeers = append(sgemmPeers, benchImpl{name: "openblas", sgemm: sgemmblas.Sgemm})
}
