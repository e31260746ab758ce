package mynah

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/decoder"
	"github.com/mynah-speech/mynah/emotion"
	"github.com/mynah-speech/mynah/lm"
	"github.com/mynah-speech/mynah/models"
	"github.com/mynah-speech/mynah/punct"
	"github.com/mynah-speech/mynah/text"
	"github.com/mynah-speech/mynah/vad"
)

// Config selects the models and the search. The zero value uses the
// embedded English model with the decoder's defaults.
type Config struct {
	// ModelPath is an acoustic model file; empty uses the embedded model.
	ModelPath string
	// LMPath is a language model file, "none" for none; empty uses the
	// embedded LM when the build has one.
	LMPath string
	// Beam is the beam width; 0 is the decoder's default, 1 is greedy.
	Beam int
	// NBest asks for this many alternatives in Transcript.Alternatives.
	NBest int
	// Hotwords are phrases to favour.
	Hotwords []Hotword
	// Threads bounds how many segments of one recording are recognised at
	// once; 0 uses one per CPU.
	Threads int
	// VAD cuts recordings in pauses found by voice activity detection and
	// skips the silence between them. Without it, long recordings are still
	// split (at their quietest points) into pieces the model can take.
	VAD bool
	// VADKind chooses the voice activity detector of Transcribe (with
	// VAD) and of live Streams' endpointing: VADLearned (the zero value's
	// choice: the embedded learned detector) or VADEnergy (the energy
	// baseline, which needs no model).
	VADKind VADKind
	// Raw keeps the plain normalised words: no punctuation or casing.
	Raw bool
	// MaxSegment bounds the length of each recognised piece; 0 means 20 s.
	MaxSegment time.Duration
	// Emotion tags the recording and each segment with the embedded
	// emotion model (Transcript.Emotion, Segment.Emotion).
	Emotion bool
}

// VADKind names a voice activity detector (package vad).
type VADKind string

// The voice activity detectors a Recognizer can use.
const (
	// VADLearned is the embedded learned detector (models.VAD, a causal
	// convolution network; models/VAD.md has its figures). It holds up in
	// noise where the energy detector cannot.
	VADLearned VADKind = "learned"
	// VADEnergy is the energy baseline: frame level against an adaptive
	// noise floor.
	VADEnergy VADKind = "energy"
)

// Recognizer turns audio into text. It is safe for concurrent use: each
// Transcribe call (and each Stream) keeps its own state, and the models are
// shared and immutable.
type Recognizer struct {
	cfg     Config
	model   *acoustic.Model
	dec     *decoder.Decoder
	hot     *decoder.Hotwords
	greedy  bool
	punct   *punct.Model    // nil with Config.Raw
	emotion *emotion.Tagger // nil without Config.Emotion
	runners sync.Pool
	// vadModel loads the embedded learned VAD on first use, once: a
	// recognizer that never segments (or uses the energy detector) never
	// pays for it.
	vadModel func() (*vad.Model, error)
}

// sampleRate is the rate the acoustic front-end runs at.
const sampleRate = 16000

