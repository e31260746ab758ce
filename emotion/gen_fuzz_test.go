package emotion

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// TestGenerateFuzzCorpus writes the committed seed corpus of FuzzLoad
// when MYNAH_GEN_FUZZ=1: go test -run GenerateFuzzCorpus ./emotion.
func TestGenerateFuzzCorpus(t *testing.T) {
	if os.Getenv("MYNAH_GEN_FUZZ") != "1" {
		t.Skip("set MYNAH_GEN_FUZZ=1 to regenerate testdata/fuzz")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := New(DefaultBaseline(), nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fc, _ := m.fileConfig(map[string]string{"seed": "fuzz"})
	if err := nn.WriteModel(&b, fc, m.Params(), safetensors.F32); err != nil {
		t.Fatal(err)
	}
	valid := b.Bytes()
	seeds := map[string][]byte{
		"valid-baseline": valid,
		"truncated":      valid[:len(valid)/2],
		"header-only":    valid[:8],
		"cnn-kind":       bytes.Replace(valid, []byte(`"kind":"baseline"`), []byte(`"kind":"cnn"     `), 1),
		"huge-header":    append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, valid[8:]...),
	}
	for name, data := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
