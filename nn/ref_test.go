package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Forward values checked against direct, obviously-correct loops.

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > tol*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

func TestConv2DReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ B, C, H, W, O, KH, KW, SH, SW, PH, PW int }{
		{2, 3, 7, 9, 4, 3, 3, 2, 2, 1, 1},
		{1, 1, 8, 8, 2, 3, 5, 1, 2, 0, 2},
		{1, 2, 5, 11, 3, 1, 3, 3, 1, 2, 0},
		{2, 8, 60, 100, 2, 3, 3, 1, 1, 1, 1}, // several row blocks
		{1, 4, 61, 90, 3, 3, 3, 2, 2, 1, 1},
	} {
		x, w, b := randSlice(rng, c.B*c.C*c.H*c.W), randSlice(rng, c.O*c.C*c.KH*c.KW), randSlice(rng, c.O)
		tp := NewTape(1)
		y := tp.Conv2D(tp.Input([]int{c.B, c.C, c.H, c.W}, x), tp.Input([]int{c.O, c.C, c.KH, c.KW}, w), tp.Input([]int{c.O}, b), c.SH, c.SW, c.PH, c.PW)
		OH, OW := y.Shape[2], y.Shape[3]
		if OH != (c.H+2*c.PH-c.KH)/c.SH+1 || OW != (c.W+2*c.PW-c.KW)/c.SW+1 {
			t.Fatalf("output shape %v", y.Shape)
		}
		want := make([]float32, len(y.Data))
		for bi := 0; bi < c.B; bi++ {
			for o := 0; o < c.O; o++ {
				for oh := 0; oh < OH; oh++ {
					for ow := 0; ow < OW; ow++ {
						s := float64(b[o])
						for ci := 0; ci < c.C; ci++ {
							for kh := 0; kh < c.KH; kh++ {
								for kw := 0; kw < c.KW; kw++ {
									ih, iw := oh*c.SH-c.PH+kh, ow*c.SW-c.PW+kw
									if ih < 0 || ih >= c.H || iw < 0 || iw >= c.W {
										continue
									}
									s += float64(x[((bi*c.C+ci)*c.H+ih)*c.W+iw]) * float64(w[((o*c.C+ci)*c.KH+kh)*c.KW+kw])
								}
							}
						}
						want[((bi*c.O+o)*OH+oh)*OW+ow] = float32(s)
					}
				}
			}
		}
		assertClose(t, "conv2d", y.Data, want, 1e-5)
	}
}

// A causal depthwise convolution run chunk by chunk with cached context
// equals the whole-sequence one, and never looks ahead.
func TestDepthwiseStreamingEqualsFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const B, T, C, K = 2, 12, 3, 4
	x, w, b := randSlice(rng, B*T*C), randSlice(rng, C*K), randSlice(rng, C)
	tp := NewTape(1)
	wv, bv := tp.Input([]int{C, K}, w), tp.Input([]int{C}, b)
	full := tp.DepthwiseConv1D(tp.Input([]int{B, T, C}, x), wv, bv, true)
	xv := tp.Input([]int{B, T, C}, x)
	ctx := tp.Zeros(B, K-1, C)
	var got []*Var
	for start := 0; start < T; start += 5 {
		end := min(start+5, T)
		chunk := tp.Slice(xv, 1, start, end)
		got = append(got, tp.DepthwiseConv1DContext(chunk, ctx, wv, bv))
		joined := tp.Concat(1, ctx, chunk)
		ctx = tp.Slice(joined, 1, joined.Shape[1]-(K-1), joined.Shape[1])
	}
	assertClose(t, "streamed", tp.Concat(1, got...).Data, full.Data, 1e-6)

	// Changing frame 7 leaves outputs before 7 unchanged.
	x2 := append([]float32(nil), x...)
	for c := 0; c < C; c++ {
		x2[7*C+c] += 10
	}
	y2 := tp.DepthwiseConv1D(tp.Input([]int{B, T, C}, x2), wv, bv, true)
	assertClose(t, "causal prefix", y2.Data[:7*C], full.Data[:7*C], 0)
}

