// Package device captures from and plays to sound cards through PortAudio.
//
// It is the only cgo package of mynah and is built only with the build tag
// portaudio (it needs the portaudio19-dev package on Debian):
//
//	go build -tags portaudio ./cmd/livemic
//
// Without the tag every function returns an error wrapping [ErrNotBuilt]
// that says so; everything else in mynah builds with CGO_ENABLED=0.
//
// A [Capture] records mono float32 at the device's native rate and is an
// [audio.Source]: pass it to [audio.Resample] for a model's rate. The
// PortAudio callback runs on a real-time thread that must never block, so
// it only copies samples into a [Ring], a lock-free single-producer
// single-consumer ring buffer; when the consumer falls behind and the ring
// is full, new samples are dropped and counted ([Capture.Overruns]) rather
// than stalling the audio thread. The ring is pure Go and tested without
// the tag.
//
// [FindInput] picks the device a user names (an index from [Devices], an
// exact name, or a part of a name only one input has), and
// [Capture.Close] never hangs a program's exit on PortAudio: its stop
// waits for the audio thread, so Close bounds the wait
// (CaptureOptions.StopTimeout) and leaves the rest to the background.
// Both are pure Go and tested without the tag.
package device
