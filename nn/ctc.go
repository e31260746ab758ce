package nn

import (
	"errors"
	"fmt"
	"math"
	"sync"
)

// Connectionist Temporal Classification (Graves, Fernández, Gomez and
// Schmidhuber, "Connectionist Temporal Classification: Labelling
// Unsegmented Sequence Data with Recurrent Neural Networks", ICML 2006).
//
// The loss is -log p(labels | logits), summed over every frame-level path
// that collapses to the labels once repeats are merged and blanks removed.
// The forward (alpha) and backward (beta) recursions of section 4.1 run in
// log space in float64 over the extended label sequence
// l' = blank, l1, blank, l2, ..., lU, blank of length S = 2U+1.
//
// The gradient is taken with respect to the raw logits, through the
// log-softmax (equation 16 of the paper):
//
//	d loss / d logit[t,k] = softmax[t,k] - (1/p) * sum_{s: l'_s = k} alpha_t(s) beta_t(s)
//
// where beta_t(s) here excludes the emission at t, so alpha_t(s)·beta_t(s) is
// the probability mass of all paths through state s at frame t.

// ErrCTCInput reports logits, labels or options that are malformed (wrong
// lengths, labels out of range or equal to the blank). An infeasible but
// well-formed alignment is not an error: its loss is +Inf.
var ErrCTCInput = errors.New("nn: bad CTC input")

// CTCLoss returns the CTC negative log-likelihood of labels given the
// unnormalised scores logits (T frames × V classes, row-major); the
// log-softmax is taken inside, in float64.
//
// If dLogits is not nil it must have len T·V and receives d(loss)/d(logits)
// (overwritten, not accumulated). When no path can produce the labels
// (T < len(labels) + number of adjacent repeats) the loss is +Inf and
// dLogits is zeroed; a caller that wants PyTorch's zero_infinity treats
// that as loss 0 with zero gradient, as CTCLossBatch does.
//
// CTCLoss allocates its work space; a CTCScratch reuses it between calls.
func CTCLoss(logits []float32, T, V int, labels []int, blank int, dLogits []float32) (loss float64, err error) {
	var w CTCScratch
	return w.Loss(logits, T, V, labels, blank, dLogits)
}

// CTCScratch holds the work space of the CTC recursions so that repeated
// calls do not allocate once it has grown to the largest T, V and label
// length seen. The zero value is ready to use. A CTCScratch must not be
// used by two goroutines at once.
type CTCScratch struct {
	probs []float64 // T×V softmax
	emit  []float64 // T×S log-probabilities of the extended labels
	alpha []float64 // T×S
	beta  []float64 // T×S
	ext   []int     // extended labels, len S
	occ   []float64 // per-class occupancy of one frame, len V
}

func growF64(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}

// Loss is CTCLoss using the scratch's reusable buffers.
func (w *CTCScratch) Loss(logits []float32, T, V int, labels []int, blank int, dLogits []float32) (float64, error) {
	return w.loss(logits, T, V, labels, blank, dLogits, 1)
}

