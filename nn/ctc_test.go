package nn

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

type ctcGolden struct {
	Name         string    `json:"name"`
	B            int       `json:"B"`
	MaxT         int       `json:"maxT"`
	V            int       `json:"V"`
	Blank        int       `json:"blank"`
	InputLengths []int     `json:"inputLengths"`
	Labels       [][]int   `json:"labels"`
	Reduction    string    `json:"reduction"`
	ZeroInfinity bool      `json:"zeroInfinity"`
	Logits       []float32 `json:"logits"`
	Loss         float64   `json:"loss"`
	Losses       []float64 `json:"losses"`
	Grad         []float64 `json:"grad"`
}

func loadCTCGoldens(t *testing.T) []ctcGolden {
	t.Helper()
	raw, err := os.ReadFile("testdata/ctc/ctc_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Torch string      `json:"torch"`
		Cases []ctcGolden `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no golden cases")
	}
	return file.Cases
}

func relClose(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

// TestCTCGoldenTorch compares loss and d(loss)/d(logits) with PyTorch's
// F.ctc_loss(logits.log_softmax(-1)) in float64 (testdata/ctc/gen_golden.py).
func TestCTCGoldenTorch(t *testing.T) {
	for _, g := range loadCTCGoldens(t) {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", g.Name, workers), func(t *testing.T) {
				red := CTCMean
				if g.Reduction == "sum" {
					red = CTCSum
				}
				opt := CTCOptions{Blank: g.Blank, Reduction: red, ZeroInfinity: g.ZeroInfinity, Workers: workers}
				grad := make([]float32, len(g.Logits))
				loss, losses, err := CTCLossBatch(g.Logits, g.B, g.MaxT, g.V, g.InputLengths, g.Labels, opt, grad)
				if err != nil {
					t.Fatal(err)
				}
				if !relClose(loss, g.Loss, 1e-12, 1e-12) {
					t.Errorf("loss %.17g, torch %.17g", loss, g.Loss)
				}
				for b := range losses {
					if !relClose(losses[b], g.Losses[b], 1e-12, 1e-12) {
						t.Errorf("utterance %d loss %.17g, torch %.17g", b, losses[b], g.Losses[b])
					}
				}
				// Our gradient is rounded to float32 once.
				for i := range grad {
					if !relClose(float64(grad[i]), g.Grad[i], 1e-6, 1e-9) {
						t.Fatalf("grad[%d] = %.9g, torch %.17g", i, grad[i], g.Grad[i])
					}
				}
			})
		}
	}
}

// bruteCTC enumerates all V^T paths: the reference loss and gradient.
func bruteCTC(logits []float32, T, V int, labels []int, blank int) (loss float64, grad []float64) {
	lp := make([]float64, T*V)
	for t := range T {
		logSoftmax64(lp[t*V:(t+1)*V], logits[t*V:(t+1)*V])
	}
	occ := make([]float64, T*V) // sum of p(path) over matching paths with path[t]=k
	total := 0.0
	path := make([]int, T)
	var rec func(t int)
	rec = func(t int) {
		if t == T {
			// Collapse repeats, drop blanks.
			var out []int
			prev := -1
			for _, k := range path {
				if k != prev && k != blank {
					out = append(out, k)
				}
				prev = k
			}
			if len(out) != len(labels) {
				return
			}
			for i := range out {
				if out[i] != labels[i] {
					return
				}
			}
			lpPath := 0.0
			for t, k := range path {
				lpPath += lp[t*V+k]
			}
			p := math.Exp(lpPath)
			total += p
			for t, k := range path {
				occ[t*V+k] += p
			}
			return
		}
		for k := range V {
			path[t] = k
			rec(t + 1)
		}
	}
	rec(0)
	grad = make([]float64, T*V)
	if total == 0 {
		return math.Inf(1), grad
	}
	for i := range grad {
		grad[i] = math.Exp(lp[i]) - occ[i]/total
	}
	return -math.Log(total), grad
}

func randLogits(r *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * scale)
	}
	return x
}

func TestCTCBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		T, V, blank int
		labels      []int
		infeasible  bool
	}{
		{1, 3, 0, nil, false},
		{1, 3, 0, []int{2}, false},
		{3, 3, 0, []int{1, 2}, false},
		{4, 3, 0, []int{1, 1}, false},
		{3, 3, 0, []int{1, 1}, false}, // exactly U + repeats
		{5, 4, 0, []int{3, 1, 3}, false},
		{6, 3, 2, []int{0, 1, 0}, false},
		{5, 3, 1, []int{0, 0, 0}, false}, // exactly 5 frames: 0 _ 0 _ 0
		{4, 3, 1, []int{0, 0, 0}, true},  // infeasible: T < U + repeats = 5
		{2, 3, 0, []int{1, 2, 1}, true},  // infeasible: T < U
		{6, 4, 0, []int{}, false},
		{7, 3, 0, []int{1, 2, 2, 1}, false},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d/T=%d/U=%d", i, c.T, len(c.labels)), func(t *testing.T) {
			logits := randLogits(r, c.T*c.V, 2)
			grad := make([]float32, len(logits))
			loss, err := CTCLoss(logits, c.T, c.V, c.labels, c.blank, grad)
			if err != nil {
				t.Fatal(err)
			}
			wantLoss, wantGrad := bruteCTC(logits, c.T, c.V, c.labels, c.blank)
			if c.infeasible {
				if !math.IsInf(loss, 1) || !math.IsInf(wantLoss, 1) {
					t.Fatalf("infeasible: loss %v, brute force %v; both should be +Inf", loss, wantLoss)
				}
				for i, g := range grad {
					if g != 0 {
						t.Fatalf("infeasible: grad[%d]=%v, want 0", i, g)
					}
				}
				return
			}
			if !relClose(loss, wantLoss, 1e-12, 1e-13) {
				t.Errorf("loss %.17g, brute force %.17g", loss, wantLoss)
			}
			for i := range grad {
				if !relClose(float64(grad[i]), wantGrad[i], 1e-6, 1e-9) {
					t.Errorf("grad[%d] %.9g, brute force %.17g", i, grad[i], wantGrad[i])
				}
			}
		})
	}
}

// TestCTCFiniteDifference checks the gradient against central differences
// of the loss itself, independent of the brute-force occupancy formula.
func TestCTCFiniteDifference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	T, V := 9, 5
	labels := []int{1, 4, 4, 2}
	logits := randLogits(r, T*V, 1.5)
	grad := make([]float32, T*V)
	if _, err := CTCLoss(logits, T, V, labels, 0, grad); err != nil {
		t.Fatal(err)
	}
	// Perturb in float32 (the input type); h is large enough that the
	// float32 rounding of logits+h is exact-ish relative to h.
	const h = 1.0 / 256
	for i := range logits {
		x := logits[i]
		logits[i] = x + h
		up, _ := CTCLoss(logits, T, V, labels, 0, nil)
		logits[i] = x - h
		down, _ := CTCLoss(logits, T, V, labels, 0, nil)
		logits[i] = x
		fd := (up - down) / (float64(float32(x+h)) - float64(float32(x-h)))
		if !relClose(float64(grad[i]), fd, 1e-3, 1e-5) {
			t.Errorf("grad[%d] = %.7g, finite difference %.7g", i, grad[i], fd)
		}
	}
}

func TestCTCBatchDeterministicAcrossWorkers(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	B, maxT, V := 7, 40, 12
	logits := randLogits(r, B*maxT*V, 2)
	lengths := make([]int, B)
	labels := make([][]int, B)
	for b := range B {
		lengths[b] = maxT - 3*b
		for range 2 + b {
			labels[b] = append(labels[b], 1+r.IntN(V-1))
		}
	}
	labels[6] = []int{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3} // needs 23 frames, has 22: infeasible
	var ref []float32
	var refLoss float64
	for _, workers := range []int{0, 1, 2, 4, 16} {
		grad := make([]float32, len(logits))
		for i := range grad {
			grad[i] = float32(math.NaN()) // padding must be overwritten
		}
		loss, losses, err := CTCLossBatch(logits, B, maxT, V, lengths, labels, CTCOptions{ZeroInfinity: true, Workers: workers}, grad)
		if err != nil {
			t.Fatal(err)
		}
		if losses[6] != 0 {
			t.Errorf("infeasible utterance loss %v with ZeroInfinity", losses[6])
		}
		if ref == nil {
			ref, refLoss = grad, loss
			continue
		}
		if math.Float64bits(loss) != math.Float64bits(refLoss) {
			t.Errorf("workers=%d: loss %v differs from %v", workers, loss, refLoss)
		}
		for i := range grad {
			if math.Float32bits(grad[i]) != math.Float32bits(ref[i]) {
				t.Fatalf("workers=%d: grad[%d] %v differs from %v", workers, i, grad[i], ref[i])
			}
		}
	}
	for i, g := range ref {
		if math.IsNaN(float64(g)) {
			t.Fatalf("grad[%d] left NaN", i)
		}
	}
	// Without ZeroInfinity the infeasible utterance makes the loss +Inf.
	loss, _, err := CTCLossBatch(logits, B, maxT, V, lengths, labels, CTCOptions{Reduction: CTCSum}, nil)
	if err != nil || !math.IsInf(loss, 1) {
		t.Errorf("without ZeroInfinity: loss %v err %v, want +Inf", loss, err)
	}
}

func TestCTCErrors(t *testing.T) {
	logits := make([]float32, 12)
	cases := []struct {
		name   string
		logits []float32
		T, V   int
		labels []int
		blank  int
		grad   []float32
	}{
		{"short logits", logits[:11], 3, 4, []int{1}, 0, nil},
		{"bad V", logits, 3, 0, nil, 0, nil},
		{"negative T", logits, -3, 4, nil, 0, nil},
		{"blank out of range", logits, 3, 4, []int{1}, 4, nil},
		{"label is blank", logits, 3, 4, []int{0}, 0, nil},
		{"label out of range", logits, 3, 4, []int{4}, 0, nil},
		{"negative label", logits, 3, 4, []int{-1}, 0, nil},
		{"short grad", logits, 3, 4, []int{1}, 0, make([]float32, 5)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CTCLoss(c.logits, c.T, c.V, c.labels, c.blank, c.grad)
			if !errors.Is(err, ErrCTCInput) {
				t.Errorf("err = %v, want ErrCTCInput", err)
			}
		})
	}
	_, _, err := CTCLossBatch(logits, 1, 3, 4, []int{4}, [][]int{{1}}, CTCOptions{}, nil)
	if !errors.Is(err, ErrCTCInput) {
		t.Errorf("input length beyond maxT: err = %v", err)
	}
	_, _, err = CTCLossBatch(logits, 1, 3, 4, []int{3}, [][]int{{0}}, CTCOptions{}, nil)
	if !errors.Is(err, ErrCTCInput) {
		t.Errorf("blank label in batch: err = %v", err)
	}
}

func TestCTCScratchNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	T, V := 50, 20
	logits := randLogits(r, T*V, 1)
	grad := make([]float32, T*V)
	labels := []int{1, 2, 3, 4, 5, 5, 6}
	var w CTCScratch
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := w.Loss(logits, T, V, labels, 0, grad); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per warm call", allocs)
	}
}

func ExampleCTCLoss() {
	// Two frames, classes {blank, a}: the label "a" is emitted by the
	// paths "a a", "_ a" and "a _"; with uniform scores each has p=1/4.
	logits := []float32{0, 0, 0, 0}
	grad := make([]float32, 4)
	loss, _ := CTCLoss(logits, 2, 2, []int{1}, 0, grad)
	fmt.Printf("loss %.4f = -log(3/4)\n", loss)
	fmt.Printf("grad %.4f\n", grad)
	// Output:
	// loss 0.2877 = -log(3/4)
	// grad [0.1667 -0.1667 0.1667 -0.1667]
}

func BenchmarkCTCLoss(b *testing.B) {
	// One 10 s utterance at 30 ms frames, a 500-piece vocabulary and 60
	// labels, with gradient.
	r := rand.New(rand.NewPCG(9, 10))
	T, V, U := 333, 500, 60
	logits := randLogits(r, T*V, 1)
	grad := make([]float32, T*V)
	labels := make([]int, U)
	for i := range labels {
		labels[i] = 1 + r.IntN(V-1)
	}
	var w CTCScratch
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Loss(logits, T, V, labels, 0, grad); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(T)/b.Elapsed().Seconds(), "frames/s")
}

// logSoftmax64 is the test's own log-softmax, written independently of
// softmax64 so the brute force does not share code with CTCLoss.
func logSoftmax64(dst []float64, x []float32) {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	sum := 0.0
	for _, v := range x {
		sum += math.Exp(float64(v) - m)
	}
	for i, v := range x {
		dst[i] = float64(v) - m - math.Log(sum)
	}
}

// TestCTCToyTraining trains a per-frame linear classifier with CTCLossBatch,
// AdamW, a warm-up + cosine schedule and gradient clipping on plain slices
// (no tape): an end-to-end check that the loss, its gradient and the
// optimiser fit together. Frames carry a noisy one-hot of their symbol and
// a silence frame separates symbols, so the blank must be learnt too.
func TestCTCToyTraining(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const V, F, B = 6, 6, 24 // classes (0 = blank), features (0 = silence)
	type utt struct {
		x      []float32 // T×F
		labels []int
	}
	var data []utt
	maxT := 0
	for range B {
		var u utt
		for range 2 + r.IntN(4) {
			u.labels = append(u.labels, 1+r.IntN(V-1))
		}
		frame := func(f int) {
			for k := range F {
				v := float32(r.NormFloat64() * 0.2)
				if k == f {
					v += 1
				}
				u.x = append(u.x, v)
			}
		}
		for _, l := range u.labels {
			frame(0)
			for range 1 + r.IntN(3) {
				frame(l)
			}
		}
		frame(0)
		maxT = max(maxT, len(u.x)/F)
		data = append(data, u)
	}
	w := NewParam("w", V, F)
	bias := NewParam("b", V)
	for i := range w.Value {
		w.Value[i] = float32(r.NormFloat64() * 0.1)
	}
	params := []*Param{w, bias}
	opt, err := NewAdamW(params, AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-8, WeightDecay: 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sched := WarmupCosine{Peak: 0.1, Final: 0.01, WarmupSteps: 20, TotalSteps: 300}
	logits := make([]float32, B*maxT*V)
	grad := make([]float32, len(logits))
	lengths := make([]int, B)
	labels := make([][]int, B)
	for b, u := range data {
		lengths[b] = len(u.x) / F
		labels[b] = u.labels
	}
	forward := func() {
		clear(logits)
		for b, u := range data {
			for tt := range lengths[b] {
				for v := range V {
					s := bias.Value[v]
					for f := range F {
						s += w.Value[v*F+f] * u.x[tt*F+f]
					}
					logits[(b*maxT+tt)*V+v] = s
				}
			}
		}
	}
	var loss float64
	for step := range sched.TotalSteps {
		forward()
		loss, _, err = CTCLossBatch(logits, B, maxT, V, lengths, labels, CTCOptions{Workers: 2}, grad)
		if err != nil {
			t.Fatal(err)
		}
		w.ZeroGrad()
		bias.ZeroGrad()
		for b, u := range data {
			for tt := range lengths[b] {
				for v := range V {
					g := grad[(b*maxT+tt)*V+v]
					bias.Grad[v] += g
					for f := range F {
						w.Grad[v*F+f] += g * u.x[tt*F+f]
					}
				}
			}
		}
		ClipGradNorm(params, 5)
		opt.Step(sched.LR(step))
	}
	forward()
	loss, _, _ = CTCLossBatch(logits, B, maxT, V, lengths, labels, CTCOptions{}, nil)
	if loss >= 0.05 {
		t.Errorf("mean CTC loss %.4f after training, want < 0.05", loss)
	}
	for b := range B {
		// Greedy decoding: best class per frame, merge repeats, drop blanks.
		var out []int
		prev := -1
		for tt := range lengths[b] {
			row := logits[(b*maxT+tt)*V : (b*maxT+tt+1)*V]
			best := 0
			for v := range row {
				if row[v] > row[best] {
					best = v
				}
			}
			if best != prev && best != 0 {
				out = append(out, best)
			}
			prev = best
		}
		if fmt.Sprint(out) != fmt.Sprint(labels[b]) {
			t.Errorf("utterance %d: greedy %v, want %v", b, out, labels[b])
		}
	}
	t.Logf("final mean loss %.5f", loss)
}
