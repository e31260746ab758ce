package decode

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/decoder"
	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/lm"
	"github.com/mynah-speech/mynah/text"
)

// PhoneReport compares phone-lexicon decoding over the acoustic model's
// phone head with character decoding.
type PhoneReport struct {
	// GreedyPER is the phone head's greedy phone error rate (percent)
	// against the references' pronunciations (g2p.Phones, no stress: the
	// head's training labels).
	GreedyPER float64 `json:"greedy_per"`
	// LexiconWords are the LM's words with a CMUdict pronunciation, every
	// variant spelled; LexiconSkipped the LM words without one.
	LexiconWords   int `json:"lexicon_words"`
	LexiconSkipped int `json:"lexicon_skipped"`
	// DevOOV counts dev reference words outside the lexicon: the phone
	// mode cannot output them.
	DevOOV      int `json:"dev_oov"`
	DevRefWords int `json:"dev_ref_words"`
	// SeparatorPenalty is Options.PhoneSeparatorPenalty.
	SeparatorPenalty float64 `json:"separator_penalty"`
	// Grid is the phone-lexicon search at the character grid's best α
	// over the β values; Best its lowest-WER point.
	Grid []GridPoint `json:"grid"`
	Best GridPoint   `json:"best"`
}

// phoneSymbol is a phone's token symbol in the phone-lexicon vocabulary:
// the ARPAbet name and a dot, so that a word's symbols joined back to one
// string split unambiguously ("N.G." is not "NG.").
func phoneSymbol(name string) string { return name + "." }

// phoneVocabulary adds a word-separator column to the phone head's
// vocabulary: blank, separator, then the head's phones. The head is
// trained on phones with nothing between words, so the decoder's separator
// has no column of its own; phoneMatrix gives it one.
func phoneVocabulary(phones []string) decoder.Vocabulary {
	tokens := []string{"<blank>", " "}
	for _, p := range phones[1:] {
		tokens = append(tokens, phoneSymbol(p))
	}
	return decoder.Vocabulary{Tokens: tokens, Blank: 0, Separator: 1}
}

// phoneMatrix widens the phone head's log-probabilities (frames × P) to
// the phone-lexicon vocabulary (frames × P+1): the separator's column is
// the blank's less penalty, so a word boundary may be placed on any frame
// the head gives to blank. This is a heuristic of ours, not a published
// recipe: the search then finds word boundaries where the head pauses
// between phones, and a boundary between two phones with no blank frame
// between them is impossible (rare at 30 ms frames, where CTC heads are
// peaky).
func phoneMatrix(lp []float32, frames, P int, penalty float64) []float32 {
	out := make([]float32, frames*(P+1))
	for t := 0; t < frames; t++ {
		row := lp[t*P : (t+1)*P]
		dst := out[t*(P+1) : (t+1)*(P+1)]
		dst[0] = row[0]
		dst[1] = row[0] - float32(penalty)
		copy(dst[2:], row[1:])
	}
	return out
}

// phoneLexicon is the LM's vocabulary spelled in phones: every CMUdict
// variant without stress. Words are inserted most likely first (LM
// unigram), so where homophones share a trie node the decoder keeps the
// likeliest; homophones lists all words of each pronunciation for the
// rescoring after the search.
type phoneLexicon struct {
	lex        *decoder.Lexicon
	homophones map[string][]string // joined symbols → words, likeliest first
	size       int
	skipped    int
	words      map[string]bool
}

func buildPhoneLexicon(vocab decoder.Vocabulary, m *lm.Model) (*phoneLexicon, error) {
	type scored struct {
		word string
		lp   float32
	}
	var words []scored
	for id := lm.EndID + 1; int(id) < m.VocabSize(); id++ {
		w := m.Word(id)
		if w == "" || w == "<unk>" {
			continue
		}
		lp, _ := m.Score(m.NullState(), id)
		words = append(words, scored{w, lp})
	}
	sort.SliceStable(words, func(i, j int) bool {
		if words[i].lp != words[j].lp {
			return words[i].lp > words[j].lp
		}
		return words[i].word < words[j].word
	})
	pl := &phoneLexicon{homophones: map[string][]string{}, words: map[string]bool{}}
	spellings := map[string][][]string{}
	list := make([]string, 0, len(words))
	for _, sw := range words {
		prons, ok := g2p.Lookup(sw.word)
		if !ok {
			pl.skipped++
			continue
		}
		var alts [][]string
		seen := map[string]bool{}
		for _, pron := range prons {
			base := g2p.StripStress(pron)
			syms := make([]string, len(base))
			for i, p := range base {
				syms[i] = phoneSymbol(p.String())
			}
			key := strings.Join(syms, "")
			if len(syms) == 0 || seen[key] {
				continue
			}
			seen[key] = true
			alts = append(alts, syms)
			pl.homophones[key] = append(pl.homophones[key], sw.word)
		}
		if len(alts) == 0 {
			pl.skipped++
			continue
		}
		spellings[sw.word] = alts
		list = append(list, sw.word)
		pl.words[sw.word] = true
	}
	lex, _, err := decoder.NewLexicon(vocab, list, func(w string) [][]string { return spellings[w] })
	if err != nil {
		return nil, fmt.Errorf("phone lexicon: %w", err)
	}
	pl.lex, pl.size = lex, len(list)
	return pl, nil
}

