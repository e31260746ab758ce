package decoder

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Greedy is best-path CTC decoding: the most likely token per frame, repeats
// merged, blanks dropped (Graves et al., "Connectionist Temporal
// Classification", 2006, §3.2). logProbs holds frames×len(vocab.Tokens)
// values row-major. A word's confidence is the geometric mean of its tokens'
// frame posteriors; Score and AcousticScore are the best path's log-
// probability.
func Greedy(logProbs []float32, vocab Vocabulary, frameDuration time.Duration) (Hypothesis, error) {
	if err := vocab.Validate(); err != nil {
		return Hypothesis{}, err
	}
	numTokens := len(vocab.Tokens)
	if len(logProbs)%numTokens != 0 {
		return Hypothesis{}, fmt.Errorf("greedy: %d log-probabilities are not whole frames of %d tokens", len(logProbs), numTokens)
	}
	frames := len(logProbs) / numTokens
	var hyp Hypothesis
	var word strings.Builder
	var cur Word
	var sumLog float64
	var tokens int
	inWord := false
	flush := func() {
		if !inWord {
			return
		}
		cur.Text = word.String()
		cur.Confidence = math.Exp(sumLog / float64(tokens))
		cur.Start = time.Duration(cur.StartFrame) * frameDuration
		cur.End = time.Duration(cur.EndFrame) * frameDuration
		hyp.Words = append(hyp.Words, cur)
		word.Reset()
		inWord, sumLog, tokens = false, 0, 0
	}
	prev := -1
	for t := range frames {
		row := logProbs[t*numTokens : (t+1)*numTokens]
		best := 0
		for c := 1; c < numTokens; c++ {
			if row[c] > row[best] {
				best = c
			}
		}
		hyp.Score += float64(row[best])
		switch {
		case best == vocab.Blank:
		case best == vocab.Separator:
			flush()
		case best == prev:
			cur.EndFrame = t + 1
		default:
			if !inWord {
				inWord = true
				cur = Word{StartFrame: t}
			}
			word.WriteString(vocab.Tokens[best])
			cur.EndFrame = t + 1
			sumLog += float64(row[best])
			tokens++
		}
		prev = best
	}
	flush()
	hyp.AcousticScore = hyp.Score
	hyp.Text = joinWords(hyp.Words)
	return hyp, nil
}
