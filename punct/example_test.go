package punct_test

import (
	"fmt"

	"github.com/mynah-speech/mynah/punct"
)

// Parse turns print into the training targets: spoken-form words, each
// with its case and the mark after it.
func ExampleParse() {
	for _, t := range punct.Parse("“Where?” said Mr. Holmes, at 5 o'clock.") {
		fmt.Printf("%s %s %q\n", t.Word, t.Case, t.Mark)
	}
	// Output:
	// where Capitalized "?"
	// said lower ""
	// mister Capitalized ""
	// holmes Capitalized ","
	// at lower ""
	// five lower ""
	// o'clock lower "."
}

// Render writes labelled words as display text.
func ExampleRender() {
	fmt.Println(punct.Render([]punct.Token{
		{Word: "where", Case: punct.Capitalized, Mark: punct.Question},
		{Word: "said", Mark: punct.None},
		{Word: "holmes", Case: punct.Capitalized, Mark: punct.Period},
	}))
	// Output: Where? said Holmes.
}
