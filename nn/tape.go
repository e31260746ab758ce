package nn

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"unsafe"
)

// maxRank is the largest number of dimensions a Var may have. Shapes live
// inside the Var so that recording an op allocates nothing once warm.
const maxRank = 6

// Var is one node of a Tape: a tensor value (row-major Shape and Data)
// and, after Backward, the gradient of the loss with respect to it.
//
// A Var belongs to its Tape and is valid until the Tape's next Reset, which
// recycles its storage. Data of a Param leaf is the Param's own Value.
type Var struct {
	// Shape is row-major; do not modify it.
	Shape []int
	// Data holds the value. Ops read it; only leaves may be edited by
	// callers, and only before ops that read them are recorded.
	Data []float32
	// Grad is d(loss)/d(Data) after Backward, for Param leaves and the
	// loss; an intermediate Var's buffer is recycled during Backward unless
	// the tape keeps gradients (SetKeepGrads). Nil for Vars that need none.
	Grad []float32

	param    *Param
	needGrad bool
	shape    [maxRank]int
}

// Tensor is another name for Var, for readers who think in tensors.
type Tensor = Var

// Size returns the number of elements.
func (v *Var) Size() int { return len(v.Data) }

// Dim returns the size of dimension i; negative i counts from the end.
func (v *Var) Dim(i int) int {
	if i < 0 {
		i += len(v.Shape)
	}
	return v.Shape[i]
}

// RequiresGrad reports whether Backward computes a gradient for v.
func (v *Var) RequiresGrad() bool { return v.needGrad }

// Item returns the single value of a one-element Var.
func (v *Var) Item() float32 {
	if len(v.Data) != 1 {
		panic(fmt.Sprintf("nn: Item of a Var of shape %v", v.Shape))
	}
	return v.Data[0]
}

// node is one recorded op: its output, inputs, saved state and the plain
// (non-closure) function that propagates out.Grad to the inputs. Plain
// functions and value-typed nodes keep recording allocation-free.
type node struct {
	back       func(t *Tape, n *node)
	out        *Var
	a, b, c, d *Var
	i          [8]int
	f          [2]float32
	buf, buf2  []float32
	ints       []int
	vs         []*Var // inputs beyond a–d (Concat)
}

// Tape records the ops of one forward pass so that Backward can run them
// in reverse (reverse-mode automatic differentiation, as in Griewank &
// Walther, "Evaluating Derivatives", ch. 3).
//
// A Tape owns every buffer its Vars use and recycles them on Reset, so a
// training loop that runs the same shapes step after step allocates nothing
// once warm. A Tape is not safe for concurrent use; data parallelism uses
// one Tape per goroutine (see Workers).
type Tape struct {
	nodes     []node
	vars      []*Var
	nvars     int
	arena     arena
	ints      intArena
	varBuf    []*Var // backing store for node.vs
	varOff    int
	params    map[*Param]*Var
	order     []*Var // param leaves in first-use order
	training  bool
	record    bool
	rng       *rand.Rand
	pcg       *rand.PCG
	ctc       CTCScratch
	flops     int64
	free      [][]float32 // gradient buffers released during Backward
	spare     [][]float32 // inference: storage handed back by Release and by ops' scratch
	keepGrads bool
	rope      struct {
		key      [3]int
		cos, sin []float32
	}
}

// NewTape returns an empty tape in training mode. seed drives dropout and
// every other random choice made while recording, so two tapes with the
// same seed fed the same ops produce bit-identical results.
func NewTape(seed uint64) *Tape {
	pcg := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	return &Tape{
		params:   make(map[*Param]*Var),
		training: true,
		record:   true,
		pcg:      pcg,
		rng:      rand.New(pcg),
	}
}

// Reseed restarts the tape's random stream from seed, as NewTape(seed)
// would. Reseeding every step from (run seed, step number) makes a resumed
// run draw the same dropout masks as an uninterrupted one.
func (t *Tape) Reseed(seed uint64) { t.pcg.Seed(seed, seed^0x9e3779b97f4a7c15) }

