// Package pitch estimates the fundamental frequency (F0) of speech, frame
// by frame, with the YIN algorithm (de Cheveigné and Kawahara 2002, "YIN,
// a fundamental frequency estimator for speech and music", JASA 111(4)),
// and measures frame energy. The TTS and the emotion tagger use both.
//
// Frames come at a stated rate: frame t is centred on sample t·hop (10 ms
// by default, the same grid as dsp/feature's centred log-mel frames), and
// a signal of n samples gives 1 + n/hop frames. For each frame YIN computes
// the difference function d(τ) = Σ_j (x_j − x_{j+τ})² over an integration
// window of one longest period (1/MinHz) centred on the frame, via an FFT
// cross-correlation,
// normalises it cumulatively (d'(τ) = d(τ)·τ / Σ_{k≤τ} d(k)), takes the
// first dip below Threshold inside [1/MaxHz, 1/MinHz] (its local
// minimum) or else the global minimum, and refines it by parabolic
// interpolation. A frame is voiced when d' at that period is below
// VoicingThreshold and the frame's peak amplitude exceeds SilenceRatio of
// the utterance's peak (Praat's silence threshold).
// Unvoiced frames report F0 = 0.
//
// The default range is 50–500 Hz, Threshold 0.2, VoicingThreshold 0.35.
package pitch
