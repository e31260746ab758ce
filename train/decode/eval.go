package decode

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/decoder"
	"github.com/mynah-speech/mynah/lm"
	"github.com/mynah-speech/mynah/text"
)

// Options configure an evaluation.
type Options struct {
	// Alphas and Betas span the grid of LM weight (α) and word bonus (β).
	Alphas []float64 `json:"alphas"`
	Betas  []float64 `json:"betas"`
	// Beam is the beam size of every search.
	Beam int `json:"beam"`
	// Workers is how many utterances are searched at once.
	Workers int `json:"workers"`
	// Hotwords is the size of the hotword list, HotwordsInDev how many of
	// them occur in dev (the rest are distractors that do not).
	Hotwords      int `json:"hotwords"`
	HotwordsInDev int `json:"hotwords_in_dev"`
	// HotwordBoosts are the per-token boosts tried, one dev pass each.
	HotwordBoosts []float64 `json:"hotword_boosts"`
	// HotwordKeep and HotwordMinLMLogProb are every hotword's
	// decoder.Hotword Keep and MinLMLogProb (0: the decoder's defaults).
	HotwordKeep         float64 `json:"hotword_keep"`
	HotwordMinLMLogProb float64 `json:"hotword_min_lm_log_prob"`
	// Spotting is the decoder's hotword spotter config in the hotword
	// test (the zero value: its defaults).
	Spotting decoder.SpotConfig `json:"spotting"`
	// Phone runs the phone-lexicon comparison when the model has a phone
	// head.
	Phone bool `json:"phone"`
	// PhoneSeparatorPenalty is subtracted from the blank's log-probability
	// to give the synthetic word-separator column of the phone head (see
	// phoneMatrix).
	PhoneSeparatorPenalty float64 `json:"phone_separator_penalty"`
	// PhoneBetas are the word bonuses of the phone-lexicon search, at the
	// character grid's best α; empty means Betas.
	PhoneBetas []float64 `json:"phone_betas,omitempty"`
	// OOVPenalty and OOVCharPenalty, when non-negative, replace the
	// decoder's defaults (decoder.Config) in every character search.
	OOVPenalty     float64 `json:"oov_penalty"`
	OOVCharPenalty float64 `json:"oov_char_penalty"`
	// SeenTexts, when set, are the LM's training sentences (spoken form):
	// the report counts dev references among them, since an LM that has
	// read a dev sentence helps more on it than it will on new speech.
	SeenTexts map[string]bool `json:"-"`
	// Log receives progress; nil for none.
	Log io.Writer `json:"-"`
}

// DefaultOptions is the modest grid the issue suggests: α ∈ {0.3, 0.5,
// 0.8, 1.2} × β ∈ {0, 1, 2, 3}, beam 100, 50 hotwords of which 10 in dev.
func DefaultOptions() Options {
	return Options{
		Alphas: []float64{0.3, 0.5, 0.8, 1.2}, Betas: []float64{0, 1, 2, 3},
		Beam: 100, Workers: 2, Hotwords: 50, HotwordsInDev: 10,
		HotwordBoosts: []float64{1.5, 2.25, decoder.DefaultHotwordBoost, 3.75},
		Phone:         true, PhoneSeparatorPenalty: 0,
		OOVPenalty: -1, OOVCharPenalty: -1,
	}
}

// Figure is a WER/CER summary (rates in percent).
type Figure struct {
	WER        float64 `json:"wer"`
	CER        float64 `json:"cer"`
	Sub        int     `json:"sub"`
	Del        int     `json:"del"`
	Ins        int     `json:"ins"`
	RefWords   int     `json:"ref_words"`
	Utterances int     `json:"utterances"`
}

// Hits is the number of reference words recognised: N − S − D.
func (f Figure) Hits() int { return f.RefWords - f.Sub - f.Del }

func figure(s text.Score) Figure {
	return Figure{WER: pct(s.WER()), CER: pct(s.CER()), Sub: s.Sub, Del: s.Del, Ins: s.Ins, RefWords: s.RefWords, Utterances: s.Utterances}
}

// pct is 100·x rounded to 0.01, NaN kept (JSON writes it as null via
// Report's own marshalling of NaN-free values; see clean).
func pct(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return math.Round(x*10000) / 100
}

// Scores are a decoding's figures per corpus family and over all of dev.
type Scores struct {
	Families map[string]Figure `json:"families"`
	All      Figure            `json:"all"`
}

