package acoustic

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

func tinyConfig() Config {
	c := DefaultConfig()
	c.Dim, c.PredictorDim, c.AlignDim = 32, 16, 16
	c.EncoderBlocks, c.DecoderBlocks = 2, 2
	c.Dropout = 0
	return c
}

// synthExample makes an utterance whose frames are each symbol's own mel
// pattern (a bump at a symbol-dependent bin) for a random duration, with a
// symbol-dependent F0; durations are returned.
func synthExample(rng *rand.Rand, cfg Config, n int) (Example, []int) {
	e := Example{IDs: make([]int, n)}
	dur := make([]int, n)
	for i := range e.IDs {
		e.IDs[i] = 8 + rng.IntN(20)
		dur[i] = 2 + rng.IntN(5)
		e.Frames += dur[i]
	}
	e.Mels = make([]float32, e.Frames*cfg.Mels)
	e.F0 = make([]float32, e.Frames)
	f := 0
	for i, id := range e.IDs {
		for range dur[i] {
			for b := 0; b < cfg.Mels; b++ {
				d := float64(b - (id*3)%cfg.Mels)
				e.Mels[f*cfg.Mels+b] = float32(-6 + 5*math.Exp(-d*d/8))
			}
			if id%3 != 0 {
				e.F0[f] = 150 + 5*float32(id)
			}
			f++
		}
	}
	return e, dur
}

func TestLossShapesAndDurations(t *testing.T) {
	cfg := tinyConfig()
	m, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	batch := make([]Example, 3)
	for i := range batch {
		batch[i], _ = synthExample(rng, cfg, 4+2*i)
	}
	tape := nn.NewTape(1)
	loss, parts, durs, err := m.Loss(tape, batch, DefaultLossWeights())
	if err != nil {
		t.Fatal(err)
	}
	if len(loss.Shape) != 1 || loss.Shape[0] != 1 {
		t.Fatalf("loss shape %v", loss.Shape)
	}
	for i, d := range durs {
		sum := 0
		for _, v := range d {
			if v < 1 {
				t.Fatalf("example %d: duration %d < 1", i, v)
			}
			sum += v
		}
		if len(d) != len(batch[i].IDs) || sum != batch[i].Frames {
			t.Fatalf("example %d: %d durations summing to %d for %d symbols, %d frames", i, len(d), sum, len(batch[i].IDs), batch[i].Frames)
		}
	}
	if parts.ForwardSum <= 0 || parts.Mel <= 0 {
		t.Fatalf("losses %+v", parts)
	}
	tape.Backward(loss)
	tape.AddParamGradsTo()
	for _, p := range m.Params() {
		nonzero := slices.ContainsFunc(p.Grad, func(v float32) bool { return v != 0 })
		if !nonzero {
			t.Errorf("param %s has no gradient", p.Name)
		}
	}

	bad := batch[0]
	bad.Frames = len(bad.IDs) - 1
	if _, _, _, err := m.Loss(nn.NewTape(1), []Example{bad}, DefaultLossWeights()); !errors.Is(err, ErrExample) {
		t.Fatalf("short example: %v", err)
	}
}

