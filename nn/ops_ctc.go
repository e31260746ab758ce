package nn

import (
	"errors"
	"fmt"
	"math"
)

// CTCLoss records the CTC loss of a padded batch of raw scores logits
// [B,T,V] (the log-softmax is taken inside, in float64): utterance b uses
// its first inputLens[b] frames and labels[b]. It wraps the pure
// CTC recursions of ctc.go (CTCScratch) with the same semantics as
// CTCLossBatch (opt.Workers is ignored: data parallelism happens across
// tapes). The result is a [1] Var; the gradient is computed during the
// forward pass, in the tape's reused buffers, and scaled in backward.
//
// Labels come from data, so malformed ones are an error, not a panic.
func (t *Tape) CTCLoss(logits *Var, inputLens []int, labels [][]int, opt CTCOptions) (*Var, error) {
	if len(logits.Shape) != 3 {
		return nil, fmt.Errorf("nn.CTCLoss: logits %v: %w", logits.Shape, errors.Join(ErrCTCInput, errors.New("want [B,T,V]")))
	}
	B, T, V := logits.Shape[0], logits.Shape[1], logits.Shape[2]
	if len(inputLens) != B || len(labels) != B {
		return nil, fmt.Errorf("%w: %d input lengths and %d label sequences for batch %d", ErrCTCInput, len(inputLens), len(labels), B)
	}
	if opt.Reduction != CTCMean && opt.Reduction != CTCSum {
		return nil, fmt.Errorf("%w: reduction %v", ErrCTCInput, opt.Reduction)
	}
	wantGrad := t.record && logits.needGrad
	var grad []float32
	if wantGrad {
		grad = t.scratchRaw(len(logits.Data))
	}
	frame := T * V
	var total float64
	for b := 0; b < B; b++ {
		n := inputLens[b]
		if n < 0 || n > T {
			return nil, fmt.Errorf("%w: utterance %d: input length %d outside [0,%d]", ErrCTCInput, b, n, T)
		}
		scale := 1.0
		if opt.Reduction == CTCMean {
			scale = 1 / (float64(max(len(labels[b]), 1)) * float64(B))
		}
		var g []float32
		if grad != nil {
			g = grad[b*frame : b*frame+n*V]
			clear(grad[b*frame+n*V : (b+1)*frame])
		}
		l, err := t.ctc.loss(logits.Data[b*frame:b*frame+n*V], n, V, labels[b], opt.Blank, g, scale)
		if err != nil {
			return nil, fmt.Errorf("nn.CTCLoss: utterance %d: %w", b, err)
		}
		if math.IsInf(l, 1) && opt.ZeroInfinity {
			l = 0
		}
		total += l * scale
	}
	y := t.newVarRaw([]int{1})
	y.Data[0] = float32(total)
	if nd := t.rec(backScaledGrad, y, logits); nd != nil {
		nd.buf = grad
	}
	return y, nil
}

// backScaledGrad adds out.Grad[0] times a gradient saved in forward.
func backScaledGrad(t *Tape, n *node) {
	if dx := t.grad(n.a); dx != nil {
		g := n.out.Grad[0]
		for i, v := range n.buf {
			dx[i] += g * v
		}
	}
}
