// Package lm is mynah's word n-gram language model: estimation with
// modified Kneser-Ney smoothing, ARPA read and write, a compact binary form
// that loads from embedded bytes without parsing, and the state-based
// scoring API the CTC decoder calls at every word boundary.
//
// # Three forms of one model
//
// A Builder counts n-grams over a stream of normalised sentences and
// Estimate turns the counts into an NGrams: an explicit list of n-grams with
// log10 probabilities and backoff weights, exactly what an ARPA file holds.
// NGrams is the interchange form: ReadARPA and WriteARPA convert it to and
// from text, WriteBinary writes the compact form, and Compile turns it into
// a Model. Model is the query form: immutable, safe for concurrent use,
// hashed (KenLM's "probing" layout: one open-addressing table of 64-bit
// n-gram hashes per order) and loadable by Load straight from a byte slice,
// aliasing the bytes rather than parsing them.
//
// # Smoothing
//
// Estimate implements interpolated modified Kneser-Ney (Chen and Goodman,
// "An Empirical Study of Smoothing Techniques for Language Modeling", 1998,
// §3.5 and §4.1.6) the way KenLM's lmplz does: the highest order uses raw
// counts, lower orders use continuation counts N1+(• w) except for n-grams
// that begin with <s>; three discounts per order come from the counts of
// counts; unigrams interpolate with the uniform distribution, so <unk>
// receives only the interpolation mass. Because the model is interpolated,
// the stored probability of an n-gram is already the interpolated one and the
// backoff weight of a context is its interpolation weight γ(h).
//
// Count cutoffs drop rare n-grams after estimation; the backoff weights of
// the affected contexts are then renormalised so each conditional
// distribution still sums to one (Stolcke, "Entropy-based pruning of backoff
// language models", 1998, eq. 9). BuildConfig.PruneThreshold then removes
// further n-grams by that paper's relative-entropy criterion, with history
// probabilities taken from the training counts (Chelba et al., 2010), and
// Builder.EstimateWithin picks the threshold that fits a size budget.
//
// # The spelling trie
//
// A lexicon-free CTC decoder checks, letter by letter, whether the word a
// hypothesis is spelling can still become a vocabulary word. The binary
// form (MYNAHLM2) carries that trie of the vocabulary, so a decoder reads
// it in place (Model.Spelling) instead of building it at start-up: for the
// shipped 146,835-word model that was 0.13 s of CPU, more than loading
// everything else. The trie numbers its nodes breadth first and stores one
// 32-bit child mask per node plus running counts per block of eight nodes
// (a LOUDS-like layout, Jacobson 1989), about 7 bytes per node; vocabularies
// of more than 31 distinct bytes get none (MYNAHLM1, the same form without
// the trie).
//
// # Mixtures and formats
//
// Interpolate mixes models linearly over their full backoff distributions
// (the exact mixture, computed at query time, so a model known only in
// binary form can take part); a mixture is a Model like any other and has
// its own binary container. Parse reads any of the three forms — binary,
// binary mixture, ARPA — telling them apart by their first bytes.
//
// # Scores
//
// Model scores are natural logarithms (nats), so they add directly to CTC
// log-probabilities; ARPA files and NGrams hold log10, as the format
// requires. A State is a small comparable value holding the last words of
// the history that can still matter (KenLM's state minimisation), so
// decoders may use it as a map key to merge hypotheses.
package lm
