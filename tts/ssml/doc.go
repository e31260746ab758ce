// Package ssml reads the subset of SSML 1.1 (W3C Speech Synthesis Markup
// Language, https://www.w3.org/TR/speech-synthesis11/) that mynah speaks,
// into the same tts.Phrase values tts.Phonemize makes from plain text, with
// per-phrase prosody and explicit pauses:
//
//	<speak>                root; a document without it is an error
//	<break time strength>  a pause ("500ms", "2s"; none … x-strong)
//	<prosody rate pitch volume>
//	                       rate and pitch as keywords (x-slow … x-fast,
//	                       x-low … x-high), percentages ("150%", "+20%"),
//	                       pitch also in semitones ("-2st"); volume as
//	                       keywords (silent … x-loud), "+6dB" or 0–100
//	<say-as interpret-as="characters|cardinal|ordinal|date|telephone">
//	                       (date takes format="mdy|dmy|ymd|md|dm|ym|my|y")
//	<phoneme alphabet="arpabet" ph="T AH0 M EY1 T OW2">
//	<sub alias>, <p>, <s>  spoken alias; paragraph and sentence ends
//
// Anything else (other elements, IPA, pitch in Hz, audio) is an error
// wrapping ErrUnsupported, rather than being silently misread. Errors are
// *Error values carrying the line and column where the problem is.
//
// Prosody is per phrase, since the acoustic model takes one set of
// controls per call: a <prosody> change closes the phrase before it.
// Text between tags is normalised as plain text is (text.NormalizeTTS,
// sentence by sentence), so <speak>TEXT</speak> gives exactly
// tts.Phonemize(TEXT).
package ssml
