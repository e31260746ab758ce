package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/text"
	"github.com/mynah-speech/mynah/tts"
)

// The issue's acceptance sentence: verbalised in full, and intelligible
// to PocketSphinx (WER ≤ 25%). It needs a trained voice, the built-in one
// or the file in $MYNAH_TTS_VOICE, and Debian's pocketsphinx
// (../shared/bench/install-peers.sh); otherwise it is skipped.
func TestIssueSentenceIntelligible(t *testing.T) {
	if testing.Short() {
		t.Skip("runs pocketsphinx")
	}
	e := env{loadVoice: tts.LoadVoiceFile, defaultVoice: defaultVoice()}
	args := []string{}
	if path := os.Getenv("MYNAH_TTS_VOICE"); path != "" {
		args = append(args, "--voice", path)
	} else if e.defaultVoice == nil {
		t.Skip("no trained voice: none built in and $MYNAH_TTS_VOICE unset")
	}
	script, err := filepath.Abs("../../../shared/bench/peers/asr_pocketsphinx.sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(script); err != nil {
		t.Skipf("no %s", script)
	}
	if _, err := exec.LookPath("pocketsphinx_batch"); err != nil {
		t.Skip("pocketsphinx not installed")
	}
	const sentence = "Dr. Smith paid $3.50 on Jan. 5, 2024."
	const spoken = "doctor smith paid three dollars and fifty cents on january fifth twenty twenty four"
	if got := text.Normalize(sentence); got != spoken {
		t.Fatalf("verbalised %q, want %q", got, spoken)
	}
	out := filepath.Join(t.TempDir(), "x.wav")
	var so, se bytes.Buffer
	if code := runEnv(context.Background(), append(args, "-o", out, sentence), strings.NewReader(""), &so, &se, e); code != 0 {
		t.Fatalf("speak: exit %d: %s", code, se.String())
	}
	hyp, err := exec.Command("bash", script, out).Output()
	if err != nil {
		t.Fatalf("pocketsphinx: %v", err)
	}
	_, heard, _ := strings.Cut(strings.TrimSpace(string(hyp)), "\t")
	score := text.WER(spoken, heard)
	t.Logf("pocketsphinx heard %q: %v", heard, score)
	if score.WER() > 0.25 {
		t.Errorf("WER %.1f%% > 25%%", 100*score.WER())
	}
}
