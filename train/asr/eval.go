package asr

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/text"
)

// evalResult holds greedy-decoding scores per corpus family.
type evalResult struct {
	byCorpus map[string]text.Score
}

// primaryCER is the model-selection figure: the mean of the clean corpus
// families' CERs, so that no family (the many short FSDD digits, say)
// outweighs the others; the noisy conditions are reported only.
func (r evalResult) primaryCER() float64 {
	sum, n := 0.0, 0
	for name, s := range r.byCorpus {
		if cer := s.CER(); !strings.Contains(name, "@") && !math.IsNaN(cer) {
			sum += cer
			n++
		}
	}
	if n == 0 {
		return math.Inf(1)
	}
	return sum / float64(n)
}

// table is the per-corpus figures for logs, the ledger and model cards.
func (r evalResult) table() map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	var total text.Score
	for name, s := range r.byCorpus {
		out[name] = map[string]float64{"cer": round2(100 * s.CER()), "wer": round2(100 * s.WER()), "utterances": float64(s.Utterances)}
		if !strings.Contains(name, "@") {
			total = total.Add(s)
		}
	}
	out["all"] = map[string]float64{"cer": round2(100 * total.CER()), "wer": round2(100 * total.WER()), "utterances": float64(total.Utterances)}
	out["family_mean"] = map[string]float64{"cer": round2(100 * r.primaryCER())}
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
	fmt.Fprintf(&b, "family-mean CER %.2f%% | all CER %.2f%% WER %.2f%%", t["family_mean"]["cer"], t["all"]["cer"], t["all"]["wer"])
	for _, n := range names {
		fmt.Fprintf(&b, " | %s CER %.2f%% WER %.2f%%", n, t[n]["cer"], t[n]["wer"])
	}
	return b.String()
}

// noisyCondition is a dev condition with held-out noise added.
type noisyCondition struct {
	snrDB float64
	// limit is how many utterances of the family get it.
	limit  int
	family string
}

// evalJob is one utterance in one condition.
type evalJob struct {
	utt   int
	snrDB float64 // 0: clean
	label string
}

// evaluate decodes dev greedily with m on the given number of goroutines,
// clean and, with a noise bank, in the noisy conditions.
func evaluate(ctx context.Context, m *acoustic.Model, data *corpusData, dev []utterance, workers int, noise *augment.NoiseBank, conds []noisyCondition) (evalResult, error) {
	vocab := m.Vocab()
	var jobs []evalJob
	for i, u := range dev {
		jobs = append(jobs, evalJob{utt: i, label: corpora.Family(u.entry.Corpus)})
	}
	if noise != nil {
		for _, c := range conds {
			n := 0
			for i, u := range dev {
				if corpora.Family(u.entry.Corpus) == c.family && n < c.limit {
					jobs = append(jobs, evalJob{utt: i, snrDB: c.snrDB, label: fmt.Sprintf("%s@%gdB", c.family, c.snrDB)})
					n++
				}
			}
		}
	}
	scores := make([]text.Score, len(jobs))
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
			for i := w; i < len(jobs); i += workers {
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				u := dev[jobs[i].utt]
				if buf, err = data.samples(u.entry, buf); err != nil {
					errs[w] = err
					return
				}
				x := buf
				if jobs[i].snrDB != 0 {
					x, _ = augment.NoisyDev(buf, u.entry.Corpus+"/"+u.entry.ID, jobs[i].snrDB, noise)
				}
				lp, frames, err := runner.LogProbs(x)
				if err != nil {
					errs[w] = err
					return
				}
				hyp := vocab.GreedyDecode(lp, frames)
				scores[i] = text.ScoreNormalized(u.entry.Text, hyp)
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
	for i, j := range jobs {
		res.byCorpus[j.label] = res.byCorpus[j.label].Add(scores[i])
	}
	return res, nil
}
