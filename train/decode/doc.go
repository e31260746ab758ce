// Package decode is the decoder's dev evaluation and tuning recipe
// (`train decode`): the figures of issue 8 that need a real acoustic model.
//
// The acoustic model runs once per dev utterance (ComputePosteriors); its
// log-probabilities, of the character head and of the phone head when the
// model has one, are kept in memory and cached on disk under
// ~/.cache/mynah/decode/, keyed by the model's ID and the dev entries, so
// a rerun with another grid or LM costs no acoustic pass. Evaluate then
// measures, on those cached outputs:
//
//  1. greedy (best-path) WER and CER per corpus family and overall;
//  2. CTC prefix beam search with shallow LM fusion over a grid of LM
//     weight α and word bonus β, the best point by overall dev WER, and
//     its relative WER reduction against greedy (issue 8 asks ≥ 15%);
//  3. hotwords: a deterministic list of 50 words, 10 of which occur in dev
//     (the dev words the LM finds least likely, out-of-vocabulary first)
//     and 40 distractors that do not; recall of the 10's occurrences with
//     and without the list (target ≥ 80%) and the WER change on the
//     utterances that contain none of them (target ≤ +2% relative), per
//     per-token boost (-hotword-boosts; -hotword-keep and -hotword-min-lm
//     set the decoder.Hotword terms), with the occurrences missed and the
//     false alarms per word;
//  4. word confidence: the AUROC of confidence for word correctness (each
//     hypothesis word aligned to the reference by Levenshtein distance;
//     target ≥ 0.8), of each decoder.ConfidenceFeatures feature alone and
//     of a logistic regression fitted on one speaker-disjoint half of dev
//     and scored on the other (FitConfidence); its weights fitted on all
//     of dev are printed as the Go literal to ship as
//     decoder.DefaultConfidenceModel; and word times against the CTC
//     forced alignment of the reference under the same model: a
//     self-consistency figure, since no dev manifest carries word times;
//  5. phone-lexicon decoding over the phone head, constrained to the LM's
//     CMUdict words, against character decoding.
//
// Typical runs (the model file copied first, since training rewrites it):
//
//	train decode -model asr.safetensors -json dev.json > dev.md
//	train decode -model asr.safetensors -limit 160 -phone-betas 0,2
//	train decode -render dev.json
//
// The first run over a dev set pays the acoustic pass (about 26 minutes
// of wall time for the 786-utterance dev set on the shared 2-core machine,
// 20 CPU-seconds unloaded); a limited run reuses the whole set's cache.
// Each grid point is one beam search over dev. Tables give words correct
// beside WER: an empty hypothesis scores WER 100%, so a weak acoustic
// model's WER can fall below greedy's merely by emitting fewer words.
//
// The report renders as Markdown tables (Report.WriteMarkdown) and JSON.
// Everything is deterministic: utterances are searched in parallel but
// their results are kept by index and summed in order. Rates are percent;
// −1 marks a figure that could not be measured (JSON has no NaN).
package decode
