// Package nn is mynah's neural-network engine: tensors, reverse-mode
// automatic differentiation on a tape, the layers every mynah model is
// built from, CTC, optimisers, checkpoints and safetensors model files.
// It is pure Go plus the generated kernels of internal/vec, with no cgo.
package nn
