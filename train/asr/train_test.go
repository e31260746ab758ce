package asr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// writeCorpus makes a tiny corpus of tone "utterances" with transcripts.
func writeCorpus(t *testing.T, dir string, n int) string {
	t.Helper()
	var entries []corpora.Entry
	words := []string{"a b", "ab", "ba", "b a b"}
	for i := 0; i < n; i++ {
		samples := make([]float32, 8000+2000*(i%3))
		for j := range samples {
			samples[j] = 0.3 * float32(math.Sin(float64(j)*float64(200+40*i)*2*math.Pi/16000))
		}
		var buf bytes.Buffer
		if err := audio.WriteWAV(&buf, samples, 16000, audio.PCM16); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "u"+string(rune('a'+i))+".wav")
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, corpora.Entry{ID: "u" + string(rune('a'+i)), Audio: name, Duration: float64(len(samples)) / 16000,
			Text: words[i%len(words)], Speaker: "s" + string(rune('0'+i%2)), Corpus: "toy"})
	}
	path := filepath.Join(dir, "toy.jsonl")
	if err := corpora.WriteManifestFile(path, entries); err != nil {
		t.Fatal(err)
	}
	return path
}

func tinyOptions(t *testing.T, manifest, work string) Options {
	cfg := acoustic.DefaultConfig()
	cfg.ConvChannels = [2]int{4, 8}
	cfg.Dim, cfg.Heads, cfg.FFMult, cfg.Blocks, cfg.ConvKernel = 16, 2, 2, 1, 3
	cfg.FreqAttentionHeads = 2
	return Options{
		Train: []string{manifest}, Dev: manifest, WorkDir: work,
		CacheDir: filepath.Join(t.TempDir(), "no-cache"),
		Model:    cfg, Workers: 2, BatchSeconds: 2, MaxSeconds: 1,
		WarmupSteps: 2, TotalSteps: 100, EvalEvery: 2, CheckpointEvery: 1,
		SpeedPerturb: true, NoiseProb: 0,
		PhoneBlock: 1, PhoneWeight: 0.3,
	}
}

func TestPhoneLabels(t *testing.T) {
	set := g2p.PhoneSet(false)
	for _, tc := range []struct{ text, want string }{
		{"hello world", "HH AH L OW W ER L D"},
		{"a", "AH"},
		{"", ""},
	} {
		var got []string
		for _, l := range phoneLabels(tc.text) {
			p, ok := set.Phone(l)
			if !ok {
				t.Fatalf("%q: label %d is no phone", tc.text, l)
			}
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("phoneLabels(%q) = %v, want %s", tc.text, got, tc.want)
		}
	}
}

