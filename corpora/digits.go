package corpora

import (
	"math/rand/v2"
	"strings"
)

// DigitPrompts returns n prompts of spoken digits, worded as FSDD's
// transcripts (digitWords), for SynthConfig.Texts:
// the first half single digits, each digit equally often (the isolated
// words of FSDD), the rest strings of 2 to 5 digits drawn from a PCG
// seeded by seed (phone numbers, codes). The same arguments give the same
// prompts.
func DigitPrompts(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 0x6469676974)) // "digit"
	out := make([]string, 0, max(n, 0))
	for i := range n {
		if i < n/2 {
			out = append(out, digitWords[i%10])
			continue
		}
		words := make([]string, 2+rng.IntN(4))
		for k := range words {
			words[k] = digitWords[rng.IntN(10)]
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}
