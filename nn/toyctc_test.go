package nn

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The toy CTC task of issue 5's "Done when": sequences of 2–5 symbols
// from a 6-symbol alphabet, each symbol rendered as 2–4 noisy frames of
// its prototype feature vector with optional silence frames between
// (always between repeats), must train to mean loss < 0.05 per sequence
// with exact greedy output on every training sequence, on one core,
// within 30 s.

type toySeq struct {
	feats  []float32 // [T, toyDim]
	labels []int
}

const (
	toyDim     = 8
	toySymbols = 6 // classes 1..6; 0 is blank
)

func toyData(seed uint64, n int) []toySeq {
	rng := rand.New(rand.NewPCG(seed, 11))
	protos := make([][]float32, toySymbols+1) // protos[0] is silence
	for i := range protos {
		protos[i] = randSlice(rng, toyDim)
	}
	frame := func(dst []float32, k int) []float32 {
		for _, v := range protos[k] {
			dst = append(dst, v+0.2*float32(rng.NormFloat64()))
		}
		return dst
	}
	var seqs []toySeq
	for range n {
		var s toySeq
		for range 2 + rng.IntN(4) {
			k := 1 + rng.IntN(toySymbols)
			if len(s.labels) > 0 && (s.labels[len(s.labels)-1] == k || rng.IntN(2) == 0) {
				for range 1 + rng.IntN(2) {
					s.feats = frame(s.feats, 0)
				}
			}
			for range 2 + rng.IntN(3) {
				s.feats = frame(s.feats, k)
			}
			s.labels = append(s.labels, k)
		}
		seqs = append(seqs, s)
	}
	return seqs
}

type toyNet struct {
	ps                     ParamSet
	w1, b1, dw, g, be, w2  *Param
	b2, wq, wk, wv, wo, bo *Param
}

func newToyNet(seed uint64) *toyNet {
	n := &toyNet{}
	const h = 32
	n.w1, n.b1 = n.ps.New("w1", h, toyDim), n.ps.New("b1", h)
	n.dw = n.ps.New("dw", h, 3)
	n.wq, n.wk, n.wv = n.ps.New("wq", h, h), n.ps.New("wk", h, h), n.ps.New("wv", h, h)
	n.wo, n.bo = n.ps.New("wo", h, h), n.ps.New("bo", h)
	n.g, n.be = n.ps.New("ln.g", h), n.ps.New("ln.b", h)
	n.w2, n.b2 = n.ps.New("w2", toySymbols+1, h), n.ps.New("b2", toySymbols+1)
	rng := NewRand(seed)
	for _, p := range n.ps.Params() {
		if len(p.Shape) == 2 {
			InitXavierUniform(p, rng)
		}
	}
	InitConst(n.g, 1)
	return n
}

// forward returns logits [B, T, classes] for a padded batch.
func (n *toyNet) forward(t *Tape, x *Var, lens []int) *Var {
	h := t.SiLU(t.Linear(x, t.Param(n.w1), t.Param(n.b1)))
	h = t.Add(h, t.DepthwiseConv1D(h, t.Param(n.dw), nil, false))
	q, k, v := t.Linear(h, t.Param(n.wq), nil), t.Linear(h, t.Param(n.wk), nil), t.Linear(h, t.Param(n.wv), nil)
	a := t.Attention(t.RoPE(q, 2, 0), t.RoPE(k, 2, 0), v, 2, AttnMask{KeyLens: lens})
	h = t.Add(h, t.Linear(a, t.Param(n.wo), t.Param(n.bo)))
	h = t.LayerNorm(h, t.Param(n.g), t.Param(n.be), 1e-5)
	return t.Linear(h, t.Param(n.w2), t.Param(n.b2))
}

// greedyCTC collapses the per-frame argmax: repeats merged, blanks dropped.
func greedyCTC(logits []float32, T, V int) []int {
	var out []int
	prev := -1
	for ti := 0; ti < T; ti++ {
		row := logits[ti*V : (ti+1)*V]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best != prev && best != 0 {
			out = append(out, best)
		}
		prev = best
	}
	return out
}

func TestToyCTCTrains(t *testing.T) {
	seqs := toyData(1, 32)
	B, maxT := len(seqs), 0
	for _, s := range seqs {
		maxT = max(maxT, len(s.feats)/toyDim)
	}
	feats := make([]float32, B*maxT*toyDim)
	lens := make([]int, B)
	labels := make([][]int, B)
	for i, s := range seqs {
		copy(feats[i*maxT*toyDim:], s.feats)
		lens[i] = len(s.feats) / toyDim
		labels[i] = s.labels
	}
	net := newToyNet(3)
	params := net.ps.Params()
	opt, err := NewAdamW(params, AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-8}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sched := WarmupCosine{Peak: 1e-2, Final: 1e-3, WarmupSteps: 20, TotalSteps: 600}
	tp := NewTape(1)
	start := time.Now()
	const maxSteps = 600
	for step := 0; step < maxSteps; step++ {
		tp.Reset()
		logits := net.forward(tp, tp.Input([]int{B, maxT, toyDim}, feats), lens)
		loss, err := tp.CTCLoss(logits, lens, labels, CTCOptions{Blank: 0, Reduction: CTCSum})
		if err != nil {
			t.Fatal(err)
		}
		meanLoss := float64(loss.Item()) / float64(B)
		exact := 0
		V := toySymbols + 1
		for i := range B {
			if slices.Equal(greedyCTC(logits.Data[i*maxT*V:], lens[i], V), labels[i]) {
				exact++
			}
		}
		if meanLoss < 0.05 && exact == B {
			el := time.Since(start)
			t.Logf("converged at step %d in %v: mean loss %.4f, %d/%d greedy exact", step, el, meanLoss, exact, B)
			if el > 30*time.Second {
				t.Errorf("took %v, want ≤ 30 s", el)
			}
			return
		}
		ZeroGrads(params)
		tp.Backward(tp.Scale(loss, 1/float32(B)))
		tp.AddParamGradsTo()
		ClipGradNorm(params, 5)
		opt.Step(sched.LR(int64(step)))
		if step%100 == 0 {
			t.Logf("step %d: mean loss %.4f, %d/%d exact", step, meanLoss, exact, B)
		}
	}
	t.Fatalf("no convergence in %d steps (%v)", maxSteps, time.Since(start))
}