// GridPoint is one (α, β) setting's beam-search scores.
type GridPoint struct {
	Alpha  float64 `json:"alpha"`
	Beta   float64 `json:"beta"`
	Scores Scores  `json:"scores"`
}

// Report is everything an evaluation measured. It marshals to JSON and
// renders as Markdown (WriteMarkdown).
type Report struct {
	Model        string   `json:"model"`
	LM           string   `json:"lm"`
	Utterances   int      `json:"utterances"`
	AudioSeconds float64  `json:"audio_seconds"`
	Frames       int      `json:"frames"`
	FrameMs      int      `json:"frame_ms"`
	Options      Options  `json:"options"`
	Families     []string `json:"families"`
	// SeenInLMText counts, per family, dev references that occur verbatim
	// among Options.SeenTexts (nil when none were given).
	SeenInLMText map[string]int `json:"seen_in_lm_text,omitempty"`

	Greedy Scores      `json:"greedy"`
	Grid   []GridPoint `json:"grid"`
	// Default is the decoder's default (α, β) (decoder.DefaultConfig).
	Default GridPoint `json:"default"`
	// Best is the grid point of lowest overall dev WER (ties: lower CER,
	// then grid order).
	Best GridPoint `json:"best"`
	// BestWERReduction and DefaultWERReduction are the relative WER
	// reductions against greedy, in percent (issue 8's target: ≥ 15).
	BestWERReduction    float64 `json:"best_wer_reduction"`
	DefaultWERReduction float64 `json:"default_wer_reduction"`

	Hotwords   *HotwordReport   `json:"hotwords,omitempty"`
	Confidence ConfidenceReport `json:"confidence"`
	Timing     TimingReport     `json:"timing"`
	Phone      *PhoneReport     `json:"phone,omitempty"`
}

