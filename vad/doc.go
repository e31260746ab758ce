// Package vad finds speech in audio: where it starts and ends, so that
// transcribe can cut long recordings in pauses, livemic can tell when an
// utterance is over, and the emotion tagger can tag each stretch.
//
// Two streaming detectors implement Detector (push samples, receive
// speech-start and speech-end events whose Sample, or Time, says where the
// boundary is):
//
//   - EnergyDetector is the baseline and needs no model: frame log-energy
//     against an adaptive noise floor (an asymmetric tracker in the spirit
//     of Martin's minimum statistics), with hysteresis, a hangover, and
//     minimum speech and silence durations.
//   - LearnedDetector runs a small network (Model; the shipped weights are
//     models.VAD()) on 32 log-mel bands and their levels above a tracked
//     noise floor: a causal temporal convolution network of 54k
//     parameters hearing 2.5 s of past that gives a speech
//     probability for every 20 ms region, deciding each region 75 ms after
//     it ends (its look-ahead), followed by the same hysteresis. It holds up in noise
//     where the energy detector cannot: music, running water and crowds
//     are loud but not speech.
//
// Both end in the same hysteresis: a minimum run of speech frames starts
// speech and a minimum run of silent ones (the hangover) ends it. They
// decide on their own clock: events arrive after the minimum speech (or
// silence) duration and, for the learned detector, its look-ahead.
// EventDelay bounds how far back an event can point.
//
// The learned model file carries the decision rule tuned for it
// (threshold, minimum speech, hangover; ModelConfig.Detector), which
// NewDetector takes for the fields its config leaves zero. The shipped
// rule is tuned for exact boundaries (a 60 ms hangover), which splits
// sentences at short pauses: a segmenter or an endpointer sets
// MinSilenceMs (the mynah Recognizer uses 300 ms, live dictation its
// endpoint silence). Model.Replay runs the rule alone on probabilities
// computed once, for tuning.
//
// Segmenter cuts a stream into speech segments no longer than a maximum,
// with either detector (NewSegmenterFor, SegmentWith; NewSegmenter and
// Segment use the energy detector). Over-long speech is split at its
// quietest point (5-frame smoothed energy) in the second half of the
// allowed length, which falls between words rather than inside one, and
// only the open segment's audio is kept, so memory stays bounded.
//
//	m, _ := vad.LoadModel(models.VAD())
//	det, _ := m.NewDetector(vad.LearnedConfig{})
//	for chunk := range microphone {
//		for _, ev := range det.Push(chunk, nil) {
//			fmt.Println(ev.Kind, ev.Time(det.SampleRate()))
//		}
//	}
//
// The training recipe and the evaluation set (dev speakers, noise types no
// training run hears) are in train/vad; the figures are in models/VAD.md.
package vad
