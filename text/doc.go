// Package text is mynah's one English text normaliser, so that the
// acoustic recipes, the language-model builder, the scorer and the TTS
// front-end all agree on what a word is.
//
// # Two outputs
//
// Normalize gives the spoken form, for ASR transcripts, LM text and
// scoring: lower-case words over a–z and the apostrophe, single spaces,
// apostrophes only inside words ("it's"), every number, symbol and
// abbreviation written out as it is said:
//
//	Normalize("Dr. Smith paid $3.50 on Jan. 5, 1984.")
//	// "doctor smith paid three dollars and fifty cents on january fifth nineteen eighty four"
//
// NormalizeTTS gives the same words as Tokens, with the phrase-break
// punctuation , . ? ! ; : kept as Break tokens for prosody.
//
// # Verbalisation
//
// Cardinals, ordinals ("21st"), decimals, negatives; four-digit integers
// from 1100 to 2099 read as years ("1984" "nineteen eighty four", "2024"
// "twenty twenty four"); decades ("the 1990s"), ranges ("1914-18"),
// fractions ("3/4", "2 1/2", "½"); currency ("$1.5 million", "£5"),
// percentages; dates ("Jan. 5", "5 May 2024", "2024-01-05") and times
// ("10:30 am", "3:00"); telephone numbers, read digit by digit; units
// ("5 km"); abbreviations ("Mr./Mrs./Dr./St." are "mister/missus/doctor/
// saint", the spellings of LibriSpeech transcripts, and "St." after a
// name and before none is "street": "St. John St." is "saint john
// street"); initialisms and acronyms in mixed-case text ("FBI" "f b i",
// "NASA" "nasa", decided by a pronounceability test and a short list);
// URLs and e-mail addresses ("john dot doe at example dot com"); Roman
// numerals after titles ("Chapter IV" "chapter four") and rulers' names
// ("Henry VIII" "henry the eighth").
//
// Numbers are American style, without "and" inside cardinals ("one
// hundred twenty") and with spaces for print's hyphens ("twenty four").
// Text written all in capitals (speechocean762, LibriSpeech) carries no
// case information, so there capitals are never read as initialisms.
//
// # Any encoding
//
// Input is folded to ASCII first: Unicode compatibility decomposition
// (NFKD, UAX #15) with combining marks removed, so "café" is "cafe" and
// "ﬁ" is "fi"; curly quotes and dashes become their ASCII meanings; ß, æ,
// ø and their kin are transliterated. Letters with no obvious English
// spelling (Greek, Cyrillic, CJK) are dropped, and NormalizeReport counts
// them. Bytes that are not valid UTF-8 are read as Windows-1252 (Latin-1),
// and the sentence scanner also reads UTF-16 with a byte-order mark.
//
// # Sentences and LM text
//
// SentenceScanner (and Sentences, SplitSentences) split running text into
// sentences, streaming, without ending at abbreviations ("Mr.", "U.S.")
// or decimals. WriteLM combines the two: a text file in, LM-ready lines
// out, one normalised sentence per line.
//
// # Scoring
//
// WER scores a hypothesis against a reference after normalising both with
// Normalize; Scores add up to corpus totals of substitutions, deletions,
// insertions and reference words, and CER counts character edits over
// reference characters with single spaces counted. The alignment and its
// tie-breaking are those of ../shared/bench/wer.py, whose normalisation
// differs: it does not spell numbers, ours does ("3" and "three" are the
// same word here, two different words there).
//
// All functions are safe for concurrent use; nothing is global and
// mutable.
package text
