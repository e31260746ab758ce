package emotion

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mynah-speech/mynah/emotion"
)

// confusion counts [true][predicted] labels.
type confusion [emotion.NumLabels][emotion.NumLabels]int

func (c *confusion) add(o confusion) {
	for i := range c {
		for j := range c[i] {
			c[i][j] += o[i][j]
		}
	}
}

// recalls returns each label's recall (NaN for a label absent from the
// truth).
func (c confusion) recalls() [emotion.NumLabels]float64 {
	var r [emotion.NumLabels]float64
	for i, row := range c {
		var n int
		for _, v := range row {
			n += v
		}
		if n == 0 {
			r[i] = math.NaN()
			continue
		}
		r[i] = float64(row[i]) / float64(n)
	}
	return r
}

// uar is the unweighted average recall: the mean of the per-label
// recalls over the labels present (Schuller et al., Interspeech 2009
// Emotion Challenge); chance is 1/8 for eight balanced labels.
func (c confusion) uar() float64 {
	var s float64
	var n int
	for _, r := range c.recalls() {
		if !math.IsNaN(r) {
			s += r
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

func (c confusion) accuracy() float64 {
	var hit, n int
	for i, row := range c {
		for j, v := range row {
			n += v
			if i == j {
				hit += v
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}

// arousalUAR folds the matrix into high and low arousal and returns the
// binary UAR.
func (c confusion) arousalUAR() float64 {
	var m [2][2]int
	for i, row := range c {
		for j, v := range row {
			m[b2i(emotion.Label(i).HighArousal())][b2i(emotion.Label(j).HighArousal())] += v
		}
	}
	var s float64
	var n int
	for i := range m {
		t := m[i][0] + m[i][1]
		if t > 0 {
			s += float64(m[i][i]) / float64(t)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// markdown writes the matrix as a Markdown table, rows true labels.
func (c confusion) markdown(w io.Writer) {
	var b strings.Builder
	b.WriteString("| true \\ predicted |")
	for _, l := range emotion.Labels() {
		fmt.Fprintf(&b, " %s |", l)
	}
	b.WriteString(" recall |\n|---|")
	for range emotion.NumLabels + 1 {
		b.WriteString("---:|")
	}
	b.WriteByte('\n')
	rec := c.recalls()
	for i, row := range c {
		fmt.Fprintf(&b, "| %s |", emotion.Label(i))
		for _, v := range row {
			fmt.Fprintf(&b, " %d |", v)
		}
		fmt.Fprintf(&b, " %.1f%% |\n", 100*rec[i])
	}
	io.WriteString(w, b.String())
}

// foldResult is one held-out fold's score.
type foldResult struct {
	Fold       int       `json:"fold"`
	Speakers   []string  `json:"speakers"`
	Clips      int       `json:"clips"`
	UAR        float64   `json:"uar"`
	Accuracy   float64   `json:"accuracy"`
	ArousalUAR float64   `json:"arousal_uar"`
	Confusion  confusion `json:"confusion"`
	Epochs     int       `json:"epochs,omitempty"`
	L2         float64   `json:"l2,omitempty"` // a baseline's ridge penalty
	Seconds    float64   `json:"train_seconds"`
}

// variantResult summarises the folds of one model kind.
type variantResult struct {
	Kind       variant      `json:"kind"`
	Params     int          `json:"params"`
	Folds      []foldResult `json:"folds"`
	MeanUAR    float64      `json:"mean_uar"`
	StdUAR     float64      `json:"std_uar"`
	MeanAcc    float64      `json:"mean_accuracy"`
	MeanArUAR  float64      `json:"mean_arousal_uar"`
	Confusion  confusion    `json:"confusion"`
	Complete   bool         `json:"complete"`
	TotalFolds int          `json:"total_folds"`
}

func summarise(kind variant, params, total int, folds []foldResult) variantResult {
	v := variantResult{Kind: kind, Params: params, Folds: folds, TotalFolds: total, Complete: len(folds) == total}
	if len(folds) == 0 {
		return v
	}
	for _, f := range folds {
		v.MeanUAR += f.UAR
		v.MeanAcc += f.Accuracy
		v.MeanArUAR += f.ArousalUAR
		v.Confusion.add(f.Confusion)
	}
	n := float64(len(folds))
	v.MeanUAR /= n
	v.MeanAcc /= n
	v.MeanArUAR /= n
	for _, f := range folds {
		v.StdUAR += (f.UAR - v.MeanUAR) * (f.UAR - v.MeanUAR)
	}
	v.StdUAR = math.Sqrt(v.StdUAR / n)
	return v
}

func (v variantResult) report(w io.Writer) {
	fmt.Fprintf(w, "\n## %s (%d parameters)\n\n| fold | speakers | clips | UAR | accuracy | arousal UAR |\n|---|---|---:|---:|---:|---:|\n", v.Kind, v.Params)
	for _, f := range v.Folds {
		fmt.Fprintf(w, "| %d | %s | %d | %.1f%% | %.1f%% | %.1f%% |\n", f.Fold, strings.Join(f.Speakers, " "), f.Clips, 100*f.UAR, 100*f.Accuracy, 100*f.ArousalUAR)
	}
	fmt.Fprintf(w, "| mean | | | **%.1f%%** ± %.1f | %.1f%% | %.1f%% |\n\n", 100*v.MeanUAR, 100*v.StdUAR, 100*v.MeanAcc, 100*v.MeanArUAR)
	if !v.Complete {
		fmt.Fprintf(w, "(%d of %d folds done)\n\n", len(v.Folds), v.TotalFolds)
	}
	fmt.Fprintf(w, "Confusion over all held-out folds (UAR %.1f%%):\n\n", 100*v.Confusion.uar())
	v.Confusion.markdown(w)
}

func expf(x float64) float64 { return math.Exp(x) }
