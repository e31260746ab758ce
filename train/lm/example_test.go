package lm_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	ngram "github.com/mynah-speech/mynah/lm"
	trainlm "github.com/mynah-speech/mynah/train/lm"
)

// Train a trigram from a text file and score a held-out one, as
// `train lm --text book.txt --heldout held.txt --order 3 --out lm.bin`
// does.
func Example() {
	dir, err := os.MkdirTemp("", "trainlm")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	book := filepath.Join(dir, "book.txt")
	held := filepath.Join(dir, "held.txt")
	os.WriteFile(book, []byte("The cat sat on the mat. The dog sat on the log. The cat saw 2 dogs."), 0o644)
	os.WriteFile(held, []byte("The dog sat on the mat."), 0o644)
	rep, err := trainlm.Train(context.Background(), trainlm.Options{
		Texts:   []string{book},
		HeldOut: []string{held},
		Out:     filepath.Join(dir, "lm.bin"),
		Build:   ngram.BuildConfig{Order: 3},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sentences:", rep.Sentences, "n-grams per order:", rep.NGrams)
	fmt.Printf("held out: %d words, %d OOV, perplexity %.1f\n", rep.HeldOut.Words, rep.HeldOut.OOV, rep.HeldOut.Value)
	// Output:
	// sentences: 3 n-grams per order: [13 15 15]
	// held out: 6 words, 0 OOV, perplexity 1.8
}