// Rand returns the tape's seeded generator, for ops a caller writes
// (SpecAugment masks, sampling) that must follow the tape's determinism.
func (t *Tape) Rand() *rand.Rand { return t.rng }

// SetTraining switches between training (dropout active, ops recorded for
// Backward) and inference (dropout is the identity and nothing is
// recorded: no nodes, no gradient buffers).
func (t *Tape) SetTraining(on bool) {
	t.training = on
	t.record = on
}

// SetGradEnabled turns recording on or off without touching dropout, for
// gradients in evaluation mode or a no-grad training-mode forward pass.
func (t *Tape) SetGradEnabled(on bool) { t.record = on }

// MemoryBytes returns the bytes of activation, gradient and scratch
// storage the tape holds for reuse.
func (t *Tape) MemoryBytes() int { return t.arena.bytes() + 8*len(t.ints.buf) }

// Training reports whether dropout is active.
func (t *Tape) Training() bool { return t.training }

// Reset forgets every recorded op and Var and keeps their storage for the
// next pass. Vars obtained before Reset must not be used after it.
func (t *Tape) Reset() {
	clear(t.nodes) // drop references so the GC may free what callers dropped
	t.nodes = t.nodes[:0]
	for _, v := range t.vars[:t.nvars] {
		v.Data, v.Grad, v.param, v.Shape = nil, nil, nil, nil
	}
	t.nvars = 0
	clear(t.params)
	clear(t.order)
	t.order = t.order[:0]
	clear(t.spare)
	t.spare = t.spare[:0]
	t.arena.reset()
	t.ints.reset()
	clear(t.varBuf)
	t.varOff = 0
	t.rope.cos, t.rope.sin = nil, nil
}

// varList copies vs into tape-owned storage that lives until Reset.
func (t *Tape) varList(vs []*Var) []*Var {
	if t.varOff+len(vs) > len(t.varBuf) {
		t.varBuf = make([]*Var, max(2*len(t.varBuf), t.varOff+len(vs), 64))
		t.varOff = 0
	}
	s := t.varBuf[t.varOff : t.varOff+len(vs) : t.varOff+len(vs)]
	t.varOff += len(vs)
	copy(s, vs)
	return s
}

// newVar returns a recycled Var of the given shape with zeroed Data from
// the arena.
func (t *Tape) newVar(shape []int) *Var {
	v := t.emptyVar(shape)
	v.Data = t.allocRaw(numElems(shape))
	clear(v.Data)
	return v
}

// newVarRaw is newVar without zeroing Data, for ops that overwrite all of it.
func (t *Tape) newVarRaw(shape []int) *Var {
	v := t.emptyVar(shape)
	v.Data = t.allocRaw(numElems(shape))
	return v
}

// allocRaw returns n uninitialised floats that live until Reset: released
// storage when some fits (inference only; see Release), else the arena's.
func (t *Tape) allocRaw(n int) []float32 {
	if len(t.spare) > 0 && n > 0 {
		if b := t.takeSpare(n); b != nil {
			return b
		}
	}
	return t.arena.allocRaw(n)
}

// maxSpareScan bounds the search of the spare list; a forward pass
// releases and reuses a few shapes over and over, so recent entries fit.
const maxSpareScan = 32

// takeSpare removes from the spare list the smallest buffer of at least n
// floats, and of at most 2n so that a small request does not pin a large
// buffer, and returns its first n floats (its capacity keeps the rest for
// when it is released again). It returns nil when none fits.
func (t *Tape) takeSpare(n int) []float32 {
	best := -1
	for i := len(t.spare) - 1; i >= max(0, len(t.spare)-maxSpareScan); i-- {
		if l := len(t.spare[i]); l >= n && l <= 2*n && (best < 0 || l < len(t.spare[best])) {
			best = i
			if l == n {
				break
			}
		}
	}
	if best < 0 {
		return nil
	}
	b := t.spare[best]
	last := len(t.spare) - 1
	t.spare[best] = t.spare[last]
	t.spare[last] = nil
	t.spare = t.spare[:last]
	return b[:n]
}