// naiveAttention is attention with an explicit per-element mask predicate.
func naiveAttention(q, k, v []float32, B, Tq, Tk, D, heads int, m AttnMask) []float32 {
	dh := D / heads
	out := make([]float32, B*Tq*D)
	allowed := func(b, i, j int) bool {
		if m.KeyLens != nil && j >= m.KeyLens[b] {
			return false
		}
		pos := i + m.QueryOffset
		if m.Causal && j > pos {
			return false
		}
		if m.ChunkSize > 0 {
			ci, cj := pos/m.ChunkSize, j/m.ChunkSize
			if cj > ci || (m.LeftChunks >= 0 && cj < ci-m.LeftChunks) {
				return false
			}
		}
		return true
	}
	for b := 0; b < B; b++ {
		for h := 0; h < heads; h++ {
			for i := 0; i < Tq; i++ {
				s := make([]float64, Tk)
				mx := math.Inf(-1)
				for j := 0; j < Tk; j++ {
					s[j] = math.Inf(-1)
					if !allowed(b, i, j) {
						continue
					}
					var d float64
					for e := 0; e < dh; e++ {
						d += float64(q[(b*Tq+i)*D+h*dh+e]) * float64(k[(b*Tk+j)*D+h*dh+e])
					}
					s[j] = d / math.Sqrt(float64(dh))
					mx = math.Max(mx, s[j])
				}
				var z float64
				for j := range s {
					if !math.IsInf(s[j], -1) {
						s[j] = math.Exp(s[j] - mx)
						z += s[j]
					} else {
						s[j] = 0
					}
				}
				for e := 0; e < dh; e++ {
					var o float64
					for j := range s {
						if z > 0 {
							o += s[j] / z * float64(v[(b*Tk+j)*D+h*dh+e])
						}
					}
					out[(b*Tq+i)*D+h*dh+e] = float32(o)
				}
			}
		}
	}
	return out
}

func TestAttentionReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		name                string
		B, Tq, Tk, D, heads int
		m                   AttnMask
	}{
		{"full", 2, 5, 5, 8, 2, AttnMask{}},
		{"keylens", 2, 6, 6, 8, 4, AttnMask{KeyLens: []int{6, 2}}},
		{"chunk", 1, 9, 9, 4, 1, AttnMask{ChunkSize: 3, LeftChunks: -1}},
		{"chunkLeft", 2, 9, 9, 4, 2, AttnMask{ChunkSize: 2, LeftChunks: 1, KeyLens: []int{9, 7}}},
		{"cached", 1, 3, 8, 6, 3, AttnMask{QueryOffset: 5, ChunkSize: 3, LeftChunks: -1}},
		{"causal", 2, 4, 4, 4, 2, AttnMask{Causal: true}},
		{"allMasked", 1, 2, 3, 4, 1, AttnMask{KeyLens: []int{0}}},
	} {
		q, k, v := randSlice(rng, c.B*c.Tq*c.D), randSlice(rng, c.B*c.Tk*c.D), randSlice(rng, c.B*c.Tk*c.D)
		tp := NewTape(1)
		y := tp.Attention(tp.Input([]int{c.B, c.Tq, c.D}, q), tp.Input([]int{c.B, c.Tk, c.D}, k), tp.Input([]int{c.B, c.Tk, c.D}, v), c.heads, c.m)
		assertClose(t, c.name, y.Data, naiveAttention(q, k, v, c.B, c.Tq, c.Tk, c.D, c.heads, c.m), 1e-5)
	}
}

// Rotated queries and keys have dot products that depend only on the
// distance between their positions.
func TestRoPERelative(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	q, k := randSlice(rng, 8), randSlice(rng, 8)
	dot := func(pq, pk int) float64 {
		tp := NewTape(1)
		rq := tp.RoPE(tp.Input([]int{1, 1, 8}, q), 2, pq)
		rk := tp.RoPE(tp.Input([]int{1, 1, 8}, k), 2, pk)
		var s float64
		for i := 0; i < 4; i++ { // head 0 only
			s += float64(rq.Data[i]) * float64(rk.Data[i])
		}
		return s
	}
	a, b := dot(3, 1), dot(103, 101)
	if math.Abs(a-b) > 1e-4 {
		t.Errorf("dot at distance 2: %g at positions 3,1 but %g at 103,101", a, b)
	}
	if math.Abs(dot(0, 0)-float64(q[0]*k[0]+q[1]*k[1]+q[2]*k[2]+q[3]*k[3])) > 1e-5 {
		t.Errorf("position 0 is not the identity")
	}
}

