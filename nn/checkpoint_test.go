package nn

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trainer is a toy training loop: deterministic pseudo-gradients pull the
// params towards a target, through AdamW, a schedule, clipping and EMA.
type trainer struct {
	params []*Param
	opt    *AdamW
	ema    *EMA
	sched  WarmupCosine
	step   int64
}

func newTrainer(t *testing.T) *trainer {
	t.Helper()
	params := toyParams(toyCfg, 11)
	opt, err := NewAdamW(params, DefaultAdamWConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ema, err := NewEMA(params, 0.99)
	if err != nil {
		t.Fatal(err)
	}
	return &trainer{params: params, opt: opt, ema: ema, sched: WarmupCosine{Peak: 1e-2, Final: 1e-4, WarmupSteps: 5, TotalSteps: 40}}
}

func (tr *trainer) run(n int) {
	for range n {
		for pi, p := range tr.params {
			for j := range p.Value {
				// A gradient that depends on the state and the step.
				p.Grad[j] = p.Value[j] - float32(math.Sin(float64(pi*31+j)+float64(tr.step)*0.1))
			}
		}
		ClipGradNorm(tr.params, 1)
		tr.opt.Step(tr.sched.LR(tr.step))
		tr.ema.Update()
		tr.step++
	}
}

func (tr *trainer) checkpoint() Checkpoint {
	pos, _ := json.Marshal(map[string]int64{"batch": tr.step * 8, "seed": 42})
	return Checkpoint{Step: tr.step, Params: tr.params, Optimizer: tr.opt, EMA: tr.ema, Trainer: pos}
}

func sameBits(t *testing.T, what string, a, b []*Param) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d vs %d tensors", what, len(a), len(b))
	}
	for i := range a {
		for j := range a[i].Value {
			if math.Float32bits(a[i].Value[j]) != math.Float32bits(b[i].Value[j]) {
				t.Fatalf("%s %s[%d]: %v vs %v", what, a[i].Name, j, a[i].Value[j], b[i].Value[j])
			}
		}
	}
}

// TestCheckpointResumeIsExact trains 30 steps straight, and 12 + save +
// load into a fresh trainer + 18: every weight, moment and average must be
// bit-identical.
func TestCheckpointResumeIsExact(t *testing.T) {
	straight := newTrainer(t)
	straight.run(30)

	first := newTrainer(t)
	first.run(12)
	path := filepath.Join(t.TempDir(), "ckpt.safetensors")
	if err := SaveCheckpoint(path, first.checkpoint()); err != nil {
		t.Fatal(err)
	}
	first.run(5) // training goes on; the file must not alias live state

	resumed := newTrainer(t)
	c := Checkpoint{Params: resumed.params, Optimizer: resumed.opt, EMA: resumed.ema}
	if err := LoadCheckpoint(path, &c); err != nil {
		t.Fatal(err)
	}
	if c.Step != 12 || resumed.opt.Steps() != 12 || resumed.ema.Updates() != 12 {
		t.Fatalf("step %d, optimiser steps %d, EMA updates %d", c.Step, resumed.opt.Steps(), resumed.ema.Updates())
	}
	var pos map[string]int64
	if err := json.Unmarshal(c.Trainer, &pos); err != nil || pos["batch"] != 96 || pos["seed"] != 42 {
		t.Errorf("trainer state %s: %v", c.Trainer, err)
	}
	resumed.step = c.Step
	resumed.run(18)

	sameBits(t, "weights", straight.params, resumed.params)
	sameBits(t, "moments", straight.opt.State(), resumed.opt.State())
	sameBits(t, "EMA", straight.ema.Shadow(), resumed.ema.Shadow())
}

