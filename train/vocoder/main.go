package vocoder

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/corpora"
	traintts "github.com/mynah-speech/mynah/train/tts"
	voc "github.com/mynah-speech/mynah/tts/vocoder"
)

// Main is `train vocoder`: it trains (default) or, with --resynth or
// --resynth-dev, writes resynthesised Kathleen clips as WAV for
// listening. Exit codes: 0 success, 1 failure, 2 usage.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := DefaultOptions()
	home, _ := os.UserHomeDir()
	fs := flag.NewFlagSet("train vocoder", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Corpus, "corpus", o.Corpus, "Kathleen corpus folder (manifest.tsv, audio/)")
	fs.StringVar(&o.Work, "work", filepath.Join(home, ".cache", "mynah", "train", "vocoder"), "work folder: data cache, config, checkpoint, ledger, best model")
	fs.Int64Var(&o.Steps, "steps", o.Steps, "training updates")
	fs.IntVar(&o.Batch, "batch", o.Batch, "segments per update")
	fs.IntVar(&o.Frames, "frames", o.Frames, "frames per segment")
	fs.Float64Var(&o.LR, "lr", o.LR, "peak learning rate (warm-up, then cosine to lr/20)")
	fs.Int64Var(&o.Warmup, "warmup", o.Warmup, "warm-up updates")
	fs.Int64Var(&o.EvalEvery, "eval-every", o.EvalEvery, "updates between dev evaluations and checkpoints")
	fs.IntVar(&o.DevLimit, "dev-limit", o.DevLimit, "evaluate on at most this many dev utterances (0: all)")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the weights and batches")
	fs.IntVar(&o.Width, "width", o.Width, "network channels (first run only)")
	fs.IntVar(&o.Layers, "layers", o.Layers, "residual convolution blocks (first run only)")
	fs.IntVar(&o.Kernel, "kernel", o.Kernel, "convolution kernel (first run only)")
	threads := fs.Int("threads", 1, "CPU threads (GOMAXPROCS)")
	until := fs.String("until", "", "stop (with a checkpoint) at this UTC time, HH:MM")
	resynth := fs.String("resynth", "", "comma-separated Kathleen utterance ids (or audio files) to resynthesise instead of training")
	resynthDev := fs.Int("resynth-dev", 0, "resynthesise the first N dev utterances instead of training")
	model := fs.String("model", "", `vocoder for --resynth: a safetensors file ("vocoder." prefix), or "none" for the pure-DSP one only; default the work folder's vocoder.safetensors if any`)
	outDir := fs.String("o", "resynth", "output folder for --resynth (ID.orig.wav, ID.dsp.wav, ID.learned.wav)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "train vocoder: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *threads > 0 {
		runtime.GOMAXPROCS(*threads)
	}
	if *resynth != "" || *resynthDev > 0 {
		switch *model {
		case "":
			if p := filepath.Join(o.Work, "vocoder.safetensors"); fileExists(p) {
				*model = p
			}
		case "none":
			*model = ""
		}
		if err := Resynthesize(o.Corpus, splitList(*resynth), *resynthDev, *model, *outDir, stdout); err != nil {
			fmt.Fprintf(stderr, "train vocoder: %v\n", err)
			return 1
		}
		return 0
	}
	var deadline time.Time
	if *until != "" {
		t, err := time.Parse("15:04", *until)
		if err != nil {
			fmt.Fprintf(stderr, "train vocoder: --until %q: want HH:MM\n", *until)
			return 2
		}
		now := time.Now().UTC()
		deadline = time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
		if deadline.Before(now) {
			deadline = deadline.Add(24 * time.Hour)
		}
	}
	if err := Run(ctx, o, deadline, stderr); err != nil {
		fmt.Fprintf(stderr, "train vocoder: %v\n", err)
		return 1
	}
	return 0
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Resynthesize writes, for each Kathleen utterance id (or audio file) and
// for the first devN dev utterances, the decoded original, its pure-DSP
// resynthesis and, when modelPath is set, the learned vocoder's, as
// 16-bit WAV files in outDir, and prints the paths and MR-STFT figures.
func Resynthesize(corpus string, ids []string, devN int, modelPath, outDir string, stdout io.Writer) error {
	dsp, err := voc.New(voc.Default(), 0)
	if err != nil {
		return err
	}
	var learned *voc.Model
	if modelPath != "" {
		data, err := os.ReadFile(modelPath)
		if err != nil {
			return err
		}
		if learned, err = voc.LoadBytes(data, "vocoder."); err != nil {
			return fmt.Errorf("%s: %w", modelPath, err)
		}
	}
	paths := map[string]string{}
	var order []string
	var byID map[string]corpora.Entry
	var dev []corpora.Entry
	needCorpus := devN > 0
	for _, id := range ids {
		needCorpus = needCorpus || !fileExists(id)
	}
	if needCorpus {
		train, d, err := traintts.LoadKathleen(corpus)
		if err != nil {
			return err
		}
		dev = d
		byID = map[string]corpora.Entry{}
		for _, e := range append(train, dev...) {
			byID[e.ID] = e
		}
	}
	for _, id := range ids {
		if fileExists(id) {
			paths[id] = id
		} else if e, ok := byID[id]; ok {
			paths[id] = e.Audio
		} else {
			return fmt.Errorf("resynth: %q is neither a file nor a Kathleen id", id)
		}
		order = append(order, id)
	}
	for _, e := range dev[:min(devN, len(dev))] {
		paths[e.ID] = e.Audio
		order = append(order, e.ID)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	c := voc.Default()
	an, err := voc.NewAnalyzer(c)
	if err != nil {
		return err
	}
	mr, err := voc.NewMRSTFT(voc.DefaultResolutions())
	if err != nil {
		return err
	}
	for _, id := range order {
		x, err := audio.Load(paths[id], audio.Rate(c.SampleRate))
		if err != nil {
			return err
		}
		mels, f0 := an.Analyze(x)
		name := strings.TrimSuffix(filepath.Base(id), filepath.Ext(id))
		if err := writeWAV(filepath.Join(outDir, name+".orig.wav"), x, c.SampleRate); err != nil {
			return err
		}
		for _, v := range []struct {
			kind string
			m    *voc.Model
		}{{"dsp", dsp}, {"learned", learned}} {
			if v.m == nil {
				continue
			}
			y, err := v.m.Vocode(mels, f0)
			if err != nil {
				return err
			}
			tgt := make([]float32, len(y))
			copy(tgt, x)
			l := mr.Loss(y, tgt, nil)
			p := filepath.Join(outDir, name+"."+v.kind+".wav")
			if err := writeWAV(p, y, c.SampleRate); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\tMR-STFT %.4f (SC %.4f, log-mag %.4f)\n", p, l.Total, l.SpectralConvergence, l.LogMagnitude)
		}
	}
	return nil
}

func writeWAV(path string, x []float32, rate int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := audio.WriteWAV(f, x, audio.Rate(rate), audio.PCM16); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
