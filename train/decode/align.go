package decode

import (
	"math"
	"sort"
)

// alignWords aligns hyp to ref by Levenshtein distance and reports, for
// each hypothesis word, the index of the reference word it matches
// exactly, or -1 (substituted or inserted). Among equal-cost alignments it
// prefers substitutions, then deletions, as text.EditCounts does, so the
// correct-word count agrees with the WER's hits.
func alignWords(ref, hyp []string) []int {
	n, m := len(ref), len(hyp)
	cost := make([][]int32, n+1)
	for a := range cost {
		cost[a] = make([]int32, m+1)
		cost[a][0] = int32(a)
	}
	for j := 0; j <= m; j++ {
		cost[0][j] = int32(j)
	}
	for a := 1; a <= n; a++ {
		for j := 1; j <= m; j++ {
			c := cost[a-1][j-1]
			if ref[a-1] != hyp[j-1] {
				c++
			}
			c = min(c, cost[a-1][j]+1, cost[a][j-1]+1)
			cost[a][j] = c
		}
	}
	match := make([]int, m)
	for j := range match {
		match[j] = -1
	}
	for a, j := n, m; a > 0 || j > 0; {
		switch {
		case a > 0 && j > 0 && ref[a-1] == hyp[j-1] && cost[a][j] == cost[a-1][j-1]:
			match[j-1] = a - 1
			a, j = a-1, j-1
		case a > 0 && j > 0 && cost[a][j] == cost[a-1][j-1]+1:
			a, j = a-1, j-1
		case a > 0 && cost[a][j] == cost[a-1][j]+1:
			a--
		default:
			j--
		}
	}
	return match
}

// auroc is the area under the ROC curve of scores separating positives
// from negatives: the Mann-Whitney U statistic over n⁺·n⁻, ties counted
// half (Hanley and McNeil, 1982). NaN when either class is empty.
func auroc(scores []float64, positive []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var rankSum float64
	pos := 0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // mean of ranks i+1 .. j
		for k := i; k < j; k++ {
			if positive[idx[k]] {
				rankSum += mid
				pos++
			}
		}
		i = j
	}
	neg := len(scores) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}

// span is a word's frames: [start, end).
type span struct{ start, end int }

// forcedWordSpans aligns the token sequence labels (a reference spelled in
// the vocabulary, separators included) to logProbs (frames × vocabSize)
// with the CTC Viterbi path (Graves et al., 2006: blank-interleaved labels,
// skips allowed between distinct labels) and returns each word's frames:
// from the first frame of its first token to the last frame of its last
// token, the same convention as the decoder's word times. ok is false when
// the utterance has too few frames for the labels.
func forcedWordSpans(logProbs []float32, frames, vocabSize int, labels []int, blank, sep int) (spans []span, ok bool) {
	L := len(labels)
	S := 2*L + 1
	if L == 0 || frames == 0 {
		return nil, false
	}
	label := func(s int) int {
		if s%2 == 0 {
			return blank
		}
		return labels[s/2]
	}
	negInf := math.Inf(-1)
	prev := make([]float64, S)
	cur := make([]float64, S)
	back := make([]int8, frames*S) // 0 stay, 1 from s-1, 2 from s-2
	for s := range prev {
		prev[s] = negInf
	}
	prev[0] = float64(logProbs[blank])
	prev[1] = float64(logProbs[label(1)])
	for t := 1; t < frames; t++ {
		row := logProbs[t*vocabSize : (t+1)*vocabSize]
		for s := 0; s < S; s++ {
			best, from := prev[s], int8(0)
			if s >= 1 && prev[s-1] > best {
				best, from = prev[s-1], 1
			}
			if s >= 2 && s%2 == 1 && label(s) != label(s-2) && prev[s-2] > best {
				best, from = prev[s-2], 2
			}
			cur[s] = best + float64(row[label(s)])
			back[t*S+s] = from
		}
		prev, cur = cur, prev
	}
	s := S - 1
	if S >= 2 && prev[S-2] > prev[S-1] {
		s = S - 2
	}
	if math.IsInf(prev[s], -1) {
		return nil, false
	}
	state := make([]int, frames)
	for t := frames - 1; t >= 0; t-- {
		state[t] = s
		if t > 0 {
			s -= int(back[t*S+s])
		}
	}
	// First and last frame of each label position.
	first := make([]int, L)
	last := make([]int, L)
	for k := range first {
		first[k], last[k] = -1, -1
	}
	for t, s := range state {
		if s%2 == 1 {
			k := s / 2
			if first[k] < 0 {
				first[k] = t
			}
			last[k] = t
		}
	}
	start := -1
	for k := 0; k <= L; k++ {
		if k == L || labels[k] == sep {
			if start >= 0 {
				spans = append(spans, span{first[start], last[k-1] + 1})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = k
		}
	}
	return spans, true
}

// median returns the median of xs (NaN when empty); xs is sorted in place.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
