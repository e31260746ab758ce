// Package feature turns audio into the log-mel filterbank features the
// acoustic model, the emotion tagger and the TTS consume, and normalises
// them.
//
// A Config says everything about the front-end (frame length and hop, FFT
// size, window, centring, mel scale and normalisation, log floor); it
// validates itself and round-trips through JSON, so a model file carries
// the exact front-end it was trained with. New builds an Extractor from a
// Config once: window, FFT plan and the sparse mel filterbank.
// Extractor.Compute turns a whole utterance into frames; a Stream does the
// same on audio that arrives in chunks of any size, and its frames are
// bit-identical to Compute's because both cut the same samples and run the
// same per-frame code.
//
// The definitions follow the two references the features are tested
// against: torchaudio.transforms.MelSpectrogram (librosa's conventions:
// periodic Hann window, centred frames with reflect padding, triangles
// linear in Hz between mel-spaced edges, Slaney or HTK mel scale, Slaney
// area normalisation) and Kaldi's compute-fbank as torchaudio.compliance.
// kaldi.fbank implements it (DC removal, pre-emphasis, the Povey window,
// frames that start at the signal's first sample, triangles linear in
// mel). KaldiFbank returns the latter.
//
// Frame t of a centred config covers the samples
// [t·hop − off, t·hop − off + window) with off = fft/2 − (fft − window)/2,
// which is where torch.stft puts the window inside its centred FFT frame;
// the power spectrum does not depend on where the window sits inside the
// zero-padded FFT buffer, so the frame is placed at its start. There are
// 1 + len/hop centred frames; uncentred frames cover
// [t·hop, t·hop + window) and there are 1 + (len − window)/hop of them.
//
// Global mean/variance normalisation (Stats accumulated over a corpus,
// turned into a Norm stored with the model) serves streaming models;
// per-utterance CMVN serves offline ones.
package feature
