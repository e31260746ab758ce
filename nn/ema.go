package nn

import "fmt"

// EMA keeps an exponential moving average of weights, the "shadow" copy
// that is evaluated and shipped instead of the raw weights (Polyak and
// Juditsky 1992; the form of TensorFlow's ExponentialMovingAverage):
//
//	shadow ← d·shadow + (1-d)·θ,  d = min(Decay, (1+n)/(10+n))
//
// where n counts the updates made, so early shadows are not dominated by
// the random initialisation. The shadow tensors are Params named
// "ema/<name>", stored in checkpoints like any weight. An EMA is not safe
// for concurrent use.
type EMA struct {
	decay   float64
	params  []*Param
	shadow  []*Param
	updates int64
}

// NewEMA returns an average of params with the given decay (typically
// 0.999 to 0.9999), its shadow starting as a copy of their values.
func NewEMA(params []*Param, decay float64) (*EMA, error) {
	if !(decay >= 0 && decay < 1) {
		return nil, fmt.Errorf("ema: decay %v outside [0,1)", decay)
	}
	e := &EMA{decay: decay, params: params}
	for _, p := range params {
		s := &Param{Name: "ema/" + p.Name, Shape: append([]int(nil), p.Shape...), Value: append([]float32(nil), p.Value...)}
		e.shadow = append(e.shadow, s)
	}
	return e, nil
}

// Decay returns the configured decay.
func (e *EMA) Decay() float64 { return e.decay }

// Updates returns the number of Update calls, n in the decay warm-up.
func (e *EMA) Updates() int64 { return e.updates }

// SetUpdates sets the update count, for resuming from a checkpoint.
func (e *EMA) SetUpdates(n int64) { e.updates = n }

// Update folds the params' current values into the shadow; call it after
// each optimiser step.
func (e *EMA) Update() {
	n := float64(e.updates)
	d := min(e.decay, (1+n)/(10+n))
	e.updates++
	keep, take := float32(d), float32(1-d)
	for i, p := range e.params {
		s := e.shadow[i].Value[:len(p.Value)]
		for j, v := range p.Value {
			s[j] = keep*s[j] + take*v
		}
	}
}

// Shadow returns the averaged tensors (without gradients) in parameter
// order. They alias the EMA's state: filling them restores it, and their
// values are what a model file should ship. Note their names carry the
// "ema/" prefix; CopyTo writes them onto the live params instead.
func (e *EMA) Shadow() []*Param { return e.shadow }

// CopyTo writes the shadow values into dst, which must match the tracked
// params in order and shapes (typically a second model built from the same
// config, or the live params themselves once training is over).
func (e *EMA) CopyTo(dst []*Param) error {
	if len(dst) != len(e.shadow) {
		return fmt.Errorf("ema: %d destination params for %d averaged", len(dst), len(e.shadow))
	}
	for i, p := range dst {
		if len(p.Value) != len(e.shadow[i].Value) {
			return fmt.Errorf("ema: param %s has %d values, average of %s has %d", p.Name, len(p.Value), e.params[i].Name, len(e.shadow[i].Value))
		}
		copy(p.Value, e.shadow[i].Value)
	}
	return nil
}
