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
// # Synthesis
//
// A Synthesizer speaks phrases with a Voice: for each phrase the acoustic
// model (AcousticModel: symbols to TTS mels and F0, with speed and pitch
// controls) and the vocoder (Vocoder: mels and F0 to 22,050 Hz samples,
// HopSamples per frame), then the volume and the pause. Options scale
// speed, pitch and volume for the whole text, each phrase's Prosody on top,
// and resample the output to any rate (audio.Resample).
//
// Stream returns the speech as an audio.Source that streams: a goroutine
// synthesises Options.Lookahead phrases ahead of the reader, so the first
// sentence's audio can be read (played, written) while later sentences are
// still being read and synthesised, and memory stays bounded by a few
// phrases on book-length input. Close the Stream to stop early.
//
// # Voice files
//
// A voice is one safetensors file holding both networks (tensors under
// "acoustic." and "vocoder.", their configs in the metadata) and a
// VoiceCard as JSON, at most MaxVoiceBytes. LoadVoice reads one (from
// disk, or embedded bytes), WriteVoice writes one, and
// models/voice_gen.go builds one from the two trained models. Package
// tts/ttstest has a fake voice for tests of code built on this package.
//
// # Symbols
//
// The acoustic model's input vocabulary is Symbols(): the 39 ARPAbet phones
// with stress digits on vowels as g2p writes them (AH0 AH1 AH2), the word
// boundary "#", the breaks and "<sil>".
//
// Everything in this package is safe for concurrent use except a
// PhraseBuilder and a Stream, which belong to one caller each.
package tts