func TestDropoutDeterministicAndRate(t *testing.T) {
	x := make([]float32, 10000)
	for i := range x {
		x[i] = 1
	}
	run := func(seed uint64) []float32 {
		tp := NewTape(seed)
		return tp.Dropout(tp.Input([]int{len(x)}, x), 0.25).Data
	}
	a, b, c := run(1), run(1), run(2)
	assertClose(t, "same seed", a, b, 0)
	zeros, differ := 0, 0
	for i := range a {
		if a[i] == 0 {
			zeros++
		} else if math.Abs(float64(a[i])-1/0.75) > 1e-6 {
			t.Fatalf("kept value %g, want %g", a[i], 1/0.75)
		}
		if a[i] != c[i] {
			differ++
		}
	}
	if zeros < 2300 || zeros > 2700 {
		t.Errorf("dropped %d of 10000 at p=0.25", zeros)
	}
	if differ == 0 {
		t.Error("different seeds gave the same mask")
	}
	tp := NewTape(1)
	tp.SetTraining(false)
	in := tp.Input([]int{len(x)}, x)
	if tp.Dropout(in, 0.5) != in {
		t.Error("dropout is not the identity in inference")
	}
}

func TestConv1DReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct{ B, T, Cin, Cout, K, stride, pl, pr, dil, groups int }{
		{2, 9, 4, 6, 3, 1, 1, 1, 1, 1},
		{1, 11, 6, 4, 2, 2, 0, 3, 2, 2},
		{2, 8, 3, 3, 4, 3, 3, 0, 1, 3},
		// Kernel 3 takes im2colRow3 inside and the general loop at the edges.
		{1, 12, 5, 4, 3, 1, 2, 2, 2, 1},
		{2, 9, 4, 6, 3, 2, 1, 0, 1, 2},
		{1, 2, 3, 2, 3, 1, 1, 1, 1, 1},
	} {
		x := randSlice(rng, c.B*c.T*c.Cin)
		w := randSlice(rng, c.Cout*c.Cin/c.groups*c.K)
		b := randSlice(rng, c.Cout)
		tp := NewTape(1)
		y := tp.Conv1D(tp.Input([]int{c.B, c.T, c.Cin}, x), tp.Input([]int{c.Cout, c.Cin / c.groups, c.K}, w), tp.Input([]int{c.Cout}, b), c.stride, c.pl, c.pr, c.dil, c.groups)
		To := y.Shape[1]
		if To != (c.T+c.pl+c.pr-c.dil*(c.K-1)-1)/c.stride+1 {
			t.Fatalf("T' = %d", To)
		}
		cg, og := c.Cin/c.groups, c.Cout/c.groups
		want := make([]float32, len(y.Data))
		for bi := 0; bi < c.B; bi++ {
			for to := 0; to < To; to++ {
				for o := 0; o < c.Cout; o++ {
					g := o / og
					s := float64(b[o])
					for ch := 0; ch < cg; ch++ {
						for k := 0; k < c.K; k++ {
							ti := to*c.stride - c.pl + k*c.dil
							if ti < 0 || ti >= c.T {
								continue
							}
							s += float64(x[(bi*c.T+ti)*c.Cin+g*cg+ch]) * float64(w[(o*cg+ch)*c.K+k])
						}
					}
					want[(bi*To+to)*c.Cout+o] = float32(s)
				}
			}
		}
		assertClose(t, "conv1d", y.Data, want, 1e-5)
	}
}

func TestBatchNormStatsAndInference(t *testing.T) {
	x := []float32{1, 10, 3, 20, 5, 30, 7, 40} // [4 rows, 2 channels]
	st := NewBatchNormStats(2)
	st.Momentum = 1 // adopt the batch statistics outright
	tp := NewTape(1)
	y := tp.BatchNorm(tp.Input([]int{4, 2}, x), nil, nil, st, 0)
	assertClose(t, "mean", st.Mean, []float32{4, 25}, 1e-6)
	assertClose(t, "var", st.Var, []float32{20.0 / 3, 500.0 / 3}, 1e-5) // unbiased
	tp.SetTraining(false)
	z := tp.BatchNorm(tp.Input([]int{4, 2}, x), nil, nil, st, 0)
	// Inference divides by the unbiased σ, training by the biased one.
	ratio := float32(math.Sqrt(3.0 / 4))
	for i := range y.Data {
		if math.Abs(float64(z.Data[i]-y.Data[i]*ratio)) > 1e-5 {
			t.Fatalf("inference output %v, training %v", z.Data, y.Data)
		}
	}
}

