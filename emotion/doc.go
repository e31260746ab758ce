// Package emotion tags the emotion of speech recordings: the eight
// categories of RAVDESS (neutral, calm, happy, sad, angry, fearful,
// disgust, surprised) with a probability each, the top label and its
// confidence, and a binary arousal (high or low), which transfers to
// natural speech better than the categories do.
//
//	m, _ := emotion.Load(models.Emotion(), nil)
//	tagger, _ := emotion.NewTagger(m, emotion.Options{})
//	r, _ := tagger.Tag(ctx, samples, 44100)
//	fmt.Println(r.Label, r.Confidence, r.Arousal) // happy 0.61 high
//
// # Models
//
// Three kinds of model share one interface (Model.Logits on an nn.Tape,
// a Featurizer that turns 16 kHz audio into its inputs) and one file
// format (safetensors, the Config and a training card in the metadata):
//
//   - KindBaseline: NumDescriptors utterance statistics in the spirit of
//     eGeMAPS (Eyben et al., IEEE TAC 2016): F0 in semitones, jitter,
//     shimmer, loudness, voicing and rate, spectral balance (alpha ratio,
//     Hammarberg index, slope) and MFCC means and deviations, standardised
//     and fed to multinomial logistic regression fitted by L-BFGS
//     (FitBaseline, gonum/optimize). ExtendedBaseline reads
//     NumDescriptorsExtended: those plus harmonics-to-noise ratio, pitch
//     slope, loudness rise and fall, voiced, unvoiced and pause lengths,
//     spectral flatness, roll-off and entropy, LPC formants F1–F3, MFCC
//     deltas and the relative log-mel envelope (ExtendedDescriptorNames).
//   - KindCNN: three stride-2 3×3 convolutions on 40 log-mel bins, a
//     frame projection and attention pooling (Okabe et al., "Attentive
//     Statistics Pooling", 2018, without the statistics) into a linear
//     layer; about 37 k parameters, trained from scratch.
//   - KindTransfer: the hidden states of mynah's acoustic model
//     (acoustic.Model.BlockOutputs, the front projection and every
//     block), combined by a learned softmax-weighted sum as SUPERB probes
//     speech encoders (Yang et al., Interspeech 2021), then the same
//     projection, attention pooling and linear layer. The encoder is
//     pre-trained for recognition and frozen; only the head is trained.
//
// The recipe that trains and compares them on speaker-disjoint folds is
// train/emotion (`train emotion`); the shipped model and its fold results
// are described in models/EMOTION.md.
//
// # Tagging
//
// Tag resamples any rate to 16 kHz (package audio's band-limited
// resampler), finds speech with the energy VAD (package vad), and
//
//   - returns Neutral with confidence 0 and uniform scores when there is
//     none, so silence never reads as a finding;
//   - classifies the recording as one stretch, trimmed of leading and
//     trailing silence (Trim), when it holds up to Options.SegmentAfter of
//     speech (15 s);
//   - otherwise classifies each VAD segment (at most Options.MaxSegment)
//     on its own, reports them in Result.Segments and gives as the overall
//     result their speech-weighted mean.
//
// Confidence is the top label's probability. Arousal sums the
// probabilities of the high-arousal labels (Label.HighArousal).
//
// # Caveats
//
// The models learn from RAVDESS: 24 (here 18) actors reading two fixed
// sentences with acted emotions. Accuracy on natural, spontaneous speech
// is unknown and certainly lower; arousal is the safer reading. RAVDESS is
// licensed CC BY-NC-SA 4.0, so weights trained on it are for
// non-commercial use.
package emotion
