//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// CPU features, read once at init; the dispatched kernels choose their
// path from these and nothing changes them afterwards.
var (
	hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)
