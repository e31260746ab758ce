// Package g2p turns English words into ARPAbet phones with lexical stress:
// the pronunciations that the TTS front-end speaks, the acoustic model's
// phone head learns (stress stripped) and the decoder's phone-lexicon mode
// and hotwords search for.
//
// # Dictionary first
//
// The CMU Pronouncing Dictionary (126,052 words, 135,166 pronunciations;
// BSD-2-Clause) is compiled by gen_cmudict.go (go generate) into a 1.75 MB
// table that is embedded and read in place: sorted, front-coded words in
// blocks of 32 with one byte per phone, found by a binary search over the
// blocks. Nothing is parsed at start-up. Lookup returns every variant in
// CMUdict's order ("word", "word(2)", ...); case is ignored and typographic
// apostrophes match, so "Don’t" finds "don't".
//
// # A learned model for the rest
//
// Phones gives one best guess for any word: the dictionary's first
// variant; else the dictionary's pronunciations of its parts ("hello-kitty",
// possessives such as "xylophone's"); else the embedded letter-to-sound
// model. That model is a CTC model over letters upsampled twice (a small
// convolution-plus-attention encoder, 556 k parameters, 1.1 MB in fp16),
// trained in Go with package nn on CMUdict by train/g2p, stress kept, with
// 5% of the words held out; its greedy output is given exactly one primary
// stress, as almost every English word has. MODEL.md is its card: data,
// licence, command and held-out phone and word error rates.
//
// Pronounce runs a whole text through text.Normalize (numbers, symbols and
// abbreviations spelled out) and pronounces every word.
//
// # Phones and stress
//
// A Phone is one of the 39 ARPAbet phones (the constants AA … ZH) with a
// Stress mark: AH0, AH1, AH2 as CMUdict writes them, or Unmarked for
// consonants and for vowels after StripStress. PhoneSet gives the CTC
// vocabularies, blank first: 40 labels without stress, 70 with.
//
// Everything here is safe for concurrent use; the dictionary and the
// model are immutable.
package g2p
