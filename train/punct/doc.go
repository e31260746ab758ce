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
// quantises the weights to int8, tunes the decision (mark biases and the
// question-opener bias, punct.Decision) on the dev books of those int8
// weights for the summed F1 of the marks, scores the dev and (unless
// --no-test) the test books, and writes the model and report.txt.
// --retune FILE does only that last stage on a model file, so a model can
// be chosen on the dev books (--no-test) and scored on the test books
// once, for its card:
//
//	go run ./cmd/train punct --arch cnn --text ../shared/text/lm --work ~/.cache/mynah/train/punct-v2 \
//	    --dim 64 --channels 128 --workers 1 --steps 8000 --warmup-steps 200 --eval-every 1000 --no-test
//	go run ./cmd/train punct --text ../shared/text/lm --work ~/.cache/mynah/train/punct-v2 \
//	    --retune ~/.cache/mynah/train/punct-v2/punct.safetensors --out models/punct-en.safetensors
package punct