// loss is Loss with the gradient multiplied by gradScale in float64 before
// it is rounded to float32 (the batch reduction's 1/(U·B)).
func (w *CTCScratch) loss(logits []float32, T, V int, labels []int, blank int, dLogits []float32, gradScale float64) (float64, error) {
	if T < 0 || V <= 0 {
		return 0, fmt.Errorf("%w: T=%d V=%d", ErrCTCInput, T, V)
	}
	if T > 0 && V > math.MaxInt/T {
		return 0, fmt.Errorf("%w: T=%d V=%d overflow", ErrCTCInput, T, V)
	}
	if len(logits) != T*V {
		return 0, fmt.Errorf("%w: len(logits)=%d, want T·V=%d·%d", ErrCTCInput, len(logits), T, V)
	}
	if dLogits != nil && len(dLogits) != T*V {
		return 0, fmt.Errorf("%w: len(dLogits)=%d, want %d", ErrCTCInput, len(dLogits), T*V)
	}
	if blank < 0 || blank >= V {
		return 0, fmt.Errorf("%w: blank %d outside [0,%d)", ErrCTCInput, blank, V)
	}
	repeats := 0
	for i, l := range labels {
		if l < 0 || l >= V || l == blank {
			return 0, fmt.Errorf("%w: label %d at position %d (V=%d, blank=%d)", ErrCTCInput, l, i, V, blank)
		}
		if i > 0 && labels[i-1] == l {
			repeats++
		}
	}
	if T < len(labels)+repeats {
		// No path: a repeated label needs a blank between its copies.
		if dLogits != nil {
			clear(dLogits)
		}
		return math.Inf(1), nil
	}
	if T == 0 {
		return 0, nil // the empty path emits the empty labelling with p=1
	}

	U := len(labels)
	S := 2*U + 1
	w.probs = growF64(w.probs, T*V)
	w.emit = growF64(w.emit, T*S)
	w.alpha = growF64(w.alpha, T*S)
	w.beta = growF64(w.beta, T*S)
	w.occ = growF64(w.occ, V)
	if cap(w.ext) < S {
		w.ext = make([]int, S)
	}
	ext := w.ext[:S]
	for s := range ext {
		if s%2 == 0 {
			ext[s] = blank
		} else {
			ext[s] = labels[s/2]
		}
	}
	probs, emit := w.probs, w.emit
	for t := 0; t < T; t++ {
		lse := softmax64(probs[t*V:(t+1)*V], logits[t*V:(t+1)*V])
		row := logits[t*V : (t+1)*V]
		e := emit[t*S : (t+1)*S]
		for s, k := range ext {
			e[s] = float64(row[k]) - lse
		}
	}

	negInf := math.Inf(-1)
	alpha, beta := w.alpha, w.beta
	// Forward recursion, equations 6–7. State s may take its value from s,
	// s-1, and s-2 when l'_s is not blank and differs from l'_{s-2}.
	for s := range S {
		alpha[s] = negInf
	}
	alpha[0] = emit[0]
	if S > 1 {
		alpha[1] = emit[1]
	}
	for t := 1; t < T; t++ {
		prev := alpha[(t-1)*S : t*S]
		cur := alpha[t*S : (t+1)*S]
		e := emit[t*S : (t+1)*S]
		cur[0] = prev[0] + e[0]
		if S > 1 {
			cur[1] = logAddExp(prev[1], prev[0]) + e[1]
		}
		for s := 2; s < S; s++ {
			if ext[s] != blank && ext[s] != ext[s-2] {
				cur[s] = logSumExp3(prev[s], prev[s-1], prev[s-2]) + e[s]
			} else {
				cur[s] = logAddExp(prev[s], prev[s-1]) + e[s]
			}
		}
	}
	last := alpha[(T-1)*S : T*S]
	logP := last[S-1]
	if S > 1 {
		logP = logAddExp(logP, last[S-2])
	}
	if math.IsInf(logP, -1) {
		// Feasible by length but every path underflowed (or the logits
		// hold -Inf): report it as infeasible rather than emit NaNs.
		if dLogits != nil {
			clear(dLogits)
		}
		return math.Inf(1), nil
	}
	loss := -logP
	if dLogits == nil {
		return loss, nil
	}

	// Backward recursion, equations 10–11, with beta excluding the
	// emission at its own frame: beta_{T-1}(s) = 0 (log 1) for the two
	// final states.
	for s := range S {
		beta[(T-1)*S+s] = negInf
	}
	beta[(T-1)*S+S-1] = 0
	if S > 1 {
		beta[(T-1)*S+S-2] = 0
	}
	for t := T - 2; t >= 0; t-- {
		next := beta[(t+1)*S : (t+2)*S]
		cur := beta[t*S : (t+1)*S]
		e := emit[(t+1)*S : (t+2)*S]
		cur[S-1] = next[S-1] + e[S-1]
		if S > 1 {
			cur[S-2] = logAddExp(next[S-2]+e[S-2], next[S-1]+e[S-1])
		}
		for s := S - 3; s >= 0; s-- {
			if ext[s+2] != blank && ext[s+2] != ext[s] {
				cur[s] = logSumExp3(next[s]+e[s], next[s+1]+e[s+1], next[s+2]+e[s+2])
			} else {
				cur[s] = logAddExp(next[s]+e[s], next[s+1]+e[s+1])
			}
		}
	}

	occ := w.occ
	for t := 0; t < T; t++ {
		clear(occ)
		a := alpha[t*S : (t+1)*S]
		b := beta[t*S : (t+1)*S]
		for s := range S {
			// alpha+beta-logP <= 0 up to rounding, so exp cannot overflow.
			if g := a[s] + b[s]; !math.IsInf(g, -1) {
				occ[ext[s]] += math.Exp(g - logP)
			}
		}
		p := probs[t*V : (t+1)*V]
		out := dLogits[t*V : (t+1)*V]
		for k := range V {
			out[k] = float32((p[k] - occ[k]) * gradScale)
		}
	}
	return loss, nil
}

// softmax64 writes softmax(x) into dst in float64 and returns
// log(sum(exp(x))), so that log softmax(x)[k] = x[k] - lse.
func softmax64(dst []float64, x []float32) (lse float64) {
	maxV := math.Inf(-1)
	for _, v := range x {
		if float64(v) > maxV {
			maxV = float64(v)
		}
	}
	if math.IsInf(maxV, 0) || math.IsNaN(maxV) {
		// All -Inf, or a +Inf: fall back to the plain formula, which
		// yields the IEEE result (NaN or -Inf) rather than hiding it.
		maxV = 0
	}
	sum := 0.0
	for i, v := range x {
		e := math.Exp(float64(v) - maxV)
		dst[i] = e
		sum += e
	}
	inv := 1 / sum
	for i := range dst {
		dst[i] *= inv
	}
	return maxV + math.Log(sum)
}

// logSumExp3 returns log(exp(a)+exp(b)+exp(c)) with one log and two exps.
func logSumExp3(a, b, c float64) float64 {
	m := max(a, b, c)
	if math.IsInf(m, -1) {
		return m
	}
	return m + math.Log(math.Exp(a-m)+math.Exp(b-m)+math.Exp(c-m))
}

