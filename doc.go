// Package mynah is a speech toolkit: file transcription, live dictation,
// text to speech and emotion tagging, with models trained in Go on the CPU
// and shipped embedded.
//
// The root package is the small library API (a Recognizer, its Streams and
// the Transcript they produce). Everything else is a building block a power
// user may import on its own.
//
// # Layers
//
// Each package has one job and imports point only downward. The table below
// is the allow-list of mynah packages each package may import; a test
// (layers_test.go) runs `go list -deps` and fails when an import breaks it.
// A pattern ending in "/..." covers the package and everything below it.
//
//	package          may import
//	internal/vec     -
//	models           -
//	internal/...     internal/vec
//	audio            -
//	audio/device     audio
//	dsp/...          internal/vec dsp/...
//	text             -
//	nn/...           internal/vec nn/...
//	g2p              text nn/... internal/vec
//	lm               text
//	decoder          lm text
//	augment          audio dsp/... internal/vec
//	vad              audio dsp/... nn/... internal/vec
//	acoustic         dsp/... nn/... internal/vec text g2p
//	punct            text nn/... internal/vec
//	tts/...          audio dsp/... nn/... internal/vec text g2p tts/...
//	emotion          audio dsp/... nn/... internal/vec vad acoustic text g2p
//	corpora/...      audio dsp/... text internal/vec corpora/...
//	train/...        audio dsp/... nn/... internal/vec text g2p lm decoder vad acoustic punct tts/... emotion augment corpora/... train/...
//	mynah            models audio dsp/... nn/... internal/vec text g2p lm decoder vad acoustic punct tts/... emotion
//	server/...       mynah models audio dsp/... nn/... internal/vec text g2p lm decoder vad acoustic punct tts/... emotion server/...
//	cmd/...          *
//
// "decoder" and "lm" never import "nn" (nor "g2p", which does): search works
// on any source of log-probabilities, and pronunciations reach it through a
// function the caller supplies. "corpora/..." recipes are imported by no library package.
package mynah