// Evaluate searches post's utterances with langModel: greedy, the (α, β)
// grid, hotwords, confidence and timing at the best point, and the
// phone-lexicon mode when the posteriors carry a phone head.
func Evaluate(ctx context.Context, post *Posteriors, langModel *lm.Model, lmName string, opts Options) (*Report, error) {
	if len(post.Utterances) == 0 {
		return nil, fmt.Errorf("evaluate: no utterances")
	}
	if len(opts.Alphas) == 0 || len(opts.Betas) == 0 {
		return nil, fmt.Errorf("evaluate: empty α or β grid")
	}
	vocab := decoder.Vocabulary{Tokens: post.Vocab, Blank: 0, Separator: 1}
	if err := vocab.Validate(); err != nil {
		return nil, fmt.Errorf("evaluate: model vocabulary: %w", err)
	}
	if len(post.Vocab) < 2 || post.Vocab[1] != " " {
		return nil, fmt.Errorf("evaluate: model vocabulary %q has no space at column 1", post.Vocab)
	}
	frameDur := time.Duration(post.FrameMs) * time.Millisecond
	r := &Report{Model: post.ModelID, LM: lmName, Utterances: len(post.Utterances), FrameMs: post.FrameMs, Options: opts}
	fams := map[string]bool{}
	for _, u := range post.Utterances {
		r.AudioSeconds += u.Seconds
		r.Frames += u.Frames
		fams[u.Family] = true
	}
	r.AudioSeconds = math.Round(r.AudioSeconds*10) / 10
	for f := range fams {
		r.Families = append(r.Families, f)
	}
	sort.Strings(r.Families)
	if opts.SeenTexts != nil {
		r.SeenInLMText = map[string]int{}
		for _, u := range post.Utterances {
			if opts.SeenTexts[strings.Join(strings.Fields(u.Text), " ")] {
				r.SeenInLMText[u.Family]++
			}
		}
	}
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, format+"\n", args...)
		}
	}

	// 1. Greedy.
	greedy := make([]string, len(post.Utterances))
	for i, u := range post.Utterances {
		h, err := decoder.Greedy(u.LogProbs, vocab, frameDur)
		if err != nil {
			return nil, fmt.Errorf("greedy %s: %w", u.ID, err)
		}
		greedy[i] = h.Text
	}
	r.Greedy = score(post.Utterances, greedy)
	logf("greedy: WER %.2f%% CER %.2f%%", r.Greedy.All.WER, r.Greedy.All.CER)

	// 2. The (α, β) grid.
	base := decoder.DefaultConfig()
	base.BeamSize = opts.Beam
	base.NBest = 1
	base.FrameDuration = frameDur
	base.Spotting = opts.Spotting
	if opts.OOVPenalty >= 0 {
		base.OOVPenalty = opts.OOVPenalty
	}
	if opts.OOVCharPenalty >= 0 {
		base.OOVCharPenalty = opts.OOVCharPenalty
	}
	charLP := func(i int) []float32 { return post.Utterances[i].LogProbs }
	search := func(alpha, beta float64, hot *decoder.Hotwords) ([]decoder.Hypothesis, error) {
		cfg := base
		cfg.LMWeight, cfg.WordBonus = alpha, beta
		dec, err := decoder.New(vocab, cfg, decoder.Resources{LM: langModel})
		if err != nil {
			return nil, err
		}
		return decodeAll(ctx, dec, len(post.Utterances), charLP, hot, opts.Workers)
	}
	bestIdx := -1
	var bestHyps []decoder.Hypothesis
	for _, a := range opts.Alphas {
		for _, b := range opts.Betas {
			start := time.Now()
			hyps, err := search(a, b, nil)
			if err != nil {
				return nil, fmt.Errorf("grid α %g β %g: %w", a, b, err)
			}
			p := GridPoint{Alpha: a, Beta: b, Scores: score(post.Utterances, texts(hyps))}
			r.Grid = append(r.Grid, p)
			logf("grid α %.2f β %.2f: WER %.2f%% CER %.2f%% (%.1f s)", a, b, p.Scores.All.WER, p.Scores.All.CER, time.Since(start).Seconds())
			if bestIdx < 0 || better(p.Scores.All, r.Grid[bestIdx].Scores.All) {
				bestIdx, bestHyps = len(r.Grid)-1, hyps
			}
		}
	}
	r.Best = r.Grid[bestIdx]
	def := decoder.DefaultConfig()
	r.Default = GridPoint{Alpha: def.LMWeight, Beta: def.WordBonus}
	if k := slices.IndexFunc(r.Grid, func(p GridPoint) bool { return p.Alpha == def.LMWeight && p.Beta == def.WordBonus }); k >= 0 {
		r.Default = r.Grid[k]
	} else {
		hyps, err := search(def.LMWeight, def.WordBonus, nil)
		if err != nil {
			return nil, fmt.Errorf("default α β: %w", err)
		}
		r.Default.Scores = score(post.Utterances, texts(hyps))
		logf("default α %.2f β %.2f: WER %.2f%%", def.LMWeight, def.WordBonus, r.Default.Scores.All.WER)
	}
	r.BestWERReduction = reduction(r.Greedy.All.WER, r.Best.Scores.All.WER)
	r.DefaultWERReduction = reduction(r.Greedy.All.WER, r.Default.Scores.All.WER)

	// 4. Confidence and timing at the best point.
	r.Confidence = confidence(post.Utterances, bestHyps)
	r.Timing = timingSelfConsistency(post, bestHyps)
	logf("confidence AUROC %.3f over %d words; timing median |Δstart| %.0f ms |Δend| %.0f ms over %d words",
		r.Confidence.AUROC, r.Confidence.Words, r.Timing.MedianStartErrorMs, r.Timing.MedianEndErrorMs, r.Timing.Words)

	// 3. Hotwords at the best point.
	if opts.Hotwords > 0 && opts.HotwordsInDev > 0 && len(opts.HotwordBoosts) > 0 {
		hr, err := evaluateHotwords(post, langModel, opts, bestHyps, func(hot *decoder.Hotwords) ([]decoder.Hypothesis, error) {
			return search(r.Best.Alpha, r.Best.Beta, hot)
		}, vocab, logf)
		if err != nil {
			return nil, err
		}
		r.Hotwords = hr
	}

	// 5. Phone-lexicon mode.
	if opts.Phone && len(post.PhoneVocab) > 0 {
		pr, err := evaluatePhone(ctx, post, langModel, opts, r, logf)
		if err != nil {
			return nil, err
		}
		r.Phone = pr
	}
	return r, nil
}

// better orders grid points: lower WER, then lower CER.
func better(a, b Figure) bool {
	if a.WER != b.WER {
		return a.WER < b.WER
	}
	return a.CER < b.CER
}

func reduction(base, x float64) float64 {
	if base <= 0 {
		return 0
	}
	return math.Round(10000*(base-x)/base) / 100
}

