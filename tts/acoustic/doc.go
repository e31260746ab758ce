// Package acoustic is mynah's TTS acoustic model: phoneme symbols in,
// log-mel frames and F0 out, in the manner of FastPitch (Łańcucki, 2021)
// with durations learned by the aligner of Badlani et al. (2022, "One TTS
// Alignment to Rule Them All").
//
// # Network
//
// Symbols (ARPAbet phones with stress, "#" between words, the break
// symbols , . ? ! ; : and "<sil>" at phrase edges; Config.Symbols) are
// embedded and run through a stack of residual convolution blocks (the
// encoder, kernel 3). Three small convolutional predictors read the
// encoder's output: the duration of each symbol in frames (as ln(1+d)),
// its mean log F0 and its mean energy (phone-level, as FastPitch: one
// value per symbol is far easier to predict from 1.4 hours of speech than
// a frame contour, and it is the level at which speed and pitch controls
// act). The pitch and energy values are embedded by a kernel-3 convolution
// and added to the encoder output, which the length regulator repeats for
// each symbol's frames (with the position inside the symbol as one more
// input). The decoder, residual dilated convolutions, maps those frames to
// 80 TTS mels, a frame-level log F0 and a voicing decision.
//
// # Alignment
//
// Training needs each symbol's duration, which nobody labels. A small
// aligner compares every mel frame (queries) with every symbol embedding
// (keys) by squared distance; a log-softmax over symbols plus a static
// beta-binomial prior that favours the diagonal gives the soft alignment.
// Its forward-sum loss — the likelihood of all monotonic paths — is
// exactly CTC over the symbol positions with a blank (Badlani et al.,
// section 3.1), so nn.Tape.CTCLoss computes it. The hard durations the
// predictors and the length regulator use are the most likely monotonic
// path through the soft alignment, found by monotonic alignment search
// (Kim et al., 2020, "Glow-TTS", algorithm 1; MAS here). A binarisation
// loss pulls the soft alignment towards that path once it has formed.
//
// # Frames and F0
//
// Frames are the contract's TTS mels (FeatureConfig: 22,050 Hz, hop 256,
// window and FFT 1024, 80 Slaney mels 0–8 kHz, natural log floored at
// 1e-5) and F0 is dsp/pitch's YIN at the same hop (PitchConfig); Analyze
// computes both for an utterance, the training targets and what a vocoder
// trains on.
//
// # Use
//
// A Model is immutable and safe for concurrent use; Synthesize runs one
// phrase in inference mode on the caller's nn.Tape and is deterministic.
// Save and Load write and read a safetensors file whose tensors are named
// "acoustic.<param>" with the Config in the metadata; Tensors and
// FromTensors do the same inside a voice file shared with a vocoder.
package acoustic
