package tts

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mynah-speech/mynah/tts/acoustic"
)

func TestMakeBatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	train := make([]acoustic.Example, 300)
	for i := range train {
		train[i] = acoustic.Example{Frames: 50 + rng.IntN(400), IDs: []int{i}}
	}
	a := makeBatches(train, 7, 3, 2000)
	b := makeBatches(train, 7, 3, 2000)
	c := makeBatches(train, 7, 4, 2000)
	seen := map[int]bool{}
	same := true
	for i, batch := range a {
		longest := 0
		for j, e := range batch {
			longest = max(longest, e.Frames)
			if seen[e.IDs[0]] {
				t.Fatalf("utterance %d twice", e.IDs[0])
			}
			seen[e.IDs[0]] = true
			if b[i][j].IDs[0] != e.IDs[0] {
				t.Fatal("same seed and epoch, different batches")
			}
		}
		if longest*len(batch) > 2000 && len(batch) > 1 {
			t.Fatalf("batch of %d × %d frames over budget", len(batch), longest)
		}
		if i < len(c) && (len(c[i]) != len(batch) || c[i][0].IDs[0] != batch[0].IDs[0]) {
			same = false
		}
	}
	if len(seen) != len(train) {
		t.Fatalf("%d of %d utterances batched", len(seen), len(train))
	}
	if same {
		t.Fatal("epochs 3 and 4 have the same batches")
	}
}

func TestStats(t *testing.T) {
	u := Utt{Frames: 2, Mels: make([]float32, 160), F0: []float32{100, 0}}
	for i := range 80 {
		u.Mels[i], u.Mels[80+i] = -1, -3
	}
	dev := Utt{Dev: true, Frames: 1, Mels: make([]float32, 80), F0: []float32{400}}
	cfg := acoustic.DefaultConfig()
	Stats(&cfg, []Utt{u, dev})
	if cfg.MelMean[5] != -2 || math.Abs(float64(cfg.MelStd[5])-1) > 1e-6 {
		t.Fatalf("mel mean/std %g %g, want -2 1", cfg.MelMean[5], cfg.MelStd[5])
	}
	if math.Abs(float64(cfg.LogF0Mean)-math.Log(100)) > 1e-5 || cfg.EnergyMean != -2 {
		t.Fatalf("log F0 mean %g, energy mean %g (dev must not count)", cfg.LogF0Mean, cfg.EnergyMean)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}
