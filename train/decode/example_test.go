package decode_test

import (
	"fmt"

	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/train/decode"
)

// SelectEntries spreads a dev limit over the corpus families: a small
// family is kept whole, larger ones are sampled evenly.
func ExampleSelectEntries() {
	var dev []corpora.Entry
	for i := range 6 {
		dev = append(dev, corpora.Entry{ID: fmt.Sprint("digit", i), Corpus: "fsdd", Text: "zero"})
	}
	dev = append(dev, corpora.Entry{ID: "arctic_a0001", Corpus: "kathleen", Text: "author of the danger trail"})
	for _, e := range decode.SelectEntries(dev, 4) {
		fmt.Println(corpora.Family(e.Corpus), e.ID)
	}
	// Output:
	// kathleen arctic_a0001
	// fsdd digit0
	// fsdd digit2
	// fsdd digit4
}
