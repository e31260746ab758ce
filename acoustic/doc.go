// Package acoustic is mynah's speech recognition model: log-mel features in,
// per-frame token log-probabilities out, for a CTC decoder.
//
// The network (see Config) is a 2-D convolutional front that subsamples
// time and frequency, a light axial self-attention over the frequency bins
// of the convolution map, then Conformer-like blocks (Gulati et al., 2020)
// of self-attention across frames with rotary relative positions (Su et
// al., 2021) interleaved with causal depthwise convolutions, and a CTC
// output layer over characters (Graves et al., 2006). An auxiliary phone
// CTC head on an intermediate block may be trained alongside.
//
// Trained with dynamic chunk sizes (Yao et al., 2021, "WeNet"), the same
// weights serve offline decoding (full context) and streaming (chunked,
// with cached convolution and attention state).
//
// A Model is immutable once loaded and safe for concurrent use; per-call
// state lives in the tape or stream that runs it.
package acoustic
