// Package punct restores punctuation and case to the lower-case,
// unpunctuated words a speech recogniser writes, so that transcripts and
// dictation read like text a person wrote:
//
//	m, err := punct.Load(models.Punctuation())
//	...
//	m.Punctuate("where are you going said the man")
//	// "Where are you going? said the man."  (for example)
//
// For each word a small learned tagger predicts the mark after it (none
// , . ? !) and how it is written (lower, Capitalized, UPPER). Two kinds
// of tagger share this API and the model file format (Config.Arch):
//
//   - the convolutional tagger: a stack of dilated convolutions over word
//     embeddings (model.go gives the design and its sources), tens of
//     thousands of words a second on one core. Two encoders share one
//     file: Full reads up to 15 words either side of a word, for files
//     (Apply, Punctuate); Streaming reads at most three words ahead, for
//     live dictation (Stream), each word final as soon as three more
//     have arrived.
//   - the linear tagger (linear.go): hashed n-gram features, cheap to
//     train and over a million words a second; it reads two words ahead,
//     so one set of weights serves both variants.
//
// Scores become labels by a small decision rule stored in the model file
// (Decision): per-mark biases tuned on held-out books for F1, a bias that
// turns a period into a question mark when the sentence opened with a
// question word, and capitals for the first word and the word after a
// period.
//
// The labels come from print: Parse reads punctuated, cased text (books)
// into spoken-form words (text.Normalize) with their case and following
// mark, folding ; : and dashes into commas. The training recipe is
// train/punct; Compare scores a tagging with the per-class precision,
// recall and F1 of punctuation restoration and casing accuracy.
//
// Scoring speech recognition is unaffected: WER is computed on the
// normalised words, which the tagger never changes (it only adds case and
// marks, one display word per input word).
package punct
