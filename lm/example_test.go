package lm_test

import (
	"fmt"
	"strings"

	"github.com/mynah-speech/mynah/lm"
)

func Example() {
	b, err := lm.NewBuilder(lm.BuildConfig{Order: 3})
	if err != nil {
		panic(err)
	}
	b.AddText(strings.NewReader("The cat sat on the mat. The dog sat on the log. The cat ran."))
	g, err := b.Estimate()
	if err != nil {
		panic(err)
	}
	m, err := g.Compile()
	if err != nil {
		panic(err)
	}
	score := func(sentence string) float64 {
		lp, _ := m.SentenceLogProb(strings.Fields(sentence))
		return lp
	}
	fmt.Println(g.Counts())
	fmt.Println(score("the cat sat on the mat") > score("mat the on sat cat the"))
	// Output:
	// [11 13 13]
	// true
}
