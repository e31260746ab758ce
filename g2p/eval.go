package g2p

import (
	"hash/fnv"
	"iter"
)

// Split is the part of CMUdict a word belongs to for the learned model.
type Split uint8

// The splits: 5% of words are held out for the reported figures, 2% more
// for model selection while training, the rest are trained on.
const (
	SplitTrain Split = iota
	SplitDev
	SplitTest
)

func (s Split) String() string {
	switch s {
	case SplitDev:
		return "dev"
	case SplitTest:
		return "test"
	}
	return "train"
}

// SplitOf returns word's split, fixed by a seeded hash of the word (FNV-1a
// of "mynah-g2p-split-1/" + word) so that all variants of a word fall in
// one split and the split never depends on dictionary order.
func SplitOf(word string) Split {
	h := fnv.New64a()
	h.Write([]byte("mynah-g2p-split-1/"))
	h.Write([]byte(word))
	switch b := h.Sum64() % 100; {
	case b < 5:
		return SplitTest
	case b < 7:
		return SplitDev
	}
	return SplitTrain
}

// Trainable reports whether the learned model is trained and scored on
// word: one to MaxModelLetters letters a–z with apostrophes, the alphabet
// of text.Normalize. CMUdict's dotted and hyphenated entries ("a.",
// "ad-hoc") are left out.
func Trainable(word string) bool {
	letters := 0
	for i := 0; i < len(word); i++ {
		c := word[i]
		switch {
		case c >= 'a' && c <= 'z':
			letters++
		case c == '\'':
		default:
			return false
		}
	}
	return letters > 0 && letters <= MaxModelLetters
}

// SplitWords yields the trainable words of d in split s.
func SplitWords(d *Dict, s Split) iter.Seq2[string, []Pronunciation] {
	return func(yield func(string, []Pronunciation) bool) {
		for w, ps := range d.All() {
			if Trainable(w) && SplitOf(w) == s && !yield(w, ps) {
				return
			}
		}
	}
}

// Score accumulates phone and word errors of predicted pronunciations
// against a dictionary's. With several reference pronunciations the
// closest one counts, as in the usual CMUdict G2P benchmarks (Bisani & Ney,
// "Joint-sequence models for grapheme-to-phoneme conversion", 2008).
type Score struct {
	Words       int // words scored
	WordErrors  int // words whose prediction matches no reference
	PhoneErrors int // edit distance to the closest reference, summed
	Phones      int // length of that reference, summed
}

// Add scores one prediction.
func (s *Score) Add(pred Pronunciation, refs []Pronunciation) {
	bestErr, bestLen := -1, 0
	for _, r := range refs {
		sub, del, ins := editCounts(r, pred)
		e := sub + del + ins
		if bestErr < 0 || e < bestErr || (e == bestErr && len(r) > bestLen) {
			bestErr, bestLen = e, len(r)
		}
	}
	if bestErr < 0 {
		return
	}
	s.Words++
	if bestErr > 0 {
		s.WordErrors++
	}
	s.PhoneErrors += bestErr
	s.Phones += bestLen
}

// PER is the phone error rate: edits over reference phones.
func (s Score) PER() float64 {
	if s.Phones == 0 {
		return 0
	}
	return float64(s.PhoneErrors) / float64(s.Phones)
}

// WER is the word error rate: the share of words not exactly right.
func (s Score) WER() float64 {
	if s.Words == 0 {
		return 0
	}
	return float64(s.WordErrors) / float64(s.Words)
}

// editCounts is the Levenshtein alignment of ref and hyp.
func editCounts(ref, hyp []Phone) (sub, del, ins int) {
	// Rows of the DP table hold total cost; counts are recovered from a
	// parallel table, small as pronunciations are short.
	type cell struct{ cost, sub, del, ins int }
	prev := make([]cell, len(hyp)+1)
	cur := make([]cell, len(hyp)+1)
	for j := range prev {
		prev[j] = cell{cost: j, ins: j}
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = cell{cost: i, del: i}
		for j := 1; j <= len(hyp); j++ {
			best := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				best.cost++
				best.sub++
			}
			if d := prev[j]; d.cost+1 < best.cost {
				best = d
				best.cost++
				best.del++
			}
			if n := cur[j-1]; n.cost+1 < best.cost {
				best = n
				best.cost++
				best.ins++
			}
			cur[j] = best
		}
		prev, cur = cur, prev
	}
	c := prev[len(hyp)]
	return c.sub, c.del, c.ins
}
