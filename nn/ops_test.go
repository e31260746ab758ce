package nn

func init() {
	moreGradCases = append(moreGradCases,
		gradCase{name: "Conv2D", shapes: [][]int{{2, 2, 5, 6}, {3, 2, 3, 3}, {3}}, build: func(t *Tape, in []*Var) *Var { return t.Conv2D(in[0], in[1], in[2], 1, 1, 1, 1) }},
		gradCase{name: "Conv2DStride", shapes: [][]int{{2, 2, 7, 8}, {3, 2, 3, 3}, {3}}, build: func(t *Tape, in []*Var) *Var { return t.Conv2D(in[0], in[1], in[2], 2, 2, 1, 1) }},
		gradCase{name: "Conv2DRowBlocks", shapes: [][]int{{1, 8, 40, 60}, {2, 8, 3, 3}, {2}}, build: func(t *Tape, in []*Var) *Var { return t.Conv2D(in[0], in[1], in[2], 1, 1, 1, 1) }},
		gradCase{name: "Conv2DStrideAsym", shapes: [][]int{{1, 1, 9, 7}, {2, 1, 3, 2}}, build: func(t *Tape, in []*Var) *Var { return t.Conv2D(in[0], in[1], nil, 2, 3, 0, 2) }},
		gradCase{name: "DepthwiseCausal", shapes: [][]int{{2, 6, 3}, {3, 4}, {3}}, build: func(t *Tape, in []*Var) *Var { return t.DepthwiseConv1D(in[0], in[1], in[2], true) }},
		gradCase{name: "DepthwiseSymmetric", shapes: [][]int{{2, 6, 3}, {3, 5}, {3}}, build: func(t *Tape, in []*Var) *Var { return t.DepthwiseConv1D(in[0], in[1], in[2], false) }},
		gradCase{name: "DepthwiseDilated", shapes: [][]int{{1, 9, 2}, {2, 3}}, build: func(t *Tape, in []*Var) *Var { return t.DepthwiseConv1DPad(in[0], in[1], nil, 2, 1, 2) }},
		gradCase{name: "DepthwiseContext", shapes: [][]int{{2, 4, 3}, {2, 2, 3}, {3, 3}, {3}}, build: func(t *Tape, in []*Var) *Var { return t.DepthwiseConv1DContext(in[0], in[1], in[2], in[3]) }},
		gradCase{name: "LayerNorm", shapes: [][]int{{2, 3, 5}, {5}, {5}}, build: func(t *Tape, in []*Var) *Var { return t.LayerNorm(in[0], in[1], in[2], 1e-5) }},
		gradCase{name: "LayerNormPlain", shapes: [][]int{{4, 6}}, build: func(t *Tape, in []*Var) *Var { return t.LayerNorm(in[0], nil, nil, 1e-5) }},
		gradCase{name: "Softmax", shapes: [][]int{{3, 5}}, build: func(t *Tape, in []*Var) *Var { return t.Softmax(in[0]) }},
		gradCase{name: "LogSoftmax", shapes: [][]int{{3, 5}}, build: func(t *Tape, in []*Var) *Var { return t.LogSoftmax(in[0]) }},
		gradCase{name: "Reshape", shapes: [][]int{{2, 6}}, build: func(t *Tape, in []*Var) *Var { return t.Tanh(t.Reshape(in[0], 3, -1)) }},
		gradCase{name: "Permute", shapes: [][]int{{2, 3, 4, 5}}, build: func(t *Tape, in []*Var) *Var { return t.Permute(in[0], 2, 0, 3, 1) }},
		gradCase{name: "Transpose", shapes: [][]int{{3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.Transpose(in[0], 0, 1) }},
		gradCase{name: "Concat", shapes: [][]int{{2, 3, 4}, {2, 1, 4}, {2, 2, 4}}, build: func(t *Tape, in []*Var) *Var { return t.Concat(1, in[0], in[1], in[2]) }},
		gradCase{name: "ConcatLast", shapes: [][]int{{2, 3}, {2, 2}}, build: func(t *Tape, in []*Var) *Var { return t.Concat(-1, in[0], in[1]) }},
		gradCase{name: "Slice", shapes: [][]int{{2, 5, 3}}, build: func(t *Tape, in []*Var) *Var { return t.Slice(in[0], 1, 1, 4) }},
	)
}

func init() {
	attn := func(heads int, m AttnMask) func(t *Tape, in []*Var) *Var {
		return func(t *Tape, in []*Var) *Var { return t.Attention(in[0], in[1], in[2], heads, m) }
	}
	qkv := func(b, tq, tk, d int) [][]int { return [][]int{{b, tq, d}, {b, tk, d}, {b, tk, d}} }
	moreGradCases = append(moreGradCases,
		gradCase{name: "Attention", shapes: qkv(2, 4, 4, 6), build: attn(2, AttnMask{})},
		gradCase{name: "AttentionKeyLens", shapes: qkv(2, 5, 5, 4), build: attn(2, AttnMask{KeyLens: []int{5, 3}})},
		gradCase{name: "AttentionChunk", shapes: qkv(2, 7, 7, 4), build: attn(1, AttnMask{ChunkSize: 2, LeftChunks: 1, KeyLens: []int{7, 6}})},
		gradCase{name: "AttentionCachedCausal", shapes: qkv(1, 3, 6, 6), build: attn(3, AttnMask{QueryOffset: 3, Causal: true})},
		gradCase{name: "RoPE", shapes: [][]int{{2, 5, 8}}, build: func(t *Tape, in []*Var) *Var { return t.RoPE(in[0], 2, 3) }},
		gradCase{name: "Dropout", shapes: [][]int{{4, 8}}, build: func(t *Tape, in []*Var) *Var { return t.Dropout(in[0], 0.3) }},
	)
}

// Inputs used twice: the first backward write to a gradient buffer
// overwrites it, later ones add, in any order.
func init() {
	moreGradCases = append(moreGradCases,
		gradCase{name: "SelfAttention", shapes: [][]int{{2, 4, 6}}, build: func(t *Tape, in []*Var) *Var { return t.Attention(in[0], in[0], in[0], 2, AttnMask{}) }},
		gradCase{name: "SharedQK", shapes: [][]int{{1, 4, 4}, {1, 4, 4}}, build: func(t *Tape, in []*Var) *Var { return t.Attention(in[0], in[0], in[1], 2, AttnMask{Causal: true}) }},
		gradCase{name: "AddSelf", shapes: [][]int{{3, 2}}, build: func(t *Tape, in []*Var) *Var { return t.AddScaled(in[0], in[0], 2) }},
		gradCase{name: "MulSelf", shapes: [][]int{{3, 2}}, build: func(t *Tape, in []*Var) *Var { return t.Mul(in[0], in[0]) }},
		gradCase{name: "SharedWeight", shapes: [][]int{{2, 3}, {3, 3}}, build: func(t *Tape, in []*Var) *Var {
			return t.Linear(t.SiLU(t.Linear(in[0], in[1], nil)), in[1], nil)
		}},
		gradCase{name: "ResidualChain", shapes: [][]int{{2, 4}, {4}, {4}}, build: func(t *Tape, in []*Var) *Var {
			h := t.LayerNorm(in[0], in[1], in[2], 1e-5)
			h = t.Add(in[0], t.Dropout(t.ReLU(h), 0.2))
			return t.Add(h, t.Reshape(t.GLU(t.Concat(-1, h, h)), 2, 4))
		}},
	)
}

func init() {
	emb := func(t *Tape, in []*Var) *Var {
		y, err := t.Embedding(in[0], []int{2, 0, 2, 3, 1, 2}, 2, 3)
		if err != nil {
			panic(err)
		}
		return y
	}
	moreGradCases = append(moreGradCases,
		gradCase{name: "Embedding", shapes: [][]int{{4, 3}}, build: emb},
		gradCase{name: "GroupNorm", shapes: [][]int{{2, 4, 5}, {4}, {4}}, build: func(t *Tape, in []*Var) *Var { return t.GroupNorm(in[0], 2, in[1], in[2], 1e-5) }},
		gradCase{name: "InstanceNorm", shapes: [][]int{{2, 3, 4}}, build: func(t *Tape, in []*Var) *Var { return t.GroupNorm(in[0], 3, nil, nil, 1e-5) }},
		gradCase{name: "BatchNorm", shapes: [][]int{{3, 4, 5}, {5}, {5}}, build: func(t *Tape, in []*Var) *Var { return t.BatchNorm(in[0], in[1], in[2], nil, 1e-5) }},
		gradCase{name: "MaxAxis", shapes: [][]int{{2, 5, 3}}, build: func(t *Tape, in []*Var) *Var { return t.MaxAxis(in[0], 1, false) }},
		gradCase{name: "AttentionPool", shapes: [][]int{{2, 4, 3}, {2, 4}}, build: func(t *Tape, in []*Var) *Var { return t.AttentionPool(in[0], in[1], []int{4, 2}) }},
		gradCase{name: "Conv1D", shapes: [][]int{{2, 7, 4}, {6, 4, 3}, {6}}, build: func(t *Tape, in []*Var) *Var { return t.Conv1D(in[0], in[1], in[2], 1, 1, 1, 1, 1) }},
		gradCase{name: "Conv1DGroupedStrided", shapes: [][]int{{2, 9, 4}, {6, 2, 3}, {6}}, build: func(t *Tape, in []*Var) *Var { return t.Conv1D(in[0], in[1], in[2], 2, 2, 1, 2, 2) }},
	)
}

func init() {
	moreGradCases = append(moreGradCases,
		gradCase{name: "MaskLengths", shapes: [][]int{{2, 4, 3}}, build: func(t *Tape, in []*Var) *Var { return t.MaskLengths(in[0], []int{3, 0}) }},
		gradCase{name: "MaskedMean", shapes: [][]int{{3, 4, 2}}, build: func(t *Tape, in []*Var) *Var { return t.MaskedMean(in[0], []int{4, 1, 0}) }},
	)
}

func init() {
	moreGradCases = append(moreGradCases,
		gradCase{name: "LinearSiLU", shapes: [][]int{{3, 4}, {2, 4}, {2}}, build: func(t *Tape, in []*Var) *Var { return t.LinearSiLU(in[0], in[1], in[2]) }},
	)
}

func init() {
	st := NewBatchNormStats(3)
	copy(st.Mean, []float32{0.5, -1, 2})
	copy(st.Var, []float32{1.5, 0.25, 4})
	moreGradCases = append(moreGradCases,
		gradCase{name: "BatchNormInference", shapes: [][]int{{4, 3}, {3}, {3}}, build: func(t *Tape, in []*Var) *Var {
			t.SetTraining(false)
			t.SetGradEnabled(true)
			return t.BatchNorm(in[0], in[1], in[2], st, 1e-5)
		}},
	)
}