func TestEmbeddingBadID(t *testing.T) {
	tp := NewTape(1)
	table := tp.Zeros(3, 2)
	if _, err := tp.Embedding(table, []int{0, 3}); !errors.Is(err, ErrBadIndex) {
		t.Errorf("id 3 of 3 rows: err %v, want ErrBadIndex", err)
	}
	if _, err := tp.Embedding(table, []int{-1}); !errors.Is(err, ErrBadIndex) {
		t.Errorf("id -1: err %v, want ErrBadIndex", err)
	}
}

// Inference records nothing and, once warm, allocates nothing.
func TestInferenceRecordsNothingAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	net := newToyNet(1)
	seqs := toyData(2, 1)
	T := len(seqs[0].feats) / toyDim
	tp := NewTape(1)
	tp.SetTraining(false)
	lens := []int{T}
	run := func() {
		tp.Reset()
		y := net.forward(tp, tp.Input([]int{1, T, toyDim}, seqs[0].feats), lens)
		if y.RequiresGrad() || len(tp.nodes) != 0 {
			t.Fatalf("inference recorded %d nodes", len(tp.nodes))
		}
	}
	run()
	if a := testing.AllocsPerRun(20, run); a != 0 {
		t.Errorf("%v allocations per warm inference pass", a)
	}
}

// Streaming attention: each chunk's queries against the keys cached so far
// (QueryOffset = chunk start), with RoPE offset by the chunk start, equals
// the whole sequence under the chunk mask.
func TestAttentionStreamingEqualsChunkMasked(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const B, T, D, heads, chunk = 1, 10, 8, 2, 3
	q, k, v := randSlice(rng, B*T*D), randSlice(rng, B*T*D), randSlice(rng, B*T*D)
	tp := NewTape(1)
	in := func(d []float32) *Var { return tp.Input([]int{B, T, D}, d) }
	full := tp.Attention(tp.RoPE(in(q), heads, 0), tp.RoPE(in(k), heads, 0), in(v), heads, AttnMask{ChunkSize: chunk, LeftChunks: -1})
	qv, kv, vv := in(q), in(k), in(v)
	var kCache, vCache *Var
	var outs []*Var
	for start := 0; start < T; start += chunk {
		end := min(start+chunk, T)
		qc := tp.RoPE(tp.Slice(qv, 1, start, end), heads, start)
		kc := tp.RoPE(tp.Slice(kv, 1, start, end), heads, start)
		vc := tp.Slice(vv, 1, start, end)
		if kCache == nil {
			kCache, vCache = kc, vc
		} else {
			kCache, vCache = tp.Concat(1, kCache, kc), tp.Concat(1, vCache, vc)
		}
		outs = append(outs, tp.Attention(qc, kCache, vCache, heads, AttnMask{QueryOffset: start, ChunkSize: chunk, LeftChunks: -1}))
	}
	assertClose(t, "streamed attention", tp.Concat(1, outs...).Data, full.Data, 1e-5)
}

func TestMaskedMeanAndMaskLengths(t *testing.T) {
	tp := NewTape(1)
	x := tp.Input([]int{2, 3, 2}, []float32{1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10})
	assertClose(t, "masked mean", tp.MaskedMean(x, []int{2, 3}).Data, []float32{2, 3, 7, 8}, 0)
	assertClose(t, "mask", tp.MaskLengths(x, []int{1, 3}).Data, []float32{1, 2, 0, 0, 0, 0, 5, 6, 7, 8, 9, 10}, 0)
}

func TestLinearActFusedMatchesUnfused(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	x, w, b := randSlice(rng, 5*7), randSlice(rng, 3*7), randSlice(rng, 3)
	for _, fused := range []bool{false, true} {
		tp := NewTape(1)
		tp.SetTraining(!fused) // inference takes the fused path
		xv, wv, bv := tp.Input([]int{5, 7}, x), tp.Input([]int{3, 7}, w), tp.Input([]int{3}, b)
		assertClose(t, "LinearSiLU", tp.LinearSiLU(xv, wv, bv).Data, tp.SiLU(tp.Linear(xv, wv, bv)).Data, 1e-6)
		assertClose(t, "LinearReLU", tp.LinearReLU(xv, wv, nil).Data, tp.ReLU(tp.Linear(xv, wv, nil)).Data, 1e-6)
	}
}
