package nn

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/internal/vec"
)

var amVerbose = flag.Bool("am", false, "run the acoustic-model development tests")

// amModel is an acoustic-model-like network for BenchmarkTrainStep, the
// shape issue 5 names: a 2-D convolutional front that subsamples 10 ms
// log-mel frames to 30 ms, then Conformer blocks (Gulati et al., 2020) of
// width 144: half-step feed-forward, self-attention with RoPE and a
// dynamic-chunk mask, a causal depthwise convolution module, a second
// half-step feed-forward; then a CTC head over 29 characters.
type amModel struct {
	ps                     ParamSet
	c1w, c1b, c2w, c2b     *Param
	proj, projB, out, outB *Param
	blocks                 []amBlock
	channels, mels, width  int
	heads, kernel, vocab   int
}

type amFF struct{ lnG, lnB, w1, b1, w2, b2 *Param }

type amBlock struct {
	ff1, ff2                   amFF
	attLnG, attLnB             *Param
	wq, wk, wv, wo, bo         *Param
	convLnG, convLnB, pw1, pb1 *Param
	dw, dwB, dwLnG, dwLnB      *Param
	pw2, pb2, lnG, lnB         *Param
}

func newAMModel(seed uint64, blocks, width, channels int) *amModel {
	m := &amModel{channels: channels, mels: 80, width: width, heads: 4, kernel: 15, vocab: 29}
	s := &m.ps
	m.c1w, m.c1b = s.New("front.conv1.w", channels, 1, 3, 3), s.New("front.conv1.b", channels)
	m.c2w, m.c2b = s.New("front.conv2.w", channels, channels, 3, 3), s.New("front.conv2.b", channels)
	m.proj, m.projB = s.New("front.proj.w", width, channels*m.mels/4), s.New("front.proj.b", width)
	ff := func(name string) amFF {
		return amFF{
			lnG: s.New(name+".ln.g", width), lnB: s.New(name+".ln.b", width),
			w1: s.New(name+".w1", 4*width, width), b1: s.New(name+".b1", 4*width),
			w2: s.New(name+".w2", width, 4*width), b2: s.New(name+".b2", width),
		}
	}
	for i := range blocks {
		p := fmt.Sprintf("block%d", i)
		m.blocks = append(m.blocks, amBlock{
			ff1:    ff(p + ".ff1"),
			attLnG: s.New(p+".att.ln.g", width), attLnB: s.New(p+".att.ln.b", width),
			wq: s.New(p+".att.wq", width, width), wk: s.New(p+".att.wk", width, width),
			wv: s.New(p+".att.wv", width, width), wo: s.New(p+".att.wo", width, width), bo: s.New(p+".att.bo", width),
			convLnG: s.New(p+".conv.ln.g", width), convLnB: s.New(p+".conv.ln.b", width),
			pw1: s.New(p+".conv.pw1", 2*width, width), pb1: s.New(p+".conv.pb1", 2*width),
			dw: s.New(p+".conv.dw", width, m.kernel), dwB: s.New(p+".conv.dwb", width),
			dwLnG: s.New(p+".conv.dwln.g", width), dwLnB: s.New(p+".conv.dwln.b", width),
			pw2: s.New(p+".conv.pw2", width, width), pb2: s.New(p+".conv.pb2", width),
			ff2: ff(p + ".ff2"),
			lnG: s.New(p+".ln.g", width), lnB: s.New(p+".ln.b", width),
		})
	}
	m.out, m.outB = s.New("head.w", m.vocab, width), s.New("head.b", m.vocab)
	rng := NewRand(seed)
	for _, p := range s.Params() {
		switch {
		case len(p.Shape) >= 2:
			InitXavierUniform(p, rng)
		case len(p.Name) > 2 && p.Name[len(p.Name)-2:] == ".g":
			InitConst(p, 1)
		}
	}
	return m
}