// logAddExp returns log(exp(a)+exp(b)) without overflow, with
// logAddExp(-Inf, -Inf) = -Inf.
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// CTCReduction says how CTCLossBatch combines per-utterance losses.
type CTCReduction int

const (
	// CTCMean divides each utterance's loss by its label length (at least
	// 1) and averages over the batch, as PyTorch's reduction="mean".
	CTCMean CTCReduction = iota
	// CTCSum adds the utterance losses.
	CTCSum
)

// String returns "mean" or "sum".
func (r CTCReduction) String() string {
	switch r {
	case CTCMean:
		return "mean"
	case CTCSum:
		return "sum"
	}
	return fmt.Sprintf("CTCReduction(%d)", int(r))
}

// CTCOptions configures CTCLossBatch.
type CTCOptions struct {
	// Blank is the class index of the blank symbol.
	Blank int
	// Reduction combines the utterance losses; the zero value is CTCMean.
	Reduction CTCReduction
	// ZeroInfinity replaces the +Inf loss of an infeasible utterance by 0
	// (its gradient is zero either way), as PyTorch's zero_infinity=True.
	ZeroInfinity bool
	// Workers is the number of goroutines sharing the utterances; 0 or 1
	// runs them serially. The result is bit-identical for any value.
	Workers int
}

// CTCLossBatch computes the CTC loss of B utterances held in one padded
// batch-major array logits[B][maxT][V]. Utterance b uses its first
// inputLengths[b] frames and labels[b]; padded frames get zero gradient.
//
// It returns the reduced loss and the per-utterance losses (before the
// reduction's scaling, after ZeroInfinity). If dLogits is not nil it must
// have len B·maxT·V and receives d(reduced loss)/d(logits).
func CTCLossBatch(logits []float32, B, maxT, V int, inputLengths []int, labels [][]int, opt CTCOptions, dLogits []float32) (loss float64, losses []float64, err error) {
	if B < 0 || maxT < 0 || V <= 0 {
		return 0, nil, fmt.Errorf("%w: B=%d maxT=%d V=%d", ErrCTCInput, B, maxT, V)
	}
	if maxT > 0 && (V > math.MaxInt/maxT || (B > 0 && maxT*V > math.MaxInt/B)) {
		return 0, nil, fmt.Errorf("%w: B·maxT·V overflows", ErrCTCInput)
	}
	frame := maxT * V
	if len(logits) != B*frame {
		return 0, nil, fmt.Errorf("%w: len(logits)=%d, want B·maxT·V=%d", ErrCTCInput, len(logits), B*frame)
	}
	if dLogits != nil && len(dLogits) != B*frame {
		return 0, nil, fmt.Errorf("%w: len(dLogits)=%d, want %d", ErrCTCInput, len(dLogits), B*frame)
	}
	if len(inputLengths) != B || len(labels) != B {
		return 0, nil, fmt.Errorf("%w: %d input lengths and %d label sequences for batch %d", ErrCTCInput, len(inputLengths), len(labels), B)
	}
	if opt.Reduction != CTCMean && opt.Reduction != CTCSum {
		return 0, nil, fmt.Errorf("%w: reduction %v", ErrCTCInput, opt.Reduction)
	}
	for b, n := range inputLengths {
		if n < 0 || n > maxT {
			return 0, nil, fmt.Errorf("%w: utterance %d: input length %d outside [0,%d]", ErrCTCInput, b, n, maxT)
		}
	}

	scale := make([]float64, B)
	for b := range B {
		scale[b] = 1
		if opt.Reduction == CTCMean {
			scale[b] = 1 / (float64(max(len(labels[b]), 1)) * float64(B))
		}
	}
	losses = make([]float64, B)
	errs := make([]error, B)
	one := func(w *CTCScratch, b int) {
		n := inputLengths[b]
		var g []float32
		if dLogits != nil {
			g = dLogits[b*frame : b*frame+n*V]
			clear(dLogits[b*frame+n*V : (b+1)*frame])
		}
		l, e := w.loss(logits[b*frame:b*frame+n*V], n, V, labels[b], opt.Blank, g, scale[b])
		if e != nil {
			errs[b] = fmt.Errorf("utterance %d: %w", b, e)
			return
		}
		if math.IsInf(l, 1) && opt.ZeroInfinity {
			l = 0
		}
		losses[b] = l
	}
	workers := min(max(opt.Workers, 1), B)
	if workers <= 1 {
		var w CTCScratch
		for b := range B {
			one(&w, b)
		}
	} else {
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Go(func() {
				var w CTCScratch
				for b := range next {
					one(&w, b)
				}
			})
		}
		for b := range B {
			next <- b
		}
		close(next)
		wg.Wait()
	}
	if err := errors.Join(errs...); err != nil {
		return 0, nil, err
	}
	// Reduce in utterance order so the sum does not depend on Workers.
	for b := range B {
		loss += losses[b] * scale[b]
	}
	return loss, losses, nil
}
