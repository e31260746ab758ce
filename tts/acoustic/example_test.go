package acoustic_test

import (
	"fmt"
	"strings"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/tts/acoustic"
)

// MAS finds each symbol's frames from a soft alignment: here 7 frames of 3
// symbols whose scores favour frames 0–1, 2–4 and 5–6.
func ExampleMAS() {
	logp := []float32{
		0, -5, -5,
		0, -5, -5,
		-5, 0, -5,
		-5, 0, -5,
		-5, 0, -5,
		-5, -5, 0,
		-5, -5, 0,
	}
	dur, err := acoustic.MAS(nil, logp, 7, 3)
	if err != nil {
		panic(err)
	}
	fmt.Println(dur)
	// Output: [2 3 2]
}

// A model renders one phrase of front-end symbols into mels, F0 and
// per-symbol durations; the result is deterministic.
func ExampleModel_Synthesize() {
	m, err := acoustic.New(acoustic.DefaultConfig(), 1) // untrained weights
	if err != nil {
		panic(err)
	}
	symbols := strings.Fields("<sil> HH AH0 L OW1 . <sil>")
	out, err := m.Synthesize(nn.NewTape(0), symbols, acoustic.Controls{Speed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(out.Durations), len(out.Mels) == out.Frames*80, len(out.F0) == out.Frames)
	_, err = m.Synthesize(nil, []string{"<sil>", "QQ1"}, acoustic.Controls{})
	fmt.Println(err)
	// Output:
	// 7 true true
	// tts acoustic: symbol 1 "QQ1": unknown symbol
}
