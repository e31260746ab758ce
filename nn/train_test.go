package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func init() {
	ctc := func(opt CTCOptions) func(t *Tape, in []*Var) *Var {
		return func(t *Tape, in []*Var) *Var {
			l, err := t.CTCLoss(in[0], []int{5, 3}, [][]int{{1, 2, 2}, {3}}, opt)
			if err != nil {
				panic(err)
			}
			return l
		}
	}
	moreGradCases = append(moreGradCases,
		gradCase{name: "CTCMean", shapes: [][]int{{2, 5, 4}}, build: ctc(CTCOptions{Blank: 0})},
		gradCase{name: "CTCSum", shapes: [][]int{{2, 5, 4}}, build: ctc(CTCOptions{Blank: 0, Reduction: CTCSum})},
	)
}

func TestCTCOpMatchesBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const B, T, V = 3, 6, 5
	logits := randSlice(rng, B*T*V)
	lens := []int{6, 4, 2}
	labels := [][]int{{1, 2}, {3, 3, 1}, {4, 4}} // the last is infeasible
	opt := CTCOptions{Blank: 0, ZeroInfinity: true}
	want := make([]float32, len(logits))
	wantLoss, _, err := CTCLossBatch(logits, B, T, V, lens, labels, opt, want)
	if err != nil {
		t.Fatal(err)
	}
	p := NewParam("logits", B, T, V)
	copy(p.Value, logits)
	tp := NewTape(1)
	loss, err := tp.CTCLoss(tp.Param(p), lens, labels, opt)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(loss.Item())-wantLoss) > 1e-6*math.Abs(wantLoss) {
		t.Errorf("loss %g, CTCLossBatch %g", loss.Item(), wantLoss)
	}
	tp.Backward(loss)
	assertClose(t, "grad", tp.ParamGrad(p), want, 0)

	if _, err := tp.CTCLoss(tp.Param(p), lens, [][]int{{1}, {7}, {1}}, opt); err == nil {
		t.Error("label 7 with V=5 gave no error")
	}
	if _, err := tp.CTCLoss(tp.Param(p), []int{6, 9, 1}, labels, opt); err == nil {
		t.Error("input length 9 > T gave no error")
	}
}

// tinyNet is a small model touching most ops, used by the determinism,
// parallelism and allocation tests.
type tinyNet struct {
	ps                  ParamSet
	conv, w1, b1, w2    *Param
	dw, g, beta, wo, bo *Param
}

func newTinyNet(seed uint64) *tinyNet {
	n := &tinyNet{}
	rng := NewRand(seed)
	n.conv = n.ps.New("conv", 4, 1, 3, 3)
	n.w1 = n.ps.New("w1", 16, 4*4)
	n.b1 = n.ps.New("b1", 16)
	n.dw = n.ps.New("dw", 16, 3)
	n.g = n.ps.New("ln.g", 16)
	n.beta = n.ps.New("ln.b", 16)
	n.w2 = n.ps.New("w2", 32, 16)
	n.wo = n.ps.New("wo", 5, 16)
	n.bo = n.ps.New("bo", 5)
	for _, p := range n.ps.Params() {
		InitXavierUniform(p, rng)
	}
	InitConst(n.g, 1)
	return n
}

// forward maps features [B,1,T,8] to a CTC loss over 5 classes.
func (n *tinyNet) forward(t *Tape, feats []float32, B, T int, lens []int, labels [][]int) (*Var, error) {
	x := t.Input([]int{B, 1, T, 8}, feats)
	h := t.ReLU(t.Conv2D(x, t.Param(n.conv), nil, 2, 2, 1, 1)) // [B,4,T/2,4]
	T2 := h.Shape[2]
	h = t.Reshape(t.Permute(h, 0, 2, 1, 3), B, T2, 16)
	h = t.SiLU(t.Linear(h, t.Param(n.w1), t.Param(n.b1)))
	h = t.Dropout(h, 0.1)
	a := t.Attention(t.RoPE(h, 2, 0), t.RoPE(h, 2, 0), h, 2, AttnMask{KeyLens: halve(t, lens)})
	h = t.AddScaled(h, a, 0.5)
	h = t.Add(h, t.DepthwiseConv1D(h, t.Param(n.dw), nil, true))
	h = t.LayerNorm(h, t.Param(n.g), t.Param(n.beta), 1e-5)
	h = t.GLU(t.Linear(h, t.Param(n.w2), nil))
	logits := t.Linear(h, t.Param(n.wo), t.Param(n.bo))
	return t.CTCLoss(logits, halve(t, lens), labels, CTCOptions{Blank: 0, ZeroInfinity: true})
}