// resolve turns a phone-lexicon hypothesis (words spelled in phone
// symbols) into words: each pronunciation's homophones are chosen left to
// right by the LM given the words already chosen (the search itself keeps
// one word per pronunciation).
func (pl *phoneLexicon) resolve(h decoder.Hypothesis, m *lm.Model) string {
	state := m.BeginState()
	out := make([]string, 0, len(h.Words))
	for _, w := range h.Words {
		cands := pl.homophones[w.Text]
		if len(cands) == 0 {
			out = append(out, "<unk>")
			continue
		}
		best, bestLP := cands[0], float32(0)
		var bestState lm.State
		for k, c := range cands {
			lp, next := m.Score(state, m.ID(c))
			if k == 0 || lp > bestLP {
				best, bestLP, bestState = c, lp, next
			}
		}
		out = append(out, best)
		state = bestState
	}
	return strings.Join(out, " ")
}

// greedyPER is the phone head's greedy phone error rate against the
// references' g2p pronunciations.
func greedyPER(post *Posteriors) float64 {
	P := len(post.PhoneVocab)
	var edits, ref int
	for _, u := range post.Utterances {
		var want []string
		for _, w := range strings.Fields(u.Text) {
			for _, p := range g2p.StripStress(g2p.Phones(w)) {
				want = append(want, p.String())
			}
		}
		var got []string
		prev := -1
		for t := 0; t < u.Frames; t++ {
			row := u.PhoneLogProbs[t*P : (t+1)*P]
			best := 0
			for k := 1; k < P; k++ {
				if row[k] > row[best] {
					best = k
				}
			}
			if best != prev && best != 0 {
				got = append(got, post.PhoneVocab[best])
			}
			prev = best
		}
		s, d, i := text.EditCounts(want, got)
		edits += s + d + i
		ref += len(want)
	}
	if ref == 0 {
		return -1
	}
	return pct(float64(edits) / float64(ref))
}

// evaluatePhone runs the phone-lexicon search (constrained to the LM's
// CMUdict words, with the LM) at the character grid's best α over the β
// values.
func evaluatePhone(ctx context.Context, post *Posteriors, m *lm.Model, opts Options, r *Report, logf func(string, ...any)) (*PhoneReport, error) {
	if m == nil {
		return nil, nil
	}
	start := time.Now()
	vocab := phoneVocabulary(post.PhoneVocab)
	pl, err := buildPhoneLexicon(vocab, m)
	if err != nil {
		return nil, err
	}
	rep := &PhoneReport{GreedyPER: greedyPER(post), LexiconWords: pl.size, LexiconSkipped: pl.skipped, SeparatorPenalty: opts.PhoneSeparatorPenalty}
	for _, u := range post.Utterances {
		for _, w := range strings.Fields(u.Text) {
			rep.DevRefWords++
			if !pl.words[w] {
				rep.DevOOV++
			}
		}
	}
	logf("phone lexicon: %d words (%d LM words without a CMUdict entry), dev OOV %d/%d, greedy PER %.2f%% (%.1f s)",
		pl.size, pl.skipped, rep.DevOOV, rep.DevRefWords, rep.GreedyPER, time.Since(start).Seconds())
	P := len(post.PhoneVocab)
	mats := make([][]float32, len(post.Utterances))
	for i, u := range post.Utterances {
		mats[i] = phoneMatrix(u.PhoneLogProbs, u.Frames, P, opts.PhoneSeparatorPenalty)
	}
	cfg := decoder.DefaultConfig()
	cfg.BeamSize, cfg.NBest, cfg.Constrained = opts.Beam, 1, true
	cfg.FrameDuration = time.Duration(post.FrameMs) * time.Millisecond
	bestIdx := -1
	betas := opts.PhoneBetas
	if len(betas) == 0 {
		betas = opts.Betas
	}
	for _, beta := range betas {
		start := time.Now()
		cfg.LMWeight, cfg.WordBonus = r.Best.Alpha, beta
		dec, err := decoder.New(vocab, cfg, decoder.Resources{LM: m, Lexicon: pl.lex})
		if err != nil {
			return nil, fmt.Errorf("phone decoder: %w", err)
		}
		hyps, err := decodeAll(ctx, dec, len(mats), func(i int) []float32 { return mats[i] }, nil, opts.Workers)
		if err != nil {
			return nil, fmt.Errorf("phone α %g β %g: %w", cfg.LMWeight, beta, err)
		}
		words := make([]string, len(hyps))
		for i, h := range hyps {
			words[i] = pl.resolve(h, m)
		}
		p := GridPoint{Alpha: cfg.LMWeight, Beta: beta, Scores: score(post.Utterances, words)}
		rep.Grid = append(rep.Grid, p)
		logf("phone α %.2f β %.2f: WER %.2f%% CER %.2f%% (%.1f s)", p.Alpha, beta, p.Scores.All.WER, p.Scores.All.CER, time.Since(start).Seconds())
		if bestIdx < 0 || better(p.Scores.All, rep.Grid[bestIdx].Scores.All) {
			bestIdx = len(rep.Grid) - 1
		}
	}
	rep.Best = rep.Grid[bestIdx]
	return rep, nil
}
