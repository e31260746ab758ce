package ssml

import "github.com/mynah-speech/mynah/g2p"

// letterNames are the names of the letters as CMUdict spells them ("a." is
// EY1, "w" D AH1 B AH0 L Y UW0). Spelling goes through this table, not
// g2p: as a word, "a" is the article AH0.
var letterNames = [26]string{
	"EY1", "B IY1", "S IY1", "D IY1", "IY1", "EH1 F", "JH IY1", "EY1 CH", "AY1",
	"JH EY1", "K EY1", "EH1 L", "EH1 M", "EH1 N", "OW1", "P IY1", "K Y UW1",
	"AA1 R", "EH1 S", "T IY1", "Y UW1", "V IY1", "D AH1 B AH0 L Y UW0", "EH1 K S",
	"W AY1", "Z IY1",
}

// letterPhones holds letterNames parsed once; never written after.
var letterPhones = func() (t [26]g2p.Pronunciation) {
	for i, s := range letterNames {
		p, err := g2p.ParsePronunciation(s)
		if err != nil {
			panic("ssml: bad letter table: " + err.Error()) // a programming error, caught by every test run
		}
		t[i] = p
	}
	return t
}()
