package vocoder

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	voc "github.com/mynah-speech/mynah/tts/vocoder"
)

// synthUtts makes n short utterances of gliding harmonics with a noise
// burst, analysed like the corpus.
func synthUtts(t testing.TB, n int) []Utt {
	c := voc.Default()
	an, err := voc.NewAnalyzer(c)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	var utts []Utt
	for u := range n {
		x := make([]float32, 22050*6/10)
		ph := 0.0
		base := 150 + 60*rng.Float64()
		for i := range x {
			f0 := base + 20*math.Sin(float64(i)/3000)
			ph += 2 * math.Pi * f0 / 22050
			var v float64
			if i < len(x)*2/3 {
				for k := 1; float64(k)*f0 < 4000; k++ {
					v += 0.08 / float64(k) * math.Sin(float64(k)*ph)
				}
			} else {
				v = 0.02 * rng.NormFloat64()
			}
			x[i] = float32(v)
		}
		mels, f0 := an.Analyze(x)
		pcm := make([]int16, len(x))
		for i, v := range x {
			pcm[i] = int16(v * 32767)
		}
		utts = append(utts, Utt{ID: string(rune('a' + u)), Dev: u == 0, Audio: pcm, Mels: mels, F0: f0})
	}
	return utts
}

func tinyOptions() Options {
	o := DefaultOptions()
	o.Batch, o.Frames, o.Width, o.Layers, o.Kernel = 2, 24, 8, 1, 3
	o.Steps, o.Warmup, o.EvalEvery, o.LR = 6, 1, 3, 3e-3
	return o
}

func tinyTrainer(t testing.TB, o Options, utts []Utt) *Trainer {
	c := voc.Default()
	c.Net = voc.NetConfig{Width: o.Width, Layers: o.Layers, Kernel: o.Kernel}
	c.Net.MelMean, c.Net.MelStd = melStats(utts, c.NumMels)
	tr, err := NewTrainer(o, c, utts)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestGradientThroughSynthesis checks the whole chain — network, envelope
// corrections, synthesiser adjoint, MR-STFT adjoint — against finite
// differences of the batch loss in the head's biases.
func TestGradientThroughSynthesis(t *testing.T) {
	utts := synthUtts(t, 3)
	o := tinyOptions()
	tr := tinyTrainer(t, o, utts)
	// Move off the zero head so tanh and the corrections are exercised.
	rng := rand.New(rand.NewPCG(9, 9))
	for _, p := range tr.Model.Params() {
		for i := range p.Value {
			p.Value[i] += 0.05 * float32(rng.NormFloat64())
		}
	}
	if _, err := tr.lossAndGrads(0); err != nil {
		t.Fatal(err)
	}
	var bias = tr.Model.Params()[len(tr.Model.Params())-1] // out.b
	grad := append([]float32(nil), bias.Grad...)
	G := tr.Model.GridSize()
	checked := 0
	for _, i := range []int{10, 30, G + 5, G + 40} {
		old := bias.Value[i]
		h := float32(0.02)
		bias.Value[i] = old + h
		lp, _ := tr.lossAndGrads(0)
		bias.Value[i] = old - h
		lm, _ := tr.lossAndGrads(0)
		bias.Value[i] = old
		num := (lp - lm) / (2 * float64(h))
		if math.Abs(num-float64(grad[i])) > 0.05*math.Abs(num)+2e-4 {
			t.Errorf("out.b[%d]: gradient %g, finite difference %g", i, grad[i], num)
		}
		checked++
	}
	t.Logf("%d biases checked", checked)
}

func TestTrainingLowersLossAndResumes(t *testing.T) {
	utts := synthUtts(t, 4)
	o := tinyOptions()
	o.Steps = 20
	tr := tinyTrainer(t, o, utts)
	first, _ := tr.lossAndGrads(1000)
	for range o.Steps {
		if _, err := tr.TrainStep(); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := tr.lossAndGrads(1000)
	t.Logf("held-out batch loss %.4f -> %.4f", first, after)
	if !(after < first) {
		t.Errorf("training did not lower the loss: %.4f -> %.4f", first, after)
	}
}

func TestRunWritesLedgerAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the recipe twice")
	}
	utts := synthUtts(t, 4)
	o := tinyOptions()
	o.Work = t.TempDir()
	// A data cache made for the default config stands in for the corpus.
	if err := writeCache(filepath.Join(o.Work, "data.gob"), voc.Default(), utts); err != nil {
		t.Fatal(err)
	}
	o.Steps = 3
	if err := Run(context.Background(), o, time.Time{}, os.Stderr); err != nil {
		t.Fatal(err)
	}
	o.Steps = 6
	var log strings.Builder
	if err := Run(context.Background(), o, time.Time{}, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "resumed at step 3") {
		t.Errorf("second run did not resume:\n%s", log.String())
	}
	b, err := os.ReadFile(filepath.Join(o.Work, "ledger.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "dev_pure_dsp") {
		t.Errorf("ledger:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(o.Work, "vocoder.safetensors")); err != nil {
		t.Error(err)
	}
}

func TestResynthesizeFile(t *testing.T) {
	dir := t.TempDir()
	utts := synthUtts(t, 1)
	x := utts[0].Samples(nil, 0, len(utts[0].Audio))
	in := filepath.Join(dir, "tone.wav")
	if err := writeWAV(in, x, 22050); err != nil {
		t.Fatal(err)
	}
	// A tiny learned model saved as training saves it.
	o := tinyOptions()
	tr := tinyTrainer(t, o, synthUtts(t, 3))
	model := filepath.Join(dir, "vocoder.safetensors")
	if err := saveModel(model, tr.Model); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := Resynthesize("", []string{in}, 0, model, filepath.Join(dir, "out"), &out); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"orig", "dsp", "learned"} {
		if _, err := os.Stat(filepath.Join(dir, "out", "tone."+kind+".wav")); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(out.String(), "MR-STFT") {
		t.Errorf("output %q", out.String())
	}
	if err := Resynthesize("", []string{filepath.Join(dir, "absent")}, 0, "", dir, &out); err == nil {
		t.Error("a missing id without a corpus was accepted")
	}
}
