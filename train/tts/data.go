package tts

import (
	"bufio"
	"context"
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/tts/acoustic"
)

// Utt is one cached utterance: its symbols and its contract features.
type Utt struct {
	ID       string
	PromptID string
	Dev      bool
	Symbols  []string
	Frames   int
	Mels     []float32 // Frames×80
	F0       []float32 // Frames
}

// cacheVersion changes whenever Utt or the features change.
const cacheVersion = 3

type cacheFile struct {
	Version int
	Utts    []Utt
}

// LoadFeatures returns the features of the Kathleen corpus in dir, read
// from the cache file at path when it is there (and of this version), else
// computed (MP3 decoding, TTS mels, YIN F0; one thread, a few minutes) and
// written there.
func LoadFeatures(ctx context.Context, dir, path string, progress io.Writer) ([]Utt, error) {
	if f, err := os.Open(path); err == nil {
		var c cacheFile
		err := gob.NewDecoder(bufio.NewReader(f)).Decode(&c)
		f.Close()
		if err == nil && c.Version == cacheVersion {
			return c.Utts, nil
		}
		fmt.Fprintf(progress, "features cache %s unusable (%v), rebuilding\n", path, err)
	}
	train, dev, err := LoadKathleen(dir)
	if err != nil {
		return nil, err
	}
	an, err := acoustic.NewAnalyzer()
	if err != nil {
		return nil, err
	}
	var utts []Utt
	start := time.Now()
	add := func(entries []corpora.Entry, isDev bool) error {
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			samples, err := audio.Load(e.Audio, acoustic.SampleRate)
			if err != nil {
				return fmt.Errorf("features %s: %w", e.ID, err)
			}
			ft := an.Analyze(samples)
			syms, err := Symbols(e.RawText)
			if err != nil {
				return err
			}
			utts = append(utts, Utt{ID: e.ID, PromptID: e.PromptID, Dev: isDev, Symbols: syms, Frames: ft.Frames, Mels: ft.Mels, F0: ft.F0})
			if len(utts)%100 == 0 {
				fmt.Fprintf(progress, "features: %d utterances, %s\n", len(utts), time.Since(start).Round(time.Second))
			}
		}
		return nil
	}
	if err := add(train, false); err != nil {
		return nil, err
	}
	if err := add(dev, true); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	if err := gob.NewEncoder(w).Encode(cacheFile{Version: cacheVersion, Utts: utts}); err != nil {
		f.Close()
		return nil, fmt.Errorf("features cache: %w", err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return utts, os.Rename(tmp, path)
}

// Stats fills cfg's normalisation statistics from the training
// utterances: per-bin mel mean and deviation, ln F0 over voiced frames,
// frame energy.
func Stats(cfg *acoustic.Config, utts []Utt) {
	M := cfg.Mels
	sum, sq := make([]float64, M), make([]float64, M)
	var n, nv float64
	var fs, fq, es, eq float64
	for _, u := range utts {
		if u.Dev {
			continue
		}
		for f := 0; f < u.Frames; f++ {
			row := u.Mels[f*M : (f+1)*M]
			for i, v := range row {
				sum[i] += float64(v)
				sq[i] += float64(v) * float64(v)
			}
			e := float64(acoustic.FrameEnergy(row))
			es += e
			eq += e * e
			n++
			if f0 := u.F0[f]; f0 > 0 {
				l := math.Log(float64(f0))
				fs += l
				fq += l * l
				nv++
			}
		}
	}
	sd := func(s, q, n float64) float32 {
		return float32(math.Sqrt(max(q/n-(s/n)*(s/n), 1e-6)))
	}
	for i := 0; i < M; i++ {
		cfg.MelMean[i] = float32(sum[i] / n)
		cfg.MelStd[i] = sd(sum[i], sq[i], n)
	}
	cfg.LogF0Mean, cfg.LogF0Std = float32(fs/nv), sd(fs, fq, nv)
	cfg.EnergyMean, cfg.EnergyStd = float32(es/n), sd(es, eq, n)
}

// HumanMCD is the mel-cepstral distortion between the first two readings
// of every prompt read at least twice (all of them, and those of the dev
// prompts): how far the speaker is from herself, the floor a model's dev
// MCD is read against.
type HumanMCD struct {
	AllPairs int     `json:"all_pairs"`
	AllMCD   float64 `json:"all_mcd_db"`
	DevPairs int     `json:"dev_pairs"`
	DevMCD   float64 `json:"dev_mcd_db"`
}

// ComputeHumanMCD measures HumanMCD over utts.
func ComputeHumanMCD(utts []Utt) HumanMCD {
	first := map[string]int{}
	var h HumanMCD
	var all, dev float64
	done := map[string]bool{}
	for i, u := range utts {
		j, ok := first[u.PromptID]
		if !ok {
			first[u.PromptID] = i
			continue
		}
		if done[u.PromptID] {
			continue
		}
		done[u.PromptID] = true
		a, b := utts[j], u
		ca := MelCepstrum(a.Mels, a.Frames, 80, CepstralOrder)
		cb := MelCepstrum(b.Mels, b.Frames, 80, CepstralOrder)
		d := MCD(ca, a.Frames, cb, b.Frames, CepstralOrder)
		all += d
		h.AllPairs++
		if u.Dev {
			dev += d
			h.DevPairs++
		}
	}
	h.AllMCD = all / float64(max(h.AllPairs, 1))
	h.DevMCD = dev / float64(max(h.DevPairs, 1))
	return h
}
