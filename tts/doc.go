// Package tts speaks English text: a front-end that turns text into phone
// symbols phrase by phrase, and a Synthesizer that runs a voice (an acoustic
// model and a vocoder, stored together in one voice file) over those phrases
// and streams the audio out sentence by sentence.
//
// # The front-end
//
// Phonemize (and PhraseStream, its streaming twin for book-length input)
// reads text the way a reader does: text.NewSentenceScanner cuts it into
// sentences, text.NormalizeTTS writes every number, date, symbol and
// abbreviation out as words and keeps the phrase-break punctuation, and
// package g2p gives each word its ARPAbet phones with CMUdict's stress
// digits (the dictionary first, its learned letter-to-sound model for the
// rest).
//
// A Phrase is what the acoustic model speaks in one go: a sentence, or part
// of a long one. Its Symbols are
//
//	<sil> HH AH0 L OW1 , # W ER1 L D . <sil>
//
// that is, `<sil>` first and last, the phones of each word, `#` between
// words, and each break (, . ? ! ; :) as its own symbol right after the word
// it follows. A sentence ends a phrase; a sentence longer than
// SoftPhraseSymbols is also cut at its next , ; or : and one longer than
// MaxPhraseSymbols at a word boundary, so that one phrase's memory and
// latency stay bounded whatever the input. Phrase.Pause is the silence
// that follows it.
//
// tts/ssml builds the same phrases from SSML through a PhraseBuilder, adding
// per-phrase Prosody (rate, pitch, volume) and explicit pauses.
//
// # Symbols
//
// The acoustic model's input vocabulary is Symbols(): the 39 ARPAbet phones
// with stress digits on vowels as g2p writes them (AH0 AH1 AH2), the word
// boundary "#", the breaks and "<sil>". Everything in this package is safe
// for concurrent use except a PhraseBuilder, which belongs to one caller.
package tts
