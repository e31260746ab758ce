// Package asm is the module holding the avo generators for internal/vec's
// assembly. Each generator is its own main package under this folder
// (for example ./sgemm, ./fft) and is run by `go generate` in
// internal/vec. It is a separate module so that avo stays out of the
// library's go.mod.
package asm
