package vocoder

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
	traintts "github.com/mynah-speech/mynah/train/tts"
	voc "github.com/mynah-speech/mynah/tts/vocoder"
)

// Utt is one cached utterance: its audio (16-bit, to halve the cache) and
// its ground-truth vocoder inputs.
type Utt struct {
	ID       string
	PromptID string
	Dev      bool
	Audio    []int16   // 22,050 Hz
	Mels     []float32 // Frames×80 TTS log-mels
	F0       []float32 // Frames, Hz, 0 unvoiced
}

// Frames returns the utterance's frame count.
func (u *Utt) Frames() int { return len(u.F0) }

// Samples returns audio samples [from, to) as float32, zero beyond the
// recording.
func (u *Utt) Samples(dst []float32, from, to int) []float32 {
	dst = dst[:0]
	for i := from; i < to; i++ {
		var v float32
		if i >= 0 && i < len(u.Audio) {
			v = float32(u.Audio[i]) / 32768
		}
		dst = append(dst, v)
	}
	return dst
}

const cacheVersion = 1

type cacheFile struct {
	Version int
	Config  voc.Config
	Utts    []Utt
}

// LoadData returns the Kathleen corpus in dir with its vocoder inputs,
// split by traintts.KathleenSplit (the project's dev prompts), read from
// the cache at path when it is there and was made for this config, else
// computed (MP3 decoding, TTS mels, YIN F0; one thread) and written there.
func LoadData(ctx context.Context, c voc.Config, dir, path string, progress io.Writer) ([]Utt, error) {
	if f, err := os.Open(path); err == nil {
		var cf cacheFile
		err := gob.NewDecoder(bufio.NewReader(f)).Decode(&cf)
		f.Close()
		if err == nil && cf.Version == cacheVersion && sameFrames(cf.Config, c) {
			return cf.Utts, nil
		}
		fmt.Fprintf(progress, "data cache %s unusable (%v), rebuilding\n", path, err)
	}
	train, dev, err := traintts.LoadKathleen(dir)
	if err != nil {
		return nil, err
	}
	an, err := voc.NewAnalyzer(c)
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
			x, err := audio.Load(e.Audio, audio.Rate(c.SampleRate))
			if err != nil {
				return fmt.Errorf("data %s: %w", e.ID, err)
			}
			mels, f0 := an.Analyze(x)
			pcm := make([]int16, len(x))
			for i, v := range x {
				pcm[i] = int16(math.Round(float64(max(-1, min(v, 32767.0/32768))) * 32768))
			}
			utts = append(utts, Utt{ID: e.ID, PromptID: e.PromptID, Dev: isDev, Audio: pcm, Mels: mels, F0: f0})
			if len(utts)%100 == 0 {
				fmt.Fprintf(progress, "data: %d utterances, %s\n", len(utts), time.Since(start).Round(time.Second))
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
	return utts, writeCache(path, c, utts)
}

// writeCache writes the data cache atomically.
func writeCache(path string, c voc.Config, utts []Utt) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := gob.NewEncoder(w).Encode(cacheFile{Version: cacheVersion, Config: c, Utts: utts}); err != nil {
		f.Close()
		return fmt.Errorf("write data cache: %w", err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// sameFrames reports whether two configs analyse audio identically.
func sameFrames(a, b voc.Config) bool { return a.Features() == b.Features() && a.Pitch() == b.Pitch() }
