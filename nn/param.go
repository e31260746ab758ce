package nn

import "fmt"

// Param is a trainable tensor: its value, and the gradient that backward
// passes accumulate into. Shape is row-major. A model's Params are its
// weights; optimisers, checkpoints and model files all work on []*Param.
type Param struct {
	// Name identifies the tensor in model files and error messages,
	// for example "encoder.block3.attn.wq".
	Name  string
	Shape []int
	Value []float32
	// Grad has len(Value); optimisers read it and ZeroGrad clears it.
	Grad []float32
}

// NewParam returns a zero-valued Param of the given shape.
func NewParam(name string, shape ...int) *Param {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("nn.NewParam %s: negative dimension in %v", name, shape))
		}
		n *= d
	}
	return &Param{
		Name:  name,
		Shape: append([]int(nil), shape...),
		Value: make([]float32, n),
		Grad:  make([]float32, n),
	}
}

// Size returns the number of elements.
func (p *Param) Size() int { return len(p.Value) }

// ZeroGrad clears the accumulated gradient.
func (p *Param) ZeroGrad() { clear(p.Grad) }

// CountParams returns the total number of elements in params.
func CountParams(params []*Param) int {
	total := 0
	for _, p := range params {
		total += p.Size()
	}
	return total
}
