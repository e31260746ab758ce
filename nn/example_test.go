package nn_test

import (
	"fmt"

	"github.com/mynah-speech/mynah/nn"
)

// A linear layer, its loss and the gradient Backward leaves in the Param.
func ExampleTape() {
	w := nn.NewParam("w", 1, 2) // [out, in]
	copy(w.Value, []float32{0.5, -1})
	t := nn.NewTape(1)
	x := t.Input([]int{2, 2}, []float32{1, 2, 3, 4})
	y := t.Linear(x, t.Param(w), nil) // x·wᵀ: [[-1.5], [-2.5]]
	loss := t.Sum(t.Mul(y, y))        // 1.5² + 2.5²
	t.Backward(loss)
	t.AddParamGradsTo()
	fmt.Println(y.Data, loss.Item())
	fmt.Println(w.Grad) // 2·Σ y·x
	// Output:
	// [-1.5 -2.5] 8.5
	// [-18 -26]
}

// Chunk masks for dynamic-chunk streaming training: with chunks of 2
// frames and one chunk of left context, frame 4 sees frames 2 to 5.
func ExampleAttnMask() {
	t := nn.NewTape(1)
	const T = 6
	q := t.Zeros(1, T, 2) // equal scores: attention averages what it sees
	v := t.Zeros(1, T, 2)
	for i := range T {
		v.Data[2*i] = float32(i)
	}
	y := t.Attention(q, q, v, 1, nn.AttnMask{ChunkSize: 2, LeftChunks: 1})
	for i := range T {
		fmt.Printf("%.1f ", y.Data[2*i])
	}
	fmt.Println()
	// Output:
	// 0.5 0.5 1.5 1.5 3.5 3.5
}