// NewRecognizer loads the models and prepares the search.
func NewRecognizer(cfg Config) (*Recognizer, error) {
	if cfg.Beam < 0 || cfg.NBest < 0 || cfg.Threads < 0 || cfg.MaxSegment < 0 {
		return nil, errors.New("mynah: Beam, NBest, Threads and MaxSegment cannot be negative")
	}
	switch cfg.VADKind {
	case "":
		cfg.VADKind = VADLearned
	case VADLearned, VADEnergy:
	default:
		return nil, fmt.Errorf("mynah: VADKind %q: want %q or %q", cfg.VADKind, VADLearned, VADEnergy)
	}
	// The three models load independently; on a free second core the
	// language model and the punctuation tagger load while the acoustic
	// model does, taking their time off the start-up (issue 9: load plus
	// first result under 300 ms).
	type lmResult struct {
		model *lm.Model
		err   error
	}
	type punctResult struct {
		model *punct.Model
		err   error
	}
	lmDone := make(chan lmResult, 1)
	go func() {
		m, err := loadLM(cfg.LMPath)
		lmDone <- lmResult{m, err}
	}()
	punctDone := make(chan punctResult, 1)
	if !cfg.Raw {
		go func() {
			m, err := punct.Load(models.Punctuation())
			punctDone <- punctResult{m, err}
		}()
	} else {
		punctDone <- punctResult{}
	}
	var raw []byte
	if cfg.ModelPath != "" {
		var err error
		if raw, err = os.ReadFile(cfg.ModelPath); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
	} else {
		raw = models.EnglishASR()
	}
	model, err := acoustic.Load(raw)
	if err != nil {
		if cfg.ModelPath != "" {
			return nil, fmt.Errorf("model %s: %w", cfg.ModelPath, err)
		}
		return nil, fmt.Errorf("embedded model: %w", err)
	}
	if rate := model.FrontEnd().Features.SampleRate; rate != sampleRate {
		return nil, fmt.Errorf("model %s expects %d Hz audio; mynah runs models at %d Hz", model.ID(), rate, sampleRate)
	}
	lmRes := <-lmDone
	if lmRes.err != nil {
		return nil, lmRes.err
	}
	langModel := lmRes.model
	vocab := decoder.Vocabulary{Tokens: model.Config().Vocab, Blank: 0, Separator: 1}
	dcfg := decoder.DefaultConfig()
	dcfg.FrameDuration = time.Duration(model.Config().OutputHopMs()) * time.Millisecond
	if cfg.Beam > 0 {
		dcfg.BeamSize = cfg.Beam
	}
	dcfg.NBest = max(1, cfg.NBest)
	dec, err := decoder.New(vocab, dcfg, decoder.Resources{LM: langModel})
	if err != nil {
		return nil, fmt.Errorf("decoder: %w", err)
	}
	r := &Recognizer{cfg: cfg, model: model, dec: dec, greedy: cfg.Beam == 1}
	r.vadModel = sync.OnceValues(func() (*vad.Model, error) {
		m, err := vad.LoadModel(models.VAD())
		if err != nil {
			return nil, fmt.Errorf("embedded VAD model: %w", err)
		}
		return m, nil
	})
	if len(cfg.Hotwords) > 0 {
		hws := make([]decoder.Hotword, len(cfg.Hotwords))
		for i, h := range cfg.Hotwords {
			hws[i] = decoder.Hotword{Phrase: text.Normalize(h.Phrase), Boost: h.Weight}
		}
		if r.hot, err = decoder.CompileHotwords(vocab, hws, nil); err != nil {
			return nil, fmt.Errorf("hotwords: %w", err)
		}
	}
	punctRes := <-punctDone
	if punctRes.err != nil {
		return nil, fmt.Errorf("embedded punctuation model: %w", punctRes.err)
	}
	r.punct = punctRes.model
	if cfg.Emotion {
		if r.emotion, err = newEmotionTagger(model); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// display returns the punctuated, cased form of spoken-form text, or ""
// when the recognizer is raw or there is nothing to show.
func (r *Recognizer) display(text string) string {
	if r.punct == nil || text == "" {
		return ""
	}
	return r.punct.Punctuate(text)
}

// loadLM returns the language model LMPath names: the embedded English LM
// for "", none for "none", else the file, in mynah's binary form or ARPA
// text (lm.Parse tells them apart by their first bytes).
func loadLM(path string) (*lm.Model, error) {
	switch path {
	case "none":
		return nil, nil
	case "":
		m, err := lm.Load(models.EnglishLM())
		if err != nil {
			return nil, fmt.Errorf("embedded language model: %w", err)
		}
		return m, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("language model: %w", err)
	}
	m, err := lm.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("language model %s: %w", path, err)
	}
	return m, nil
}

// ModelName names the acoustic model as "<name>@<sha256 prefix>".
func (r *Recognizer) ModelName() string { return r.model.ID() }

func (r *Recognizer) runner() (*acoustic.Runner, error) {
	if v := r.runners.Get(); v != nil {
		return v.(*acoustic.Runner), nil
	}
	return r.model.NewRunner()
}

// segmentResult is one recognised piece of a recording.
type segmentResult struct {
	span    vad.Span
	hyps    []decoder.Hypothesis
	emotion emotion.Result // with Config.Emotion
	err     error
	ready   chan struct{}
}

// Transcribe reads src to its end and returns its transcript. Audio at any
// rate is resampled to the model's; long recordings stream through voice
// activity segmentation, so memory stays bounded.
func (r *Recognizer) Transcribe(ctx context.Context, src audio.Source) (Transcript, error) {
	if src.SampleRate() != sampleRate {
		src = audio.Resample(src, sampleRate)
	}
	seg, err := r.newSegmenter()
	if err != nil {
		return Transcript{}, err
	}
	threads := r.cfg.Threads
	if threads == 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	sem := make(chan struct{}, threads)
	var results []*segmentResult
	var wg sync.WaitGroup
	recognise := func(chunks []vad.Chunk) {
		for _, c := range chunks {
			res := &segmentResult{span: c.Span, ready: make(chan struct{})}
			results = append(results, res)
			sem <- struct{}{}
			wg.Add(1)
			go func(c vad.Chunk) {
				defer wg.Done()
				defer func() { <-sem; close(res.ready) }()
				res.hyps, res.err = r.recognise(c.Samples)
				if res.err == nil && r.emotion != nil {
					res.emotion, res.err = r.tagEmotion(ctx, c.Samples)
				}
			}(c)
		}
	}
	buf := make([]float32, sampleRate)
	var total int64
	var chunks []vad.Chunk
	var readErr error
	for {
		if err := ctx.Err(); err != nil {
			readErr = err
			break
		}
		n, err := src.Read(buf)
		total += int64(n)
		chunks = seg.Push(buf[:n], chunks[:0])
		recognise(chunks)
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = err
			break
		}
	}
	recognise(seg.Flush(chunks[:0]))
	wg.Wait()
	if readErr != nil {
		return Transcript{}, readErr
	}
	tr := Transcript{Model: r.model.ID(), Duration: float64(total) / sampleRate, Words: []Word{}, Segments: []Segment{}}
	var texts []string
	for _, res := range results {
		if res.err != nil {
			return Transcript{}, res.err
		}
		if len(res.hyps) == 0 || res.hyps[0].Text == "" {
			continue
		}
		offset := float64(res.span.Start) / sampleRate
		best := res.hyps[0]
		for _, w := range best.Words {
			tr.Words = append(tr.Words, Word{
				Word:       w.Text,
				Start:      round3(offset + w.Start.Seconds()),
				End:        round3(offset + w.End.Seconds()),
				Confidence: round3(w.Confidence),
			})
		}
		tr.Segments = append(tr.Segments, Segment{Start: round3(offset), End: round3(float64(res.span.End) / sampleRate), Text: best.Text})
		if r.emotion != nil {
			tr.Segments[len(tr.Segments)-1].Emotion = emotionOf(res.emotion)
		}
		texts = append(texts, best.Text)
	}
	tr.Text = strings.Join(texts, " ")
	if r.emotion != nil {
		pieces := make([]emotion.Result, len(results))
		for i, res := range results {
			pieces[i] = res.emotion
		}
		tr.Emotion = overallEmotion(pieces)
	}
	tr.DisplayText = r.display(tr.Text)
	if r.cfg.NBest > 0 && len(results) == 1 && len(results[0].hyps) > 0 {
		for _, h := range results[0].hyps {
			tr.Alternatives = append(tr.Alternatives, Alternative{Text: h.Text, Score: round3(h.Score)})
		}
	}
	if tr.Text == "" {
		tr.Warning = "no speech detected"
	}
	return tr, nil
}

