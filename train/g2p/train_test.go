package g2p

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/g2p"
)

func tinyOptions(t *testing.T) Options {
	o := DefaultOptions()
	o.Model = g2p.ModelConfig{Dim: 16, Layers: 1, Heads: 2, FFN: 16, Kernel: 3, Upsample: 2, Stress: true}
	o.WorkDir = t.TempDir()
	o.BatchWords = 16
	o.Steps = 3
	o.EvalEvery = 2
	o.CheckpointEvery = 2
	o.DevLimit = 50
	o.WarmupSteps = 2
	return o
}

// A few steps of a tiny model: the loop runs, checkpoints, resumes where
// it stopped, evaluates and exports a model that g2p loads.
func TestTrainResumeExport(t *testing.T) {
	o := tinyOptions(t)
	var log bytes.Buffer
	o.Log = &log
	res, err := Train(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != 3 || res.TrainWords < 100000 {
		t.Fatalf("first run: %+v", res)
	}
	o.Out = filepath.Join(o.WorkDir, "out.safetensors")
	res, err = Train(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != 6 || !strings.Contains(log.String(), "resumed at step 3") {
		t.Fatalf("second run: %+v\n%s", res, log.String())
	}
	if res.Test.Words < 5000 || res.Dev.Words < 2000 {
		t.Errorf("scored %d test and %d dev words", res.Test.Words, res.Dev.Words)
	}
	raw, err := os.ReadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g2p.LoadModel(raw); err != nil {
		t.Fatal(err)
	}
	card, err := g2p.ModelCard(raw)
	if err != nil || card["test_words"] == "" {
		t.Errorf("card %v, %v", card, err)
	}
	if _, test, err := Export(o.WorkDir, filepath.Join(o.WorkDir, "export.safetensors"), false, nil); err != nil || test != res.Test {
		t.Errorf("Export: test %+v, %v; Train said %+v", test, err, res.Test)
	}
	if _, _, err := Export(o.WorkDir, filepath.Join(o.WorkDir, "ema.safetensors"), true, nil); err != nil {
		t.Errorf("Export from checkpoint: %v", err)
	}
}

func TestMainUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"extra"}, &out, &errOut); code != 2 {
		t.Errorf("Main(extra) = %d, want 2", code)
	}
	if code := Main(context.Background(), []string{"-nosuchflag"}, &out, &errOut); code != 2 {
		t.Errorf("Main(-nosuchflag) = %d, want 2", code)
	}
	if code := Main(context.Background(), []string{"-work", t.TempDir(), "-dim", "15"}, &out, &errOut); code != 1 {
		t.Errorf("Main(-dim 15) = %d, want 1 (invalid config)", code)
	}
}

func TestBatches(t *testing.T) {
	lengths := make([]int, 1000)
	for i := range lengths {
		lengths[i] = i % 17
	}
	a := batches(len(lengths), 32, 1, 0, func(i int) int { return lengths[i] })
	b := batches(len(lengths), 32, 1, 0, func(i int) int { return lengths[i] })
	seen := make([]bool, len(lengths))
	for k, batch := range a {
		for j, i := range batch {
			if b[k][j] != i {
				t.Fatal("batches are not deterministic")
			}
			if seen[i] {
				t.Fatalf("example %d twice", i)
			}
			seen[i] = true
		}
	}
	for i, s := range seen {
		if !s {
			t.Fatalf("example %d missing", i)
		}
	}
}
