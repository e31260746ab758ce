// Package g2p turns English words into ARPAbet phones with lexical stress:
// the pronunciations that the TTS front-end speaks, the acoustic model's
// phone head learns (stress stripped) and the decoder's phone-lexicon mode
// and hotwords search for.
//
// # Dictionary first
//
// The CMU Pronouncing Dictionary (126,052 words, 135,166 pronunciations;
// BSD-2-Clause) is compiled by g2p/gen_cmudict.go into a 1.7 MB table that is
// embedded and read in place: sorted, front-coded words in blocks of 32 with
// one byte per phone, found by a binary search over the blocks. Nothing is
// parsed at start-up. Lookup returns every variant in CMUdict's order
// ("word", "word(2)", ...); case is ignored and typographic apostrophes
// match, so "Don’t" finds "don't".
//
// # Phones and stress
//
// A Phone is one of the 39 ARPAbet phones (the constants AA … ZH) with a
// Stress mark: AH0, AH1, AH2 as CMUdict writes them, or Unmarked for
// consonants and for vowels after StripStress. PhoneSet gives the CTC
// vocabularies, blank first: 40 labels without stress, 70 with.
package g2p
