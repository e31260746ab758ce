package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainLM(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "text.txt")
	os.WriteFile(text, []byte("The cat sat on the mat. The dog sat on the log. A cat ran."), 0o644)
	held := filepath.Join(dir, "held.txt")
	os.WriteFile(held, []byte("The dog ran."), 0o644)
	out := filepath.Join(dir, "lm.bin")
	var stdout, stderr bytes.Buffer
	ctx := context.Background()
	if code := run(ctx, []string{"lm", "--text", text, "--heldout", held, "--order", "3", "--cutoffs", "0", "--out", out}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "3-gram") || !strings.Contains(stdout.String(), "perplexity") {
		t.Errorf("stdout %q", stdout.String())
	}
	mixed := filepath.Join(dir, "mixed.bin")
	stdout.Reset()
	if code := run(ctx, []string{"lm", "--text", text, "--order", "2", "--mix", out + ":0.4", "--out", mixed}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("mix: exit %d: %s", code, stderr.String())
	}
	for _, args := range [][]string{
		{"lm"},
		{"lm", "--text", text},
		{"lm", "--text", text, "--out", out, "--cutoffs", "x"},
		{"lm", "--text", text, "--out", out, "--mix", "default"},
		{"lm", "--text", text, "--out", out, "--mix", "default:1.5"},
		{"lm", "--text", text, "--out", out, "extra"},
	} {
		if code := run(ctx, args, nil, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code := run(ctx, []string{"lm", "--text", filepath.Join(dir, "missing.txt"), "--out", out}, nil, &stdout, &stderr); code != 1 {
		t.Errorf("missing text: exit %d, want 1", code)
	}
}
