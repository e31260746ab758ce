package decode

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mynah-speech/mynah/decoder"
	"github.com/mynah-speech/mynah/lm"
	"github.com/mynah-speech/mynah/text"
)

// HotwordReport is issue 8's hotword measurement: a list of Hotwords
// words, HotwordsInDev of which occur in dev, decoded at the best (α, β)
// with and without the list.
type HotwordReport struct {
	// InDev are the list's words that occur in dev: the dev transcripts'
	// words of at least four letters that the LM finds least likely as
	// unigrams (out-of-vocabulary first), ties by spelling.
	InDev []string `json:"in_dev"`
	// Distractors are the rest: LM words of at least five letters absent
	// from dev, the first by SHA-256 of their spelling (a fixed,
	// arbitrary choice that does not cluster similar spellings).
	Distractors []string `json:"distractors"`
	// Occurrences is how many times the InDev words occur in the dev
	// references.
	Occurrences int `json:"occurrences"`
	// UtterancesWithout counts dev utterances whose reference has none of
	// the InDev words: the WER-change set.
	UtterancesWithout int `json:"utterances_without"`
	// Keep and MinLMLogProb are every hotword's decoder.Hotword terms
	// (0: the decoder's defaults).
	Keep         float64 `json:"keep"`
	MinLMLogProb float64 `json:"min_lm_log_prob"`
	// Without is the decoding without the list.
	Without HotwordRun `json:"without"`
	// Runs are the decodings with the list, one per boost.
	Runs []HotwordRun `json:"runs"`
}

// HotwordRun is one decoding's hotword figures.
type HotwordRun struct {
	// Boost is the per-token boost (0: no list).
	Boost float64 `json:"boost"`
	// Recall is the percentage of InDev occurrences recognised (issue 8's
	// target: ≥ 80).
	Recall float64 `json:"recall"`
	Hits   int     `json:"hits"`
	// FalseAlarms counts list words in hypotheses beyond their count in
	// the reference (distractors included).
	FalseAlarms int `json:"false_alarms"`
	// WERWithout is the WER on the utterances without InDev words, and
	// WERChange its relative change against no list, in percent (issue 8's
	// target: ≤ +2).
	WERWithout float64 `json:"wer_without"`
	WERChange  float64 `json:"wer_change"`
	// All is the whole dev set's figure.
	All Figure `json:"all"`
	// Missed lists each InDev occurrence not recognised, as
	// "word: hypothesis of its utterance".
	Missed []string `json:"missed,omitempty"`
	// FalseAlarmWords counts the false alarms per list word.
	FalseAlarmWords map[string]int `json:"false_alarm_words,omitempty"`
}

// pickHotwords chooses the list deterministically (see HotwordReport).
func pickHotwords(utts []Utterance, m *lm.Model, inDev, total int) (dev, distractors []string) {
	seen := map[string]bool{}
	for _, u := range utts {
		for _, w := range strings.Fields(u.Text) {
			seen[w] = true
		}
	}
	letters := func(w string, n int) bool {
		if len(w) < n {
			return false
		}
		for _, r := range w {
			if r < 'a' || r > 'z' {
				return false
			}
		}
		return true
	}
	type cand struct {
		word string
		lp   float64
	}
	var cands []cand
	for w := range seen {
		if !letters(w, 4) {
			continue
		}
		lp := math.Inf(-1)
		if m != nil {
			if id, ok := m.Lookup(w); ok {
				p, _ := m.Score(m.NullState(), id)
				lp = float64(p)
			}
		}
		cands = append(cands, cand{w, lp})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].lp != cands[j].lp {
			return cands[i].lp < cands[j].lp
		}
		return cands[i].word < cands[j].word
	})
	for _, c := range cands[:min(inDev, len(cands))] {
		dev = append(dev, c.word)
	}
	want := total - len(dev)
	if m == nil || want <= 0 {
		return dev, nil
	}
	type hashed struct {
		word string
		h    uint64
	}
	var pool []hashed
	for id := lm.EndID + 1; int(id) < m.VocabSize(); id++ {
		w := m.Word(id)
		if !letters(w, 5) || seen[w] {
			continue
		}
		sum := sha256.Sum256([]byte(w))
		pool = append(pool, hashed{w, binary.BigEndian.Uint64(sum[:8])})
	}
	sort.Slice(pool, func(i, j int) bool {
		if pool[i].h != pool[j].h {
			return pool[i].h < pool[j].h
		}
		return pool[i].word < pool[j].word
	})
	for _, p := range pool[:min(want, len(pool))] {
		distractors = append(distractors, p.word)
	}
	return dev, distractors
}