func TestWithPhoneHeadKeepsWeights(t *testing.T) {
	opts := tinyOptions(t, "", "")
	norm := feature.Norm{Mean: make([]float32, opts.Model.Mels), Std: make([]float32, opts.Model.Mels)}
	for i := range norm.Std {
		norm.Std[i] = 1
	}
	m, err := acoustic.New(opts.Model, acoustic.FrontEnd{Features: feature.DefaultASR(), Norm: norm}, 1)
	if err != nil {
		t.Fatal(err)
	}
	h, err := withPhoneHead(m, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(h.Config().PhoneVocab); got != g2p.PhoneSet(false).Size() {
		t.Fatalf("phone vocab has %d labels", got)
	}
	old := map[string][]float32{}
	for _, p := range m.Params() {
		old[p.Name] = p.Value
	}
	added := 0
	for _, p := range h.Params() {
		v, ok := old[p.Name]
		if !ok {
			added++
			continue
		}
		for i := range v {
			if v[i] != p.Value[i] {
				t.Fatalf("%s[%d] changed", p.Name, i)
			}
		}
	}
	if added != 2 {
		t.Errorf("%d new tensors, want the phone head's weight and bias", added)
	}
}

// TestTrainCheckpointResumeExport runs two steps, resumes for one more,
// and exports: the whole recipe's plumbing, on a toy corpus.
func TestTrainCheckpointResumeExport(t *testing.T) {
	dir := t.TempDir()
	manifest := writeCorpus(t, dir, 6)
	work := filepath.Join(dir, "work")
	var log bytes.Buffer
	opts := tinyOptions(t, manifest, work)
	opts.Steps, opts.Log = 2, &log
	if err := Train(context.Background(), opts); err != nil {
		t.Fatalf("train: %v\n%s", err, log.String())
	}
	for _, f := range []string{runFile, checkpointFile, bestFile, ledgerFile} {
		if _, err := os.Stat(filepath.Join(work, f)); err != nil {
			t.Errorf("%s missing after training: %v", f, err)
		}
	}
	ledger, _ := os.ReadFile(filepath.Join(work, ledgerFile))
	var line map[string]any
	if err := json.Unmarshal(bytes.Split(ledger, []byte("\n"))[0], &line); err != nil || line["step"] != 2.0 {
		t.Errorf("ledger line %q: %v", ledger, err)
	}
	log.Reset()
	opts.Steps = 1
	noDropout := float32(0)
	opts.Dropout = &noDropout // a resumed run may change the rate, and keeps the weights
	if err := Train(context.Background(), opts); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if !strings.Contains(log.String(), "dropout 0.1 -> 0") {
		t.Errorf("resumed run did not change the dropout rate:\n%s", log.String())
	}
	var info runInfo
	if raw, err := os.ReadFile(filepath.Join(work, runFile)); err != nil || json.Unmarshal(raw, &info) != nil || info.Model.Dropout != 0 {
		t.Errorf("run file keeps dropout %g (%v)", info.Model.Dropout, err)
	}
	if !strings.Contains(log.String(), "resumed at step 2") {
		t.Errorf("second run did not resume:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "stopped at step 3") {
		t.Errorf("second run did not stop after one step:\n%s", log.String())
	}
	out := filepath.Join(dir, "model.safetensors")
	if err := Export(work, out, safetensors.F16, true, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acoustic.Load(raw); err != nil {
		t.Fatalf("exported model does not load: %v", err)
	}
	// Fine-tuning from the exported model scores it first (the "before").
	log.Reset()
	ft := tinyOptions(t, manifest, filepath.Join(dir, "finetune"))
	ft.Init, ft.Steps, ft.Log = out, 1, &log
	if err := Train(context.Background(), ft); err != nil {
		t.Fatalf("fine-tune: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "eval step 0 (the --init model)") {
		t.Errorf("fine-tuning run did not score its --init model:\n%s", log.String())
	}
	// A cancelled context stops at once with a checkpoint.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Train(ctx, opts); err == nil {
		t.Error("cancelled run returned no error")
	}
}

func TestOptionsValidate(t *testing.T) {
	if err := (Options{}).Validate(); err == nil {
		t.Error("empty options accepted")
	}
	o := tinyOptions(t, "x.jsonl", "w")
	o.BatchSeconds, o.MaxSeconds = 1, 5
	if err := o.Validate(); err == nil {
		t.Error("batch shorter than the longest utterance accepted")
	}
}

func TestMakeBatches(t *testing.T) {
	var utts []utterance
	for i := 0; i < 50; i++ {
		utts = append(utts, utterance{samples: 1000 + 37*i})
	}
	batches := makeBatches(utts, epochSubset(utts, nil, 1, 0), 10000, 1)
	seen := map[int]bool{}
	for _, b := range batches {
		longest := 0
		for _, i := range b {
			if seen[i] {
				t.Fatalf("utterance %d in two batches", i)
			}
			seen[i] = true
			longest = max(longest, utts[i].samples)
		}
		if len(b) > 1 && longest*len(b) > 10000 {
			t.Errorf("batch %v pads to %d samples", b, longest*len(b))
		}
	}
	if len(seen) != len(utts) {
		t.Errorf("%d of %d utterances batched", len(seen), len(utts))
	}
	again := makeBatches(utts, epochSubset(utts, nil, 1, 0), 10000, 1)
	if len(again) != len(batches) || again[0][0] != batches[0][0] {
		t.Error("same seed, different batches")
	}
}

func TestDenseShare(t *testing.T) {
	cfg := acoustic.DefaultConfig() // 30 ms output frames
	utts := []utterance{
		{labels: []int{1, 2, 3}, samples: 16000},                     // 3 needed of 34 frames
		{labels: make([]int, 30), samples: 16000},                    // 30 equal labels: 59 needed
		{labels: []int{4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, samples: 3200}, // 19 needed of 7 frames
	}
	for i := range utts[1].labels {
		utts[1].labels[i] = 5
	}
	if got := denseShare(utts, cfg, 160, 0.7); math.Abs(got-2.0/3) > 1e-9 {
		t.Errorf("denseShare = %v, want 2/3", got)
	}
}

func TestLimitDevSpreadsFamilies(t *testing.T) {
	var dev []utterance
	for i := 0; i < 500; i++ {
		dev = append(dev, utterance{entry: corpora.Entry{Corpus: "fsdd", ID: "d"}})
	}
	for i := 0; i < 10; i++ {
		dev = append(dev, utterance{entry: corpora.Entry{Corpus: "librispeech-dev", ID: "l"}})
	}
	for i := 0; i < 300; i++ {
		dev = append(dev, utterance{entry: corpora.Entry{Corpus: "speechocean762-train", ID: "s"}})
	}
	got := limitDev(dev, 100)
	count := map[string]int{}
	for _, u := range got {
		count[corpora.Family(u.entry.Corpus)]++
	}
	if len(got) != 100 || count["librispeech"] != 10 || count["fsdd"] != 45 || count["speechocean762"] != 45 {
		t.Errorf("limitDev gave %d: %v", len(got), count)
	}
}

func TestEpochSubsetCapsFamilies(t *testing.T) {
	var utts []utterance
	add := func(corpus string, n, samples int) {
		for i := 0; i < n; i++ {
			utts = append(utts, utterance{entry: corpora.Entry{ID: fmt.Sprintf("%s%d", corpus, i), Corpus: corpus}, samples: samples})
		}
	}
	add("speechocean762-train", 90, 16000) // 90 s
	add("ravdess", 50, 16000)              // 50 s, capped at 10%
	add("fsdd", 4, 8000)                   // 2 s, under its cap
	caps := map[string]float64{"ravdess": 0.1, "fsdd": 0.1}
	seconds := map[string]float64{}
	for _, i := range epochSubset(utts, caps, 1, 0) {
		seconds[corpora.Family(utts[i].entry.Corpus)] += float64(utts[i].samples) / 16000
	}
	total := seconds["speechocean762"] + seconds["ravdess"] + seconds["fsdd"]
	if seconds["speechocean762"] != 90 || seconds["fsdd"] != 2 {
		t.Errorf("uncapped families changed: %v", seconds)
	}
	if share := seconds["ravdess"] / total; share > 0.1+1e-9 || share < 0.08 {
		t.Errorf("ravdess share %.3f, want just under 0.1 (%v)", share, seconds)
	}
	if got := len(epochSubset(utts, nil, 1, 0)); got != len(utts) {
		t.Errorf("no caps kept %d of %d", got, len(utts))
	}
	a, b := epochSubset(utts, caps, 1, 0), epochSubset(utts, caps, 1, 1)
	if fmt.Sprint(a) == fmt.Sprint(b) {
		t.Error("the kept RAVDESS utterances do not change with the epoch")
	}
}
