// Package emotion is the `train emotion` recipe: it compares package
// emotion's three models (the descriptor baseline, the from-scratch CNN
// and the transfer head on the acoustic encoder) on speaker-disjoint
// folds of the emotion-labelled clips (RAVDESS actors 01–18; actors 19–24
// are reserved and never read), and trains the shipped one on all of them.
//
//	go run ./cmd/train emotion                 # cross-validate all three kinds
//	go run ./cmd/train emotion --variants "" --ship cnn --out models/emotion.safetensors
//
// The variants are baseline (the 56 descriptors), baseline-ext (the
// extended set, emotion.ExtendedBaseline), cnn and transfer. The
// baselines' ridge penalty is -l2; given several values, each training
// set picks one by nested speaker-disjoint cross-validation (its speakers
// dealt into folds-1 inner folds), so the held-out fold never informs
// the choice.
//
// Folds deal the sorted speakers in snake order, so each fold mixes men
// and women. Scores are unweighted average recall (UAR, the mean of the
// per-label recalls; chance 12.5%), accuracy and binary arousal UAR, per
// fold and on average, with the confusion matrix over all held-out
// clips.
//
// Class balance: the loss weighs each label by its inverse frequency
// (neutral has half the clips of the others). Augmentation: every clip's
// inputs are computed clean and, for the CNN, twice more after a random
// chain of speed perturbation (0.9–1.1), codec or band-limit variation
// (telephone band with or without mu-law, a round trip through 44.1 or
// 48 kHz, a 3.5–6.5 kHz low-pass, 8–12-bit quantisation), noise from
// ../shared/noise at 5–30 dB SNR and a ±10 dB gain; each epoch draws one
// version per clip, a random crop and SpecAugment masks. Computing the
// versions once keeps the recipe's CPU to the networks themselves: the
// machine's cores belong to the acoustic model's training first.
//
// Everything is resumable: inputs are cached, each finished fold writes
// its result, and an unfinished one its checkpoint, under the work folder
// (default ~/.cache/mynah/train/emotion). Run the same command again to
// continue.
package emotion
