// Package vocoder turns the TTS acoustic model's frames — log-mels and F0 —
// into audio with a harmonic-plus-noise source-filter synthesiser in the
// manner of DDSP (Engel, Hantrakul, Gu and Roberts 2020, "DDSP:
// Differentiable Digital Signal Processing", ICLR).
//
// # Signal model
//
// Every frame (hop 256 samples at 22,050 Hz, centred on sample t·hop)
// carries an F0 and two spectral envelopes sampled on one frequency grid
// (the mel filters' edges, continued to Nyquist): the amplitude of the
// harmonics and the magnitude of the noise. The harmonic branch is an
// oscillator bank whose phase is accumulated sample by sample from F0
// interpolated between frames; harmonic k at k·F0 reads its amplitude from
// the envelope, so the parameter count does not depend on F0. The noise
// branch is Gaussian noise filtered per frame in the frequency domain and
// overlap-added. Both branches are linear in the envelopes, which is what
// makes training cheap: Synthesizer.Backward carries a loss gradient from
// the samples to the envelopes with the same arithmetic as synthesis.
//
// # Where the envelopes come from
//
// Synthesizer.Estimate computes them with DSP alone: the filterbank's
// band-average inverse gives a power envelope, a fixed voicing profile
// splits a voiced frame's power between harmonics and noise, and a few
// multiplicative non-negative updates fit the harmonics' amplitudes so
// that, seen through the analysis window and the mel filters, they give
// back the frame's mels. A Model adds a small convolutional network over
// the normalised log-mels and F0 that predicts per-frame log-gain
// corrections of both envelopes; it is trained (train/vocoder) with the
// multi-resolution STFT loss of Parallel WaveGAN (MRSTFT) and no
// adversary. With no network (Config.Net.Width 0) a Model is the pure-DSP
// vocoder.
//
// GriffinLim is a debugging baseline only.
//
// # Cost and determinism
//
// Synthesis costs one sine and cosine per sample plus four flops per
// harmonic per sample (the Chebyshev recurrence for sin kφ), and one
// 512-point inverse FFT per frame for the noise: a few MFLOP per second
// of audio. The noise is seeded per frame index from Config.NoiseSeed, so
// a Model's output is a pure function of its inputs.
//
// # Files
//
// A Model saves its weights as safetensors tensors under a caller's
// prefix ("vocoder." in a voice file, beside "acoustic.") with its Config
// as JSON in the metadata key prefix+"config"; Load reads it back from a
// file that may hold other models' tensors too.
package vocoder
