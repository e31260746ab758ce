// Package punct is the `train punct` recipe: it trains the punctuation and
// casing tagger of package punct on running text with punctuation and case
// (the public-domain books of ../shared/text/lm), holding out the whole
// books named in heldout.txt, and writes the model mynah ships.
//
// Each book is read with punct.Parse into spoken-form words (what a
// recogniser writes) labelled with their original case and following mark.
// Training draws windows of words, half of them starting at a sentence
// start (as a recognised utterance usually does), and trains both
// encoders of the model (full and streaming) on the sum of their
// cross-entropies. The run checkpoints into a work folder outside the
// repository and resumes from it; when the schedule ends it tunes the
// decision biases on the dev books for F1, scores the test books and
// writes the model (int8 weights).
//
//	go run ./cmd/train punct --text ../shared/text/lm --out models/punct-en.safetensors
package punct