// Release hands the storage of vs back to the tape, for reuse by the ops
// recorded after it in the same pass. It does something only in a pass
// that records nothing (inference: SetTraining(false), or
// SetGradEnabled(false) from the pass's start), where no op keeps its
// inputs for Backward: a forward pass that releases each activation after
// its last reader then needs a few activations' worth of memory instead of
// all of them, so it touches less fresh memory and stays in cache. While
// recording it is a no-op, and training is unchanged.
//
// A released Var's Data becomes nil; neither it nor any Var sharing its
// storage (a Reshape of it, Dropout's identity in inference) may be read
// afterwards. Storage the tape does not own (a Param's values, a Reshape
// of one) is never taken, and releasing the same storage twice is
// harmless. The values of every op are the same with or without Release.
func (t *Tape) Release(vs ...*Var) {
	if t.record || len(t.nodes) > 0 {
		return
	}
	for _, v := range vs {
		if v == nil || v.param != nil || cap(v.Data) == 0 {
			continue
		}
		b := v.Data[:cap(v.Data)]
		if !t.arena.owns(b) || t.overlapsSpare(b) {
			continue
		}
		t.spare = append(t.spare, b)
		v.Data = nil
	}
}

// releaseScratch returns an op's scratch buffer to the spare list when the
// op recorded no node that keeps it (see Release).
func (t *Tape) releaseScratch(b []float32, recorded *node) {
	if recorded != nil || t.record || len(t.nodes) > 0 || cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	if t.arena.owns(b) && !t.overlapsSpare(b) {
		t.spare = append(t.spare, b)
	}
}

// overlapsSpare reports whether b shares memory with a buffer already on
// the spare list (a second release of the same storage).
func (t *Tape) overlapsSpare(b []float32) bool {
	lo, hi := span(b)
	for _, s := range t.spare {
		if slo, shi := span(s); lo < shi && slo < hi {
			return true
		}
	}
	return false
}

// span returns the address range [lo, hi) of b's elements.
func span(b []float32) (lo, hi uintptr) {
	lo = uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return lo, lo + 4*uintptr(len(b))
}

func (t *Tape) emptyVar(shape []int) *Var {
	if len(shape) > maxRank {
		panic(fmt.Sprintf("nn: rank %d exceeds %d", len(shape), maxRank))
	}
	if t.nvars == len(t.vars) {
		t.vars = append(t.vars, new(Var))
	}
	v := t.vars[t.nvars]
	t.nvars++
	n := copy(v.shape[:], shape)
	v.Shape = v.shape[:n]
	v.needGrad = false
	return v
}

func numElems(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			// Clone, so that shape does not escape on the happy path.
			panic(fmt.Sprintf("nn: negative dimension in shape %v", slices.Clone(shape)))
		}
		n *= d
	}
	return n
}

// Input returns a leaf that needs no gradient, holding a copy of data
// (nil data gives zeros). len(data) must match shape.
func (t *Tape) Input(shape []int, data []float32) *Var {
	v := t.newVarRaw(shape)
	if data == nil {
		clear(v.Data)
	} else {
		if len(data) != len(v.Data) {
			panic(fmt.Sprintf("nn: Input of shape %v given %d values", slices.Clone(shape), len(data)))
		}
		copy(v.Data, data)
	}
	return v
}

// Zeros returns a zero-filled leaf of the given shape that needs no
// gradient; its Data may be filled in by the caller before use.
func (t *Tape) Zeros(shape ...int) *Var { return t.newVar(shape) }

