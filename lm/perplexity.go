package lm

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mynah-speech/mynah/text"
)

// Perplexity summarises a model's fit to held-out text.
type Perplexity struct {
	Sentences int `json:"sentences"`
	// Words counts the words scored; </s> is scored too but not counted.
	Words int `json:"words"`
	// OOV counts words outside the vocabulary (scored as <unk>).
	OOV int `json:"oov"`
	// LogProb is the total ln-probability, </s> included.
	LogProb float64 `json:"log_prob"`
	// Value is exp(−LogProb / (Words + Sentences)): per-token perplexity
	// with </s> as a token and OOV words included, as KenLM's query reports
	// "Perplexity including OOVs".
	Value float64 `json:"perplexity"`
}

// OOVRate returns OOV / Words.
func (p Perplexity) OOVRate() float64 {
	if p.Words == 0 {
		return 0
	}
	return float64(p.OOV) / float64(p.Words)
}

// Add scores one sentence of normalised words.
func (p *Perplexity) add(m *Model, words []string) {
	lp, oov := m.SentenceLogProb(words)
	p.Sentences++
	p.Words += len(words)
	p.OOV += oov
	p.LogProb += lp
	p.Value = math.Exp(-p.LogProb / float64(p.Words+p.Sentences))
}

// Perplexity scores sentences of normalised words.
func (m *Model) Perplexity(sentences [][]string) Perplexity {
	var p Perplexity
	for _, s := range sentences {
		p.add(m, s)
	}
	return p
}

// PerplexityText scores running text, split into sentences and normalised
// the way Builder.AddText does.
func (m *Model) PerplexityText(r io.Reader) (Perplexity, error) {
	var p Perplexity
	sc := text.NewSentenceScanner(r)
	for sc.Scan() {
		if words := strings.Fields(text.Normalize(sc.Text())); len(words) > 0 {
			p.add(m, words)
		}
	}
	if err := sc.Err(); err != nil {
		return p, fmt.Errorf("lm: perplexity: %w", err)
	}
	return p, nil
}
