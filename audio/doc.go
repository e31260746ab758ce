// Package audio decodes speech audio into mono float32 samples, resamples
// it and writes WAV files.
//
// Everything streams. A [Source] yields samples in chunks, like an
// [io.Reader], so a ten-hour recording never sits in memory:
//
//	f, err := audio.Open("talk.mp3", audio.DecodeOptions{})
//	if err != nil { ... }
//	defer f.Close()
//	src := audio.Resample(f, 16000) // band-limited, streaming
//	buf := make([]float32, 4096)
//	for {
//		n, err := src.Read(buf)
//		feed(buf[:n])
//		if err == io.EOF { break }
//		if err != nil { ... }
//	}
//
// When the whole clip fits in memory, [Load] does all of that in one call.
//
// # Formats
//
// The format is detected from the bytes, never from the file name:
//
//   - WAV (RIFF, RF64 and BW64): PCM 8, 16, 24 and 32 bit, IEEE float 32
//     and 64 bit, G.711 µ-law and A-law, WAVE_FORMAT_EXTENSIBLE, any
//     channel count. The RIFF reader is our own: it streams the data chunk,
//     skips other chunks without buffering them, and reads files whose
//     sizes were left unknown (0xFFFFFFFF) by a writer on a pipe.
//   - FLAC, through github.com/mewkiz/flac.
//   - MP3 (MPEG-1 and MPEG-2 Layer III, 16 to 48 kHz), through
//     github.com/hajimehoshi/go-mp3. MPEG-2.5 (8 to 12 kHz) is rejected
//     with a clear error. When the first frame is a LAME/Xing "Info"
//     frame, the encoder delay and padding it records are trimmed
//     (gapless decoding), as mpg123 and ffmpeg do. Without one, the
//     encoder and decoder delay (1,105 samples for LAME) and the end
//     padding stay in the output.
//   - Raw signed 16-bit little-endian PCM, whose rate must be given
//     ([DecodeRaw], or [DecodeOptions].RawRate).
//
// Other formats (Ogg Vorbis, Opus, M4A/AAC, AIFF, ...) are recognised and
// rejected with [ErrUnsupportedFormat] and a suggestion to convert them
// with ffmpeg into raw PCM.
//
// Multi-channel audio is averaged to mono unless [DecodeOptions].Channel
// picks one channel. Samples are scaled to [-1, 1]: integer PCM by 2^(bits-1),
// floating-point samples are clamped and NaN becomes 0.
//
// # Bad input
//
// Decoding never panics and never allocates what a header merely claims:
// a header announcing 2 GB inside a 1 KB file fails at once (when the size
// of the input is known) or at the point the data runs out. Errors wrap
// [ErrCorrupt] or [ErrUnsupportedFormat] and say what is wrong; [Open]
// adds the file name. Valid audio with zero samples is not an error: it
// decodes to nothing.
//
// # Resampling
//
// [Resample] is a streaming polyphase windowed-sinc resampler (Kaiser
// window, J. F. Kaiser, "Nonrecursive digital filter design using the
// I0-sinh window function", 1974; the design equations are those of
// Oppenheim & Schafer, Discrete-Time Signal Processing, §7.5.3) with at
// least 70 dB of stopband rejection for any pair of rates: the stopband
// starts at the lower Nyquist frequency and the passband is flat to 0.85 of
// it (6.8 kHz for 16 kHz output). The filter is zero-phase: output sample k
// is the signal at input time k·from/to, so timings carry over exactly.
package audio