func texts(hyps []decoder.Hypothesis) []string {
	out := make([]string, len(hyps))
	for i, h := range hyps {
		out[i] = h.Text
	}
	return out
}

// score sums the utterances' scores per family and overall.
func score(utts []Utterance, hyps []string) Scores {
	by := map[string]text.Score{}
	var all text.Score
	for i, u := range utts {
		s := text.ScoreNormalized(u.Text, hyps[i])
		by[u.Family] = by[u.Family].Add(s)
		all = all.Add(s)
	}
	out := Scores{Families: map[string]Figure{}, All: figure(all)}
	for f, s := range by {
		out.Families[f] = figure(s)
	}
	return out
}

// decodeAll beam-searches n utterances on workers goroutines and returns
// each one's best hypothesis, in utterance order.
func decodeAll(ctx context.Context, dec *decoder.Decoder, n int, logProbs func(int) []float32, hot *decoder.Hotwords, workers int) ([]decoder.Hypothesis, error) {
	out := make([]decoder.Hypothesis, n)
	err := parallel(ctx, n, workers, func(next func() (int, bool)) error {
		s := dec.NewStream(hot)
		for {
			i, ok := next()
			if !ok {
				return nil
			}
			s.Reset()
			if err := s.Push(logProbs(i)); err != nil {
				return fmt.Errorf("utterance %d: %w", i, err)
			}
			hyps := s.Finalize()
			if len(hyps) > 0 {
				out[i] = hyps[0]
			}
		}
	})
	return out, err
}

func round3(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return math.Round(x*1000) / 1000
}

// TimingReport compares the decoder's word times with a reference.
type TimingReport struct {
	// Reference says what the times were compared with.
	Reference string `json:"reference"`
	// Words is how many correctly recognised words were compared.
	Words              int     `json:"words"`
	MedianStartErrorMs float64 `json:"median_start_error_ms"`
	MedianEndErrorMs   float64 `json:"median_end_error_ms"`
	// Within60Ms is the percentage of words whose start and end both lie
	// within 60 ms of the reference's.
	Within60Ms float64 `json:"within_60ms"`
}

// timingSelfConsistency compares each correctly recognised word's times
// with those of the CTC forced alignment of the reference under the same
// log-probabilities. No dev manifest carries word times, so this is a
// self-consistency figure (does the search's best path put a word where
// the model's own best alignment of the truth does?), not an accuracy
// against human or independent boundaries.
func timingSelfConsistency(post *Posteriors, hyps []decoder.Hypothesis) TimingReport {
	rep := TimingReport{Reference: "CTC forced alignment of the reference text with the same model (self-consistency, not ground truth)"}
	index := map[rune]int{}
	for i, s := range post.Vocab {
		if r := []rune(s); i > 0 && len(r) == 1 {
			index[r[0]] = i
		}
	}
	V := len(post.Vocab)
	var starts, ends []float64
	within := 0
	for i, u := range post.Utterances {
		refWords := strings.Fields(u.Text)
		var labels []int
		ok := true
		for _, r := range strings.Join(refWords, " ") {
			id, found := index[r]
			if !found {
				ok = false
				break
			}
			labels = append(labels, id)
		}
		if !ok || u.Frames == 0 {
			continue
		}
		spans, ok := forcedWordSpans(u.LogProbs, u.Frames, V, labels, 0, 1)
		if !ok || len(spans) != len(refWords) {
			continue
		}
		ws := hyps[i].Words
		hw := make([]string, len(ws))
		for k, w := range ws {
			hw[k] = w.Text
		}
		for k, ref := range alignWords(refWords, hw) {
			if ref < 0 {
				continue
			}
			ds := math.Abs(float64(ws[k].StartFrame-spans[ref].start)) * float64(post.FrameMs)
			de := math.Abs(float64(ws[k].EndFrame-spans[ref].end)) * float64(post.FrameMs)
			starts = append(starts, ds)
			ends = append(ends, de)
			if ds <= 60 && de <= 60 {
				within++
			}
		}
	}
	rep.Words = len(starts)
	rep.MedianStartErrorMs = median(starts)
	rep.MedianEndErrorMs = median(ends)
	if rep.Words > 0 {
		rep.Within60Ms = math.Round(10000*float64(within)/float64(rep.Words)) / 100
	} else {
		rep.MedianStartErrorMs, rep.MedianEndErrorMs = -1, -1
	}
	return rep
}
