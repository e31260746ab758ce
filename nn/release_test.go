package nn

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// releaseNet is a stack of pre-norm residual convolution blocks, the shape
// of the TTS acoustic model, run with or without Release after each
// activation's last reader.
type releaseNet struct {
	w1, b1, w2, b2, g, beta []*Param
}

func newReleaseNet(rng *rand.Rand, blocks, d int) *releaseNet {
	n := &releaseNet{}
	for range blocks {
		n.w1 = append(n.w1, randParam(rng, "w1", d, d, 3))
		n.b1 = append(n.b1, randParam(rng, "b1", d))
		n.w2 = append(n.w2, randParam(rng, "w2", d, d, 3))
		n.b2 = append(n.b2, randParam(rng, "b2", d))
		n.g = append(n.g, randParam(rng, "g", d))
		n.beta = append(n.beta, randParam(rng, "beta", d))
	}
	return n
}

func randParam(rng *rand.Rand, name string, shape ...int) *Param {
	p := NewParam(name, shape...)
	for i := range p.Value {
		p.Value[i] = float32(rng.NormFloat64()) * 0.2
	}
	return p
}

func (n *releaseNet) forward(t *Tape, x *Var, release bool) *Var {
	for i := range n.w1 {
		h := t.LayerNorm(x, t.Param(n.g[i]), t.Param(n.beta[i]), 1e-5)
		c := t.Conv1D(h, t.Param(n.w1[i]), t.Param(n.b1[i]), 1, 2, 2, 2, 1)
		r := t.ReLU(c)
		c2 := t.Conv1D(r, t.Param(n.w2[i]), t.Param(n.b2[i]), 1, 1, 1, 1, 1)
		y := t.Add(x, c2)
		if release {
			// x is released twice when the block's input was the pass's
			// input and also a Reshape of it is: both must be harmless.
			t.Release(h, c, r, c2, x, t.Reshape(x, -1))
		}
		x = y
	}
	return x
}

func TestReleaseKeepsValuesAndReusesMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const blocks, T, D = 4, 50, 16
	net := newReleaseNet(rng, blocks, D)
	x := make([]float32, T*D)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	run := func(training, release bool) ([]float32, int) {
		tp := NewTape(1)
		tp.SetTraining(training)
		y := net.forward(tp, tp.Input([]int{1, T, D}, x), release)
		return slices.Clone(y.Data), tp.arena.used
	}
	want, usedPlain := run(false, false)
	got, usedRelease := run(false, true)
	if !slices.Equal(got, want) {
		t.Fatal("Release changed the values of an inference pass")
	}
	train, usedTrain := run(true, true)
	if !slices.Equal(train, want) {
		t.Fatal("a training pass differs from inference")
	}
	if _, u := run(true, false); usedTrain != u {
		t.Errorf("Release while recording changed the arena's use: %d floats, want %d", usedTrain, u)
	}
	// Without Release every block keeps its five activations; with it, a
	// few live at once.
	if usedRelease*2 > usedPlain {
		t.Errorf("inference with Release used %d floats of arena, without %d: want under half", usedRelease, usedPlain)
	}
}

func TestReleaseIgnoresStorageItDoesNotOwn(t *testing.T) {
	tp := NewTape(1)
	tp.SetTraining(false)
	p := NewParam("w", 4)
	copy(p.Value, []float32{1, 2, 3, 4})
	pv := tp.Param(p)
	tp.Release(pv, tp.Reshape(pv, 2, 2), nil)
	// A released Param view would be handed out here and overwritten.
	z := tp.Zeros(4)
	tp.Add(tp.Input([]int{4}, []float32{5, 5, 5, 5}), z)
	if !slices.Equal(p.Value, []float32{1, 2, 3, 4}) {
		t.Fatalf("param overwritten: %v", p.Value)
	}
	if len(tp.spare) != 0 {
		t.Fatalf("spare list holds %d buffers", len(tp.spare))
	}
}

func TestReleaseIsNoOpAfterRecording(t *testing.T) {
	tp := NewTape(1)
	p := NewParam("w", 3)
	h := tp.Scale(tp.Param(p), 2) // recorded
	tp.SetGradEnabled(false)
	tp.Release(h)
	if h.Data == nil || len(tp.spare) != 0 {
		t.Fatal("Release took storage a recorded op keeps for Backward")
	}
}

func TestArenaResetKeepsLargestChunk(t *testing.T) {
	var a arena
	a.allocRaw(arenaMinChunk)
	a.allocRaw(3 * arenaMinChunk) // a second chunk, larger than the pass so far
	last := a.chunks[1]
	a.reset()
	if len(a.chunks) != 1 || &a.chunks[0][0] != &last[0] {
		t.Fatalf("reset did not keep the last chunk, which holds the pass")
	}
	a.allocRaw(len(last) + 1)
	a.reset()
	if len(a.chunks) != 1 || len(a.chunks[0]) < len(last)+1 {
		t.Fatalf("reset kept %d chunks, first of %d floats", len(a.chunks), len(a.chunks[0]))
	}
}
