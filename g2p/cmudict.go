package g2p

//go:generate go run gen_cmudict.go -dict ../../shared/text/cmudict

import "sync"

// cmudict opens the embedded table once. Opening reads only the header, so
// the first Lookup costs microseconds, not a parse of the dictionary.
var cmudict = sync.OnceValue(func() *Dict {
	d, err := OpenDict(cmudictTable)
	if err != nil {
		// The table is generated and tested; failing here means a broken build.
		panic("g2p: embedded CMUdict table: " + err.Error())
	}
	return d
})

// CMUdict returns the embedded CMU Pronouncing Dictionary (126,052 words,
// 135,166 pronunciations with stress; BSD-2-Clause, see MODEL.md).
func CMUdict() *Dict { return cmudict() }

// Lookup returns every CMUdict pronunciation of word ("word", "word(2)",
// ... in order). Case is ignored and typographic apostrophes match "'", so
// "Don’t" finds "don't".
func Lookup(word string) ([]Pronunciation, bool) { return cmudict().Lookup(word) }
