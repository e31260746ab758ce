package corpora

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Voice is one TTS voice of a Debian engine.
type Voice struct {
	// Engine is "flite", "festival" or "espeak-ng".
	Engine string
	// Name is the engine's voice name: a flite voice (rms), a festival voice
	// (kal_diphone) or an espeak-ng language+variant (en-us+m3).
	Name string
	// Gender is "f" or "m".
	Gender string
	// Rate is the sample rate the engine writes, for reference.
	Rate int
	// Pitch tells whether the engine can move this voice's pitch.
	Pitch bool
	// Stretch tells whether the engine can change this voice's speed.
	Stretch bool
}

// String is "engine:name".
func (v Voice) String() string { return v.Engine + ":" + v.Name }

// espeakAccents are the English accents of espeak-ng 1.51; espeakVariants
// are its voice variants (m1-m7 male, f1-f5 female).
var (
	espeakAccents  = []string{"en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc"}
	espeakVariants = []string{"m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5"}
)

// SynthVoices lists the voices Synthesize may use, as Debian 12 packages
// them (bash ../shared/bench/install-peers.sh installs the engines).
// flite's rms ignores pitch targets and festival's HTS voice ignores
// duration stretch (tested with flite 2.2 and festival 2.5): their
// variation comes from training-time speed perturbation instead.
func SynthVoices() []Voice {
	vs := []Voice{
		{"flite", "rms", "m", 16000, false, true},
		{"flite", "awb", "m", 16000, true, true},
		{"flite", "kal16", "m", 16000, true, true},
		{"flite", "slt", "f", 16000, true, true},
		{"flite", "kal", "m", 8000, true, true},
		{"festival", "cmu_us_slt_arctic_hts", "f", 32000, false, false},
		{"festival", "kal_diphone", "m", 16000, true, true},
		{"festival", "ked_diphone", "m", 16000, true, true},
	}
	for _, a := range espeakAccents {
		for _, v := range espeakVariants {
			vs = append(vs, Voice{"espeak-ng", a + "+" + v, v[:1], 22050, true, true})
		}
	}
	return vs
}

// engineBinary is the program each engine runs.
var engineBinary = map[string]string{"flite": "flite", "festival": "text2wave", "espeak-ng": "espeak-ng"}

// AvailableVoices filters voices to those whose engine is installed.
func AvailableVoices(voices []Voice) []Voice {
	var out []Voice
	ok := map[string]bool{}
	for e, bin := range engineBinary {
		_, err := exec.LookPath(bin)
		ok[e] = err == nil
	}
	for _, v := range voices {
		if ok[v.Engine] {
			out = append(out, v)
		}
	}
	return out
}

// SynthConfig says what Synthesize makes.
type SynthConfig struct {
	// TextDir holds the books sentences are read from (../shared/text/lm).
	TextDir string
	// Batch names this generation run; ids are "BATCH-NNNNNN" and files go
	// under DIR/synth/BATCH. Different batches with different seeds give
	// different sentences and voices.
	Batch string
	// Seed chooses the sentences, and for each the voice, speed and pitch.
	Seed uint64
	// Utterances is how many to make; Hours, if set, stops the run once
	// that much audio exists (whichever comes first).
	Utterances int
	Hours      float64
	// Voices to use (default: AvailableVoices(SynthVoices())).
	Voices []Voice
	// EngineWeights is the share of utterances per engine (default flite
	// 0.35, festival 0.25, espeak-ng 0.40); a voice is then drawn uniformly
	// within its engine, so espeak-ng's 96 variants do not crowd out the
	// 8 others.
	EngineWeights map[string]float64
	// Stretch is the range of duration stretch (1 = the engine's tempo;
	// default 0.85-1.2). PitchSpread is the relative range of pitch around
	// the voice's default (default 0.2 = +-20%).
	Stretch     [2]float64
	PitchSpread float64
	// Exclude holds normalised texts never to synthesise (dev transcripts).
	Exclude map[string]bool
	// Sentences bound the sentence length.
	Sentences SentenceOptions
	// Texts, when set, are the prompts to read instead of book sentences:
	// used in order, repeats kept, Exclude not applied (a closed vocabulary
	// such as DigitPrompts' repeats by design; the exclusion guards against
	// dev sentences, which prompts of this kind are not). Utterances caps
	// how many are made.
	Texts []string
	// Corpus labels the entries (default "synth"); a family of its own
	// (say "synthdigits") lets training cap its share apart from the books.
	Corpus string
	// Normalize makes the label; nil means text.Normalize.
	Normalize func(string) string
	// Workers is how many engine processes run at once (default 1).
	Workers int
}

