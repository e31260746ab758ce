package asr

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/g2p"
)

// utterance is one training or dev example.
type utterance struct {
	entry  corpora.Entry
	labels []int
	// phones are the ARPAbet labels (no stress) of the phone-CTC head,
	// spelled only for training utterances of a model that has one.
	phones []int
	// samples is the utterance's duration in samples at 16 kHz, as cached
	// (or estimated from the manifest before decoding).
	samples int
}

// corpusData reads manifests and serves 16 kHz samples from the PCM cache,
// decoding from the audio file when the cache lacks an entry.
type corpusData struct {
	cache *corpora.Cache
}

func (d *corpusData) samples(e corpora.Entry, dst []float32) ([]float32, error) {
	if d.cache != nil && d.cache.Has(e) {
		return d.cache.AppendSamples(dst[:0], e)
	}
	s, err := audio.Load(e.Audio, 16000)
	if err != nil {
		return dst, err
	}
	return append(dst[:0], s...), nil
}

// loadUtterances reads manifests and keeps the entries the vocabulary can
// spell, no longer than maxSeconds (0: any). It reports what it dropped.
func loadUtterances(paths []string, vocab acoustic.Vocab, maxSeconds float64, cache *corpora.Cache, log io.Writer) ([]utterance, error) {
	var out []utterance
	dropped := map[string]int{}
	for _, path := range paths {
		entries, err := corpora.ReadManifestFile(path)
		if err != nil {
			return nil, fmt.Errorf("manifest %s: %w", path, err)
		}
		for _, e := range entries {
			if corpora.Reserved(e) {
				dropped["reserved"]++
				continue
			}
			if maxSeconds > 0 && e.Duration > maxSeconds {
				dropped["too long"]++
				continue
			}
			labels, err := vocab.Encode(e.Text)
			if err != nil || len(labels) == 0 {
				dropped["unspellable text"]++
				continue
			}
			n := int(math.Round(e.Duration * 16000))
			if cache != nil {
				if k := cache.NumSamples(e); k >= 0 {
					n = k
				}
			}
			out = append(out, utterance{entry: e, labels: labels, samples: n})
		}
	}
	if len(dropped) > 0 {
		fmt.Fprintf(log, "manifests %v: kept %d utterances, dropped %v\n", paths, len(out), dropped)
	}
	return out, nil
}

// epochSubset returns the indices of utts that one epoch trains on: all
// of them, with the families named in caps cut to their share of the
// epoch's audio (corpora.CapShares; the kept utterances change with epoch).
func epochSubset(utts []utterance, caps map[string]float64, seed uint64, epoch int) []int {
	all := make([]int, len(utts))
	for i := range all {
		all[i] = i
	}
	if len(caps) == 0 {
		return all
	}
	entries := make([]corpora.Entry, len(utts))
	index := make(map[string]int, len(utts))
	for i, u := range utts {
		entries[i] = u.entry
		entries[i].Duration = float64(u.samples) / 16000
		index[u.entry.Corpus+"/"+u.entry.ID] = i
	}
	kept := corpora.CapShares(entries, caps, seed, epoch)
	if len(kept) == len(utts) {
		return all
	}
	subset := make([]int, 0, len(kept))
	for _, e := range kept {
		subset = append(subset, index[e.Corpus+"/"+e.ID])
	}
	return subset
}

// makeBatches groups the utterances of subset (indices into utts) by
// similar length so that each batch's padded audio stays under
// batchSamples, then shuffles the batch order with seed (one epoch).
func makeBatches(utts []utterance, subset []int, batchSamples int, seed uint64) [][]int {
	order := append([]int(nil), subset...)
	rng := rand.New(rand.NewPCG(seed, seed^0xda3e39cb94b95bdb))
	// Shuffle first so equal lengths land in different batches each epoch,
	// then sort stably by length.
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	sort.SliceStable(order, func(i, j int) bool { return utts[order[i]].samples < utts[order[j]].samples })
	var batches [][]int
	var cur []int
	longest := 0
	for _, idx := range order {
		n := utts[idx].samples
		if len(cur) > 0 && max(longest, n)*(len(cur)+1) > batchSamples {
			batches = append(batches, cur)
			cur, longest = nil, 0
		}
		cur = append(cur, idx)
		longest = max(longest, n)
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	rng.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	return batches
}

// shard splits a batch (indices of similar lengths) into n parts of about
// equal total length, dealing the utterances out round-robin in length order.
func shard(batch []int, utts []utterance, n int) [][]int {
	sorted := append([]int(nil), batch...)
	sort.SliceStable(sorted, func(i, j int) bool { return utts[sorted[i]].samples > utts[sorted[j]].samples })
	parts := make([][]int, n)
	for i, idx := range sorted {
		parts[i%n] = append(parts[i%n], idx)
	}
	return parts
}

// denseShare is the share of utterances whose CTC labels plus repeats
// (each repeated symbol needs a blank between) exceed ratio of the output
// frames: utterances the model can barely or not at all align.
func denseShare(utts []utterance, cfg acoustic.Config, hopSamples int, ratio float64) float64 {
	if len(utts) == 0 {
		return 0
	}
	dense := 0
	for _, u := range utts {
		need := len(u.labels)
		for i := 1; i < len(u.labels); i++ {
			if u.labels[i] == u.labels[i-1] {
				need++
			}
		}
		frames := cfg.OutputFrames(u.samples/hopSamples + 1)
		if float64(need) > ratio*float64(frames) {
			dense++
		}
	}
	return float64(dense) / float64(len(utts))
}

// phoneLabels spells text's words in ARPAbet without stress (g2p's
// dictionary, its learned model for the rest), as labels of
// g2p.PhoneSet(false), word after word with nothing between words.
func phoneLabels(text string) []int {
	set := g2p.PhoneSet(false)
	var out []int
	for _, w := range strings.Fields(text) {
		out, _ = set.Encode(out, g2p.StripStress(g2p.Phones(w)))
	}
	return out
}
