package acoustic

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// FuzzLoad feeds Load arbitrary bytes: it must return an error or a model,
// never panic, and never allocate what a header merely claims (the
// safetensors parser bounds every tensor by the data it has).
func FuzzLoad(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("not a model"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data)
		if err == nil && m == nil {
			t.Fatal("nil model without error")
		}
	})
}

// TestWriteFuzzSeeds keeps the committed seed corpus (a tiny valid model
// and a truncated one) current: run with MYNAH_UPDATE_FUZZ=1 to rewrite it.
func TestWriteFuzzSeeds(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Symbols = []string{"<sil>", "AH0", "#"}
	cfg.Dim, cfg.PredictorDim, cfg.AlignDim, cfg.Mels = 4, 2, 2, 8
	cfg.EncoderBlocks, cfg.DecoderBlocks = 1, 1
	cfg.MelMean, cfg.MelStd = make([]float32, 8), []float32{1, 1, 1, 1, 1, 1, 1, 1}
	m, err := New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf, safetensors.F16, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(buf.Bytes()[:buf.Len()/2]); err == nil {
		t.Fatal("truncated model loads")
	}
	if os.Getenv("MYNAH_UPDATE_FUZZ") == "" {
		return
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"tiny": buf.Bytes(), "truncated": buf.Bytes()[:buf.Len()/2]} {
		content := "go test fuzz v1\n[]byte(" + quoteBytes(data) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func quoteBytes(b []byte) string {
	var s bytes.Buffer
	s.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			s.WriteString(`\x`)
			s.WriteByte("0123456789abcdef"[c>>4])
			s.WriteByte("0123456789abcdef"[c&15])
		}
	}
	s.WriteByte('"')
	return s.String()
}