func (c *SynthConfig) defaults() error {
	if c.TextDir == "" && len(c.Texts) == 0 {
		return errors.New("synth: no TextDir")
	}
	if c.Batch == "" {
		c.Batch = "b" + strconv.FormatUint(c.Seed, 10)
	}
	if strings.ContainsAny(c.Batch, "/\\\t\n -") {
		return fmt.Errorf("synth: batch name %q must not contain '/', '-', spaces or tabs", c.Batch)
	}
	if len(c.Voices) == 0 {
		c.Voices = AvailableVoices(SynthVoices())
	}
	if len(c.Voices) == 0 {
		return errors.New("synth: no TTS engine installed (bash ../shared/bench/install-peers.sh)")
	}
	if c.EngineWeights == nil {
		c.EngineWeights = map[string]float64{"flite": 0.35, "festival": 0.25, "espeak-ng": 0.40}
	}
	if c.Stretch == [2]float64{} {
		c.Stretch = [2]float64{0.85, 1.2}
	}
	if c.PitchSpread == 0 {
		c.PitchSpread = 0.2
	}
	if c.Workers <= 0 {
		c.Workers = 1
	}
	if c.Utterances <= 0 && c.Hours <= 0 {
		return errors.New("synth: set Utterances or Hours")
	}
	if c.Utterances <= 0 {
		c.Utterances = int(c.Hours * 3600 / 2) // an upper bound: sentences last over 2 s
	}
	if c.Normalize == nil {
		c.Normalize = Options{}.normalize
	}
	if c.Corpus == "" {
		c.Corpus = "synth"
	}
	if len(c.Texts) > 0 && c.Utterances > len(c.Texts) {
		c.Utterances = len(c.Texts)
	}
	return nil
}

// synthJob is one utterance to make: its sentence, voice and settings,
// all fixed by the seed and its index.
type synthJob struct {
	index   int
	id      string
	raw     string
	voice   Voice
	stretch float64 // duration stretch, >1 slower
	pitch   float64 // pitch factor around the voice's default
}

// plan draws voice, stretch and pitch for sentence i from a PCG seeded by
// (seed, i): the same job whatever the worker count or resume point.
func (c *SynthConfig) plan(i int, raw string) synthJob {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d:voice:%d", c.Seed, i)))
	rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])))
	byEngine := map[string][]Voice{}
	for _, v := range c.Voices {
		byEngine[v.Engine] = append(byEngine[v.Engine], v)
	}
	engines := sortedKeys(byEngine)
	var total float64
	for _, e := range engines {
		total += c.EngineWeights[e]
	}
	pick := rng.Float64() * total
	engine := engines[len(engines)-1]
	for _, e := range engines {
		if pick < c.EngineWeights[e] {
			engine = e
			break
		}
		pick -= c.EngineWeights[e]
	}
	vs := byEngine[engine]
	v := vs[rng.IntN(len(vs))]
	j := synthJob{index: i, id: fmt.Sprintf("%s-%06d", c.Batch, i), raw: raw, voice: v, stretch: 1, pitch: 1}
	if v.Stretch {
		j.stretch = c.Stretch[0] + (c.Stretch[1]-c.Stretch[0])*rng.Float64()
	}
	if v.Pitch {
		j.pitch = 1 - c.PitchSpread + 2*c.PitchSpread*rng.Float64()
	}
	return j
}

