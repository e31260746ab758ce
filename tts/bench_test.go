package tts_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/acoustic"
)

// benchSentences are 4–5 s sentences, the speed case (Harvard
// list 3, which the issue leaves for development).
var benchSentences = []string{
	"The small pup gnawed a hole in the sock.",
	"The fish twisted and turned on the bent hook.",
	"Press the pants and sew a button on the vest.",
	"The swan dive was far short of perfect.",
	"The beauty of the view stunned the young boy.",
}

// benchVoice is the voice file in $MYNAH_TTS_VOICE (a trained voice), or
// else an untrained one of the shipped architecture: the same work per
// frame, though its durations, and so the audio length, are arbitrary.
func benchVoice(b *testing.B) (*tts.Voice, string) {
	if path := os.Getenv("MYNAH_TTS_VOICE"); path != "" {
		v, err := tts.LoadVoiceFile(path)
		if err != nil {
			b.Fatal(err)
		}
		return v, filepath.Base(path)
	}
	v, err := tts.LoadVoice(untrainedVoice(b))
	if err != nil {
		b.Fatal(err)
	}
	return v, "untrained"
}

// BenchmarkSynthesize reports in-process speed (x-realtime: seconds of
// audio per second of wall time; x-realtime-cpu per second of CPU time,
// which is what to read on a shared machine) and the time to first audio
// (ms from Stream to the first samples read, in wall and CPU time), beside
// flite, a peer, run as a whole process per sentence (start-up included,
// as a user would call it).
func BenchmarkSynthesize(b *testing.B) {
	b.Run("impl=mynah", func(b *testing.B) {
		v, name := benchVoice(b)
		b.Logf("voice %s", name)
		s, err := tts.NewSynthesizer(v, tts.Options{})
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]float32, 4096)
		var audioSamples int64
		var first, firstCPU time.Duration
		cpu0 := processCPU()
		b.ResetTimer()
		for i := range b.N {
			text := benchSentences[i%len(benchSentences)]
			start, startCPU := time.Now(), processCPU()
			st := s.Stream(context.Background(), tts.PhraseStream(strings.NewReader(text)))
			n, err := st.Read(buf)
			first += time.Since(start)
			firstCPU += processCPU() - startCPU
			for err == nil {
				audioSamples += int64(n)
				n, err = st.Read(buf)
			}
			st.Close()
			if err != io.EOF {
				b.Fatal(err)
			}
		}
		cpu := processCPU() - cpu0
		audioSec := float64(audioSamples) / float64(tts.SampleRate)
		b.ReportMetric(audioSec/b.Elapsed().Seconds(), "x-realtime")
		if cpu > 0 {
			b.ReportMetric(audioSec/cpu.Seconds(), "x-realtime-cpu")
			b.ReportMetric(firstCPU.Seconds()*1000/float64(b.N), "cpu-ms-first-audio")
		}
		b.ReportMetric(first.Seconds()*1000/float64(b.N), "ms-first-audio")
		b.ReportMetric(audioSec/float64(b.N), "audio-s/op")
	})
	b.Run("impl=flite", func(b *testing.B) {
		flite, err := exec.LookPath("flite")
		if err != nil {
			b.Skip("flite not installed (bash ../shared/bench/install-peers.sh)")
		}
		dir := b.TempDir()
		var audioSec float64
		var cpu time.Duration
		b.ResetTimer()
		for i := range b.N {
			out := filepath.Join(dir, "x.wav")
			cmd := exec.Command(flite, "-t", benchSentences[i%len(benchSentences)], "-o", out)
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			f, err := audio.Open(out, audio.DecodeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if d, ok := f.Duration(); ok {
				audioSec += d.Seconds()
			}
			f.Close()
		}
		b.ReportMetric(audioSec/b.Elapsed().Seconds(), "x-realtime")
		if cpu > 0 {
			b.ReportMetric(audioSec/cpu.Seconds(), "x-realtime-cpu")
		}
		b.ReportMetric(audioSec/float64(b.N), "audio-s/op")
	})
}

// BenchmarkLoadVoice reports the start-up cost of reading a voice file
// held in memory (the embedded one's path; $MYNAH_TTS_VOICE or an
// untrained voice of the shipped architecture): impl=mynah is LoadVoice,
// which builds both networks without drawing random weights;
// impl=init+load adds the random initialisation of the acoustic model
// that loading used to pay before overwriting it, as a reference.
func BenchmarkLoadVoice(b *testing.B) {
	var data []byte
	if path := os.Getenv("MYNAH_TTS_VOICE"); path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	} else {
		data = untrainedVoice(b)
	}
	f, err := safetensors.Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	am, err := acoustic.LoadFile(f, tts.AcousticPrefix)
	if err != nil {
		b.Fatal(err)
	}
	cfg := am.Config()
	for _, withInit := range []bool{false, true} {
		name := "impl=mynah"
		if withInit {
			name = "impl=init+load"
		}
		b.Run(name, func(b *testing.B) {
			cpu0 := processCPU()
			b.SetBytes(int64(len(data)))
			for range b.N {
				if withInit {
					if _, err := acoustic.New(cfg, 0); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := tts.LoadVoice(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((processCPU()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
		})
	}
}
