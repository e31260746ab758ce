// Package punct is the `train punct` recipe: it trains the punctuation and
// casing tagger of package punct on running text with punctuation and case
// (the public-domain books of ../shared/text/lm), holding out the whole
// books named in heldout.txt, and writes the model mynah ships. Main is its
// one entry point.
//
// Each book is read with punct.Parse into spoken-form words (what a
// recogniser writes) labelled with their original case and following mark.
// Two model kinds train here (--arch):
//
//   - cnn, the shipped kind: training draws windows of words, half of them
//     starting at a sentence start (as a recognised utterance usually
//     does), and trains both encoders (full and streaming) on the sum of
//     their cross-entropies with AdamW, a cosine schedule and an EMA of
//     the weights; it checkpoints every few steps (work folder
//     ~/.cache/mynah/train/punct-cnn).
//   - linear (the default, for machines with no CPU to spare): AdaGrad
//     over hashed n-gram features, a pass over the text in about 20
//     CPU-seconds (work folder ~/.cache/mynah/train/punct).
//
// Both resume from their work folder. When the schedule ends the recipe
// tunes the decision biases on the dev books for F1, scores the test books
// and writes the model (int8 weights) and report.txt.
//
//	go run ./cmd/train punct --arch cnn --text ../shared/text/lm --dim 64 --channels 64 --out models/punct-en.safetensors
package punct