// Param returns the leaf for p. Its Data is p.Value (read, never written);
// its gradient accumulates in a buffer owned by this Tape, which
// AddParamGradsTo adds into p.Grad. Calling Param twice with the same p in
// one pass returns the same Var, so shared weights sum their gradients.
func (t *Tape) Param(p *Param) *Var {
	if v, ok := t.params[p]; ok {
		return v
	}
	if len(p.Value) != numElems(p.Shape) {
		panic(fmt.Sprintf("nn: param %s has %d values for shape %v", p.Name, len(p.Value), p.Shape))
	}
	v := t.emptyVar(p.Shape)
	v.Data = p.Value
	v.param = p
	v.needGrad = t.record
	t.params[p] = v
	t.order = append(t.order, v)
	return v
}

// AddParamGradsTo adds the gradients this tape computed for its Param
// leaves into each Param's Grad, in first-use order.
func (t *Tape) AddParamGradsTo() {
	for _, v := range t.order {
		if v.Grad == nil {
			continue
		}
		g := v.param.Grad
		for i, x := range v.Grad {
			g[i] += x
		}
	}
}

// ParamGrad returns this tape's gradient buffer for p after Backward, or
// nil when p was not used or received no gradient.
func (t *Tape) ParamGrad(p *Param) []float32 {
	if v, ok := t.params[p]; ok {
		return v.Grad
	}
	return nil
}

// rec appends a node for out when any input needs a gradient, and
// marks out accordingly. It returns nil when nothing was recorded.
func (t *Tape) rec(back func(*Tape, *node), out *Var, ins ...*Var) *node {
	if !t.record {
		return nil
	}
	need := false
	for _, in := range ins {
		if in != nil && in.needGrad {
			need = true
			break
		}
	}
	if !need {
		return nil
	}
	out.needGrad = true
	t.nodes = append(t.nodes, node{back: back, out: out})
	n := &t.nodes[len(t.nodes)-1]
	switch len(ins) {
	case 4:
		n.d = ins[3]
		fallthrough
	case 3:
		n.c = ins[2]
		fallthrough
	case 2:
		n.b = ins[1]
		fallthrough
	case 1:
		n.a = ins[0]
	}
	return n
}

// grad returns v's gradient buffer, allocating it zeroed on first use, or
// nil when v needs no gradient.
func (t *Tape) grad(v *Var) []float32 {
	if v == nil || !v.needGrad {
		return nil
	}
	if v.Grad == nil {
		v.Grad = t.gradBuf(len(v.Data))
		clear(v.Grad)
	}
	return v.Grad
}

// gradBuf returns an uninitialised buffer of n floats, preferably one a
// finished backward step released: it is still hot in cache, and reusing
// it keeps the tape's footprint near that of the forward pass.
func (t *Tape) gradBuf(n int) []float32 {
	// Search the most recent releases first; shapes repeat block by block.
	for i := len(t.free) - 1; i >= max(0, len(t.free)-32); i-- {
		if b := t.free[i]; len(b) == n {
			last := len(t.free) - 1
			t.free[i] = t.free[last]
			t.free[last] = nil
			t.free = t.free[:last]
			return b
		}
	}
	return t.arena.allocRaw(n)
}

// gradOut is grad for an op's first chance to write: when v has no
// gradient buffer yet it returns an uninitialised one and fresh = true,
// and the op must then overwrite every element instead of adding. This
// skips both the zeroing and the read of zeros for most buffers. Ops whose
// inputs may alias each other must take care that the fresh write comes
// first.
func (t *Tape) gradOut(v *Var) (g []float32, fresh bool) {
	if v == nil || !v.needGrad {
		return nil, false
	}
	if v.Grad == nil {
		v.Grad = t.gradBuf(len(v.Data))
		return v.Grad, true
	}
	return v.Grad, false
}

// betaFor is the Sgemm beta that writes (fresh) or accumulates.
func betaFor(fresh bool) float32 {
	if fresh {
		return 0
	}
	return 1
}

// scratch returns a buffer of n zeroed floats that lives until Reset.
func (t *Tape) scratch(n int) []float32 {
	s := t.allocRaw(n)
	clear(s)
	return s
}

// scratchRaw is scratch without zeroing.
func (t *Tape) scratchRaw(n int) []float32 { return t.allocRaw(n) }

