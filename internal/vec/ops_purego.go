//go:build !amd64 || purego

package vec

// Without assembly the vector kernels are their pure-Go twins.

func dot(x, y []float32) float32          { return dotGo(x, y) }
func sum(x []float32) float32             { return sumGo(x) }
func maxOf(x []float32) float32           { return maxGo(x) }
func axpy(alpha float32, x, y []float32)  { axpyGo(alpha, x, y) }
func scale(alpha float32, x []float32)    { scaleGo(alpha, x) }
func add(dst, x, y []float32)             { addGo(dst, x, y) }
func mul(dst, x, y []float32)             { mulGo(dst, x, y) }
func expInPlace(x []float32)              { expGo(x) }
func logFloor(x []float32, floor float32) { logFloorGo(x, floor) }

func bandMatVec8(dst, w []float32, spans []int32, x []float32) {
	bandMatVec8Go(dst, w, spans, x)
}
