package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openAIClientDir returns a directory with the openai npm package
// installed: $MYNAH_OPENAI_CLIENT_DIR (as scripts/test.sh sets it; "none"
// or "none: why" skips), or one install.sh fills in the user cache. It
// skips the test when Node, npm or the registry is missing.
func openAIClientDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	switch dir := os.Getenv("MYNAH_OPENAI_CLIENT_DIR"); {
	case dir == "none" || strings.HasPrefix(dir, "none:"):
		// scripts/test.sh could not install it, or ran the test in
		// another build already; the value says which.
		t.Skipf("not run here: MYNAH_OPENAI_CLIENT_DIR=%q", dir)
	case dir != "":
		return dir
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory to install the openai package into")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", "testdata/openai-client/install.sh", filepath.Join(cache, "mynah", "openai-client")).Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Skipf("cannot install the openai npm package (no network?): %s", msg)
	}
	return strings.TrimSpace(string(out))
}

// TestOpenAIClient drives the server with the official openai npm package:
// audio.transcriptions.create in json, text and verbose_json (checked
// against what `transcribe` prints), an error it must surface as an
// APIError, and audio.speech.create (with the test synthesiser).
func TestOpenAIClient(t *testing.T) {
	if testing.Short() {
		t.Skip("installs and runs the openai npm package")
	}
	dir := openAIClientDir(t)
	bin := buildTranscribe(t)
	clip := samples[0]
	want, err := exec.Command(bin, clip).Output()
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("testdata/openai-client/client.mjs")
	if err != nil {
		t.Fatal(err)
	}
	scriptPath := filepath.Join(dir, "client.mjs")
	if err := os.WriteFile(scriptPath, script, 0o644); err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Config{
		Recognizer:  recognizerConfigOfTranscribe(),
		Synthesizer: toneSynth{},
		APIKeys:     []string{"sk-mynah-test-key-0123456789"},
	})
	absClip, _ := filepath.Abs(clip)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", scriptPath)
	cmd.Env = append(os.Environ(),
		"MYNAHD_URL="+ts.URL,
		"MYNAH_CLIP="+absClip,
		"MYNAH_EXPECT="+strings.TrimSuffix(string(want), "\n"),
		"MYNAH_SPEECH_RATE=22050",
	)
	out, err := cmd.CombinedOutput()
	t.Logf("node client.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("the openai client failed: %v", err)
	}
}
