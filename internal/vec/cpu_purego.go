//go:build !amd64 || purego

package vec

// Without assembly (other GOARCH, or the purego build tag) every kernel
// runs its pure-Go twin.
const (
	hasAVX2FMA = false
)