func (m *amModel) ffForward(t *Tape, x *Var, f *amFF, drop float32) *Var {
	h := t.LayerNorm(x, t.Param(f.lnG), t.Param(f.lnB), 1e-5)
	h = t.Dropout(t.SiLU(t.Linear(h, t.Param(f.w1), t.Param(f.b1))), drop)
	h = t.Dropout(t.Linear(h, t.Param(f.w2), t.Param(f.b2)), drop)
	return t.AddScaled(x, h, 0.5)
}

// forward maps log-mel features [B, T, mels] to logits [B, T/3, vocab]
// and their lengths.
func (m *amModel) forward(t *Tape, feats *Var, lens []int, chunk int) (*Var, []int) {
	B, T := feats.Shape[0], feats.Shape[1]
	x := t.Reshape(feats, B, 1, T, m.mels)
	x = t.ReLU(t.Conv2D(x, t.Param(m.c1w), t.Param(m.c1b), 3, 2, 1, 1))
	x = t.ReLU(t.Conv2D(x, t.Param(m.c2w), t.Param(m.c2b), 1, 2, 1, 1))
	To := x.Shape[2]
	x = t.Reshape(t.Permute(x, 0, 2, 1, 3), B, To, m.channels*x.Shape[3])
	x = t.Linear(x, t.Param(m.proj), t.Param(m.projB))
	outLens := t.ints.alloc(B)
	for i, l := range lens {
		outLens[i] = min((l+2)/3, To)
	}
	mask := AttnMask{KeyLens: outLens, ChunkSize: chunk, LeftChunks: -1}
	const drop = 0.1
	for i := range m.blocks {
		b := &m.blocks[i]
		x = m.ffForward(t, x, &b.ff1, drop)
		h := t.LayerNorm(x, t.Param(b.attLnG), t.Param(b.attLnB), 1e-5)
		q := t.RoPE(t.Linear(h, t.Param(b.wq), nil), m.heads, 0)
		k := t.RoPE(t.Linear(h, t.Param(b.wk), nil), m.heads, 0)
		v := t.Linear(h, t.Param(b.wv), nil)
		a := t.Attention(q, k, v, m.heads, mask)
		x = t.Add(x, t.Dropout(t.Linear(a, t.Param(b.wo), t.Param(b.bo)), drop))
		h = t.LayerNorm(x, t.Param(b.convLnG), t.Param(b.convLnB), 1e-5)
		h = t.GLU(t.Linear(h, t.Param(b.pw1), t.Param(b.pb1)))
		h = t.DepthwiseConv1D(h, t.Param(b.dw), t.Param(b.dwB), true)
		h = t.SiLU(t.LayerNorm(h, t.Param(b.dwLnG), t.Param(b.dwLnB), 1e-5))
		x = t.Add(x, t.Dropout(t.Linear(h, t.Param(b.pw2), t.Param(b.pb2)), drop))
		x = m.ffForward(t, x, &b.ff2, drop)
		x = t.LayerNorm(x, t.Param(b.lnG), t.Param(b.lnB), 1e-5)
	}
	return t.Linear(x, t.Param(m.out), t.Param(m.outB)), outLens
}

// amBatch is a synthetic batch: random features and label sequences of a
// plausible length (about 12 characters per second).
type amBatch struct {
	feats  []float32
	B, T   int
	lens   []int
	labels [][]int
}

func newAMBatch(seed uint64, B, T, mels, vocab int) amBatch {
	rng := rand.New(rand.NewPCG(seed, 5))
	d := amBatch{feats: randSlice(rng, B*T*mels), B: B, T: T}
	for range B {
		d.lens = append(d.lens, T)
		l := make([]int, T/10*12/100)
		for j := range l {
			l[j] = 1 + rng.IntN(vocab-1)
		}
		d.labels = append(d.labels, l)
	}
	return d
}

func (d amBatch) shard(i, n, mels int) amBatch {
	lo, hi := i*d.B/n, (i+1)*d.B/n
	return amBatch{feats: d.feats[lo*d.T*mels : hi*d.T*mels], B: hi - lo, T: d.T, lens: d.lens[lo:hi], labels: d.labels[lo:hi]}
}