func halve(t *Tape, lens []int) []int {
	out := t.ints.alloc(len(lens))
	for i, l := range lens {
		out[i] = (l + 1) / 2
	}
	return out
}

type tinyBatch struct {
	feats  []float32
	B, T   int
	lens   []int
	labels [][]int
}

func tinyData(seed uint64, B, T int) tinyBatch {
	rng := rand.New(rand.NewPCG(seed, 3))
	d := tinyBatch{feats: randSlice(rng, B*T*8), B: B, T: T}
	for b := 0; b < B; b++ {
		d.lens = append(d.lens, T-rng.IntN(T/3))
		var l []int
		for range 1 + rng.IntN(3) {
			l = append(l, 1+rng.IntN(4))
		}
		d.labels = append(d.labels, l)
	}
	return d
}

// shard returns the slice of a batch that worker i of n trains on.
func (d tinyBatch) shard(i, n int) tinyBatch {
	lo, hi := i*d.B/n, (i+1)*d.B/n
	return tinyBatch{feats: d.feats[lo*d.T*8 : hi*d.T*8], B: hi - lo, T: d.T, lens: d.lens[lo:hi], labels: d.labels[lo:hi]}
}

// trainTiny runs steps of SGD over 'workers' and returns the final weights.
func trainTiny(t *testing.T, workers int, seed uint64, steps int) []float32 {
	net := newTinyNet(1)
	params := net.ps.Params()
	w := NewWorkers(workers, seed, params)
	defer w.Close()
	for s := 0; s < steps; s++ {
		d := tinyData(uint64(s), 4, 12)
		ZeroGrads(params)
		_, err := w.Step(func(i int, tp *Tape) (*Var, error) {
			sh := d.shard(i, workers)
			return net.forward(tp, sh.feats, sh.B, sh.T, sh.lens, sh.labels)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range params {
			for j, g := range p.Grad {
				p.Value[j] -= 0.05 * g
			}
		}
	}
	var out []float32
	for _, p := range params {
		out = append(out, p.Value...)
	}
	return out
}

func TestWorkersBitIdentical(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		a := trainTiny(t, n, 42, 5)
		b := trainTiny(t, n, 42, 5)
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("workers=%d: weight %d differs between identical runs: %g vs %g", n, i, a[i], b[i])
			}
		}
		c := trainTiny(t, n, 43, 5)
		same := true
		for i := range a {
			same = same && a[i] == c[i]
		}
		if same {
			t.Errorf("workers=%d: seeds 42 and 43 trained identically: dropout ignores the seed", n)
		}
	}
}

