package nn

import (
	"fmt"
	"math"
)

// AdamWConfig holds the hyper-parameters of AdamW. The learning rate is not
// part of it: it comes from a Schedule and is passed to every Step.
type AdamWConfig struct {
	Beta1 float64 `json:"beta1"` // first-moment decay, typically 0.9
	Beta2 float64 `json:"beta2"` // second-moment decay, typically 0.98 or 0.999
	Eps   float64 `json:"eps"`   // added to the root of the second moment, typically 1e-8
	// WeightDecay is the decoupled decay rate λ: each step multiplies a
	// decayed weight by 1 - lr·λ.
	WeightDecay float64 `json:"weight_decay"`
}

// DefaultAdamWConfig returns β1=0.9, β2=0.98, ε=1e-8 and weight decay
// 0.01, common settings for speech transformers and conformers.
func DefaultAdamWConfig() AdamWConfig {
	return AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-8, WeightDecay: 0.01}
}

// Validate reports hyper-parameters outside their meaningful ranges.
func (c AdamWConfig) Validate() error {
	switch {
	case !(c.Beta1 >= 0 && c.Beta1 < 1):
		return fmt.Errorf("adamw: beta1 %v outside [0,1)", c.Beta1)
	case !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("adamw: beta2 %v outside [0,1)", c.Beta2)
	case !(c.Eps > 0) || math.IsInf(c.Eps, 0):
		return fmt.Errorf("adamw: eps %v not positive", c.Eps)
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0):
		return fmt.Errorf("adamw: weight decay %v negative", c.WeightDecay)
	}
	return nil
}

// DecayMatrices is the default weight-decay predicate: it decays tensors of
// rank two or more (linear, convolution and embedding weights) and spares
// vectors (biases and the gains and shifts of normalisation layers), whose
// decay only fights the normalisation (Loshchilov and Hutter; also the
// usual practice in BERT and wav2vec 2.0 recipes).
func DecayMatrices(p *Param) bool { return len(p.Shape) >= 2 }

// AdamW is Adam with decoupled weight decay (Loshchilov and Hutter,
// "Decoupled Weight Decay Regularization", ICLR 2019, algorithm 2), updated
// exactly as PyTorch's torch.optim.AdamW:
//
//	θ ← θ·(1 - lr·λ)                 (only where the decay predicate holds)
//	m ← β1·m + (1-β1)·g
//	v ← β2·v + (1-β2)·g²
//	θ ← θ - lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε)
//
// The moments are float32 tensors shaped like their parameters, kept as
// Params named "adamw.m/<name>" and "adamw.v/<name>" so checkpoints store
// them like any weight. An AdamW is not safe for concurrent use.
type AdamW struct {
	cfg    AdamWConfig
	params []*Param
	decay  []bool
	m, v   []*Param
	steps  int64
}

// NewAdamW returns an optimiser for params with zero moments. decay says
// which params receive weight decay; nil means DecayMatrices.
func NewAdamW(params []*Param, cfg AdamWConfig, decay func(*Param) bool) (*AdamW, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if decay == nil {
		decay = DecayMatrices
	}
	o := &AdamW{cfg: cfg, params: params}
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		if len(p.Grad) != len(p.Value) {
			return nil, fmt.Errorf("adamw: param %s has %d values but %d gradients", p.Name, len(p.Value), len(p.Grad))
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("adamw: duplicate param name %q", p.Name)
		}
		seen[p.Name] = true
		o.decay = append(o.decay, decay(p))
		o.m = append(o.m, NewParam("adamw.m/"+p.Name, p.Shape...))
		o.v = append(o.v, NewParam("adamw.v/"+p.Name, p.Shape...))
	}
	return o, nil
}

// Config returns the hyper-parameters.
func (o *AdamW) Config() AdamWConfig { return o.cfg }

// Steps returns the number of updates made (t in the bias corrections).
func (o *AdamW) Steps() int64 { return o.steps }

// SetSteps sets the update count, for resuming from a checkpoint.
func (o *AdamW) SetSteps(n int64) { o.steps = n }

// State returns the moment tensors, first moments then second moments in
// parameter order. They alias the optimiser's state: filling them (as a
// checkpoint load does) restores it.
func (o *AdamW) State() []*Param {
	out := make([]*Param, 0, 2*len(o.m))
	out = append(out, o.m...)
	return append(out, o.v...)
}

// Step applies one update with learning rate lr using the gradients now in
// the params. It does not clear them.
func (o *AdamW) Step(lr float64) {
	o.steps++
	t := float64(o.steps)
	bc1 := 1 - math.Pow(o.cfg.Beta1, t)
	bc2 := 1 - math.Pow(o.cfg.Beta2, t)
	stepSize := float32(lr / bc1)
	sqrtBC2 := float32(math.Sqrt(bc2))
	b1, b2 := float32(o.cfg.Beta1), float32(o.cfg.Beta2)
	eps := float32(o.cfg.Eps)
	shrink := float32(1 - lr*o.cfg.WeightDecay)
	for i, p := range o.params {
		val, grad := p.Value, p.Grad[:len(p.Value)]
		m, v := o.m[i].Value[:len(val)], o.v[i].Value[:len(val)]
		if o.decay[i] && shrink != 1 {
			for j := range val {
				val[j] *= shrink
			}
		}
		for j, g := range grad {
			// m + (1-β1)(g-m) is PyTorch's lerp form of β1·m + (1-β1)·g.
			mj := m[j] + (1-b1)*(g-m[j])
			vj := v[j]*b2 + (1-b2)*g*g
			m[j], v[j] = mj, vj
			denom := float32(math.Sqrt(float64(vj)))/sqrtBC2 + eps
			val[j] -= stepSize * mj / denom
		}
	}
}

// ClipGradNorm scales all gradients by maxNorm/norm when their global L2
// norm exceeds maxNorm, as torch.nn.utils.clip_grad_norm_ (including its
// 1e-6 guard), and returns the norm before clipping. The norm is summed in
// float64 in parameter order, so it is deterministic. When it is NaN or
// Inf the gradients are left untouched: the caller should skip the step.
func ClipGradNorm(params []*Param, maxNorm float64) float64 {
	sum := 0.0
	for _, p := range params {
		for _, g := range p.Grad {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if math.IsNaN(norm) || math.IsInf(norm, 0) || norm <= maxNorm {
		return norm
	}
	scale := float32(maxNorm / (norm + 1e-6))
	for _, p := range params {
		for j := range p.Grad {
			p.Grad[j] *= scale
		}
	}
	return norm
}
