package text_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/mynah-speech/mynah/text"
)

func ExampleNormalize() {
	fmt.Println(text.Normalize("Dr. Smith paid $3.50 on Jan. 5, 1984."))
	fmt.Println(text.Normalize("St. John St. is 5 km from the FBI and NASA."))
	fmt.Println(text.Normalize("Chapter IV: Henry VIII in the 1990s"))
	// Output:
	// doctor smith paid three dollars and fifty cents on january fifth nineteen eighty four
	// saint john street is five kilometers from the f b i and nasa
	// chapter four henry the eighth in the nineteen nineties
}

func ExampleNormalizeTTS() {
	for _, tok := range text.NormalizeTTS("Wait -- it's 10:30 a.m.? Yes!") {
		if tok.Kind == text.Break {
			fmt.Printf("[%s] ", tok.Text)
		} else {
			fmt.Printf("%s ", tok.Text)
		}
	}
	fmt.Println()
	// Output:
	// wait [,] it's ten thirty a m [?] yes [!]
}

func ExampleNormalizeReport() {
	s, rep := text.NormalizeReport("Café au lait in 東京")
	fmt.Printf("%q transliterated=%d dropped=%d\n", s, rep.Transliterated, rep.Dropped)
	// Output:
	// "cafe au lait in" transliterated=1 dropped=2
}

func ExampleSentenceScanner() {
	sc := text.NewSentenceScanner(strings.NewReader("Mr. Smith lives in the U.S. now. He paid\n$3.50 for it! Why?"))
	for sc.Scan() {
		fmt.Println(sc.Text())
	}
	// Output:
	// Mr. Smith lives in the U.S. now.
	// He paid $3.50 for it!
	// Why?
}

func ExampleWriteLM() {
	in := "CHAPTER I.\n\nIt was 1984. Mr. Jones\nsaid: “Hello!”"
	st, err := text.WriteLM(os.Stdout, strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(st.Lines, "lines,", st.Words, "words")
	// Output:
	// chapter one
	// it was nineteen eighty four
	// mister jones said hello
	// 3 lines, 11 words
}

func ExampleWER() {
	ref := []string{"It cost $3.", "the cat sat on the mat"}
	hyp := []string{"it cost three dollars", "the cat on a mat"}
	var total text.Score
	for i := range ref {
		total = total.Add(text.WER(ref[i], hyp[i]))
	}
	fmt.Println(total)
	// Output:
	// WER 20.00% (1 sub, 1 del, 0 ins, 10 ref words) CER 16.28%
}
