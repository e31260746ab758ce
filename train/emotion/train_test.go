package emotion

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/emotion"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// toyVoice is a harmonic voice whose pitch and loudness depend on the
// label, so the toy corpus is learnable.
func toyVoice(label emotion.Label, speaker int) []float32 {
	const rate = 16000
	f0 := 100 + 25*float64(label) + 5*float64(speaker)
	x := make([]float32, rate*6/10)
	var ph float64
	for i := range x {
		t := float64(i) / rate
		ph += 2 * math.Pi * f0 * (1 + 0.05*math.Sin(2*math.Pi*4*t)) / rate
		var s float64
		for h := 1; h <= 8; h++ {
			s += math.Sin(float64(h)*ph) / float64(h)
		}
		x[i] = float32(0.3 * math.Sin(math.Pi*t/0.6) * s)
	}
	return append(make([]float32, 1600), x...)
}

// toyCorpus writes 4 speakers × 8 labels of WAV clips and a manifest.
func toyCorpus(t *testing.T) string {
	dir := t.TempDir()
	var entries []corpora.Entry
	for sp := range 4 {
		for _, l := range emotion.Labels() {
			id := fmt.Sprintf("s%d-%s", sp, l)
			path := filepath.Join(dir, id+".wav")
			var b bytes.Buffer
			if err := audio.WriteWAV(&b, toyVoice(l, sp), 16000, audio.PCM16); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			entries = append(entries, corpora.Entry{ID: id, Audio: path, Duration: 0.7, Text: "kids are talking by the door",
				Speaker: fmt.Sprint(sp), Corpus: "toy", Emotion: l.String()})
		}
	}
	m := filepath.Join(dir, "toy.jsonl")
	if err := corpora.WriteManifestFile(m, entries); err != nil {
		t.Fatal(err)
	}
	return m
}

