package nn

import (
	"errors"
	"fmt"
	"sync"
)

// Workers runs data-parallel training steps: each of n goroutines owns a
// Tape, runs the caller's forward pass on its shard of the batch and its
// backward pass, and the shards' gradients are then added into the shared
// Params in worker order. Each element's sum therefore has a fixed order,
// so a run is bit-identical for the same seed and worker count.
//
// The goroutines persist between steps (no per-step allocation); Close
// stops them. A Workers is driven from one goroutine at a time.
type Workers struct {
	params []*Param
	tapes  []*Tape
	seed   uint64
	step   uint64

	fn     func(worker int, t *Tape) (*Var, error)
	phase  int // 0: forward+backward, 1: reduce gradients
	start  []chan struct{}
	done   sync.WaitGroup
	losses []float64
	errs   []error
	closed bool
}

// NewWorkers returns n workers (n ≥ 1) for a model with the given params,
// seeding tape i of step s from (seed, s, i).
func NewWorkers(n int, seed uint64, params []*Param) *Workers {
	if n < 1 {
		n = 1
	}
	w := &Workers{
		params: params,
		seed:   seed,
		tapes:  make([]*Tape, n),
		start:  make([]chan struct{}, n),
		losses: make([]float64, n),
		errs:   make([]error, n),
	}
	for i := range n {
		w.tapes[i] = NewTape(mixSeed(seed, 0, uint64(i)))
		w.start[i] = make(chan struct{})
		go w.loop(i)
	}
	return w
}

// mixSeed derives a stream seed from (seed, step, worker) with the
// SplitMix64 finaliser (Steele et al., 2014), so nearby inputs give
// unrelated streams.
func mixSeed(seed, step, worker uint64) uint64 {
	z := seed ^ (step+1)*0x9e3779b97f4a7c15 ^ (worker+1)*0xbf58476d1ce4e5b9
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// N returns the number of workers.
func (w *Workers) N() int { return len(w.tapes) }

// Tape returns worker i's tape (for switching it to inference, say).
func (w *Workers) Tape(i int) *Tape { return w.tapes[i] }

// StepCount returns the number of steps run (or set by SetStepCount).
func (w *Workers) StepCount() uint64 { return w.step }

// SetStepCount sets the step counter that seeds the tapes, for resuming a
// run from a checkpoint with the same random streams.
func (w *Workers) SetStepCount(n uint64) { w.step = n }

func (w *Workers) loop(i int) {
	t := w.tapes[i]
	for range w.start[i] {
		if w.phase == 0 {
			w.losses[i], w.errs[i] = 0, nil
			t.Reset()
			t.Reseed(mixSeed(w.seed, w.step, uint64(i)))
			w.errs[i] = w.forwardBackward(i, t)
		} else {
			w.reduce(i)
		}
		w.done.Done()
	}
}

func (w *Workers) forwardBackward(i int, t *Tape) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker %d: panic: %v", i, r)
		}
	}()
	loss, err := w.fn(i, t)
	if err != nil {
		return fmt.Errorf("worker %d: %w", i, err)
	}
	if loss == nil {
		return nil // an empty shard
	}
	w.losses[i] = float64(loss.Item())
	t.Backward(loss)
	return nil
}

// reduce adds every tape's gradient into the Params whose index is
// congruent to worker i, tapes in order: the work is split by parameter,
// the order of each sum is not.
func (w *Workers) reduce(i int) {
	for pi := i; pi < len(w.params); pi += len(w.tapes) {
		p := w.params[pi]
		for _, t := range w.tapes {
			g := t.ParamGrad(p)
			if g == nil {
				continue
			}
			dst := p.Grad[:len(g)]
			for j, v := range g {
				dst[j] += v
			}
		}
	}
}

func (w *Workers) run(phase int) {
	w.phase = phase
	w.done.Add(len(w.tapes))
	for _, c := range w.start {
		c <- struct{}{}
	}
	w.done.Wait()
}

// Step runs fn on every worker at once: fn records its shard's forward
// pass on the worker's (reset, reseeded) tape and returns the scalar loss,
// or nil for an empty shard. Step then runs every backward pass and adds
// the gradients into the Params' Grad (it does not clear them first: call
// ZeroGrads between optimiser steps). It returns the workers' losses,
// valid until the next Step. A worker's error or panic is returned and
// no gradient is added.
func (w *Workers) Step(fn func(worker int, t *Tape) (*Var, error)) ([]float64, error) {
	if w.closed {
		return nil, errors.New("nn: Step on closed Workers")
	}
	w.fn = fn
	w.run(0)
	w.fn = nil
	w.step++
	if err := errors.Join(w.errs...); err != nil {
		return w.losses, err
	}
	w.run(1)
	return w.losses, nil
}

// Close stops the worker goroutines.
func (w *Workers) Close() {
	if w.closed {
		return
	}
	w.closed = true
	for _, c := range w.start {
		close(c)
	}
}

// ZeroGrads clears the Grad of every param.
func ZeroGrads(params []*Param) {
	for _, p := range params {
		clear(p.Grad)
	}
}
