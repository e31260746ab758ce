package decode

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/nn"
)

// Utterance is one dev utterance with the acoustic model's output on it,
// computed once and then searched as often as the evaluation needs.
type Utterance struct {
	ID     string
	Corpus string
	// Speaker is the manifest's speaker, for speaker-disjoint splits
	// (caches written before it existed leave it empty; run fills it in
	// from the manifest).
	Speaker string
	// Family is corpora.Family(Corpus): the unit of the per-family tables.
	Family string
	// Text is the reference in the spoken form (the manifest's text).
	Text    string
	Seconds float64
	// Frames is the number of output frames.
	Frames int
	// LogProbs is Frames × len(Posteriors.Vocab), row-major.
	LogProbs []float32
	// PhoneLogProbs is Frames × len(Posteriors.PhoneVocab), or nil when
	// the model has no phone head.
	PhoneLogProbs []float32
}

// Posteriors are a model's outputs over a dev set: everything the search
// needs, so a grid of settings costs no further acoustic passes.
type Posteriors struct {
	// ModelID is acoustic.Model.ID() of the model that produced them.
	ModelID string
	// Vocab and PhoneVocab are the model's output symbols (blank first).
	Vocab      []string
	PhoneVocab []string
	// FrameMs is the output frame hop.
	FrameMs    int
	Utterances []Utterance
}

// SamplesFunc returns an entry's 16 kHz samples, reusing dst.
type SamplesFunc func(e corpora.Entry, dst []float32) ([]float32, error)

