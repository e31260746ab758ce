package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// TestAdamWGoldenTorch follows torch.optim.AdamW step by step
// (testdata/optim/gen_adamw.py): a decayed matrix and an undecayed bias.
func TestAdamWGoldenTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/optim/adamw_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	type pair struct{ W, B []float32 }
	var g struct {
		Beta1, Beta2, Eps float64
		WeightDecay       float64 `json:"weight_decay"`
		Init              pair
		Steps             []struct {
			LR          float64
			Grad, Value pair
			M, V        pair
		}
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	w := NewParam("w", 3, 4)
	b := NewParam("b", 4)
	copy(w.Value, g.Init.W)
	copy(b.Value, g.Init.B)
	opt, err := NewAdamW([]*Param{w, b}, AdamWConfig{Beta1: g.Beta1, Beta2: g.Beta2, Eps: g.Eps, WeightDecay: g.WeightDecay}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(step int, what string, got, want []float32) {
		t.Helper()
		for i := range want {
			if !relClose(float64(got[i]), float64(want[i]), 2e-6, 1e-9) {
				t.Errorf("step %d %s[%d] = %.9g, torch %.9g", step, what, i, got[i], want[i])
			}
		}
	}
	state := opt.State() // m_w, m_b, v_w, v_b
	for i, s := range g.Steps {
		copy(w.Grad, s.Grad.W)
		copy(b.Grad, s.Grad.B)
		opt.Step(s.LR)
		check(i, "w", w.Value, s.Value.W)
		check(i, "b", b.Value, s.Value.B)
		check(i, "m_w", state[0].Value, s.M.W)
		check(i, "m_b", state[1].Value, s.M.B)
		check(i, "v_w", state[2].Value, s.V.W)
		check(i, "v_b", state[3].Value, s.V.B)
	}
	if opt.Steps() != int64(len(g.Steps)) {
		t.Errorf("Steps() = %d", opt.Steps())
	}
}

func TestAdamWDecayPredicate(t *testing.T) {
	// Zero gradients: only the decoupled decay moves the weights.
	w := NewParam("enc.w", 2, 2)
	gain := NewParam("enc.norm.gain", 2)
	for i := range w.Value {
		w.Value[i] = 1
	}
	for i := range gain.Value {
		gain.Value[i] = 1
	}
	cfg := DefaultAdamWConfig()
	cfg.WeightDecay = 0.5
	opt, err := NewAdamW([]*Param{w, gain}, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	opt.Step(0.1)
	if w.Value[0] != float32(1-0.1*0.5) {
		t.Errorf("matrix not decayed: %v", w.Value[0])
	}
	if gain.Value[0] != 1 {
		t.Errorf("gain decayed: %v", gain.Value[0])
	}
	// A custom predicate by name.
	opt, _ = NewAdamW([]*Param{w, gain}, cfg, func(p *Param) bool { return p.Name == "enc.norm.gain" })
	before := w.Value[0]
	opt.Step(0.1)
	if w.Value[0] != before || gain.Value[0] != float32(1-0.1*0.5) {
		t.Errorf("custom predicate ignored: w %v gain %v", w.Value[0], gain.Value[0])
	}
}

func TestAdamWConfigErrors(t *testing.T) {
	bad := []AdamWConfig{
		{Beta1: 1, Beta2: 0.9, Eps: 1e-8},
		{Beta1: 0.9, Beta2: -0.1, Eps: 1e-8},
		{Beta1: 0.9, Beta2: 0.9, Eps: 0},
		{Beta1: 0.9, Beta2: 0.9, Eps: 1e-8, WeightDecay: -1},
		{Beta1: math.NaN(), Beta2: 0.9, Eps: 1e-8},
	}
	for i, c := range bad {
		if _, err := NewAdamW(nil, c, nil); err == nil {
			t.Errorf("config %d %+v accepted", i, c)
		}
	}
	p := NewParam("p", 2)
	if _, err := NewAdamW([]*Param{p, p}, DefaultAdamWConfig(), nil); err == nil {
		t.Error("duplicate names accepted")
	}
	q := &Param{Name: "q", Shape: []int{2}, Value: make([]float32, 2)}
	if _, err := NewAdamW([]*Param{q}, DefaultAdamWConfig(), nil); err == nil {
		t.Error("param without gradient accepted")
	}
}

func TestClipGradNorm(t *testing.T) {
	cases := []struct {
		name     string
		grads    [][]float32
		maxNorm  float64
		wantNorm float64
		want     [][]float32
	}{
		{"under", [][]float32{{3}, {4}}, 10, 5, [][]float32{{3}, {4}}},
		{"equal", [][]float32{{3}, {4}}, 5, 5, [][]float32{{3}, {4}}},
		{"over", [][]float32{{3, 0}, {4}}, 1, 5, [][]float32{{0.6, 0}, {0.8}}},
		{"nan untouched", [][]float32{{float32(math.NaN())}, {4}}, 1, math.NaN(), nil},
		{"inf untouched", [][]float32{{float32(math.Inf(1))}, {4}}, 1, math.Inf(1), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var params []*Param
			for i, g := range c.grads {
				p := NewParam(fmt.Sprint(i), len(g))
				copy(p.Grad, g)
				params = append(params, p)
			}
			norm := ClipGradNorm(params, c.maxNorm)
			if !(norm == c.wantNorm || math.IsNaN(norm) && math.IsNaN(c.wantNorm)) {
				t.Errorf("norm %v, want %v", norm, c.wantNorm)
			}
			want := c.want
			if want == nil {
				want = c.grads
			}
			for i, p := range params {
				for j := range p.Grad {
					got, w := float64(p.Grad[j]), float64(want[i][j])
					if !(got == w || relClose(got, w, 1e-6, 0) || math.IsNaN(got) && math.IsNaN(w)) {
						t.Errorf("grad %d[%d] = %v, want %v", i, j, got, w)
					}
				}
			}
		})
	}
}

func TestSchedules(t *testing.T) {
	wc := WarmupCosine{Peak: 1e-3, Final: 1e-5, WarmupSteps: 10, TotalSteps: 110}
	if err := wc.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		s    Schedule
		step int64
		want float64
	}{
		{"cosine first", wc, 0, 1e-4},
		{"cosine warm-up", wc, 4, 5e-4},
		{"cosine peak", wc, 9, 1e-3},
		{"cosine start", wc, 10, 1e-3},
		{"cosine middle", wc, 60, (1e-3 + 1e-5) / 2},
		{"cosine end", wc, 110, 1e-5},
		{"cosine after", wc, 1000, 1e-5},
		{"noam first", Noam{ModelDim: 256, WarmupSteps: 100, Scale: 1}, 0, 1.0 / 16 / 1000},
		{"noam peak", Noam{ModelDim: 256, WarmupSteps: 100, Scale: 1}, 99, 1.0 / 16 / 10},
		{"noam decay", Noam{ModelDim: 256, WarmupSteps: 100, Scale: 2}, 399, 2.0 / 16 / 20},
	}
	for _, c := range cases {
		if got := c.s.LR(c.step); !relClose(got, c.want, 1e-12, 1e-15) {
			t.Errorf("%s: LR(%d) = %.12g, want %.12g", c.name, c.step, got, c.want)
		}
	}
	// Monotone rise then fall.
	prev := 0.0
	for step := int64(0); step < 110; step++ {
		lr := wc.LR(step)
		if step < 10 && lr <= prev || step > 10 && lr > prev {
			t.Fatalf("step %d: %v after %v", step, lr, prev)
		}
		prev = lr
	}
	if (Noam{ModelDim: 256, WarmupSteps: 100, Scale: 1}).PeakLR() != 1.0/16/10 {
		t.Error("Noam.PeakLR")
	}
	for _, s := range []interface{ Validate() error }{
		WarmupCosine{Peak: 0, TotalSteps: 1},
		WarmupCosine{Peak: 1, Final: 2, TotalSteps: 1},
		WarmupCosine{Peak: 1, WarmupSteps: 5, TotalSteps: 4},
		Noam{ModelDim: 0, WarmupSteps: 1, Scale: 1},
		Noam{ModelDim: 4, WarmupSteps: 1, Scale: math.NaN()},
	} {
		if s.Validate() == nil {
			t.Errorf("%+v validated", s)
		}
	}
	// Schedules round-trip through JSON.
	raw, _ := json.Marshal(wc)
	var back WarmupCosine
	if err := json.Unmarshal(raw, &back); err != nil || back != wc {
		t.Errorf("JSON round trip: %s -> %+v %v", raw, back, err)
	}
}

