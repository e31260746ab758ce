package asr

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/text"
)

// evalResult holds greedy-decoding scores per corpus family.
type evalResult struct {
	byCorpus map[string]text.Score
}

// primaryCER is the model-selection figure: CER over all dev speech
// (every corpus family pooled).
func (r evalResult) primaryCER() float64 {
	var total text.Score
	for _, s := range r.byCorpus {
		total = total.Add(s)
	}
	cer := total.CER()
	if math.IsNaN(cer) {
		return math.Inf(1)
	}
	return cer
}

// table is the per-corpus figures for logs, the ledger and model cards.
func (r evalResult) table() map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	var total text.Score
	for name, s := range r.byCorpus {
		out[name] = map[string]float64{"cer": round2(100 * s.CER()), "wer": round2(100 * s.WER()), "utterances": float64(s.Utterances)}
		total = total.Add(s)
	}
	out["all"] = map[string]float64{"cer": round2(100 * total.CER()), "wer": round2(100 * total.WER()), "utterances": float64(total.Utterances)}
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func (r evalResult) String() string {
	names := make([]string, 0, len(r.byCorpus))
	for n := range r.byCorpus {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	t := r.table()
	fmt.Fprintf(&b, "all CER %.2f%% WER %.2f%%", t["all"]["cer"], t["all"]["wer"])
	for _, n := range names {
		fmt.Fprintf(&b, " | %s CER %.2f%% WER %.2f%%", n, t[n]["cer"], t[n]["wer"])
	}
	return b.String()
}

// evaluate decodes dev greedily with m on the given number of goroutines.
func evaluate(ctx context.Context, m *acoustic.Model, data *corpusData, dev []utterance, workers int) (evalResult, error) {
	vocab := m.Vocab()
	scores := make([]text.Score, len(dev))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			runner, err := m.NewRunner()
			if err != nil {
				errs[w] = err
				return
			}
			var buf []float32
			for i := w; i < len(dev); i += workers {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				if buf, err = data.samples(dev[i].entry, buf); err != nil {
					errs[w] = err
					return
				}
				lp, frames, err := runner.LogProbs(buf)
				if err != nil {
					errs[w] = err
					return
				}
				hyp := vocab.GreedyDecode(lp, frames)
				scores[i] = text.ScoreNormalized(dev[i].entry.Text, hyp)
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return evalResult{}, err
		}
	}
	res := evalResult{byCorpus: map[string]text.Score{}}
	for i, u := range dev {
		fam := corpora.Family(u.entry.Corpus)
		res.byCorpus[fam] = res.byCorpus[fam].Add(scores[i])
	}
	return res, nil
}
