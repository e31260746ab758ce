//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// CPU features, read once at init; the dispatched kernels choose their
// path from these and nothing changes them afterwards.
var (
	hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512  = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL && hasAVX2FMA
)
