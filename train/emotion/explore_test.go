package emotion

import (
	"encoding/gob"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/emotion"
	"github.com/mynah-speech/mynah/nn"
)

func meanSD(x []float64) (float64, float64) {
	var m, s float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)))
}

// exploreSet is every clip's extended descriptors, clean and augmented.
type exploreSet struct {
	Speakers []string
	Labels   []emotion.Label
	Rows     [][][]float32 // [version][clip] NumDescriptorsExtended
}

// loadExploreSet computes (or reads back) the extended descriptors of the
// RAVDESS clips of the PCM cache: version 0 clean, 1 augmented as the
// recipe augments the baseline's second copy.
func loadExploreSet(t *testing.T) *exploreSet {
	cacheDir, err := corpora.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(cacheDir, "train", "emotion", "explore", "ext-descriptors.gob")
	if f, err := os.Open(path); err == nil {
		defer f.Close()
		var s exploreSet
		if err := gob.NewDecoder(f).Decode(&s); err == nil && len(s.Rows) == 2 && len(s.Rows[0][0]) == emotion.NumDescriptorsExtended {
			return &s
		}
	}
	entries, err := loadEntries([]string{filepath.Join(cacheDir, "manifests", "train.jsonl")}, "")
	if err != nil {
		t.Fatal(err)
	}
	clips, err := loadClips(entries, cacheDir, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	aug := &augmenter{seed: 12}
	if bank, err := augment.TrainNoise("/work/shared/noise", emotion.SampleRate); err == nil {
		aug.noise = bank
	}
	m, err := emotion.New(emotion.ExtendedBaseline(), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := &exploreSet{Rows: [][][]float32{make([][]float32, len(clips)), make([][]float32, len(clips))}}
	for _, c := range clips {
		s.Speakers = append(s.Speakers, c.speaker)
		s.Labels = append(s.Labels, c.label)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := m.NewFeaturizer()
			if err != nil {
				t.Error(err)
				return
			}
			for j := w; j < len(clips); j += 2 {
				for v := range 2 {
					x := clips[j].samples
					if v > 0 {
						if x, _, err = aug.apply(clips[j], v); err != nil {
							t.Error(err)
							return
						}
						x, _ = emotion.Trim(x)
					}
					row, _, err := f.Inputs(x)
					if err != nil {
						t.Error(err)
						return
					}
					s.Rows[v][j] = slices.Clone(row)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("extended descriptors of %d clips × 2 in %.0f s", len(clips), time.Since(start).Seconds())
	os.MkdirAll(filepath.Dir(path), 0o755)
	if f, err := os.Create(path); err == nil {
		gob.NewEncoder(f).Encode(s)
		f.Close()
	}
	return s
}

// speakerNormalise z-normalises each speaker's rows (every version) with
// the mean and deviation of that speaker's clean rows: the per-speaker
// normalisation of speaker-independent RAVDESS work. It needs the
// speaker's other recordings, test ones included (unlabelled).
func speakerNormalise(s *exploreSet) [][][]float32 {
	F := len(s.Rows[0][0])
	out := make([][][]float32, len(s.Rows))
	for v := range s.Rows {
		out[v] = make([][]float32, len(s.Rows[v]))
	}
	bySpeaker := map[string][]int{}
	for i, sp := range s.Speakers {
		bySpeaker[sp] = append(bySpeaker[sp], i)
	}
	for _, idx := range bySpeaker {
		mean, sq := make([]float64, F), make([]float64, F)
		for _, i := range idx {
			for j, x := range s.Rows[0][i] {
				mean[j] += float64(x)
				sq[j] += float64(x) * float64(x)
			}
		}
		n := float64(len(idx))
		for j := range mean {
			mean[j] /= n
			sd := sq[j]/n - mean[j]*mean[j]
			if sd < 1e-12 {
				sq[j] = 1
			} else {
				sq[j] = 1 / math.Sqrt(sd)
			}
		}
		for v := range s.Rows {
			for _, i := range idx {
				r := make([]float32, F)
				for j, x := range s.Rows[v][i] {
					r[j] = float32((float64(x) - mean[j]) * sq[j])
				}
				out[v][i] = r
			}
		}
	}
	return out
}

// speakerNormaliseK is speakerNormalise with each speaker's statistics
// taken from only k of their clean clips, drawn at random: what running
// statistics over the first k recordings of a user would give.
func speakerNormaliseK(s *exploreSet, k int, seed uint64) [][][]float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	bySpeaker := map[string][]int{}
	for i, sp := range s.Speakers {
		bySpeaker[sp] = append(bySpeaker[sp], i)
	}
	keep := make([]bool, len(s.Speakers))
	for _, idx := range bySpeaker {
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		for _, i := range idx[:min(k, len(idx))] {
			keep[i] = true
		}
	}
	F := len(s.Rows[0][0])
	out := make([][][]float32, len(s.Rows))
	for v := range s.Rows {
		out[v] = make([][]float32, len(s.Rows[v]))
	}
	for _, idx := range bySpeaker {
		mean, sq := make([]float64, F), make([]float64, F)
		n := 0.0
		for _, i := range idx {
			if !keep[i] {
				continue
			}
			n++
			for j, x := range s.Rows[0][i] {
				mean[j] += float64(x)
				sq[j] += float64(x) * float64(x)
			}
		}
		for j := range mean {
			mean[j] /= n
			sd := sq[j]/n - mean[j]*mean[j]
			if sd < 1e-12 {
				sq[j] = 1
			} else {
				sq[j] = 1 / math.Sqrt(sd)
			}
		}
		for v := range s.Rows {
			for _, i := range idx {
				r := make([]float32, F)
				for j, x := range s.Rows[v][i] {
					r[j] = float32((float64(x) - mean[j]) * sq[j])
				}
				out[v][i] = r
			}
		}
	}
	return out
}

// cvBaseline runs the six speaker-disjoint folds with the recipe's fold
// assignment: train on clean and augmented rows of the other speakers,
// test on the fold's clean rows.
func cvBaseline(s *exploreSet, rows [][][]float32, cols []int, l2 float64) ([]float64, confusion, error) {
	clips := make([]clip, len(s.Speakers))
	for i := range clips {
		clips[i] = clip{speaker: s.Speakers[i], label: s.Labels[i]}
	}
	foldOf, _ := assignFolds(clips, 6)
	pick := func(r []float32) []float32 {
		if cols == nil {
			return r
		}
		o := make([]float32, len(cols))
		for k, c := range cols {
			o[k] = r[c]
		}
		return o
	}
	var uars []float64
	var all confusion
	for f := range 6 {
		var x [][]float32
		var y []emotion.Label
		for v := range rows {
			for i := range clips {
				if foldOf[clips[i].speaker] != f {
					x = append(x, pick(rows[v][i]))
					y = append(y, clips[i].label)
				}
			}
		}
		m, err := emotion.FitBaseline(x, y, emotion.BaselineOptions{L2: l2})
		if err != nil {
			return nil, all, err
		}
		var c confusion
		tape := nn.NewTape(0)
		tape.SetTraining(false)
		for i := range clips {
			if foldOf[clips[i].speaker] == f {
				sc, err := scoresFromInputs(m, tape, pick(rows[0][i]), 1)
				if err != nil {
					return nil, all, err
				}
				p, _ := sc.Top()
				c[clips[i].label][p]++
			}
		}
		uars = append(uars, c.uar())
		all.add(c)
	}
	return uars, all, nil
}

func TestExploreBaseline(t *testing.T) {
	if os.Getenv("MYNAH_EMOTION_EXPLORE") == "" {
		t.Skip("set MYNAH_EMOTION_EXPLORE=1 to run the descriptor study on the PCM cache")
	}
	s := loadExploreSet(t)
	handToRecipe(t, s)
	t.Logf("%d clips, %d descriptors", len(s.Labels), len(s.Rows[0][0]))
	groups := strings.Split(os.Getenv("MYNAH_EMOTION_EXPLORE"), ",")
	l2s := []float64{0.003, 0.01, 0.03, 0.1, 0.3}
	if v := os.Getenv("MYNAH_EMOTION_L2"); v != "" {
		l2s = nil
		for _, f := range strings.Split(v, ",") {
			x, _ := strconv.ParseFloat(f, 64)
			l2s = append(l2s, x)
		}
	}
	first := make([]int, emotion.NumDescriptors)
	for i := range first {
		first[i] = i
	}
	sets := map[string][]int{"v1": first, "ext": nil}
	spk := speakerNormalise(s)
	for _, g := range groups {
		if g == "1" {
			g = "v1+ext"
		}
		for _, name := range strings.Split(g, "+") {
			cols, ok := sets[name]
			if !ok {
				continue
			}
			norms := []string{"none", "speaker"}
			if v := os.Getenv("MYNAH_EMOTION_NORMS"); v != "" {
				norms = strings.Split(v, ",")
			}
			for _, norm := range norms {
				rows := s.Rows
				switch {
				case norm == "speaker":
					rows = spk
				case strings.HasPrefix(norm, "k"):
					k, _ := strconv.Atoi(norm[1:])
					rows = speakerNormaliseK(s, k, 1)
				}
				for _, l2 := range l2s {
					uars, conf, err := cvBaseline(s, rows, cols, l2)
					if err != nil {
						t.Fatal(err)
					}
					m, sd := meanSD(uars)
					t.Logf("set %-4s norm %-7s l2 %-6g UAR %.1f%% ± %.1f folds %s acc %.1f%% arousal %.1f%%", name, norm, l2, 100*m, 100*sd, pct(uars), 100*conf.accuracy(), 100*conf.arousalUAR())
				}
			}
		}
	}
}

func pct(x []float64) string {
	var b strings.Builder
	for i, v := range x {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f", 100*v)
	}
	return b.String()
}

// handToRecipe writes the study's descriptors where the recipe keeps its
// inputs (`train emotion --variants baseline-ext` computes the same rows:
// same clips, order, seed and augmentation), so it need not compute them
// again on a starved CPU.
func handToRecipe(t *testing.T, s *exploreSet) {
	cacheDir, _ := corpora.CacheDir()
	recipePath := filepath.Join(cacheDir, "train", "emotion", string(vBaselineExt), fmt.Sprintf("inputs-%d-clips-2-versions-seed12.bin", len(s.Labels)))
	if _, err := os.Stat(recipePath); err != nil {
		in := &inputSet{rows: s.Rows, frames: [][]int{make([]int, len(s.Labels)), make([]int, len(s.Labels))}}
		for v := range in.frames {
			for i := range in.frames[v] {
				in.frames[v][i] = 1
			}
		}
		os.MkdirAll(filepath.Dir(recipePath), 0o755)
		if err := writeInputs(recipePath, in); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRecipeRun runs `train emotion` with the arguments in
// MYNAH_EMOTION_ARGS (space-separated), exactly as `go run ./cmd/train
// emotion ARGS` would, without linking the whole command.
func TestRecipeRun(t *testing.T) {
	args := os.Getenv("MYNAH_EMOTION_ARGS")
	if args == "" {
		t.Skip("set MYNAH_EMOTION_ARGS to run the recipe")
	}
	handToRecipe(t, loadExploreSet(t))
	if code := Main(t.Context(), strings.Fields(args), os.Stdout, os.Stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
