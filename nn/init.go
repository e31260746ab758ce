package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NewRand returns a PCG generator (O'Neill, 2014) for initialisation, so
// a model built from the same seed has the same weights everywhere.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0xda942042e4dd58b5))
}

// Fans returns the fan-in and fan-out of a weight of the given shape in
// PyTorch's convention: a matrix [out, in] has fan-in in and fan-out out;
// a convolution kernel [out, in, k...] multiplies both by the kernel size.
// A depthwise kernel [C, K] counts as [C, 1, K]: fan-in K, fan-out C·K.
func Fans(shape []int) (fanIn, fanOut int) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return shape[0], shape[0]
	}
	recept := 1
	for _, d := range shape[2:] {
		recept *= d
	}
	return shape[1] * recept, shape[0] * recept
}

// InitNormal fills p with draws from N(mean, std²).
func InitNormal(p *Param, rng *rand.Rand, mean, std float64) {
	for i := range p.Value {
		p.Value[i] = float32(mean + std*rng.NormFloat64())
	}
}

// InitUniform fills p with draws from U(lo, hi).
func InitUniform(p *Param, rng *rand.Rand, lo, hi float64) {
	for i := range p.Value {
		p.Value[i] = float32(lo + (hi-lo)*rng.Float64())
	}
}

// InitConst sets every element of p to v (1 for norm scales, 0 for biases).
func InitConst(p *Param, v float32) {
	for i := range p.Value {
		p.Value[i] = v
	}
}

// InitXavierUniform draws from U(−a, a) with a = √(6/(fanIn+fanOut)),
// which keeps activation and gradient variance level through linear
// layers (Glorot & Bengio, 2010).
func InitXavierUniform(p *Param, rng *rand.Rand) {
	in, out := Fans(p.Shape)
	a := math.Sqrt(6 / float64(max(in+out, 1)))
	InitUniform(p, rng, -a, a)
}

// InitKaimingNormal draws from N(0, 2/fanIn), the variance that keeps
// ReLU-family activations level (He et al., 2015).
func InitKaimingNormal(p *Param, rng *rand.Rand) {
	in, _ := Fans(p.Shape)
	InitNormal(p, rng, 0, math.Sqrt(2/float64(max(in, 1))))
}

// InitKaimingUniform draws from U(−1/√fanIn, 1/√fanIn), PyTorch's default
// for Linear and Conv weights and biases (kaiming_uniform_ with a = √5);
// pass the weight's fan-in for a bias.
func InitKaimingUniform(p *Param, rng *rand.Rand, fanIn int) {
	b := 1 / math.Sqrt(float64(max(fanIn, 1)))
	InitUniform(p, rng, -b, b)
}

// ParamSet collects a model's Params as they are created, in creation
// order (the order optimisers, checkpoints and Workers see), and rejects
// duplicate names.
type ParamSet struct {
	list  []*Param
	names map[string]bool
}

// New creates a zero Param, registers it and returns it. It panics on a
// duplicate name, a programming error in the model's constructor.
func (s *ParamSet) New(name string, shape ...int) *Param {
	if s.names == nil {
		s.names = map[string]bool{}
	}
	if s.names[name] {
		panic(fmt.Sprintf("nn.ParamSet: duplicate param name %q", name))
	}
	s.names[name] = true
	p := NewParam(name, shape...)
	s.list = append(s.list, p)
	return p
}

// Add registers existing params.
func (s *ParamSet) Add(ps ...*Param) {
	for _, p := range ps {
		if s.names == nil {
			s.names = map[string]bool{}
		}
		if s.names[p.Name] {
			panic(fmt.Sprintf("nn.ParamSet: duplicate param name %q", p.Name))
		}
		s.names[p.Name] = true
		s.list = append(s.list, p)
	}
}

// Params returns the registered params in creation order.
func (s *ParamSet) Params() []*Param { return s.list }

// CollectParams concatenates groups of params into one list.
func CollectParams(groups ...[]*Param) []*Param {
	var out []*Param
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}