// command returns the engine invocation for j, reading the text from
// textFile and writing out.
func (j synthJob) command(ctx context.Context, textFile, out string) (*exec.Cmd, string) {
	v := j.voice
	switch v.Engine {
	case "flite":
		// Default f0 means of the Debian voices: kal/kal16/awb ~100 Hz, slt
		// ~170 Hz (flite's int_f0_target_mean).
		f0 := 100.0
		if v.Gender == "f" {
			f0 = 170
		}
		f0 *= j.pitch
		args := []string{"-voice", v.Name, "--setf", fmt.Sprintf("duration_stretch=%.3f", j.stretch)}
		desc := fmt.Sprintf("%s:stretch=%.2f", v, j.stretch)
		if v.Pitch {
			args = append(args, "--setf", fmt.Sprintf("int_f0_target_mean=%.0f", f0))
			desc += fmt.Sprintf(":f0=%.0f", f0)
		}
		args = append(args, "-f", textFile, "-o", out)
		return exec.CommandContext(ctx, "flite", args...), desc
	case "festival":
		args := []string{"-eval", "(voice_" + v.Name + ")"}
		desc := v.String()
		if v.Stretch {
			args = append(args, "-eval", fmt.Sprintf("(Parameter.set 'Duration_Stretch %.3f)", j.stretch))
			desc += fmt.Sprintf(":stretch=%.2f", j.stretch)
		}
		if v.Pitch {
			// The diphone voices' linear-regression F0 model: default target
			// mean 105 Hz, std 14 (festival's kal/ked voice definitions).
			f0 := 105 * j.pitch
			args = append(args, "-eval", fmt.Sprintf("(set! int_lr_params '((target_f0_mean %.0f) (target_f0_std 14) (model_f0_mean 170) (model_f0_std 34)))", f0))
			desc += fmt.Sprintf(":f0=%.0f", f0)
		}
		args = append(args, "-o", out, textFile)
		return exec.CommandContext(ctx, "text2wave", args...), desc
	default: // espeak-ng: -s words per minute (default 175), -p pitch 0-99 (default 50)
		wpm := math.Round(175 / j.stretch)
		pitch := math.Round(math.Min(99, math.Max(0, 50*j.pitch)))
		desc := fmt.Sprintf("%s:s=%.0f:p=%.0f", v, wpm, pitch)
		return exec.CommandContext(ctx, "espeak-ng", "-v", v.Name, "-s", strconv.Itoa(int(wpm)), "-p", strconv.Itoa(int(pitch)), "-f", textFile, "-w", out), desc
	}
}

// SynthStats says what a Synthesize run did.
type SynthStats struct {
	Made, Resumed, Failed int
	// AudioSeconds is the audio made by this run; Wall its wall time.
	AudioSeconds float64
	Wall         time.Duration
	// PerEngine is what each engine spent and made.
	PerEngine map[string]EngineStats
}

// EngineStats is one engine's share of a run. CPU is the engine
// processes' user+system time, the figure to compare across runs on a
// shared machine, where wall time mostly measures the other processes.
type EngineStats struct {
	AudioSeconds, WallSeconds, CPUSeconds float64
}

