// Package g2p trains mynah's letter-to-sound model, the recipe behind
// `train g2p`: a CTC model over upsampled letters (package g2p) trained on
// the embedded CMU Pronouncing Dictionary, stress kept, with the word split
// of g2p.SplitOf (5% held out for the reported figures, 2% for model
// selection).
//
// Training is data-parallel (nn.Workers) with AdamW, linear warm-up then
// cosine decay, gradient clipping and a weight EMA. Every EvalEvery steps
// the EMA weights are scored on the dev words with greedy decoding and the
// best are kept; a checkpoint (weights, optimiser, EMA, data position) is
// written atomically so a run resumes where it stopped. At the end the best
// weights are scored on the held-out test words and exported in fp16 with
// the figures in the model file's card.
package g2p