// BenchmarkTrainStep times a full forward, backward and AdamW step of the
// ~3M-parameter amModel on 8 utterances of 10 s (1000 frames of 80 mels),
// split over 2 workers (issue 5), and reports audio seconds trained per
// wall second and the GEMM GFLOP/s of the whole step. The peer
// sub-benchmark times single-thread Sgemm 512³ in the same run, the yard-
// stick of the "≥ 40 % of Sgemm" target.
func BenchmarkTrainStep(b *testing.B) {
	b.Run("impl=sgemm512", func(b *testing.B) {
		const n = 512
		rng := rand.New(rand.NewPCG(1, 1))
		x, y, z := randSlice(rng, n*n), randSlice(rng, n*n), make([]float32, n*n)
		b.ResetTimer()
		cpu0 := cpuTime()
		for b.Loop() {
			vec.Sgemm(false, false, n, n, n, 1, x, n, y, n, 0, z, n)
		}
		b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		b.ReportMetric(2*n*n*n*float64(b.N)/(cpuTime()-cpu0).Seconds()/1e9, "GFLOP/CPU-s")
	})
	for _, workers := range []int{2, 1} {
		b.Run(fmt.Sprintf("impl=mynah/workers=%d", workers), func(b *testing.B) {
			benchTrainStep(b, workers, 6, 8, 1000)
		})
	}
}

func benchTrainStep(b *testing.B, workers, blocks, batch, frames int) {
	m := newAMModel(1, blocks, 144, 64)
	params := m.ps.Params()
	opt, err := NewAdamW(params, DefaultAdamWConfig(), nil)
	if err != nil {
		b.Fatal(err)
	}
	w := NewWorkers(workers, 1, params)
	defer w.Close()
	data := newAMBatch(1, batch, frames, m.mels, m.vocab)
	step := func() {
		ZeroGrads(params)
		_, err := w.Step(func(i int, t *Tape) (*Var, error) {
			sh := data.shard(i, workers, m.mels)
			feats := t.Input([]int{sh.B, sh.T, m.mels}, sh.feats)
			logits, lens := m.forward(t, feats, sh.lens, 8)
			return t.CTCLoss(logits, lens, sh.labels, CTCOptions{Blank: 0, Reduction: CTCSum, ZeroInfinity: true})
		})
		if err != nil {
			b.Fatal(err)
		}
		ClipGradNorm(params, 5)
		opt.Step(1e-4)
	}
	step() // warm the arenas; the second step runs in the settled arena
	step()
	flops0 := int64(0)
	for i := range workers {
		flops0 += w.Tape(i).FLOPs()
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		step()
	}
	sec := time.Since(start).Seconds()
	cpu := (cpuTime() - cpu0).Seconds()
	flops := int64(0)
	for i := range workers {
		flops += w.Tape(i).FLOPs()
	}
	audio := float64(batch*frames) / 100 * float64(b.N)
	b.ReportMetric(audio/sec, "audio-s/s")
	// On a shared machine the wall clock hides how much CPU we were given;
	// audio per CPU-second times the workers is what idle cores would do.
	b.ReportMetric(audio/cpu, "audio-s/CPU-s")
	b.ReportMetric(float64(flops-flops0)/sec/1e9, "GFLOP/s")
	b.ReportMetric(float64(flops-flops0)/cpu/1e9, "GFLOP/CPU-s")
	b.ReportMetric(float64(CountParams(params))/1e6, "Mparams")
}

