package punct

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/nn"
)

// benchModels returns the shipped model (when ../models holds it) and
// untrained models of the default shapes: speed does not depend on the
// weights' values, only on the shape.
func benchModels(b *testing.B) map[string]*Model {
	out := map[string]*Model{}
	if data, err := os.ReadFile("../models/punct-en.safetensors"); err == nil {
		m, err := Load(data)
		if err != nil {
			b.Fatal(err)
		}
		out["shipped"] = m
	}
	lin, err := NewModel(DefaultLinearConfig(), 1)
	if err != nil {
		b.Fatal(err)
	}
	out["linear"] = lin
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%d", i)
	}
	cnn, err := NewModel(DefaultConfig(vocab), 1)
	if err != nil {
		b.Fatal(err)
	}
	out["cnn"] = cnn
	return out
}

// benchText is 2,000 words of ordinary prose in spoken form.
func benchText() []string {
	base := strings.Fields(`it is a truth universally acknowledged that a single man in possession of a good fortune
must be in want of a wife however little known the feelings or views of such a man may be on his first entering
a neighbourhood this truth is so well fixed in the minds of the surrounding families that he is considered the
rightful property of some one or other of their daughters my dear mister bennet said his lady to him one day have
you heard that netherfield park is let at last`)
	out := make([]string, 0, 2000)
	for len(out) < 2000 {
		out = append(out, base...)
	}
	return out[:2000]
}

// BenchmarkPunctuate reports words labelled per second by Apply (the
// whole text at once) and by a Stream fed one word at a time, on one
// goroutine, for each model kind; words/CPU-s is the figure to read on a
// shared machine.
func BenchmarkPunctuate(b *testing.B) {
	words := benchText()
	for name, m := range benchModels(b) {
		b.Run("model="+name+"/mode=apply", func(b *testing.B) {
			start, cpu0 := time.Now(), cpuTime()
			for b.Loop() {
				m.Apply(words)
			}
			report(b, len(words), start, cpu0)
		})
		b.Run("model="+name+"/mode=stream", func(b *testing.B) {
			start, cpu0 := time.Now(), cpuTime()
			for b.Loop() {
				s := m.NewStream()
				for _, w := range words {
					s.Accept(w)
				}
				s.Flush()
			}
			report(b, len(words), start, cpu0)
		})
	}
}

func report(b *testing.B, words int, start time.Time, cpu0 time.Duration) {
	n := float64(words * b.N)
	b.ReportMetric(n/time.Since(start).Seconds(), "words/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(n/cpu, "words/CPU-s")
	}
}

// BenchmarkTrainStepCNN times one training step of the convolutional
// tagger (both encoders, 16 windows of 64 words), the cost that decides
// whether it can be trained on a machine.
func BenchmarkTrainStepCNN(b *testing.B) {
	m := benchModels(b)["cnn"]
	const B, T = 16, 64
	words := benchText()[:B*T]
	ids := m.Features(nil, words...)
	tape := nn.NewTape(1)
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		tape.Reset()
		var loss *nn.Var
		for _, v := range []Variant{Full, Streaming} {
			out, err := m.Forward(tape, v, ids, B, T)
			if err != nil {
				b.Fatal(err)
			}
			l := tape.Mean(tape.LogSoftmax(out))
			if loss == nil {
				loss = l
			} else {
				loss = tape.Add(loss, l)
			}
		}
		tape.Backward(loss)
	}
	report(b, B*T, start, cpu0)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
