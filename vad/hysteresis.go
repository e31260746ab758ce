package vad

// hysteresis is the state machine both detectors share: it turns a
// per-frame speech decision into speech-start and speech-end events, with
// a minimum speech run that starts speech and a minimum silence run (the
// hangover) that ends it. A frame is whatever the detector decides on (10
// ms energy frames, 20 ms network regions). The start decision and the
// keep-going decision may differ (onset and sustain): a detector with two
// thresholds, as in double-threshold endpointing (Lamel et al. 1981, "An
// improved endpoint detector for isolated word recognition"), starts on
// the higher and stays in speech while frames pass the lower.
type hysteresis struct {
	frameLen   int64 // samples per frame
	minSpeech  int   // frames of onset that start speech
	minSilence int   // frames without sustain that end speech
	inSpeech   bool
	speechRun  int   // consecutive onset frames while not in speech
	silenceRun int   // consecutive non-sustain frames while in speech
	runStart   int64 // first frame of the current run
}

func newHysteresis(frameLen int64, minSpeech, minSilence int) hysteresis {
	return hysteresis{frameLen: frameLen, minSpeech: max(1, minSpeech), minSilence: max(1, minSilence)}
}

// reset forgets the stream; the durations stay.
func (h *hysteresis) reset() {
	h.inSpeech, h.speechRun, h.silenceRun, h.runStart = false, 0, 0, 0
}

// step decides frame idx: onset says whether it may start (or continue a
// run that starts) speech, sustain whether it keeps speech going. A start
// event points at the first frame of the speech run, an end event at the
// first frame of the silence run that ended it. ok reports an event.
func (h *hysteresis) step(idx int64, onset, sustain bool) (ev Event, ok bool) {
	if !h.inSpeech {
		if !onset {
			h.speechRun = 0
			return Event{}, false
		}
		if h.speechRun == 0 {
			h.runStart = idx
		}
		h.speechRun++
		if h.speechRun < h.minSpeech {
			return Event{}, false
		}
		h.inSpeech, h.silenceRun = true, 0
		return Event{Kind: SpeechStart, Sample: h.runStart * h.frameLen}, true
	}
	if sustain {
		h.silenceRun = 0
		return Event{}, false
	}
	if h.silenceRun == 0 {
		h.runStart = idx
	}
	h.silenceRun++
	if h.silenceRun < h.minSilence {
		return Event{}, false
	}
	h.inSpeech, h.speechRun = false, 0
	return Event{Kind: SpeechEnd, Sample: h.runStart * h.frameLen}, true
}

// flush ends open speech at sample end.
func (h *hysteresis) flush(end int64) (ev Event, ok bool) {
	if !h.inSpeech {
		return Event{}, false
	}
	h.inSpeech = false
	return Event{Kind: SpeechEnd, Sample: end}, true
}

// setDefault sets *v to def when it holds its type's zero value: how a
// config's zero fields take their defaults.
func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
