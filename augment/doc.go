// Package augment perturbs training audio and features so that a model
// trained on a few hours hears many more conditions. Every operation is
// seeded: the same seed, utterance key and epoch give the same samples, on
// any machine, so a training run can be reproduced and a bad example found
// again.
//
// On waveforms (16 kHz mono float32):
//
//   - Speed: speed perturbation by resampling, 0.9/1.0/1.1 as in Ko et al.,
//     "Audio augmentation for speech recognition", Interspeech 2015 (pitch
//     and tempo change together).
//   - Gain: a level change in dB.
//   - MixAtSNR: additive noise scaled to a target SNR from measured powers
//     (speech power over its active frames, a simplified ITU-T P.56 active
//     level, so leading silence does not inflate the SNR); the noise clips of
//     ../shared are not loudness-normalised, which is why it is measured.
//   - Coloured: white, pink, brown, blue or violet noise (1/f^beta).
//   - Babble: a sum of other training utterances.
//   - RIR: a room impulse response by the image-source method of Allen and
//     Berkley, "Image method for efficiently simulating small-room
//     acoustics", JASA 65(4), 1979, with fractional delays (Peterson 1986)
//     and reflection coefficients from Sabine's RT60; Convolve applies it
//     with an FFT.
//   - Telephone: band-limiting to the 300-3400 Hz telephone band of ITU-T
//     G.712 by resampling through 8 kHz, with optional G.711 mu-law.
//
// On features, SpecAugment masks time and frequency bands of a T x F
// matrix (Park et al., Interspeech 2019).
//
// An Augmenter draws a random chain of these for each utterance from a
// Config; its noise comes from a NoiseBank that holds out some noise types
// for the noisy dev evaluation (HeldOutNoiseTypes).
package augment
