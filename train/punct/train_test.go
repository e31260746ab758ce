package punct

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/punct"
)

// toyBooks writes a folder of small books made of a few sentence
// patterns, under the names heldout.txt expects plus two training books.
func toyBooks(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	test, dev, err := splitList(heldOutList)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"train-one.txt", "train-two.txt"}
	for n := range test {
		names = append(names, n)
	}
	for n := range dev {
		names = append(names, n)
	}
	sentences := []string{
		"Where is the cat?", "The cat is in the garden.", "Mr. Holmes said nothing, and then he left.",
		"What a fine day it is!", "I saw the dog, the cat and the bird.", "Is he coming home?",
		"London is a large city.", "She smiled; he did not.",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range names {
		var b strings.Builder
		for i := range 400 {
			b.WriteString(sentences[rng.IntN(len(sentences))])
			if i%7 == 6 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		if err := os.WriteFile(filepath.Join(dir, n), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The linear recipe learns the toy books' marks, stops and resumes, and
// writes a model that loads.
func TestTrainLinear(t *testing.T) {
	dir, work := toyBooks(t), t.TempDir()
	out := filepath.Join(t.TempDir(), "punct.safetensors")
	var stdout, stderr bytes.Buffer
	args := []string{"--text", dir, "--work", work, "--epochs", "2", "--out", out}
	// A cancelled run saves its state and reports that it stopped.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := Main(ctx, args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "resume") {
		t.Fatalf("cancelled run: code %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := Main(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("code %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "full variant") {
		t.Errorf("no report:\n%s", stdout.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := punct.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Punctuate("where is the cat the cat is in the garden is he coming home")
	if got != "Where is the cat? The cat is in the garden. Is he coming home?" {
		t.Errorf("Punctuate: %q", got)
	}

	// --retune --no-test re-tunes a model file on the dev books only and
	// writes it to --out.
	stdout.Reset()
	retuned := filepath.Join(t.TempDir(), "retuned.safetensors")
	if code := Main(context.Background(), []string{"--text", dir, "--work", work, "--retune", out, "--no-test", "--out", retuned}, &stdout, &stderr); code != 0 {
		t.Fatalf("retune: code %d\n%s", code, stderr.String())
	}
	if rep := stdout.String(); !strings.Contains(rep, "dev words") || strings.Contains(rep, "test words") {
		t.Errorf("retune --no-test report:\n%s", rep)
	}
	if data, err := os.ReadFile(retuned); err != nil {
		t.Error(err)
	} else if _, err := punct.Load(data); err != nil {
		t.Error(err)
	}
}

// tuneScores finds the opener bias when questions score just below
// periods in sentences that a question word opens, and leaves the others
// alone.
func TestTuneOpenerBias(t *testing.T) {
	const n = punct.NumMarks + punct.NumCases
	var ref []punct.Token
	var scores []float32
	add := func(text string, end punct.Mark) {
		words := strings.Fields(text)
		for i, w := range words {
			row := make([]float32, n)
			row[punct.None] = 2
			mark, c := punct.None, punct.Lower
			if i == len(words)-1 {
				mark = end
				row[punct.Period], row[punct.Question] = 3, 2.5
			}
			if i == 0 { // the case head knows a sentence start
				c = punct.Capitalized
				row[punct.NumMarks+int(c)] = 1
			}
			ref = append(ref, punct.Token{Word: w, Case: c, Mark: mark})
			scores = append(scores, row...)
		}
	}
	for range 20 {
		add("where is the cat", punct.Question)
		add("the cat is here", punct.Period)
		add("and why is it here", punct.Question)
		add("it is here", punct.Period)
	}
	words := make([]string, len(ref))
	for i, tok := range ref {
		words[i] = tok.Word
	}
	d := tuneScores(words, scores, ref, 5)
	got := punct.Decode(words, scores, d, punct.None, true)
	for i, tok := range got {
		if tok.Mark != ref[i].Mark || tok.Case != ref[i].Case {
			t.Fatalf("decision %+v: word %d %v, want %v", d, i, tok, ref[i])
		}
	}
	if d.OpenerBias <= 0 {
		t.Errorf("opener bias %v", d.OpenerBias)
	}
}

// The convolutional recipe runs a few steps, checkpoints and resumes.
func TestTrainCNN(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network")
	}
	dir, work := toyBooks(t), t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"--arch", "cnn", "--text", dir, "--work", work, "--vocab", "50", "--batch", "4", "--window", "16",
		"--workers", "2", "--steps", "6", "--warmup-steps", "2", "--stop-after", "3", "--eval-every", "2", "--dev-words", "200"}
	if code := Main(context.Background(), args, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "stopped at step 3") {
		t.Fatalf("first run: code %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := Main(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: code %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "resumed at step 3") || !strings.Contains(stdout.String(), "streaming variant") {
		t.Errorf("no resume or report:\n%s\n%s", stdout.String(), stderr.String())
	}
	if _, err := os.Stat(filepath.Join(work, modelFile)); err != nil {
		t.Error(err)
	}
}

func TestUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"--bogus"}, &stdout, &stderr); code != 2 {
		t.Errorf("bad flag: code %d", code)
	}
	if code := Main(context.Background(), []string{"--arch", "rnn", "--work", t.TempDir()}, &stdout, &stderr); code != 1 {
		t.Errorf("bad arch: code %d", code)
	}
	if code := Main(context.Background(), []string{"--text", t.TempDir(), "--work", t.TempDir()}, &stdout, &stderr); code != 1 {
		t.Errorf("no books: code %d", code)
	}
}

func TestSplitList(t *testing.T) {
	test, dev, err := splitList(heldOutList)
	if err != nil || len(test) == 0 || len(dev) == 0 {
		t.Fatalf("committed list: %v %v %v", test, dev, err)
	}
	for n := range test {
		if dev[n] {
			t.Errorf("%s is both test and dev", n)
		}
	}
	if _, _, err := splitList("train x.txt"); err == nil {
		t.Error("bad line accepted")
	}
}