// Synthesize makes synthetic speech into DIR/synth/BATCH: one WAV per
// utterance in wav/ (at the engine's own rate; BuildCache resamples) and
// manifest.jsonl, appended as each utterance finishes, so an interrupted
// run resumes where it stopped. It returns the manifest's path; its
// entries have Corpus "synth", Speaker the voice ("flite:slt") and Voice
// the exact settings. Pass the manifest to BuildCache to cache the audio.
func Synthesize(ctx context.Context, cfg SynthConfig, dir string, progress io.Writer) (string, SynthStats, error) {
	st := SynthStats{PerEngine: map[string]EngineStats{}}
	start := time.Now()
	if err := cfg.defaults(); err != nil {
		return "", st, err
	}
	out := filepath.Join(dir, "synth", cfg.Batch)
	wavDir := filepath.Join(out, "wav")
	if err := os.MkdirAll(wavDir, 0o755); err != nil {
		return "", st, err
	}
	unlock, err := lockDir(out)
	if err != nil {
		return "", st, err
	}
	defer unlock()
	manifest := filepath.Join(out, "manifest.jsonl")
	done, doneSeconds, err := resumeManifest(manifest)
	if err != nil {
		return "", st, err
	}
	st.Resumed = len(done)

	sents, picked := cfg.Texts, cfg.Texts[:min(len(cfg.Texts), cfg.Utterances)]
	if len(cfg.Texts) == 0 {
		sents, err = BookSentences(cfg.TextDir, cfg.Sentences)
		if err != nil {
			return "", st, fmt.Errorf("synth sentences: %w", err)
		}
		picked = PickSentences(sents, cfg.Utterances, cfg.Seed, cfg.Exclude, cfg.Normalize)
	}
	if progress != nil {
		fmt.Fprintf(progress, "synth %s: %d candidate sentences, %d picked, %d already made (%.2f h), %d voices\n",
			cfg.Batch, len(sents), len(picked), len(done), doneSeconds/3600, len(cfg.Voices))
	}
	mf, err := os.OpenFile(manifest, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return "", st, err
	}
	defer mf.Close()

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan synthJob)
	type result struct {
		e    Entry
		took time.Duration
		cpu  float64
		err  error
	}
	results := make(chan result)
	var festMu sync.Mutex
	var festCPU float64 // festival processes' CPU, counted as each exits
	addFestivalCPU := func(s float64) { festMu.Lock(); festCPU += s; festMu.Unlock() }
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var fest *festivalProc // started on the first festival job
			defer func() { addFestivalCPU(fest.close()) }()
			for j := range jobs {
				t0 := time.Now()
				e, cpu, err := cfg.synthesizeOne(ctx, j, wavDir, &fest, addFestivalCPU)
				select {
				case results <- result{e, time.Since(t0), cpu, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i, raw := range picked {
			id := fmt.Sprintf("%s-%06d", cfg.Batch, i)
			if done[id] {
				continue
			}
			select {
			case jobs <- cfg.plan(i, raw):
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	total := doneSeconds
	last := time.Now()
	var firstErr error
	enc := json.NewEncoder(mf)
	enc.SetEscapeHTML(false)
	for r := range results {
		if r.err != nil {
			st.Failed++
			if firstErr == nil {
				firstErr = r.err
			}
			if progress != nil {
				fmt.Fprintf(progress, "synth: %v\n", r.err)
			}
			continue
		}
		if err := enc.Encode(r.e); err != nil {
			cancel()
			return manifest, st, fmt.Errorf("synth manifest: %w", err)
		}
		st.Made++
		st.AudioSeconds += r.e.Duration
		total += r.e.Duration
		pe := st.PerEngine[engineOf(r.e.Voice)]
		pe.WallSeconds += r.took.Seconds()
		pe.AudioSeconds += r.e.Duration
		pe.CPUSeconds += r.cpu
		st.PerEngine[engineOf(r.e.Voice)] = pe
		if progress != nil && time.Since(last) > 10*time.Second {
			last = time.Now()
			el := time.Since(start).Seconds()
			fmt.Fprintf(progress, "synth %s: %d made, %.2f h in all, %.1fx realtime\n", cfg.Batch, st.Made+st.Resumed, total/3600, st.AudioSeconds/el)
		}
		if cfg.Hours > 0 && total >= cfg.Hours*3600 {
			cancel()
			break
		}
	}
	for range results {
	}
	wg.Wait() // the festival processes have exited and reported their CPU
	if pe, ok := st.PerEngine["festival"]; ok {
		festMu.Lock()
		pe.CPUSeconds += festCPU
		festMu.Unlock()
		st.PerEngine["festival"] = pe
	}
	st.Wall = time.Since(start)
	if err := mf.Sync(); err != nil {
		return manifest, st, err
	}
	if progress != nil {
		fmt.Fprintf(progress, "synth %s: %d made (%.2f h) in %s, %.1fx realtime; %d failed; %.2f h in %s\n",
			cfg.Batch, st.Made, st.AudioSeconds/3600, st.Wall.Round(time.Second), st.AudioSeconds/math.Max(st.Wall.Seconds(), 1e-9),
			st.Failed, total/3600, manifest)
		for _, e := range sortedKeys(st.PerEngine) {
			pe := st.PerEngine[e]
			fmt.Fprintf(progress, "synth %s: %s %.0f s audio in %.0f s engine wall, %.0f s CPU (%.1fx realtime per CPU second)\n",
				cfg.Batch, e, pe.AudioSeconds, pe.WallSeconds, pe.CPUSeconds, pe.AudioSeconds/math.Max(pe.CPUSeconds, 1e-9))
		}
	}
	if err := parent.Err(); err != nil {
		return manifest, st, fmt.Errorf("synth interrupted (rerun to resume): %w", err)
	}
	if st.Made == 0 && st.Failed > 0 {
		return manifest, st, fmt.Errorf("synth: every utterance failed, e.g. %w", firstErr)
	}
	return manifest, st, nil
}

func engineOf(voice string) string { e, _, _ := strings.Cut(voice, ":"); return e }

// synthesizeOne runs one engine and measures what it wrote. Festival jobs
// go to the worker's long-lived festival process *fest (started or
// restarted as needed); flite and espeak-ng start in milliseconds and run
// as one process per sentence.
func (c *SynthConfig) synthesizeOne(ctx context.Context, j synthJob, wavDir string, fest **festivalProc, addFestivalCPU func(float64)) (Entry, float64, error) {
	out := filepath.Join(wavDir, j.id+".wav")
	var desc string
	var cpu float64 // seconds of the engine process (festival's is counted when it exits)
	if j.voice.Engine == "festival" {
		if *fest == nil {
			p, err := startFestival()
			if err != nil {
				return Entry{}, cpu, fmt.Errorf("%s: %w", j.id, err)
			}
			*fest = p
		}
		d, err := (*fest).synth(ctx, j, out)
		desc = d
		if err != nil {
			addFestivalCPU((*fest).close())
			*fest = nil
			os.Remove(out)
			return Entry{}, cpu, fmt.Errorf("%s %s: %w", j.id, desc, err)
		}
	} else {
		textFile := filepath.Join(wavDir, j.id+".txt")
		if err := os.WriteFile(textFile, []byte(j.raw+"\n"), 0o644); err != nil {
			return Entry{}, 0, err
		}
		defer os.Remove(textFile)
		cmd, d := j.command(ctx, textFile, out)
		desc = d
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdout = io.Discard
		err := cmd.Run()
		if cmd.ProcessState != nil {
			cpu = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		}
		if err != nil {
			os.Remove(out)
			return Entry{}, cpu, fmt.Errorf("%s %s: %w: %s", j.id, desc, err, strings.TrimSpace(stderr.String()))
		}
	}
	dur, err := decodedDuration(out)
	if err != nil {
		return Entry{}, cpu, fmt.Errorf("%s %s: %w", j.id, desc, err)
	}
	if dur < 0.3 {
		os.Remove(out)
		return Entry{}, cpu, fmt.Errorf("%s %s: only %.2f s of audio", j.id, desc, dur)
	}
	return Entry{
		ID: j.id, Audio: filepath.Join("wav", j.id+".wav"), Duration: math.Round(dur*1000) / 1000,
		Text: c.Normalize(j.raw), RawText: j.raw, Speaker: j.voice.String(), Corpus: c.Corpus,
		Gender: j.voice.Gender, Voice: desc,
	}, cpu, nil
}

// resumeManifest reads what an earlier run finished. A torn last line (a
// crash mid-write) is cut off so appends continue cleanly.
func resumeManifest(path string) (map[string]bool, float64, error) {
	done := map[string]bool{}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return done, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var good int64
	var seconds float64
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			break
		}
		var e Entry
		if json.Unmarshal(line, &e) != nil || e.Validate() != nil {
			break
		}
		done[e.ID] = true
		seconds += e.Duration
		good += int64(len(line))
	}
	return done, seconds, f.Truncate(good)
}

// DevTexts returns the normalised transcripts of the dev entries, for
// SynthConfig.Exclude.
func DevTexts(entries []Entry) map[string]bool {
	m := map[string]bool{}
	for _, e := range entries {
		if IsDev(e) && e.Text != "" {
			m[e.Text] = true
		}
	}
	return m
}
