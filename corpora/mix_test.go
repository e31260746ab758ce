package corpora

import (
	"fmt"
	"math"
	"testing"
)

func TestCapShares(t *testing.T) {
	var es []Entry
	add := func(corpus string, n int, d float64) {
		for i := range n {
			es = append(es, Entry{ID: fmt.Sprint(i), Audio: "a", Corpus: corpus, Duration: d})
		}
	}
	add("speechocean762-train", 900, 4) // 3600 s
	add("ravdess", 400, 3)              // 1200 s: over 5%
	add("fsdd", 300, 0.4)               // 120 s: under 5%
	got := CapShares(es, DefaultCaps, 1, 0)
	share := map[string]float64{}
	var total float64
	for _, e := range got {
		share[Family(e.Corpus)] += e.Duration
		total += e.Duration
	}
	if r := share["ravdess"] / total; r > 0.05 || r < 0.045 {
		t.Errorf("ravdess share %.4f, want just under 0.05", r)
	}
	if math.Abs(share["fsdd"]-120) > 1e-6 || share["speechocean762"] != 3600 {
		t.Errorf("uncapped families changed: %v", share)
	}
	again := CapShares(es, DefaultCaps, 1, 0)
	other := CapShares(es, DefaultCaps, 1, 1)
	same, diff := len(again) == len(got), 0
	for i := range min(len(got), len(other)) {
		if got[i] != other[i] {
			diff++
		}
	}
	if !same || diff == 0 {
		t.Errorf("epochs should differ and repeats agree (same %v, diff %d)", same, diff)
	}
	if n := len(CapShares(es, map[string]float64{"ravdess": 0.6, "fsdd": 0.5}, 1, 0)); n != len(es) {
		t.Errorf("caps adding past 1 should leave entries alone, got %d", n)
	}
	if math.IsNaN(share["ravdess"]) {
		t.Fatal("nan")
	}
}
