// Package decoder turns an acoustic model's CTC output, a matrix of
// per-frame log-probabilities over tokens, into words: greedy (best-path)
// decoding, and CTC prefix beam search with shallow fusion of a word n-gram
// LM, lexicon-free or lexicon-constrained, with run-time hotwords, per-word
// times and confidences, N-best lists and a streaming API.
//
// # Search
//
// The beam search is the CTC prefix search of Hannun et al. ("First-pass
// large vocabulary continuous speech recognition using bidirectional
// recurrent DNNs", 2014, Algorithm 1). Each prefix keeps two probabilities,
// of the paths ending in blank and in its last token, so alignments that
// collapse to the same text are summed, not competing. Prefixes live in a
// tree that shares their common beginnings; everything that depends only on
// the text (LM state, fusion score, lexicon and hotword positions) is
// computed once per tree node. A prefix's fused score is
//
//	ln P_ctc + α·ln P_lm + β·|words| − OOV penalties + hotword bonus
//
// with the LM applied when a word separator completes a word and, at the
// end, to </s>. Tokens below TokenMinLogProb in a frame are skipped;
// prefixes more than BeamPrune below the frame's best, or beyond BeamSize,
// are dropped.
//
// Most extensions of a frame are dropped by that same pruning, so the
// search avoids paying for them without changing its result: the beam's
// own blank and repeat paths give a floor (the best of them less
// BeamPrune and, in a full beam, the smallest of them) below which an
// extension cannot survive; an extension into a prefix the tree does not
// hold yet is only a proposal, whose text (LM word, lexicon step, hotword
// step) is worked out only if a bound on its score reaches the BeamSize-th
// best prefix already scored, and which becomes a node only if it enters
// the beam. Prefixes in the beam receive all their paths uncut, so the
// scores are those of the full search (TestEarlyCutKeepsResults).
//
// # Modes
//
// Lexicon-free mode (the default) spells any word; a partial word that
// leaves the lexicon (by default the LM's vocabulary) pays OOVPenalty once.
// Constrained mode (Config.Constrained) allows only a Lexicon's words: a
// grammar of digits or commands. A Lexicon is built through a SpellFunc, so
// a phone model's pronunciations plug in the same way as spelling.
//
// # Hotwords
//
// Hotwords are compiled per stream into an Aho-Corasick automaton over
// tokens whose states carry a bonus, in the manner of icefall's context
// graph (Yang et al., 2023) and the prefix-trie biasing of Zhao et al.
// ("Shallow-fusion end-to-end contextual biasing", 2019): each token
// extending a match earns Boost at once, so the phrase's prefixes survive
// pruning; the unconfirmed bonus is taken back when the match fails, and a
// completed word keeps Keep instead (by default four times Boost, not the
// sum of its per-token boosts, so long words gain no more than short
// ones). Phrases match whole words only. A hotword's words are scored by
// the LM at least as likely as MinLMLogProb, and a spelling unknown to the
// LM is spared the OOV penalty; both count as unconfirmed bonus too.
//
// Prefix bonuses bias the pruning as well as the scores: a beam filled with
// the beginnings of phrases that then fail has already lost the hypotheses
// they displaced. So with hotwords the beam keeps the BeamSize best prefixes
// by fused score and, besides them, the BeamSize best by that score less
// the unconfirmed bonus: the prefixes the unbiased search would keep. On
// dev this took the WER cost of a 50-word list on utterances without any
// of its words from +2.55% to +0.58% relative at the old settings.
//
// The beam can only favour what it still holds, and a weak acoustic model
// often ranks a name's letters far below the beam's survivors. So a stream
// with hotwords also runs a CTC word spotter beside it (SpotConfig; CTC-WS
// of Andrusenko et al., 2024): token passing over each phrase's CTC
// topology, free to start at any frame, scores the whole phrase on the
// frames it spans (log-probabilities plus TokenWeight per frame on one of
// its tokens). A match survives when it beats the words of the greedy
// alignment over the same frames (their log-probabilities plus
// AlignTokenWeight per token) and does not cut into them (whole words
// only), and it then replaces the words it covers in every final
// hypothesis. Partial results come from the beam alone.
//
// # Times, confidence, streaming
//
// Each prefix state also carries the Viterbi score of its best alignment
// and that alignment's word boundaries, so word times follow the best path
// of the hypothesis reported. A word's confidence is a logistic regression
// (ConfidenceModel, fitted on dev words by `train decode`) over its
// ConfidenceFeatures: its posterior over the final beam (the share of the
// hypotheses' mass that has the same word at an overlapping time, after
// Evermann and Woodland, 2000), the lowest and mean frame probability over
// its frames, its duration per letter, its LM log-probability and whether
// the LM knows it, and its length. On held-out dev speakers the
// combination separates right from wrong words far better than the
// posterior alone (AUROC 0.82–0.85 against 0.61). A Stream takes frames in chunks; Partial reports the best
// hypothesis and how many of its words are settled (shared by every
// surviving prefix, so they can no longer change); SettleAfter bounds how
// long a word may stay unsettled by dropping prefixes that disagree with
// the best one about words that ended that long ago.
//
// The decoder never imports the acoustic model (nn) nor g2p: any source of
// log-probabilities and any pronunciation function will do.
package decoder