func TestCheckpointTruncated(t *testing.T) {
	tr := newTrainer(t)
	tr.run(3)
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	if err := SaveCheckpoint(path, tr.checkpoint()); err != nil {
		t.Fatal(err)
	}
	full, _ := os.ReadFile(path)
	for _, n := range []int{0, 5, 8, 100, len(full) / 2, len(full) - 1} {
		cut := filepath.Join(dir, "cut.safetensors")
		if err := os.WriteFile(cut, full[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		fresh := newTrainer(t)
		before := fresh.params[0].Value[0]
		c := Checkpoint{Params: fresh.params, Optimizer: fresh.opt, EMA: fresh.ema}
		err := LoadCheckpoint(cut, &c)
		if err == nil {
			t.Fatalf("truncated to %d of %d bytes: loaded", n, len(full))
		}
		msg := err.Error()
		t.Logf("truncated to %d bytes: %v", n, err)
		if !strings.Contains(msg, "cut.safetensors") || !(strings.Contains(msg, "truncated") || strings.Contains(msg, "shorter")) {
			t.Errorf("truncated to %d bytes: unclear error %q", n, msg)
		}
		if fresh.params[0].Value[0] != before || c.Step != 0 {
			t.Errorf("truncated to %d bytes: state changed by a failed load", n)
		}
	}
}

func TestCheckpointPartsAndErrors(t *testing.T) {
	tr := newTrainer(t)
	tr.run(4)
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	if err := SaveCheckpoint(path, tr.checkpoint()); err != nil {
		t.Fatal(err)
	}

	// Weights alone.
	fresh := newTrainer(t)
	c := Checkpoint{Params: fresh.params}
	if err := LoadCheckpoint(path, &c); err != nil {
		t.Fatal(err)
	}
	sameBits(t, "weights", tr.params, fresh.params)
	if fresh.opt.Steps() != 0 {
		t.Error("optimiser touched when not asked for")
	}

	// A weights-only checkpoint cannot restore an optimiser.
	wpath := filepath.Join(dir, "weights.safetensors")
	if err := SaveCheckpoint(wpath, Checkpoint{Step: 4, Params: tr.params}); err != nil {
		t.Fatal(err)
	}
	c = Checkpoint{Params: fresh.params, Optimizer: fresh.opt}
	if err := LoadCheckpoint(wpath, &c); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("optimiser from a weights-only checkpoint: %v", err)
	}

	// A different model: the error names the tensors.
	other := toyParams(toyConfig{Arch: "x", Width: 4, Vocab: []string{"_", "a"}}, 1)
	c = Checkpoint{Params: other}
	err := LoadCheckpoint(path, &c)
	if !errors.Is(err, ErrTensorMismatch) || !strings.Contains(err.Error(), "param/block0.ff.w") {
		t.Errorf("mismatched model: %v", err)
	}

	// A model file is not a checkpoint.
	mpath := filepath.Join(dir, "model.safetensors")
	if err := SaveModel(mpath, toyCfg, tr.params, "F32"); err != nil {
		t.Fatal(err)
	}
	if err := LoadCheckpoint(mpath, &Checkpoint{Params: fresh.params}); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("model file as checkpoint: %v", err)
	}
	if err := SaveCheckpoint(path, Checkpoint{Params: tr.params, Trainer: json.RawMessage("{")}); err == nil {
		t.Error("invalid trainer JSON accepted")
	}
	if err := LoadCheckpoint(filepath.Join(dir, "absent"), &c); err == nil {
		t.Error("absent file loaded")
	}
}

func ExampleSaveCheckpoint() {
	dir, _ := os.MkdirTemp("", "mynah-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "step.ckpt")

	build := func() ([]*Param, *AdamW) {
		w := NewParam("w", 2, 2)
		opt, _ := NewAdamW([]*Param{w}, DefaultAdamWConfig(), nil)
		return []*Param{w}, opt
	}
	params, opt := build()
	params[0].Grad[0] = 1
	opt.Step(0.1)
	state, _ := json.Marshal(map[string]int{"epoch": 3, "batch": 1200})
	if err := SaveCheckpoint(path, Checkpoint{Step: 1, Params: params, Optimizer: opt, Trainer: state}); err != nil {
		panic(err)
	}

	// Resume: build the same model and optimiser, then fill them.
	params2, opt2 := build()
	c := Checkpoint{Params: params2, Optimizer: opt2}
	if err := LoadCheckpoint(path, &c); err != nil {
		panic(err)
	}
	fmt.Println(c.Step, opt2.Steps(), params2[0].Value[0] == params[0].Value[0], string(c.Trainer))
	// Output:
	// 1 1 true {"batch":1200,"epoch":3}
}