// evaluateHotwords decodes dev with the list at each boost and compares
// with the decoding without it (base).
func evaluateHotwords(post *Posteriors, m *lm.Model, opts Options, base []decoder.Hypothesis,
	search func(*decoder.Hotwords) ([]decoder.Hypothesis, error), vocab decoder.Vocabulary, logf func(string, ...any)) (*HotwordReport, error) {
	utts := post.Utterances
	devWords, distractors := pickHotwords(utts, m, opts.HotwordsInDev, opts.Hotwords)
	rep := &HotwordReport{InDev: devWords, Distractors: distractors, Keep: opts.HotwordKeep, MinLMLogProb: opts.HotwordMinLMLogProb}
	isDev := map[string]bool{}
	for _, w := range devWords {
		isDev[w] = true
	}
	isList := map[string]bool{}
	for _, w := range append(append([]string(nil), devWords...), distractors...) {
		isList[w] = true
	}
	hasHot := make([]bool, len(utts))
	for i, u := range utts {
		for _, w := range strings.Fields(u.Text) {
			if isDev[w] {
				rep.Occurrences++
				hasHot[i] = true
			}
		}
		if !hasHot[i] {
			rep.UtterancesWithout++
		}
	}
	measure := func(boost float64, hyps []decoder.Hypothesis) HotwordRun {
		run := HotwordRun{Boost: boost}
		var without, all text.Score
		for i, u := range utts {
			refCount, hypCount := map[string]int{}, map[string]int{}
			for _, w := range strings.Fields(u.Text) {
				refCount[w]++
			}
			for _, w := range hyps[i].Words {
				hypCount[w.Text]++
			}
			for w, n := range refCount {
				if isDev[w] {
					run.Hits += min(n, hypCount[w])
					if hypCount[w] < n {
						run.Missed = append(run.Missed, w+": "+u.Text+" → "+hyps[i].Text)
					}
				}
			}
			for w, n := range hypCount {
				if isList[w] && n > refCount[w] {
					run.FalseAlarms += n - refCount[w]
					if run.FalseAlarmWords == nil {
						run.FalseAlarmWords = map[string]int{}
					}
					run.FalseAlarmWords[w] += n - refCount[w]
				}
			}
			s := text.ScoreNormalized(u.Text, hyps[i].Text)
			all = all.Add(s)
			if !hasHot[i] {
				without = without.Add(s)
			}
		}
		if rep.Occurrences > 0 {
			run.Recall = math.Round(10000*float64(run.Hits)/float64(rep.Occurrences)) / 100
		}
		run.WERWithout = pct(without.WER())
		run.All = figure(all)
		return run
	}
	rep.Without = measure(0, base)
	for _, boost := range opts.HotwordBoosts {
		list := make([]decoder.Hotword, 0, len(devWords)+len(distractors))
		for _, w := range devWords {
			list = append(list, decoder.Hotword{Phrase: w, Boost: boost, Keep: opts.HotwordKeep, MinLMLogProb: opts.HotwordMinLMLogProb})
		}
		for _, w := range distractors {
			list = append(list, decoder.Hotword{Phrase: w, Boost: boost, Keep: opts.HotwordKeep, MinLMLogProb: opts.HotwordMinLMLogProb})
		}
		hot, err := decoder.CompileHotwords(vocab, list, nil)
		if err != nil {
			return nil, fmt.Errorf("hotwords: %w", err)
		}
		hyps, err := search(hot)
		if err != nil {
			return nil, fmt.Errorf("hotwords boost %g: %w", boost, err)
		}
		run := measure(boost, hyps)
		run.WERChange = reduction(rep.Without.WERWithout, run.WERWithout) * -1
		rep.Runs = append(rep.Runs, run)
		logf("hotwords boost %.2f: recall %.1f%% (%d/%d; without list %d), false alarms %d, WER on the rest %.2f%% → %.2f%% (%+.2f%%)",
			boost, run.Recall, run.Hits, rep.Occurrences, rep.Without.Hits, run.FalseAlarms, rep.Without.WERWithout, run.WERWithout, run.WERChange)
	}
	return rep, nil
}