func tinyASR(t *testing.T, dir string) string {
	cfg := acoustic.DefaultConfig()
	cfg.ConvChannels = [2]int{4, 8}
	cfg.FreqAttentionHeads = 0
	cfg.Dim, cfg.Heads, cfg.Blocks, cfg.FFMult = 16, 2, 2, 2
	fc := feature.DefaultASR()
	norm := feature.Norm{Mean: make([]float32, fc.NumMels), Std: make([]float32, fc.NumMels)}
	for i := range norm.Std {
		norm.Mean[i], norm.Std[i] = -8, 4
	}
	m, err := acoustic.New(cfg, acoustic.FrontEnd{Features: fc, Norm: norm}, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "asr.safetensors")
	if err := m.Save(path, safetensors.F32, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMainToyCorpus runs the whole recipe on a toy corpus: all three
// kinds cross-validated on 2 folds, the CNN shipped, then a second run
// that finds every fold done.
func TestMainToyCorpus(t *testing.T) {
	manifest := toyCorpus(t)
	work := t.TempDir()
	out := filepath.Join(work, "emotion.safetensors")
	asr := tinyASR(t, work)
	args := []string{"--manifest", manifest, "--work", work, "--cache", work, "--noise", "", "--asr", asr,
		"--folds", "2", "--epochs", "2", "--batch", "8", "--workers", "1", "--out", out, "--ship", "cnn",
		"--augment=false"} // TestAugmenterDeterministicAndBounded covers augmentation
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	for _, want := range []string{"## baseline", "## cnn", "## transfer", "| true \\ predicted |", "wrote " + out} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := emotion.Load(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c card
	if err := json.Unmarshal(m.Card(), &c); err != nil {
		t.Fatal(err)
	}
	if c.Kind != vCNN || len(c.Folds) != 3 || c.Clips != 32 || c.Speakers != 4 || !strings.Contains(c.Licence, "non-commercial") {
		t.Errorf("card %+v", c)
	}
	for _, v := range c.Folds {
		if !v.Complete || len(v.Folds) != 2 {
			t.Errorf("%s: %d folds", v.Kind, len(v.Folds))
		}
	}
	// The baseline separates the toy voices by pitch.
	if c.Folds[0].Kind != vBaseline || c.Folds[0].MeanUAR < 0.5 {
		t.Errorf("baseline UAR %.2f", c.Folds[0].MeanUAR)
	}

	stdout.Reset()
	stderr.Reset()
	args = []string{"--manifest", manifest, "--work", work, "--cache", work, "--noise", "", "--asr", asr,
		"--folds", "2", "--epochs", "2", "--variants", "baseline,cnn", "--workers", "1", "--augment=false"}
	if code := Main(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("rerun exit %d\n%s", code, stderr.String())
	}
	if strings.Count(stderr.String(), "already done") != 4 {
		t.Errorf("rerun redid folds:\n%s", stderr.String())
	}
}

// TestExtendedBaselineNestedL2 cross-validates the extended baseline with
// the ridge penalty chosen by nested folds, then ships it.
func TestExtendedBaselineNestedL2(t *testing.T) {
	manifest := toyCorpus(t)
	work := t.TempDir()
	out := filepath.Join(work, "emotion.safetensors")
	args := []string{"--manifest", manifest, "--work", work, "--cache", work, "--noise", "",
		"--folds", "2", "--variants", "baseline-ext", "--l2", "0.01,1", "--ship", "baseline-ext", "--out", out, "--augment=false"}
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if n := strings.Count(stderr.String(), "inner UAR"); n != 3*2 {
		t.Errorf("%d inner scores, want 2 values × (2 folds + the shipped fit):\n%s", n, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := emotion.Load(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config().Descriptors != emotion.NumDescriptorsExtended {
		t.Errorf("shipped config %+v", m.Config())
	}
	var c card
	if err := json.Unmarshal(m.Card(), &c); err != nil {
		t.Fatal(err)
	}
	if c.Kind != vBaselineExt || len(c.Folds) != 1 || c.Folds[0].MeanUAR < 0.5 || c.L2 == 0 {
		t.Errorf("card %+v", c)
	}
	for _, f := range c.Folds[0].Folds {
		if f.L2 != 0.01 && f.L2 != 1 {
			t.Errorf("fold %d l2 %v", f.Fold, f.L2)
		}
	}
}

func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{{"--variants", "svm"}, {"--folds", "1"}, {"extra"}, {"--only-folds", "9"}} {
		var o, e bytes.Buffer
		if code := Main(context.Background(), args, &o, &e); code != 2 {
			t.Errorf("%q: exit %d", args, code)
		}
	}
}

func TestAssignFoldsSnake(t *testing.T) {
	var clips []clip
	for a := 1; a <= 18; a++ {
		clips = append(clips, clip{speaker: fmt.Sprintf("ravdess/%02d", a)})
	}
	fold, members := assignFolds(clips, 6)
	for f, m := range members {
		if len(m) != 3 {
			t.Fatalf("fold %d has %v", f, m)
		}
		var odd, even int
		for _, s := range m {
			var a int
			fmt.Sscanf(s, "ravdess/%d", &a)
			if a%2 == 1 {
				odd++
			} else {
				even++
			}
			if fold[s] != f {
				t.Errorf("%s in fold %d and %d", s, fold[s], f)
			}
		}
		if odd == 0 || even == 0 {
			t.Errorf("fold %d is one gender: %v", f, m)
		}
	}
	if !slices.Equal(members[0], []string{"ravdess/01", "ravdess/12", "ravdess/13"}) {
		t.Errorf("fold 0 = %v", members[0])
	}
}

func TestConfusionScores(t *testing.T) {
	var c confusion
	// neutral: 2 of 4 right; calm: 1 of 1; others absent.
	c[emotion.Neutral][emotion.Neutral] = 2
	c[emotion.Neutral][emotion.Angry] = 2
	c[emotion.Calm][emotion.Calm] = 1
	if u := c.uar(); math.Abs(u-0.75) > 1e-12 {
		t.Errorf("uar %v", u)
	}
	if a := c.accuracy(); math.Abs(a-0.6) > 1e-12 {
		t.Errorf("accuracy %v", a)
	}
	// Arousal: both true labels are low; 3 of 5 predicted low.
	if a := c.arousalUAR(); math.Abs(a-0.6) > 1e-12 {
		t.Errorf("arousal uar %v", a)
	}
	v := summarise(vCNN, 10, 2, []foldResult{{UAR: 0.4}, {UAR: 0.6}})
	if math.Abs(v.MeanUAR-0.5) > 1e-12 || math.Abs(v.StdUAR-0.1) > 1e-12 || !v.Complete {
		t.Errorf("summary %+v", v)
	}
}

func TestAugmenterDeterministicAndBounded(t *testing.T) {
	a := &augmenter{seed: 3}
	c := clip{id: "x", samples: toyVoice(emotion.Happy, 0)}
	kinds := map[string]bool{}
	epochs := 40 // the resampler's filter design makes each draw slow
	if testing.Short() {
		epochs = 8
	}
	for epoch := range epochs {
		x, what, err := a.apply(c, epoch)
		if err != nil {
			t.Fatal(err)
		}
		y, what2, _ := a.apply(c, epoch)
		if what != what2 || !slices.Equal(x, y) {
			t.Fatalf("epoch %d not reproducible", epoch)
		}
		for _, v := range x {
			if math.IsNaN(float64(v)) || v > 1 || v < -1 {
				t.Fatalf("epoch %d (%s): sample %v", epoch, what, v)
			}
		}
		for _, k := range strings.Split(what, ", ") {
			kinds[strings.Fields(k + " _")[0]] = true
		}
	}
	for _, k := range []string{"speed", "telephone", "via", "lowpass", "coloured"} {
		if !testing.Short() && !kinds[k] {
			t.Errorf("40 epochs never drew %q (%v)", k, kinds)
		}
	}
	if !slices.Equal(c.samples, toyVoice(emotion.Happy, 0)) {
		t.Error("apply changed the clip")
	}
}

func TestLowpassAttenuates(t *testing.T) {
	tone := func(hz float64) []float32 {
		x := make([]float32, 16000)
		for i := range x {
			x[i] = float32(math.Sin(2 * math.Pi * hz * float64(i) / 16000))
		}
		return x
	}
	rms := func(x []float32) float64 {
		var s float64
		for _, v := range x[200 : len(x)-200] {
			s += float64(v) * float64(v)
		}
		return math.Sqrt(s / float64(len(x)-400))
	}
	if r := rms(lowpass(tone(500), 4000)); r < 0.65 {
		t.Errorf("500 Hz passes at %.2f", r)
	}
	if r := rms(lowpass(tone(7000), 4000)); r > 0.05 {
		t.Errorf("7 kHz passes at %.2f", r)
	}
}

func TestInputsCacheRoundTrip(t *testing.T) {
	in := &inputSet{rows: [][][]float32{{{1, 2, 3}, {}}, {{4}, {5, 6}}}, frames: [][]int{{1, 0}, {1, 2}}}
	path := filepath.Join(t.TempDir(), "in.bin")
	if err := writeInputs(path, in); err != nil {
		t.Fatal(err)
	}
	back, err := readInputs(path, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	for v := range 2 {
		for c := range 2 {
			if !slices.Equal(back.rows[v][c], in.rows[v][c]) || back.frames[v][c] != in.frames[v][c] {
				t.Errorf("[%d][%d] = %v %d", v, c, back.rows[v][c], back.frames[v][c])
			}
		}
	}
	if _, err := readInputs(path, 3, 2); err == nil {
		t.Error("wrong shape accepted")
	}
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-3], 0o644)
	if _, err := readInputs(path, 2, 2); err == nil {
		t.Error("truncated cache accepted")
	}
}
