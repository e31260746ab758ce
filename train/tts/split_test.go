package tts

import (
	"os"
	"testing"
)

const kathleenDir = "../../../shared/corpora/kathleen"

func TestKathleenSplitByPrompt(t *testing.T) {
	if _, err := os.Stat(kathleenDir); err != nil {
		t.Skip("no ../shared/corpora/kathleen")
	}
	train, dev, err := LoadKathleen(kathleenDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(train)+len(dev) != 1620 {
		t.Fatalf("%d+%d utterances, want 1620", len(train), len(dev))
	}
	devPrompts := map[string]bool{}
	for _, e := range dev {
		devPrompts[e.PromptID] = true
	}
	for _, e := range train {
		if devPrompts[e.PromptID] {
			t.Fatalf("prompt %s is in both train and dev", e.PromptID)
		}
	}
	share := float64(len(devPrompts)) / 1132
	if share < 0.04 || share > 0.06 {
		t.Fatalf("dev holds %d prompts (%.3f of 1132), want about 5%%", len(devPrompts), share)
	}
	t.Logf("train %d utterances, dev %d utterances of %d prompts", len(train), len(dev), len(devPrompts))
}
