package tts

import (
	"fmt"

	"github.com/mynah-speech/mynah/corpora"
)

// KathleenSplit divides Kathleen's utterances into training and dev sets by
// prompt: every reading of a dev prompt is in dev, so no dev sentence is
// ever heard in training. The rule is the project's fixed dev list
// (corpora.IsDev: 5% of Kathleen's CMU ARCTIC prompt ids, ranked by a
// seeded SHA-256 of the id; corpora/dev.txt), so the acoustic model, the
// vocoder and every other recipe hold out the same prompts. Order is kept.
func KathleenSplit(entries []corpora.Entry) (train, dev []corpora.Entry) {
	for _, e := range entries {
		if corpora.IsDev(e) {
			dev = append(dev, e)
		} else {
			train = append(train, e)
		}
	}
	return train, dev
}

// LoadKathleen reads the Kathleen corpus folder (../shared/corpora/kathleen:
// manifest.tsv and audio/) and returns its utterances, RawText holding the
// prompt as written, and split by KathleenSplit.
func LoadKathleen(dir string) (train, dev []corpora.Entry, err error) {
	entries, err := corpora.Shared(dir, corpora.Options{Corpus: "kathleen"})
	if err != nil {
		return nil, nil, fmt.Errorf("kathleen %s: %w", dir, err)
	}
	train, dev = KathleenSplit(entries)
	return train, dev, nil
}
