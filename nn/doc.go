// Package nn is mynah's neural-network engine: tensors, reverse-mode
// automatic differentiation on a tape, the layers every mynah model is
// built from, CTC, optimisers, checkpoints and safetensors model files.
// It is pure Go plus the generated kernels of internal/vec, with no cgo.
//
// # Tapes and Vars
//
// A model's weights are Params: plain slices that outlive any one pass.
// A forward pass is recorded on a Tape: leaves come from Tape.Input
// (data, no gradient) and Tape.Param (weights), and every op (Linear,
// Conv2D, Attention, ...) is a Tape method returning a new Var. Backward
// walks the recorded ops in reverse and fills Var.Grad; AddParamGradsTo
// adds the weights' gradients into Param.Grad, where an optimiser (AdamW)
// reads them.
//
//	t := nn.NewTape(seed)
//	for step := range steps {
//		t.Reset()                                 // recycle last step's buffers
//		x := t.Input([]int{B, T, D}, features)
//		h := t.SiLU(t.Linear(x, t.Param(w1), t.Param(b1)))
//		loss, err := t.CTCLoss(t.Linear(h, t.Param(w2), t.Param(b2)), lens, labels, nn.CTCOptions{})
//		...
//		nn.ZeroGrads(params)
//		t.Backward(loss)
//		t.AddParamGradsTo()
//		opt.Step(schedule.LR(int64(step)))
//	}
//
// # Memory
//
// A Tape owns all storage of its Vars (one arena that settles on a single
// block sized to the largest pass) and recycles it on Reset, so a training
// or inference loop allocates nothing once warm. Vars are valid only until
// the next Reset. Backward reuses each intermediate gradient buffer as soon
// as the op that produced the Var has consumed it, so after Backward only
// Params and the loss keep a Grad (SetKeepGrads keeps them all). Ops record
// nothing in inference mode (SetTraining(false)), Dropout becomes the
// identity, and LinearSiLU/LinearReLU fuse their activation into the GEMM.
//
// # Speed
//
// Matrix products, exponentials and the vector arithmetic of the hot ops
// run in internal/vec's AVX2 kernels; the first gradient written into a
// buffer overwrites it rather than adding to zeros; Conv2D lowers columns a
// cache-sized block at a time; Dropout regenerates its mask in backward
// from a seed instead of storing it. BenchmarkTrainStep trains a 3.1 M
// parameter Conformer-like model on 8 × 10 s and reports audio seconds per
// wall second and per CPU second (the latter is what to read on a shared
// machine).
//
// # Conventions
//
// Shapes are row-major with the batch first: sequences are [B,T,C],
// images [B,C,H,W]. Linear weights are [out,in] and convolution kernels
// [out,in,kh,kw], as in PyTorch, so weights convert without transposes.
// Every matrix product runs in vec.Sgemm. Ops panic on shape mismatches,
// which are programming errors; ops fed by data (CTCLoss) return errors.
//
// # Data parallelism and determinism
//
// Workers runs one Tape per goroutine, each on a shard of the batch, and
// sums the shards' gradients into the shared Params in a fixed order.
// Randomness (dropout) comes from each tape's PCG stream, reseeded every
// step from (seed, step, worker), so training is bit-identical for the
// same seed, worker count and CPU path, and a resumed run repeats the
// masks of an uninterrupted one (Workers.SetStepCount).
//
// # Streaming
//
// The same weights serve chunked inference: DepthwiseConv1DContext takes
// the cached left frames of a causal convolution, and Attention's AttnMask
// has a QueryOffset for keys cached from earlier chunks; RoPE's position
// offset keeps rotary embeddings consistent across chunks. Training with
// AttnMask.ChunkSize (dynamic chunks) prepares a model for it.
package nn
