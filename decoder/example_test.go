package decoder_test

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/decoder"
)

// frames spells a script one frame per character ('_' for blank), giving
// the scripted token probability 0.9.
func frames(vocab decoder.Vocabulary, script string) []float32 {
	var out []float32
	for _, r := range script {
		for i, tok := range vocab.Tokens {
			p := 0.1 / float64(len(vocab.Tokens)-1)
			if (r == '_' && i == vocab.Blank) || tok == string(r) {
				p = 0.9
			}
			out = append(out, float32(math.Log(p)))
		}
	}
	return out
}

func Example() {
	vocab := decoder.CharVocabulary()
	d, err := decoder.New(vocab, decoder.DefaultConfig(), decoder.Resources{})
	if err != nil {
		panic(err)
	}
	hyps, err := d.Decode(frames(vocab, "_hh_e_ll_l_o__ _w_o_r_l_d_"), nil)
	if err != nil {
		panic(err)
	}
	for _, w := range hyps[0].Words {
		fmt.Printf("%s %v–%v\n", w.Text, w.Start, w.End)
	}
	// Output:
	// hello 30ms–360ms
	// world 480ms–750ms
}

func ExampleStream() {
	vocab := decoder.CharVocabulary()
	d, _ := decoder.New(vocab, decoder.DefaultConfig(), decoder.Resources{})
	s := d.NewStream(nil)
	s.Push(frames(vocab, "_y_e_s_ "))
	fmt.Printf("partial: %q\n", s.Partial().Text())
	s.Push(frames(vocab, "_n_o__"))
	fmt.Printf("final: %q\n", s.Finalize()[0].Text)
	// Output:
	// partial: "yes"
	// final: "yes no"
}
