package term_test

import (
	"bytes"
	"fmt"

	"github.com/mynah-speech/mynah/cmd/internal/term"
)

// A command draws progress only on a terminal: never into a buffer, a
// file or a pipe.
func ExampleIsTerminal() {
	var buf bytes.Buffer
	fmt.Println(term.IsTerminal(&buf))
	// Output: false
}