// TestLossGradientFiniteDifference checks the analytic gradient of the
// whole loss (aligner, CTC forward-sum, predictors, regulator, decoder)
// against central differences on a few weights of each kind.
func TestLossGradientFiniteDifference(t *testing.T) {
	cfg := tinyConfig()
	m, err := New(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	batch := []Example{}
	for i := 0; i < 2; i++ {
		e, _ := synthExample(rng, cfg, 5+i)
		batch = append(batch, e)
	}
	w := DefaultLossWeights()
	w.Binarization = 0.5
	tape := nn.NewTape(1)
	lossAt := func() float64 {
		tape.Reset()
		l, _, _, err := m.Loss(tape, batch, w)
		if err != nil {
			t.Fatal(err)
		}
		return float64(l.Item())
	}
	tape.Reset()
	nn.ZeroGrads(m.Params())
	l, _, _, err := m.Loss(tape, batch, w)
	if err != nil {
		t.Fatal(err)
	}
	tape.Backward(l)
	tape.AddParamGradsTo()
	checked := 0
	for _, p := range m.Params() {
		// One weight of every tensor whose name says it is a weight.
		if len(p.Shape) < 2 {
			continue
		}
		i := rng.IntN(len(p.Value))
		orig := p.Value[i]
		const eps = fdEps
		p.Value[i] = orig + eps
		up := lossAt()
		p.Value[i] = orig - eps
		down := lossAt()
		p.Value[i] = orig
		num := (up - down) / (2 * eps)
		got := float64(p.Grad[i])
		if math.Abs(num-got) > 0.05*math.Max(math.Abs(num), math.Abs(got))+2e-3 {
			t.Errorf("%s[%d]: analytic %g, numeric %g", p.Name, i, got, num)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("checked only %d tensors", checked)
	}
}

// TestOverfit trains the tiny model on four synthetic utterances: the mel
// loss must fall well below its start and the learned alignment must find
// the true durations almost everywhere.
func TestOverfit(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a few seconds")
	}
	cfg := tinyConfig()
	m, err := New(cfg, 11)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	var batch []Example
	var truth [][]int
	for i := 0; i < 4; i++ {
		e, d := synthExample(rng, cfg, 6+i)
		batch = append(batch, e)
		truth = append(truth, d)
	}
	opt, err := nn.NewAdamW(m.Params(), nn.DefaultAdamWConfig(), nn.DecayMatrices)
	if err != nil {
		t.Fatal(err)
	}
	tape := nn.NewTape(1)
	w := DefaultLossWeights()
	var first, last Losses
	var durs [][]int
	const steps = 180
	for step := 0; step < steps; step++ {
		tape.Reset()
		nn.ZeroGrads(m.Params())
		if step > steps/2 {
			w.Binarization = 1
		}
		l, parts, d, err := m.Loss(tape, batch, w)
		if err != nil {
			t.Fatal(err)
		}
		tape.Backward(l)
		tape.AddParamGradsTo()
		nn.ClipGradNorm(m.Params(), 1)
		opt.Step(3e-3)
		if step == 0 {
			first = parts
		}
		last, durs = parts, d
	}
	t.Logf("first %+v", first)
	t.Logf("last  %+v", last)
	if last.Mel > first.Mel/3 {
		t.Errorf("mel loss %.3f -> %.3f: did not overfit", first.Mel, last.Mel)
	}
	wrong, total := 0, 0
	for i := range durs {
		start := 0
		tstart := 0
		for n := range durs[i] {
			if abs(start-tstart) > 1 {
				wrong++
			}
			total++
			start += durs[i][n]
			tstart += truth[i][n]
		}
	}
	t.Logf("alignment: %d of %d symbol starts off by more than one frame", wrong, total)
	if wrong > total/5 {
		t.Errorf("alignment: %d of %d symbol starts off by more than one frame", wrong, total)
	}
	// Synthesis after training: durations near the truth, output shapes.
	tape2 := nn.NewTape(0)
	syms := make([]string, len(batch[0].IDs))
	for i, id := range batch[0].IDs {
		syms[i] = cfg.Symbols[id]
	}
	out, err := m.Synthesize(tape2, syms, Controls{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Mels) != out.Frames*80 || len(out.F0) != out.Frames || len(out.Durations) != len(syms) {
		t.Fatalf("output %d frames, %d mels, %d F0, %d durations", out.Frames, len(out.Mels), len(out.F0), len(out.Durations))
	}
	t.Logf("durations %v, truth %v", out.Durations, truth[0])
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestSynthesizeControlsAndDeterminism(t *testing.T) {
	m, err := New(tinyConfig(), 2)
	if err != nil {
		t.Fatal(err)
	}
	syms := []string{"<sil>", "HH", "AH0", "L", "OW1", "#", "W", "ER1", "L", "D", ".", "<sil>"}
	tape := nn.NewTape(0)
	a, err := m.Synthesize(tape, syms, Controls{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Synthesize(nn.NewTape(9), syms, Controls{Speed: 1, Pitch: 1, Energy: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Mels, b.Mels) || !slices.Equal(a.F0, b.F0) || !slices.Equal(a.Durations, b.Durations) {
		t.Fatal("two syntheses differ")
	}
	slow, err := m.Synthesize(tape, syms, Controls{Speed: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if slow.Frames < a.Frames {
		t.Fatalf("speed 0.5 gives %d frames, speed 1 %d", slow.Frames, a.Frames)
	}
	loud, err := m.Synthesize(tape, syms, Controls{Energy: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d := loud.Mels[0] - a.Mels[0]; math.Abs(float64(d)-2*math.Ln2) > 1e-4 {
		t.Fatalf("energy 2 moves log-mels by %g, want %g", d, 2*math.Ln2)
	}
	for _, c := range []Controls{{Speed: -1}, {Pitch: math.Inf(1)}, {Energy: 1e9}} {
		if _, err := m.Synthesize(tape, syms, c); err == nil {
			t.Errorf("controls %+v: no error", c)
		}
	}
	if _, err := m.Synthesize(tape, []string{"<sil>", "XX"}, Controls{}); !errors.Is(err, ErrUnknownSymbol) {
		t.Errorf("unknown symbol: %v", err)
	}
	if _, err := m.Synthesize(tape, nil, Controls{}); err == nil {
		t.Error("no symbols: no error")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m, err := New(tinyConfig(), 4)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf, safetensors.F32, map[string]string{"data": "synthetic"}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	syms := []string{"<sil>", "HH", "AH0", "L", "OW1", "<sil>"}
	a, _ := m.Synthesize(nil, syms, Controls{})
	b, _ := back.Synthesize(nil, syms, Controls{})
	if !slices.Equal(a.Mels, b.Mels) {
		t.Fatal("loaded model synthesises differently")
	}
	// Under another prefix beside foreign tensors, as in a voice file.
	tensors, err := m.Tensors("voice.acoustic.", safetensors.F16)
	if err != nil {
		t.Fatal(err)
	}
	tensors = append(tensors, safetensors.Tensor{Name: "vocoder.x", DType: safetensors.F32, Shape: []int{1}, Data: make([]byte, 4)})
	buf.Reset()
	if err := safetensors.Write(&buf, tensors, m.Metadata("voice.acoustic.")); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(f, "voice.acoustic."); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(f, "other."); !errors.Is(err, ErrFormat) {
		t.Fatalf("wrong prefix: %v", err)
	}
}

const fdEps = 1e-3

func TestNumParams(t *testing.T) {
	for _, cfg := range []Config{DefaultConfig(), tinyConfig()} {
		m, err := New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cfg.NumParams(), nn.CountParams(m.Params()); got != want {
			t.Errorf("NumParams %d, New made %d", got, want)
		}
	}
	syms := DefaultSymbols()
	if len(syms) != 77 || !slices.Contains(syms, "AH0") || !slices.Contains(syms, "ER2") || !slices.Contains(syms, "ZH") || slices.Contains(syms, "AH") {
		t.Errorf("DefaultSymbols: %d symbols %v", len(syms), syms)
	}
}

// Synthesize with a nil tape is safe for concurrent use and agrees with a
// caller-owned tape.
func TestSynthesizeConcurrent(t *testing.T) {
	m, err := New(tinyConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	syms := []string{"<sil>", "HH", "AH0", "L", "OW1", "<sil>"}
	want, err := m.Synthesize(nn.NewTape(0), syms, Controls{})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := m.Synthesize(nil, syms, Controls{})
			if err == nil && !slices.Equal(got.Mels, want.Mels) {
				err = errors.New("concurrent synthesis differs")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// Analyze's results stay valid after the next call (the extractors reuse
// their buffers).
func TestAnalyzeOwnsItsSlices(t *testing.T) {
	an, err := NewAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	tone := func(hz float64) []float32 {
		s := make([]float32, SampleRate/2)
		for i := range s {
			s[i] = float32(0.3 * math.Sin(2*math.Pi*hz*float64(i)/SampleRate))
		}
		return s
	}
	a := an.Analyze(tone(200))
	keep := slices.Clone(a.Mels)
	keepF0 := slices.Clone(a.F0)
	b := an.Analyze(tone(300))
	if !slices.Equal(a.Mels, keep) || !slices.Equal(a.F0, keepF0) {
		t.Fatal("a second Analyze changed the first's features")
	}
	if a.Frames != SampleRate/2/HopSamples+1 || len(a.Mels) != a.Frames*80 {
		t.Fatalf("%d frames, %d mel values", a.Frames, len(a.Mels))
	}
	if f := a.F0[a.Frames/2]; math.Abs(float64(f)-200) > 4 {
		t.Fatalf("F0 of a 200 Hz tone: %g", f)
	}
	if f := b.F0[b.Frames/2]; math.Abs(float64(f)-300) > 6 {
		t.Fatalf("F0 of a 300 Hz tone: %g", f)
	}
}