// segmentPadMs widens each speech segment on both sides, so that a late
// start or an early end does not clip a word's edge.
const segmentPadMs = 100

// The speech run that starts a segment or an utterance, and the silence
// that ends a segment. The learned detector's own rule (20 ms, 60 ms; see
// models/VAD.md) is tuned for exact boundaries and would cut a sentence at
// every short pause, and start on every short noise; recognition wants
// whole phrases. With the shipped model's threshold these score frame F1
// 0.877 at 10 dB (the rule before: 0.868) on the VAD evaluation set.
const (
	minSpeechRun    = 60 * time.Millisecond
	segmentHangover = 300 * time.Millisecond
)

// newSegmenter returns the segmenter Transcribe cuts a recording with: the
// configured detector with Config.VAD, else one that counts everything as
// speech and only splits long audio at its quietest points.
func (r *Recognizer) newSegmenter() (*vad.Segmenter, error) {
	maxSeg := r.cfg.MaxSegment
	if maxSeg == 0 {
		maxSeg = 20 * time.Second
	}
	maxMs := int(maxSeg / time.Millisecond)
	if !r.cfg.VAD {
		segCfg := vad.DefaultEnergyConfig()
		segCfg.ThresholdDB, segCfg.FloorDB = -1000, -1000
		return vad.NewSegmenter(segCfg, maxMs)
	}
	det, err := r.newDetector(minSpeechRun, segmentHangover)
	if err != nil {
		return nil, err
	}
	return vad.NewSegmenterFor(det, vad.SegmentConfig{MaxMs: maxMs, PadMs: segmentPadMs})
}

// newDetector returns a fresh detector of the configured kind whose speech
// starts after minSpeech of it and ends after hangover of silence.
func (r *Recognizer) newDetector(minSpeech, hangover time.Duration) (vad.Detector, error) {
	speechMs, silenceMs := max(1, int(minSpeech/time.Millisecond)), max(1, int(hangover/time.Millisecond))
	if r.cfg.VADKind == VADEnergy {
		cfg := vad.DefaultEnergyConfig()
		cfg.MinSpeechMs, cfg.MinSilenceMs = speechMs, silenceMs
		return vad.NewEnergyDetector(cfg)
	}
	m, err := r.vadModel()
	if err != nil {
		return nil, err
	}
	return m.NewDetector(vad.LearnedConfig{MinSpeechMs: speechMs, MinSilenceMs: silenceMs})
}

// recognise runs the model and the search on one segment.
func (r *Recognizer) recognise(samples []float32) ([]decoder.Hypothesis, error) {
	run, err := r.runner()
	if err != nil {
		return nil, err
	}
	defer r.runners.Put(run)
	lp, frames, err := run.LogProbs(samples)
	if err != nil || frames == 0 {
		return nil, err
	}
	if r.greedy {
		h, err := decoder.Greedy(lp, r.dec.Vocabulary(), r.dec.Config().FrameDuration)
		return []decoder.Hypothesis{h}, err
	}
	return r.dec.Decode(lp, r.hot)
}

func round3(x float64) float64 {
	return float64(int64(x*1000+0.5)) / 1000
}
