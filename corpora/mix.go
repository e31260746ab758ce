package corpora

import (
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"strconv"
)

// DefaultCaps are the mix limits: FSDD's digits and RAVDESS's two
// acted sentences at most about 5% of the training audio each.
var DefaultCaps = map[string]float64{"fsdd": 0.05, "ravdess": 0.05}

// CapShares returns the entries of one epoch with each corpus family named
// in caps cut down to at most its share of the epoch's audio (by
// duration). Families under their cap, and all others, are kept whole.
// Which utterances of a capped family are kept changes with epoch (ranked
// by SHA-256 of seed, epoch and id), so over many epochs all of them are
// heard. Order is preserved.
func CapShares(entries []Entry, caps map[string]float64, seed uint64, epoch int) []Entry {
	dur := map[string]float64{}
	for _, e := range entries {
		dur[Family(e.Corpus)] += e.Duration
	}
	// Allowed seconds per capped family: with U the uncapped audio and C the
	// sum of the caps of families that hit them, total = U / (1 - C) and a
	// capped family gets cap x total. A family whose audio is below that
	// joins U and the split is solved again.
	capped := map[string]bool{}
	for f, c := range caps {
		if c > 0 && c < 1 && dur[f] > 0 {
			capped[f] = true
		}
	}
	allowed := map[string]float64{}
	for {
		var u, sum float64
		for f, d := range dur {
			if capped[f] {
				sum += caps[f]
			} else {
				u += d
			}
		}
		if sum >= 1 {
			return entries // caps that add up to everything leave nothing to scale against
		}
		total := u / (1 - sum)
		changed := false
		for f := range capped {
			allowed[f] = caps[f] * total
			if dur[f] <= allowed[f] {
				delete(capped, f)
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	if len(capped) == 0 {
		return entries
	}
	type ranked struct {
		i    int
		rank uint64
	}
	byFam := map[string][]ranked{}
	for i, e := range entries {
		f := Family(e.Corpus)
		if capped[f] {
			sum := sha256.Sum256([]byte(strconv.FormatUint(seed, 10) + ":" + strconv.Itoa(epoch) + ":" + e.Corpus + "/" + e.ID))
			byFam[f] = append(byFam[f], ranked{i, binary.BigEndian.Uint64(sum[:8])})
		}
	}
	keep := make([]bool, len(entries))
	for f, rs := range byFam {
		sort.Slice(rs, func(a, b int) bool { return rs[a].rank < rs[b].rank })
		var got float64
		for _, r := range rs {
			if got+entries[r.i].Duration > allowed[f] {
				continue
			}
			got += entries[r.i].Duration
			keep[r.i] = true
		}
	}
	out := make([]Entry, 0, len(entries))
	for i, e := range entries {
		if !capped[Family(e.Corpus)] || keep[i] {
			out = append(out, e)
		}
	}
	return out
}
