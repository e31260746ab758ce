// Package tts is the training recipe of the TTS acoustic model
// (tts/acoustic) on the Kathleen corpus (../shared/corpora/kathleen, CC0,
// 1.4 h of one speaker reading CMU ARCTIC prompts, many twice).
//
// The recipe, `train tts` (cmd/train):
//
//  1. reads the manifest and splits it by prompt (KathleenSplit: every
//     reading of the project's Kathleen dev prompts is held out);
//  2. turns each prompt into front-end symbols (tts.Phonemize) and each
//     recording into the contract's TTS mels and YIN F0 (acoustic.Analyzer),
//     once, into the work folder's features cache (features.gob);
//  3. fixes the normalisation statistics of the training split into the
//     model config (config.json; the architecture flags count only then);
//  4. trains with AdamW under a warm-up cosine schedule on length-bucketed
//     batches, the aligner, predictors and decoder together
//     (acoustic.Model.Loss), turning on the alignment binarisation loss at
//     --binarize-from;
//  5. every --eval-every steps measures the dev losses and the dev
//     mel-cepstral distortion of free synthesis (predicted durations and
//     pitch, DTW against the recording), appends a line to ledger.jsonl,
//     checkpoints (checkpoint.safetensors: weights, optimiser moments, data
//     position) and keeps the model of the best dev MCD (acoustic.safetensors).
//
// The first ledger line also carries the human-to-human MCD: the distortion
// between two readings of the same prompt by the same speaker, the floor a
// model's dev MCD is read against (MCD here is on the mel filterbank's
// cepstrum, so it compares within this project only).
//
// Started again on the same work folder, a run resumes from its checkpoint
// with the same batch order; --until HH:MM (UTC) or SIGINT stops it with a
// checkpoint.
package tts