// With dropout off, the gradient summed over 2 workers' shards equals the
// one-worker gradient of the whole batch (up to summation order).
func TestWorkersGradientMatchesSerial(t *testing.T) {
	d := tinyData(9, 4, 12)
	grads := func(workers int) []float32 {
		net := newTinyNet(1)
		w := NewWorkers(workers, 1, net.ps.Params())
		defer w.Close()
		for i := 0; i < workers; i++ {
			w.Tape(i).SetTraining(false)
			w.Tape(i).SetGradEnabled(true)
		}
		// The mean reduction divides by the shard's batch size; use sum.
		_, err := w.Step(func(i int, tp *Tape) (*Var, error) {
			sh := d.shard(i, workers)
			l, err := net.forward(tp, sh.feats, sh.B, sh.T, sh.lens, sh.labels)
			if err != nil {
				return nil, err
			}
			return tp.Scale(l, float32(sh.B)), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var out []float32
		for _, p := range net.ps.Params() {
			out = append(out, p.Grad...)
		}
		return out
	}
	assertClose(t, "2-worker grad", grads(2), grads(1), 1e-4)
}

func TestTrainStepAllocatesNothingOnceWarm(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	net := newTinyNet(1)
	params := net.ps.Params()
	d := tinyData(1, 4, 12)
	tp := NewTape(1)
	step := func() {
		tp.Reset()
		loss, err := net.forward(tp, d.feats, d.B, d.T, d.lens, d.labels)
		if err != nil {
			t.Fatal(err)
		}
		tp.Backward(loss)
		tp.AddParamGradsTo()
	}
	for range 3 {
		step()
	}
	if a := testing.AllocsPerRun(200, step); a != 0 {
		t.Errorf("%v allocations per warm step, want 0", a)
	}
	_ = params
}

func TestWorkersStepAllocatesNothingOnceWarm(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	net := newTinyNet(1)
	params := net.ps.Params()
	d := tinyData(1, 4, 12)
	w := NewWorkers(2, 1, params)
	defer w.Close()
	fn := func(i int, tp *Tape) (*Var, error) {
		sh := d.shard(i, 2)
		return net.forward(tp, sh.feats, sh.B, sh.T, sh.lens, sh.labels)
	}
	step := func() {
		ZeroGrads(params)
		if _, err := w.Step(fn); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		step()
	}
	if a := testing.AllocsPerRun(50, step); a != 0 {
		t.Errorf("%v allocations per warm Workers step, want 0", a)
	}
}

// A run interrupted after 3 steps and resumed by fresh Workers told the
// step count draws the same dropout masks as an uninterrupted run.
func TestWorkersResumeBitIdentical(t *testing.T) {
	run := func(net *tinyNet, w *Workers, from, to int) {
		params := net.ps.Params()
		for s := from; s < to; s++ {
			d := tinyData(uint64(s), 4, 12)
			ZeroGrads(params)
			if _, err := w.Step(func(i int, tp *Tape) (*Var, error) {
				sh := d.shard(i, w.N())
				return net.forward(tp, sh.feats, sh.B, sh.T, sh.lens, sh.labels)
			}); err != nil {
				t.Fatal(err)
			}
			for _, p := range params {
				for j, g := range p.Grad {
					p.Value[j] -= 0.05 * g
				}
			}
		}
	}
	straight := newTinyNet(1)
	w := NewWorkers(2, 7, straight.ps.Params())
	run(straight, w, 0, 6)
	w.Close()

	resumed := newTinyNet(1)
	w1 := NewWorkers(2, 7, resumed.ps.Params())
	run(resumed, w1, 0, 3)
	w1.Close()
	w2 := NewWorkers(2, 7, resumed.ps.Params()) // as after loading a checkpoint
	w2.SetStepCount(3)
	run(resumed, w2, 3, 6)
	w2.Close()
	for i, p := range straight.ps.Params() {
		q := resumed.ps.Params()[i]
		for j := range p.Value {
			if math.Float32bits(p.Value[j]) != math.Float32bits(q.Value[j]) {
				t.Fatalf("%s[%d]: %g straight, %g resumed", p.Name, j, p.Value[j], q.Value[j])
			}
		}
	}
}

func TestWorkersReportErrorsAndPanics(t *testing.T) {
	net := newTinyNet(1)
	w := NewWorkers(2, 1, net.ps.Params())
	defer w.Close()
	if _, err := w.Step(func(i int, tp *Tape) (*Var, error) {
		if i == 1 {
			return nil, errors.New("bad shard")
		}
		return tp.Sum(tp.Param(net.w1)), nil
	}); err == nil || !strings.Contains(err.Error(), "worker 1: bad shard") {
		t.Errorf("error %v, want worker 1's", err)
	}
	if _, err := w.Step(func(i int, tp *Tape) (*Var, error) {
		var v *Var
		return tp.Sum(v), nil // nil dereference inside the op
	}); err == nil || !strings.Contains(err.Error(), "panic") {
		t.Errorf("panic reported as %v", err)
	}
	// The workers survive and still train.
	if _, err := w.Step(func(i int, tp *Tape) (*Var, error) { return tp.Sum(tp.Param(net.w1)), nil }); err != nil {
		t.Errorf("step after failures: %v", err)
	}
}