// TestAMModelMemory is a development aid: go test -run AMModelMemory -v
// -args -am prints the arena size of one worker's step.
func TestAMModelMemory(t *testing.T) {
	if !*amVerbose {
		t.Skip("pass -args -am")
	}
	m := newAMModel(1, 6, 144, 64)
	data := newAMBatch(1, 4, 1000, m.mels, m.vocab)
	tp := NewTape(1)
	for range 3 {
		tp.Reset()
		start, cpu0 := time.Now(), cpuTime()
		feats := tp.Input([]int{data.B, data.T, m.mels}, data.feats)
		logits, lens := m.forward(tp, feats, data.lens, 8)
		loss, err := tp.CTCLoss(logits, lens, data.labels, CTCOptions{Blank: 0, Reduction: CTCSum, ZeroInfinity: true})
		if err != nil {
			t.Fatal(err)
		}
		fwd := time.Since(start)
		tp.Backward(loss)
		cpu := cpuTime() - cpu0
		t.Logf("4×10 s: forward %v, total %v wall, %v CPU (%.1f audio-s per CPU-s), arena %.0f MB, %.1f GFLOP cumulative",
			fwd.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), cpu.Round(time.Millisecond), 40/cpu.Seconds(), float64(tp.MemoryBytes())/1e6, float64(tp.FLOPs())/1e9)
	}
}

// cpuTime returns the process's user+system CPU time: on a shared machine
// it measures work better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAttention times fused attention forward and backward for the
// time attention of the acoustic model (4 × 334 frames, width 144, 4
// heads) and its axial attention over frequency (1336 items of 20 bins,
// 64 channels, 2 heads), reporting GEMM GFLOP per CPU-second.
func BenchmarkAttention(b *testing.B) {
	for _, c := range []struct {
		name           string
		B, T, D, heads int
	}{
		{"time/4x334x144", 4, 334, 144, 4},
		{"freq/1336x20x64", 1336, 20, 64, 2},
	} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			ps := make([]*Param, 3)
			for i := range ps {
				ps[i] = NewParam("x", c.B, c.T, c.D)
				copy(ps[i].Value, randSlice(rng, c.B*c.T*c.D))
			}
			tp := NewTape(1)
			step := func() {
				tp.Reset()
				y := tp.Attention(tp.Param(ps[0]), tp.Param(ps[1]), tp.Param(ps[2]), c.heads, AttnMask{})
				tp.Backward(tp.Sum(y))
			}
			step()
			f0, cpu0 := tp.FLOPs(), cpuTime()
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64(tp.FLOPs()-f0)/(cpuTime()-cpu0).Seconds()/1e9, "GFLOP/CPU-s")
		})
	}
}

// BenchmarkLayerNorm times LayerNorm forward and backward on the
// acoustic model's shapes, in ns per element of CPU time.
func BenchmarkLayerNorm(b *testing.B) {
	for _, c := range []struct {
		name    string
		rows, d int
	}{{"1336x144", 1336, 144}, {"26720x64", 26720, 64}} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x, g, be := NewParam("x", c.rows, c.d), NewParam("g", c.d), NewParam("b", c.d)
			copy(x.Value, randSlice(rng, c.rows*c.d))
			InitConst(g, 1)
			tp := NewTape(1)
			step := func() {
				tp.Reset()
				y := tp.LayerNorm(tp.Param(x), tp.Param(g), tp.Param(be), 1e-5)
				tp.Backward(tp.Sum(y))
			}
			step()
			cpu0 := cpuTime()
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*c.rows*c.d), "cpu-ns/elem")
		})
	}
}

// BenchmarkDepthwiseConv1D times the causal depthwise convolution of the
// acoustic model's convolution module (4 × 334 frames, 144 channels,
// kernel 15), forward and backward, in CPU-ns per output element.
func BenchmarkDepthwiseConv1D(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, w := NewParam("x", 4, 334, 144), NewParam("w", 144, 15)
	copy(x.Value, randSlice(rng, len(x.Value)))
	copy(w.Value, randSlice(rng, len(w.Value)))
	tp := NewTape(1)
	step := func() {
		tp.Reset()
		tp.Backward(tp.Sum(tp.DepthwiseConv1D(tp.Param(x), tp.Param(w), nil, true)))
	}
	step()
	cpu0 := cpuTime()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*len(x.Value)), "cpu-ns/elem")
}
