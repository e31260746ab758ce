package g2p_test

import (
	"fmt"

	"github.com/mynah-speech/mynah/g2p"
)

func ExampleLookup() {
	prons, _ := g2p.Lookup("tomato")
	for _, p := range prons {
		fmt.Println(p)
	}
	// Output:
	// T AH0 M EY1 T OW2
	// T AH0 M AA1 T OW2
}

func ExampleStripStress() {
	prons, _ := g2p.Lookup("hello")
	fmt.Println(g2p.Pronunciation(g2p.StripStress(prons[0])))
	// Output: HH AH L OW
}

func ExamplePhoneSet() {
	v := g2p.PhoneSet(false)
	prons, _ := g2p.Lookup("cat")
	labels, _ := v.Encode(nil, prons[0])
	fmt.Println(v.Size(), labels, v.Labels()[:4])
	// Output: 40 [20 2 31] [<blank> AA AE AH]
}

func ExamplePronounce() {
	for _, w := range g2p.Pronounce("Read 2 books.") {
		fmt.Printf("%s: %v (%v)\n", w.Text, g2p.Pronunciation(w.Phones), w.Source)
	}
	// Output:
	// read: R EH1 D (dict)
	// two: T UW1 (dict)
	// books: B UH1 K S (dict)
}