func TestEMA(t *testing.T) {
	p := NewParam("w", 2)
	p.Value[0], p.Value[1] = 1, 2
	e, err := NewEMA([]*Param{p}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if e.Shadow()[0].Name != "ema/w" {
		t.Errorf("shadow name %q", e.Shadow()[0].Name)
	}
	p.Value[0], p.Value[1] = 3, 4
	e.Update() // n=0: d = min(0.5, 1/10) = 0.1
	want := []float32{0.1*1 + 0.9*3, 0.1*2 + 0.9*4}
	for i, v := range e.Shadow()[0].Value {
		if !relClose(float64(v), float64(want[i]), 1e-6, 0) {
			t.Errorf("shadow[%d] = %v, want %v", i, v, want[i])
		}
	}
	for range 100 {
		e.Update()
	}
	// Converges to the constant params; then d has risen to 0.5.
	dst := NewParam("w", 2)
	if err := e.CopyTo([]*Param{dst}); err != nil {
		t.Fatal(err)
	}
	if !relClose(float64(dst.Value[0]), 3, 1e-6, 0) || e.Updates() != 101 {
		t.Errorf("after 101 updates: %v (updates %d)", dst.Value, e.Updates())
	}
	if err := e.CopyTo([]*Param{NewParam("w", 3)}); err == nil {
		t.Error("CopyTo accepted a mis-shaped param")
	}
	if _, err := NewEMA(nil, 1); err == nil {
		t.Error("decay 1 accepted")
	}
}

func ExampleAdamW() {
	// Minimise (w-3)² with AdamW under a warm-up + cosine schedule.
	w := NewParam("w", 1)
	opt, _ := NewAdamW([]*Param{w}, AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, nil)
	sched := WarmupCosine{Peak: 0.1, Final: 0.001, WarmupSteps: 20, TotalSteps: 500}
	for step := range int64(500) {
		w.Grad[0] = 2 * (w.Value[0] - 3)
		ClipGradNorm([]*Param{w}, 1)
		opt.Step(sched.LR(step))
	}
	fmt.Printf("w = %.3f\n", w.Value[0])
	// Output:
	// w = 3.000
}

func BenchmarkAdamWStep(b *testing.B) {
	// 3 M parameters, the size of the acoustic model of issue 5.
	params := []*Param{NewParam("w", 3000, 1000)}
	for i := range params[0].Grad {
		params[0].Grad[i] = float32(i%7) - 3
	}
	opt, _ := NewAdamW(params, DefaultAdamWConfig(), nil)
	for b.Loop() {
		opt.Step(1e-3)
	}
	b.ReportMetric(float64(b.N)*3e6/b.Elapsed().Seconds()/1e6, "Mparams/s")
}
