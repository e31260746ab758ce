// Package lm is the recipe behind `train lm`: it estimates mynah's word
// n-gram language model (package lm: interpolated modified Kneser-Ney,
// count cutoffs, Stolcke entropy pruning) from text files, optionally
// interpolates it with other models such as the embedded default, scores
// held-out text, and writes the model in binary or ARPA form.
//
// Inputs are read by kind: a folder contributes its *.txt files, a
// .jsonl file the "text" field of each line (a corpus manifest), and any
// other file is running text split into sentences. Everything is
// normalised by text.Normalize, the same normaliser the acoustic
// transcripts, the decoder's output and the scorer use, so the LM's words
// are exactly the words the recogniser spells. Vocabulary files (one word
// per line, or the CMU Pronouncing Dictionary's format) add words as
// low-mass unigrams: they get only the Kneser-Ney interpolation mass of the
// unigram distribution, so the recogniser can spell them without the LM
// calling them out of vocabulary.
//
// Held-out files are scored for perplexity and out-of-vocabulary rate and
// are never trained on, even when they sit in a folder given as input.
package lm
