package punct

import "fmt"

// The linear tagger is the cheap sibling of the convolutional one: a
// log-linear (maximum-entropy) model over hashed n-gram features of the
// words around each position, the classic design of punctuation
// restoration before neural models (Lu and Ng, "Better Punctuation
// Prediction with Dynamic Conditional Random Fields", EMNLP 2010, use the
// same n-gram templates) with the hashing trick of Weinberger et al.
// (2009) in place of a feature dictionary. It trains in seconds per epoch
// where the network needs CPU-hours, and labels hundreds of thousands of
// words a second. Its features reach two words ahead, so one set of
// weights serves both variants: Full and Streaming are the same model.
//
// Features of position i (w₀ is the word, w₋₁ the one before...):
// unigrams w₋₂…w₊₂, bigrams w₋₂w₋₁, w₋₁w₀, w₀w₊₁, w₊₁w₊₂, trigrams
// w₋₁w₀w₊₁ and w₀w₊₁w₊₂, the last three letters of w₀ and w₊₁, whether a
// question word (wh-word or auxiliary) opened the last few words, the bag
// of the BagWords words before w₋₂ (a question or an exclamation is often
// decided by its first words), and a bias. Each feature hashes to a row
// of NumMarks+NumCases weights; a position's scores are the sum of its
// rows.

// ArchLinear names the linear tagger in Config.Arch.
const ArchLinear = "linear"

// linearLookAhead is how far the linear features read ahead.
const linearLookAhead = 2

// DefaultLinearConfig returns the shipped linear tagger's shape.
func DefaultLinearConfig() Config {
	return Config{Arch: ArchLinear, Buckets: 1 << 18, BagWords: 6, SuffixLen: 3}
}

func (c Config) validateLinear() error {
	switch {
	case c.Buckets < 1 || c.Buckets > 1<<24 || c.Buckets&(c.Buckets-1) != 0:
		return fmt.Errorf("punct: %d buckets, want a power of two up to 2^24", c.Buckets)
	case c.BagWords < 0 || c.BagWords > 64:
		return fmt.Errorf("punct: %d bag words out of range", c.BagWords)
	case c.SuffixLen < 1 || c.SuffixLen > 8:
		return fmt.Errorf("punct: suffix length %d out of range", c.SuffixLen)
	}
	return nil
}

// Word hashes of the padding around a text.
const (
	hashBefore uint64 = 0x9e3779b97f4a7c15
	hashAfter  uint64 = 0xbf58476d1ce4e5b9
)

// mix64 is the splitmix64 finaliser (Steele, Lea and Flood, "Fast
// Splittable Pseudorandom Number Generators", OOPSLA 2014).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return mix64(h)
}

// questionOpeners are words that open questions (and, for "how" and
// "what", exclamations).
var questionOpeners = map[string]bool{
	"what": true, "where": true, "when": true, "why": true, "who": true, "whom": true, "whose": true,
	"which": true, "how": true, "is": true, "are": true, "was": true, "were": true, "do": true,
	"does": true, "did": true, "can": true, "could": true, "will": true, "would": true, "shall": true,
	"should": true, "may": true, "might": true, "must": true, "have": true, "has": true, "had": true,
	"am": true, "isn't": true, "aren't": true, "don't": true, "doesn't": true, "didn't": true,
	"can't": true, "won't": true, "wouldn't": true, "couldn't": true, "shouldn't": true,
}

// wordInfo is what the features need of one word.
type wordInfo struct {
	word, suffix uint64
	opener       bool
}

func (m *Model) wordInfos(dst []wordInfo, words []string) []wordInfo {
	dst = dst[:0]
	for _, w := range words {
		w = lowerASCII(w)
		suf := w
		if len(suf) > m.cfg.SuffixLen {
			suf = suf[len(suf)-m.cfg.SuffixLen:]
		} else {
			suf = "^" + suf
		}
		dst = append(dst, wordInfo{word: hashString(w), suffix: hashString(suf) ^ 0x5bd1e995, opener: questionOpeners[w]})
	}
	return dst
}

// linearFeatures appends the bucket of every feature of position i.
func (m *Model) linearFeatures(dst []int32, info []wordInfo, i int) []int32 {
	mask := uint64(m.cfg.Buckets - 1)
	at := func(j int) uint64 {
		switch {
		case j < 0:
			return hashBefore
		case j >= len(info):
			return hashAfter
		}
		return info[j].word
	}
	add := func(template uint64, h uint64) {
		dst = append(dst, int32(mix64(h^template*0x2545f4914f6cdd1d)&mask))
	}
	pair := func(a, b uint64) uint64 { return mix64(a*31 + b) }
	w := [5]uint64{at(i - 2), at(i - 1), at(i), at(i + 1), at(i + 2)}
	add(1, 0) // bias
	for k, h := range w {
		add(uint64(2+k), h)
	}
	add(10, pair(w[0], w[1]))
	add(11, pair(w[1], w[2]))
	add(12, pair(w[2], w[3]))
	add(13, pair(w[3], w[4]))
	add(14, pair(pair(w[1], w[2]), w[3]))
	add(15, pair(pair(w[2], w[3]), w[4]))
	if i < len(info) {
		add(16, info[i].suffix)
	}
	if i+1 < len(info) {
		add(17, info[i+1].suffix)
	} else {
		add(17, hashAfter)
	}
	// The nearest question opener in the last few words, by distance,
	// with the opener itself: "is he ... [?]".
	for back := 0; back <= m.cfg.BagWords+2 && i-back >= 0; back++ {
		if info[i-back].opener {
			add(18, pair(uint64(back), info[i-back].word))
			break
		}
	}
	for j := i - 3; j >= i-2-m.cfg.BagWords; j-- {
		add(19, at(j))
	}
	return dst
}

// linearScores writes the scores of every word.
func (m *Model) linearScores(dst []float32, words []string) {
	s := m.getScratch()
	defer m.scratch.Put(s)
	s.info = m.wordInfos(s.info, words)
	w := m.linear.Value
	for i := range words {
		s.feats = m.linearFeatures(s.feats[:0], s.info, i)
		row := dst[i*numOutputs : (i+1)*numOutputs : (i+1)*numOutputs]
		clear(row)
		for _, f := range s.feats {
			wr := w[int(f)*numOutputs : int(f)*numOutputs+numOutputs : int(f)*numOutputs+numOutputs]
			for k := range row {
				row[k] += wr[k]
			}
		}
	}
}

// LinearFeatures returns, for each position of words, the buckets of its
// features (for training the linear tagger): position i's are
// feats[offsets[i]:offsets[i+1]].
func (m *Model) LinearFeatures(words []string) (feats []int32, offsets []int) {
	info := m.wordInfos(nil, words)
	offsets = make([]int, 0, len(words)+1)
	for i := range words {
		offsets = append(offsets, len(feats))
		feats = m.linearFeatures(feats, info, i)
	}
	return feats, append(offsets, len(feats))
}