// ComputePosteriors runs m once over every entry, on workers goroutines
// (each with its own tape), keeping the character log-probabilities and,
// when the model has one, the phone head's.
func ComputePosteriors(ctx context.Context, m *acoustic.Model, entries []corpora.Entry, samples SamplesFunc, workers int, log io.Writer) (*Posteriors, error) {
	cfg := m.Config()
	post := &Posteriors{
		ModelID: m.ID(), Vocab: append([]string(nil), cfg.Vocab...), PhoneVocab: append([]string(nil), cfg.PhoneVocab...),
		FrameMs: cfg.OutputHopMs(), Utterances: make([]Utterance, len(entries)),
	}
	var done sync.Mutex
	finished := 0
	err := parallel(ctx, len(entries), workers, func(next func() (int, bool)) error {
		runner, err := m.NewRunner()
		if err != nil {
			return err
		}
		tape := nn.NewTape(0)
		tape.SetTraining(false)
		var buf []float32
		for {
			i, ok := next()
			if !ok {
				return nil
			}
			e := entries[i]
			if buf, err = samples(e, buf); err != nil {
				return fmt.Errorf("utterance %s/%s: %w", e.Corpus, e.ID, err)
			}
			u := Utterance{ID: e.ID, Corpus: e.Corpus, Speaker: e.Speaker, Family: corpora.Family(e.Corpus), Text: e.Text, Seconds: float64(len(buf)) / 16000}
			feats, n := runner.Features(buf)
			if n > 0 {
				tape.Reset()
				out, err := m.Forward(tape, acoustic.Batch{Features: feats, Size: 1, Frames: n, Lengths: []int{n}}, acoustic.ForwardOptions{})
				if err != nil {
					return fmt.Errorf("utterance %s/%s: %w", e.Corpus, e.ID, err)
				}
				u.Frames = out.Lengths[0]
				u.LogProbs = append([]float32(nil), tape.LogSoftmax(out.Logits).Data[:u.Frames*len(cfg.Vocab)]...)
				if out.PhoneLogits != nil {
					u.PhoneLogProbs = append([]float32(nil), tape.LogSoftmax(out.PhoneLogits).Data[:u.Frames*len(cfg.PhoneVocab)]...)
				}
			}
			post.Utterances[i] = u
			done.Lock()
			finished++
			if log != nil && (finished%100 == 0 || finished == len(entries)) {
				fmt.Fprintf(log, "acoustic pass: %d/%d utterances\n", finished, len(entries))
			}
			done.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	return post, nil
}

// parallel runs work on up to workers goroutines that share one counter
// of indices below n; results go to the index, so output order never
// depends on scheduling. The first error stops the others.
func parallel(ctx context.Context, n, workers int, work func(next func() (int, bool)) error) error {
	workers = max(1, min(workers, n))
	var mu sync.Mutex
	at := 0
	var firstErr error
	next := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil || at >= n || ctx.Err() != nil {
			return 0, false
		}
		at++
		return at - 1, true
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := work(next); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// SelectEntries drops reserved and empty entries and keeps at most limit
// (0: all), spread evenly over the corpus families (each family smaller
// than its share whole), each family's picks spaced evenly through it:
// the same rule as train/asr's dev limit, so figures compare.
func SelectEntries(entries []corpora.Entry, limit int) []corpora.Entry {
	var kept []corpora.Entry
	for _, e := range entries {
		if corpora.Reserved(e) || strings.TrimSpace(e.Text) == "" {
			continue
		}
		kept = append(kept, e)
	}
	if limit <= 0 || limit >= len(kept) {
		return kept
	}
	byFamily := map[string][]corpora.Entry{}
	var order []string
	for _, e := range kept {
		f := corpora.Family(e.Corpus)
		if _, ok := byFamily[f]; !ok {
			order = append(order, f)
		}
		byFamily[f] = append(byFamily[f], e)
	}
	sort.SliceStable(order, func(i, j int) bool { return len(byFamily[order[i]]) < len(byFamily[order[j]]) })
	var out []corpora.Entry
	left := limit
	for i, f := range order {
		es := byFamily[f]
		share := left / (len(order) - i)
		if len(es) <= share {
			out = append(out, es...)
			left -= len(es)
			continue
		}
		step := float64(len(es)) / float64(share)
		for k := 0; k < share; k++ {
			out = append(out, es[int(float64(k)*step)])
		}
		left -= share
	}
	return out
}

// CacheKey names the posteriors of modelID over entries: the model ID and
// a hash of the entries' identities and texts.
func CacheKey(modelID string, entries []corpora.Entry) string {
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\n", e.Corpus, e.ID, e.Audio, e.Text)
	}
	safe := strings.Map(func(r rune) rune {
		if r == '/' || r == '@' || r == ' ' || r == os.PathSeparator {
			return '_'
		}
		return r
	}, modelID)
	return safe + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}

// errCacheMismatch reports a cache file that is not what its name says.
var errCacheMismatch = errors.New("cached posteriors do not match")

// LoadCached reads posteriors that SaveCached wrote to dir under key,
// checking them against want (model ID and utterance IDs); any failure is
// an error and the caller recomputes.
func LoadCached(dir, key, modelID string, entries []corpora.Entry) (*Posteriors, error) {
	data, err := os.ReadFile(filepath.Join(dir, key+".gob"))
	if err != nil {
		return nil, err
	}
	var p Posteriors
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&p); err != nil {
		return nil, fmt.Errorf("cached posteriors %s: %w", key, err)
	}
	if p.ModelID != modelID || len(p.Utterances) != len(entries) {
		return nil, fmt.Errorf("%s: %w", key, errCacheMismatch)
	}
	for i, u := range p.Utterances {
		e := entries[i]
		if u.ID != e.ID || u.Corpus != e.Corpus || u.Text != e.Text ||
			len(u.LogProbs) != u.Frames*len(p.Vocab) ||
			(u.PhoneLogProbs != nil && len(u.PhoneLogProbs) != u.Frames*len(p.PhoneVocab)) {
			return nil, fmt.Errorf("%s: utterance %d: %w", key, i, errCacheMismatch)
		}
	}
	return &p, nil
}

// SaveCached writes p to dir under key (atomically: a temporary file
// renamed into place).
func SaveCached(dir, key string, p *Posteriors) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(p); err != nil {
		return fmt.Errorf("encode posteriors: %w", err)
	}
	tmp := filepath.Join(dir, key+".gob.tmp")
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, key+".gob"))
}
