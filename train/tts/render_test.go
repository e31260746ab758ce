package tts

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/tts/acoustic"
	"github.com/mynah-speech/mynah/tts/vocoder"
)

// TestRenderDev writes one WAV per Kathleen dev prompt, synthesised by the
// model in $MYNAH_TTS_WORK/acoustic.safetensors through the vocoder's
// pure-DSP estimate (no trained vocoder needed), and prompts.tsv, into
// $MYNAH_TTS_RENDER: the input of the intelligibility measurement
//
//	MYNAH_TTS_WORK=~/.cache/mynah/train/tts-kathleen MYNAH_TTS_RENDER=/tmp/ttsdev \
//	  go test -run RenderDev ./train/tts
//	cd /tmp/ttsdev && for f in *.wav; do printf '%s\t%s\n' "${f%.wav}" "$PWD/$f"; done > list.tsv
//	../shared/bench/peers/asr_pocketsphinx.sh --pad 0.3 --batch list.tsv -o hyp.tsv
//	../shared/bench/wer.py prompts.tsv hyp.tsv
func TestRenderDev(t *testing.T) {
	work, out := os.Getenv("MYNAH_TTS_WORK"), os.Getenv("MYNAH_TTS_RENDER")
	if work == "" || out == "" {
		t.Skip("set MYNAH_TTS_WORK and MYNAH_TTS_RENDER")
	}
	data, err := os.ReadFile(filepath.Join(work, BestFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := acoustic.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	voc, err := vocoder.New(vocoder.Default(), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, dev, err := LoadKathleen(kathleenDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	tsv, err := os.Create(filepath.Join(out, "prompts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer tsv.Close()
	seen := map[string]bool{}
	for _, e := range dev {
		if seen[e.PromptID] {
			continue
		}
		seen[e.PromptID] = true
		syms, err := Symbols(e.RawText)
		if err != nil {
			t.Fatal(err)
		}
		o, err := m.Synthesize(nil, syms, acoustic.Controls{})
		if err != nil {
			t.Fatal(err)
		}
		pcm, err := voc.Vocode(o.Mels, o.F0)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(out, e.PromptID+".wav"))
		if err != nil {
			t.Fatal(err)
		}
		if err := audio.WriteWAV(f, pcm, acoustic.SampleRate, audio.PCM16); err != nil {
			t.Fatal(err)
		}
		f.Close()
		fmt.Fprintf(tsv, "%s\t%s\n", e.PromptID, e.RawText)
	}
}
