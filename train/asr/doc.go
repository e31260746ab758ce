// Package asr trains mynah's acoustic model: the recipe behind
// `train asr`. It reads JSON Lines manifests and the PCM cache made by
// package corpora, computes log-mel features on the fly with seeded
// augmentation, and runs data-parallel CTC training (nn.Workers) with
// AdamW, warm-up plus cosine decay, dynamic attention chunks for
// streaming, weight EMA, resumable checkpoints, and a greedy dev
// evaluation that keeps the best weights.
//
// Training spans sessions: everything needed to resume (weights,
// optimiser and EMA state, data position, the best dev figures) is in the
// checkpoint under the work directory, written atomically.
package asr
