package dictate_test

import (
	"fmt"

	"github.com/mynah-speech/mynah/cmd/livemic/internal/dictate"
)

func Example() {
	var f dictate.Formatter
	for _, utterance := range []string{
		"hello comma",
		"how are you question mark",
		"i am fine full stop new paragraph thanks period",
	} {
		fmt.Printf("%q\n", f.Format(utterance))
	}
	// Output:
	// "Hello,"
	// "how are you?"
	// "I am fine.\n\nThanks."
}
