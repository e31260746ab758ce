package decode

import (
	"fmt"
	"io"
	"strings"

	"github.com/mynah-speech/mynah/decoder"
)

// WriteMarkdown renders the report as Markdown tables (rates in percent;
// −1 marks a figure that could not be measured).
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Decoder dev evaluation\n\n")
	fmt.Fprintf(&b, "Model `%s`, LM `%s`; %d dev utterances, %.1f s of audio, %d frames of %d ms; beam %d.\n\n",
		r.Model, r.LM, r.Utterances, r.AudioSeconds, r.Frames, r.FrameMs, r.Options.Beam)

	fmt.Fprintf(&b, "### WER / CER per corpus family\n\n")
	fmt.Fprintf(&b, "Each cell: WER / CER / words correct (of the reference's). An empty hypothesis scores WER 100%%, so with a weak acoustic model a lower WER can come from fewer insertions rather than more correct words: read the third figure too.\n\n")
	fmt.Fprintf(&b, "| family | utts | ref words | greedy | default α %g β %g | best α %g β %g |\n",
		r.Default.Alpha, r.Default.Beta, r.Best.Alpha, r.Best.Beta)
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|\n")
	cell := func(f Figure) string { return fmt.Sprintf("%.2f / %.2f / %d", f.WER, f.CER, f.Hits()) }
	row := func(name string, g, d, bst Figure) {
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s |\n", name, g.Utterances, g.RefWords, cell(g), cell(d), cell(bst))
	}
	for _, f := range r.Families {
		row(f, r.Greedy.Families[f], r.Default.Scores.Families[f], r.Best.Scores.Families[f])
	}
	row("**all**", r.Greedy.All, r.Default.Scores.All, r.Best.Scores.All)
	fmt.Fprintf(&b, "\nRelative WER reduction against greedy: best %.2f%%, default %.2f%% (issue 8's target: ≥ 15%%).\n\n", r.BestWERReduction, r.DefaultWERReduction)
	if r.SeenInLMText != nil {
		fmt.Fprintf(&b, "Dev references that occur verbatim in the LM's training text, per family:")
		for _, f := range r.Families {
			fmt.Fprintf(&b, " %s %d/%d;", f, r.SeenInLMText[f], r.Greedy.Families[f].Utterances)
		}
		fmt.Fprintf(&b, " the LM's gain on those is larger than it will be on new sentences.\n\n")
	}

	fmt.Fprintf(&b, "### α × β grid: overall WER / CER / words correct\n\n| α \\ β |")
	for _, beta := range r.Options.Betas {
		fmt.Fprintf(&b, " %g |", beta)
	}
	fmt.Fprintf(&b, "\n|---|%s\n", strings.Repeat("---:|", len(r.Options.Betas)))
	for _, alpha := range r.Options.Alphas {
		fmt.Fprintf(&b, "| %g |", alpha)
		for _, beta := range r.Options.Betas {
			for _, p := range r.Grid {
				if p.Alpha == alpha && p.Beta == beta {
					mark := ""
					if p.Alpha == r.Best.Alpha && p.Beta == r.Best.Beta {
						mark = "**"
					}
					fmt.Fprintf(&b, " %s%s%s |", mark, cell(p.Scores.All), mark)
				}
			}
		}
		fmt.Fprintf(&b, "\n")
	}
	fmt.Fprintf(&b, "\n")

	if h := r.Hotwords; h != nil {
		fmt.Fprintf(&b, "### Hotwords (at the best α, β)\n\n")
		fmt.Fprintf(&b, "%d words, %d in dev (%d occurrences): %s. Distractors: %s.\n\n",
			len(h.InDev)+len(h.Distractors), len(h.InDev), h.Occurrences, strings.Join(h.InDev, ", "), strings.Join(h.Distractors, ", "))
		keep := fmt.Sprintf("%g", h.Keep)
		switch {
		case h.Keep == 0:
			keep = fmt.Sprintf("%g × boost (the decoder's default)", decoder.DefaultHotwordKeepPerBoost)
		case h.Keep < 0:
			keep = "its per-token boosts (icefall's context graph)"
		}
		minLM := fmt.Sprintf("%g", h.MinLMLogProb)
		if h.MinLMLogProb == 0 {
			minLM = fmt.Sprintf("%g (the decoder's default)", decoder.DefaultHotwordMinLMLogProb)
		}
		fmt.Fprintf(&b, "Each completed hotword word keeps %s nats; the LM scores it at least ln P = %s.\n\n", keep, minLM)
		fmt.Fprintf(&b, "| list | boost/token | recall | false alarms | WER, %d utts without hotwords | relative change | WER all |\n|---|---:|---:|---:|---:|---:|---:|\n", h.UtterancesWithout)
		fmt.Fprintf(&b, "| none | – | %.1f%% (%d/%d) | %d | %.2f | – | %.2f |\n", h.Without.Recall, h.Without.Hits, h.Occurrences, h.Without.FalseAlarms, h.Without.WERWithout, h.Without.All.WER)
		for _, run := range h.Runs {
			fmt.Fprintf(&b, "| 50 words | %g | %.1f%% (%d/%d) | %d | %.2f | %+.2f%% | %.2f |\n", run.Boost, run.Recall, run.Hits, h.Occurrences, run.FalseAlarms, run.WERWithout, run.WERChange, run.All.WER)
		}
		fmt.Fprintf(&b, "\nTargets: recall ≥ 80%%, WER on utterances without hotwords ≤ +2%% relative.\n\n")
		for _, run := range h.Runs {
			if len(run.Missed) > 0 {
				fmt.Fprintf(&b, "Boost %g missed:\n\n", run.Boost)
				for _, m := range run.Missed {
					fmt.Fprintf(&b, "- %s\n", m)
				}
				fmt.Fprintf(&b, "\n")
			}
		}
	}

	c := r.Confidence
	fmt.Fprintf(&b, "### Word confidence and times (at the best α, β)\n\n")
	fmt.Fprintf(&b, "| measure | value |\n|---|---:|\n")
	fmt.Fprintf(&b, "| confidence AUROC of word correctness (target ≥ 0.8) | %.3f |\n", c.AUROC)
	fmt.Fprintf(&b, "| hypothesis words (correct) | %d (%d) |\n", c.Words, c.Correct)
	fmt.Fprintf(&b, "| mean confidence, correct / wrong | %.3f / %.3f |\n", c.MeanCorrect, c.MeanWrong)
	t := r.Timing
	fmt.Fprintf(&b, "| median word start / end error, ms | %.0f / %.0f |\n", t.MedianStartErrorMs, t.MedianEndErrorMs)
	fmt.Fprintf(&b, "| words with both within 60 ms | %.1f%% of %d |\n", t.Within60Ms, t.Words)
	fmt.Fprintf(&b, "\nTimes are compared with: %s.\n\n", t.Reference)
	if len(c.Features) > 0 {
		fmt.Fprintf(&b, "Confidence features, AUROC of each alone over all %d words (below 0.5: larger means wrong):\n\n| feature | AUROC |\n|---|---:|\n", c.Words)
		for _, f := range c.Features {
			fmt.Fprintf(&b, "| %s | %.3f |\n", f.Name, f.AUROC)
		}
		fmt.Fprintf(&b, "\nLogistic regression on all features, fitted on one speaker-disjoint half and scored on the other:\n\n| half | speakers | words (correct) | held-out AUROC |\n|---|---|---:|---:|\n")
		for h, half := range c.Halves {
			fmt.Fprintf(&b, "| %c | %s | %d (%d) | %.3f |\n", 'A'+h, strings.Join(half.Speakers, ", "), half.Words, half.Correct, half.HeldOutAUROC)
		}
		fmt.Fprintf(&b, "| both, pooled | | %d (%d) | %.3f |\n", c.Words, c.Correct, c.HeldOutAUROC)
		fmt.Fprintf(&b, "\nFitted on all words (in-sample AUROC %.3f), the weights to ship as decoder.DefaultConfidenceModel:\n\n\t%s\n\n", c.FittedAUROC, goModel(c.Fitted))
	}

	if p := r.Phone; p != nil {
		fmt.Fprintf(&b, "### Phone-lexicon decoding vs characters\n\n")
		fmt.Fprintf(&b, "Phone head greedy PER %.2f%%. Lexicon: %d LM words with CMUdict pronunciations (%d LM words without); %d of %d dev reference words are outside it. Word separator = blank − %g.\n\n",
			p.GreedyPER, p.LexiconWords, p.LexiconSkipped, p.DevOOV, p.DevRefWords, p.SeparatorPenalty)
		fmt.Fprintf(&b, "| mode | α | β | WER | CER | words correct |\n|---|---:|---:|---:|---:|---:|\n")
		fmt.Fprintf(&b, "| characters, greedy | – | – | %.2f | %.2f | %d |\n", r.Greedy.All.WER, r.Greedy.All.CER, r.Greedy.All.Hits())
		fmt.Fprintf(&b, "| characters, beam + LM (best) | %g | %g | %.2f | %.2f | %d |\n", r.Best.Alpha, r.Best.Beta, r.Best.Scores.All.WER, r.Best.Scores.All.CER, r.Best.Scores.All.Hits())
		for _, g := range p.Grid {
			fmt.Fprintf(&b, "| phones, lexicon + LM | %g | %g | %.2f | %.2f | %d |\n", g.Alpha, g.Beta, g.Scores.All.WER, g.Scores.All.CER, g.Scores.All.Hits())
		}
		fmt.Fprintf(&b, "\nPer family, best phone point vs best character point (WER):")
		for _, f := range r.Families {
			fmt.Fprintf(&b, " %s %.2f vs %.2f;", f, p.Best.Scores.Families[f].WER, r.Best.Scores.Families[f].WER)
		}
		fmt.Fprintf(&b, "\n\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
