// Package tts is the training recipe of the TTS acoustic model
// (tts/acoustic) on the Kathleen corpus: a manifest split by prompt
// (KathleenSplit), a features cache, resumable checkpoints, and a ledger of
// train and dev losses and dev mel-cepstral distortion beside the
// human-to-human distortion between two readings of one prompt.
package tts