// Backward computes d(loss)/d(v) for every recorded Var v that needs it,
// seeding d(loss)/d(loss) = 1. loss must have exactly one element. Call it
// once per pass; a second call would add the gradients again.
func (t *Tape) Backward(loss *Var) {
	if len(loss.Data) != 1 {
		panic(fmt.Sprintf("nn: Backward of a non-scalar of shape %v", loss.Shape))
	}
	if !loss.needGrad {
		return
	}
	t.grad(loss)[0] += 1
	for i := len(t.nodes) - 1; i >= 0; i-- {
		n := &t.nodes[i]
		if n.out.Grad == nil {
			continue // no gradient reached this op
		}
		n.back(t, n)
		if !t.keepGrads && n.out != loss {
			// Every consumer of n.out ran before n: its gradient is dead.
			t.free = append(t.free, n.out.Grad)
			n.out.Grad = nil
		}
	}
	t.free = t.free[:0]
}

// SetKeepGrads keeps the gradients of intermediate Vars after Backward
// (for inspection and tests). By default Backward recycles each one as
// soon as the op that produced the Var has used it, and only leaves
// (Params) and the loss keep their Grad.
func (t *Tape) SetKeepGrads(on bool) { t.keepGrads = on }

// arena hands out float32 slices from large chunks. After a pass that
// needed more than one chunk, reset merges them into one, so a steady
// training loop settles on a single allocation.
type arena struct {
	chunks [][]float32
	cur    int // index of the chunk being filled
	off    int // fill level of chunks[cur]
	used   int // total floats handed out since reset (for merging)
	peak   int // largest used seen at a reset
}

const arenaMinChunk = 1 << 16

func (a *arena) allocRaw(n int) []float32 {
	a.used += n
	for a.cur < len(a.chunks) {
		c := a.chunks[a.cur]
		if a.off+n <= len(c) {
			s := c[a.off : a.off+n : a.off+n]
			a.off += n
			return s
		}
		a.cur++
		a.off = 0
	}
	// Grow geometrically: the next chunk is as large as everything so far.
	size := max(n, arenaMinChunk, a.used)
	a.chunks = append(a.chunks, make([]float32, size))
	a.cur = len(a.chunks) - 1
	a.off = n
	return a.chunks[a.cur][:n:n]
}

func (a *arena) reset() {
	a.peak = max(a.peak, a.used)
	if len(a.chunks) > 1 {
		// Keep one chunk that holds the largest pass seen. Chunks grow
		// geometrically, so the last one often does: keeping it spares a
		// new allocation, whose fresh pages cost a fault each on first
		// touch. Otherwise replace them all by one chunk with 1/16 slack
		// for passes that vary a little (batch lengths).
		last := a.chunks[len(a.chunks)-1]
		if len(last) < a.peak {
			last = make([]float32, a.peak+a.peak/16)
		}
		clear(a.chunks)
		a.chunks = append(a.chunks[:0], last)
	}
	a.cur, a.off, a.used = 0, 0, 0
}

// owns reports whether b lies inside one of the arena's chunks.
func (a *arena) owns(b []float32) bool {
	lo, hi := span(b)
	for _, c := range a.chunks {
		if clo, chi := span(c); lo >= clo && hi <= chi {
			return true
		}
	}
	return false
}

// bytes returns the memory the arena holds.
func (a *arena) bytes() int {
	n := 0
	for _, c := range a.chunks {
		n += 4 * len(c)
	}
	return n
}

// intArena is arena for ints (saved lengths, indices).
type intArena struct {
	buf []int
	off int
}

func (a *intArena) alloc(n int) []int {
	if a.off+n > len(a.buf) {
		// Earlier slices keep pointing into the old buffer, which stays
		// alive while they do.
		a.buf = make([]int, max(2*len(a.buf), a.off+n, 1024))
		a.off = 0
	}
	s := a.buf[a.off : a.off+n : a.off+n]
	a.off += n
	clear(s)
	return s
}

func (a *intArena) reset() { a.off = 0 }
